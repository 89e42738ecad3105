/** Links into each system's own web app for one person (the address patterns are inferred, not documented). */
export interface DeepLinks {
  readonly microsoft: string;
  readonly itglue: string | null;
  readonly bms: string | null;
}

export function deepLinks(
  tenantId: string,
  userId: string,
  itglueOrganizationId: string | null,
  docContactId: string | null,
  psaContactId: number | null,
): DeepLinks {
  return {
    microsoft: `https://entra.microsoft.com/${encodeURIComponent(tenantId)}/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/${encodeURIComponent(userId)}`,
    itglue:
      docContactId === null || itglueOrganizationId === null
        ? null
        : `https://app.itglue.com/${encodeURIComponent(itglueOrganizationId)}/contacts/${encodeURIComponent(docContactId)}`,
    bms: psaContactId === null ? null : `https://bms.kaseya.com/react/crm/contacts/${psaContactId}`,
  };
}
