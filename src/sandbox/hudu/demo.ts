import type { ItGlueContactSeed, ItGlueSeed } from '../itglue/itglue-seed.ts';
import type { DemoPart } from '../sandbox-target.ts';
import type { TenantSeed } from '../tenant-seed.ts';
import type { HuduAssetSeed, HuduSeed } from './seed-schema.ts';

/** The demo's layout people are kept in: the labels contactsync writes by default, and notes a person keeps. */
const PEOPLE_LAYOUT = {
  id: 1,
  name: 'People',
  fields: [
    { label: 'Title', required: false, field_type: 'Text' },
    { label: 'Phone', required: false, field_type: 'Phone' },
    { label: 'Mobile', required: false, field_type: 'Phone' },
    { label: 'Other emails', required: false, field_type: 'Text' },
    { label: 'Location', required: false, field_type: 'Text' },
    { label: 'Notes', required: false, field_type: 'RichText' },
  ],
};

type Phone = ItGlueContactSeed['contact-phones'][number];

function isMobile(phone: Phone): boolean {
  return /mobile/i.test(phone['label-name'] ?? '');
}

function phoneText(phone: Phone | undefined): string | null {
  if (phone === undefined) return null;
  return phone.extension === null || phone.extension === '' ? phone.value : `${phone.value} x${phone.extension}`;
}

function asset(contact: ItGlueContactSeed, locations: ReadonlyMap<string, string>): HuduAssetSeed {
  const emails = contact['contact-emails'];
  const primary = emails.find((e) => e.primary) ?? emails[0];
  const phones = contact['contact-phones'];
  const office = phones.filter((p) => !isMobile(p));
  const fields = {
    Title: contact.title,
    Phone: phoneText(office.find((p) => p.primary) ?? office[0]),
    Mobile: phoneText(phones.find(isMobile)),
    'Other emails':
      emails
        .filter((e) => e !== primary)
        .map((e) => e.value)
        .join(', ') || null,
    Location: contact['location-id'] === null ? null : (locations.get(contact['location-id']) ?? null),
    Notes: contact.notes,
  };
  return {
    id: Number(contact.id),
    asset_layout_id: PEOPLE_LAYOUT.id,
    name: [contact['first-name'], contact['last-name']].filter((part) => part !== null && part !== '').join(' '),
    primary_mail: primary?.value ?? null,
    archived: false,
    fields: Object.entries(fields)
      .filter((entry): entry is [string, string] => entry[1] !== null)
      .map(([label, value]) => ({ label, value })),
  };
}

/**
 * Hudu keeps a person's place as text and has no location records, so no primary one a new person's place defaults to:
 * each demo tenant names its first place (which the demo's people hold) as the default, as an MSP on Hudu sets
 * `location.default`, so that a PSA that requires a location (BMS) gets one.
 */
function withDefaultLocation(tenant: TenantSeed, itglue: ItGlueSeed): TenantSeed {
  const organization = itglue.organizations.find((o) => o.name === tenant.displayName);
  const first = organization?.locations.find((l) => l.primary) ?? organization?.locations[0];
  if (first === undefined) return tenant;
  const location = { default: first.name, ...(tenant.settings.location as object | undefined) };
  return { ...tenant, settings: { ...tenant.settings, location } };
}

/** The demo on Hudu: its records, and its tenants with the default location Hudu needs named. */
export function huduDemoOf(demo: {
  readonly itglue?: ItGlueSeed | undefined;
  readonly tenants: readonly TenantSeed[];
}): DemoPart<HuduSeed, never> {
  if (demo.itglue === undefined) return {};
  const itglue = demo.itglue;
  return { records: huduDemo(itglue), tenants: demo.tenants.map((tenant) => withDefaultLocation(tenant, itglue)) };
}

/**
 * The demo's documentation records on Hudu: each IT Glue organization becomes a company with the same id and name,
 * and each contact an asset of the "People" layout with the same id, the person's name as the asset's name, the
 * primary email as `primary_mail`, and the title, phones, other emails, location name and notes in the layout's
 * fields, so that every matching case of the demo (by alias, by username, by name, disputes, namesakes, vendors)
 * occurs on Hudu too.
 */
export function huduDemo(itglue: ItGlueSeed): HuduSeed {
  return {
    assetLayouts: [PEOPLE_LAYOUT],
    companies: itglue.organizations.map((organization) => {
      const locations = new Map(organization.locations.map((l) => [l.id, l.name]));
      return {
        id: Number(organization.id),
        name: organization.name,
        assets: organization.contacts.map((contact) => asset(contact, locations)),
      };
    }),
  };
}
