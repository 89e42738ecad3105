/**
 * Links into each system's own web app for one person. The address patterns are inferred, not documented: IT Glue's
 * web app lives on the account's own subdomain (its API's `resource-url` attributes show it), BMS's on a host per
 * region.
 */
export interface DeepLinks {
  readonly microsoft: string;
  readonly doc: string | null;
  readonly psa: string | null;
  /** why there is no IT Glue link although the person has a contact, and how to have one */
  readonly docHint: string | null;
}

/** Where the MSP's IT Glue and BMS accounts live on the web, from the config. */
export interface LinkSettings {
  /** the IT Glue account's subdomain (`msp` of https://msp.itglue.com); null when not configured */
  readonly itglueSubdomain: string | null;
  readonly itglueRegion: 'us' | 'eu' | 'au';
  readonly bmsRegion: 'us' | 'emea' | 'apac';
}

export const NO_LINK_SETTINGS: LinkSettings = { itglueSubdomain: null, itglueRegion: 'us', bmsRegion: 'us' };

/** IT Glue's web domains by data center (the API's are api.itglue.com, api.eu.itglue.com, api.au.itglue.com). */
const ITGLUE_WEB_DOMAINS: Readonly<Record<LinkSettings['itglueRegion'], string>> = {
  us: 'itglue.com',
  eu: 'eu.itglue.com',
  au: 'au.itglue.com',
};

/** BMS's web app by region (the API's hosts are the same with `api.` in front). */
const BMS_WEB_HOSTS: Readonly<Record<LinkSettings['bmsRegion'], string>> = {
  us: 'https://bms.kaseya.com',
  emea: 'https://bmsemea.kaseya.com',
  apac: 'https://bmsapac.kaseya.com',
};

export function deepLinks(
  ids: {
    readonly tenantId: string;
    readonly userId: string;
    readonly itglueOrganizationId: string | null;
    readonly docContactId: string | null;
    readonly psaContactId: number | null;
  },
  settings: LinkSettings,
): DeepLinks {
  const hasContact = ids.docContactId !== null && ids.itglueOrganizationId !== null;
  return {
    microsoft: `https://entra.microsoft.com/${encodeURIComponent(ids.tenantId)}/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${encodeURIComponent(ids.userId)}`,
    doc:
      !hasContact || settings.itglueSubdomain === null
        ? null
        : `https://${settings.itglueSubdomain}.${ITGLUE_WEB_DOMAINS[settings.itglueRegion]}/${encodeURIComponent(ids.itglueOrganizationId!)}/contacts/${encodeURIComponent(ids.docContactId!)}`,
    psa:
      ids.psaContactId === null ? null : `${BMS_WEB_HOSTS[settings.bmsRegion]}/react/crm/contacts/${ids.psaContactId}`,
    docHint:
      hasContact && settings.itglueSubdomain === null
        ? 'Set itglue.subdomain in the config (the MSP in https://MSP.itglue.com; contactsync doctor shows it) to link into IT Glue.'
        : null,
  };
}
