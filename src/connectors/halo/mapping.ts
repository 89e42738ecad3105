import type { PsaContact, PsaContactFields } from '../../domain/psa-contact.ts';
import { USER_FIELDS, type HaloUserWire } from './wire.ts';

/**
 * Halo users ↔ the PSA port: `jobtitle` the job title, `phonenumber` the office phone and `mobilenumber` the mobile
 * one, `site_id` the location, `inactive` the opposite of active, `azureoid` and `azure_tenant_id` the Microsoft 365
 * ids. `email2` and `email3` are the person's: read as other emails (matched on), and written only to keep an older
 * primary when the primary changes (`keptPrimary`). `name` (the name Halo shows) is written with the first name or the
 * surname.
 */

const WIRE_OF = {
  firstName: USER_FIELDS.firstName,
  lastName: USER_FIELDS.surname,
  jobTitle: USER_FIELDS.jobTitle,
  emailAddress: USER_FIELDS.email,
  phoneNumber: USER_FIELDS.phone,
  mobilePhone: USER_FIELDS.mobile,
  locationId: USER_FIELDS.siteId,
  isActive: USER_FIELDS.inactive,
  directoryId: USER_FIELDS.azureObjectId,
  directoryTenantId: USER_FIELDS.azureTenantId,
} as const satisfies Partial<Record<keyof PsaContactFields, string>>;

type MappedField = keyof typeof WIRE_OF;
const MAPPED = Object.keys(WIRE_OF) as MappedField[];

function wireValue(field: MappedField, fields: PsaContactFields): unknown {
  const value = fields[field];
  if (field === 'isActive') return value === false;
  return value ?? null;
}

/** The name Halo shows: first name and surname. */
export function displayName(fields: Pick<PsaContactFields, 'firstName' | 'lastName'>): string {
  return [fields.firstName, fields.lastName].filter((part) => part !== null && part !== '').join(' ');
}

export function toPsaContact(user: HaloUserWire, clientId: number): PsaContact {
  return {
    id: user.id,
    accountId: user.client_id ?? clientId,
    firstName: user.firstname,
    lastName: user.surname,
    jobTitle: user.jobtitle,
    emailAddress: user.emailaddress,
    emailTypeId: null,
    phoneNumber: user.phonenumber,
    phoneTypeId: null,
    mobilePhone: user.mobilenumber,
    otherEmails: [user.email2, user.email3].filter((email): email is string => email !== null),
    locationId: user.site_id ?? null,
    isActive: user.inactive !== true,
    directoryId: user.azureoid,
    directoryTenantId: user.azure_tenant_id,
  };
}

/** A create: every field the port gives, less those it has no value for, with the name Halo shows. */
export function toCreateItem(fields: PsaContactFields): Record<string, unknown> {
  const item: Record<string, unknown> = { [USER_FIELDS.name]: displayName(fields) };
  for (const field of MAPPED) {
    const value = wireValue(field, fields);
    if (value !== null) item[WIRE_OF[field]] = value;
  }
  return item;
}

/**
 * An update: the id and only the fields that changed (Halo keeps every field not sent); the name Halo shows follows a
 * changed first name or surname. Every body names the site (CONTRACTS.md: "every public body sets `site_id`").
 */
export function toUpdateItem(
  id: number,
  siteId: number | null,
  fields: PsaContactFields,
  changed: readonly (keyof PsaContactFields)[],
): Record<string, unknown> {
  const item: Record<string, unknown> = { [USER_FIELDS.id]: id };
  for (const field of changed)
    if (field in WIRE_OF) item[WIRE_OF[field as MappedField]] = wireValue(field as MappedField, fields);
  if (Object.keys(item).length === 1) return item;
  if (changed.includes('firstName') || changed.includes('lastName')) item[USER_FIELDS.name] = displayName(fields);
  if (!(USER_FIELDS.siteId in item) && siteId !== null) item[USER_FIELDS.siteId] = siteId;
  return item;
}

/** The update that makes a user inactive, naming its site and touching nothing else. */
export function toInactiveItem(id: number, siteId: number | null): Record<string, unknown> {
  return {
    [USER_FIELDS.id]: id,
    [USER_FIELDS.inactive]: true,
    ...(siteId === null ? {} : { [USER_FIELDS.siteId]: siteId }),
  };
}

const sameAddress = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
const blank = (value: string | null): boolean => value === null || value.trim() === '';

/**
 * The other-email fields an update sends beside a new primary so that the older primary is kept as a non-primary email
 * (DESIGN.md, field rules): into the field that held the new address, else a free one; nothing when the older primary
 * is blank, the same, or held already. Null when both fields hold other addresses: the older primary would be lost, so
 * the primary is not to be replaced.
 */
export function keptPrimary(
  current: Pick<HaloUserWire, 'emailaddress' | 'email2' | 'email3'>,
  next: string,
): Record<string, string> | null {
  const old = current.emailaddress;
  if (old === null || blank(old) || sameAddress(old, next)) return {};
  const slots = [USER_FIELDS.email2, USER_FIELDS.email3] as const;
  if (slots.some((slot) => sameAddress(current[slot], old))) return {};
  const slot = slots.find((s) => sameAddress(current[s], next)) ?? slots.find((s) => blank(current[s]));
  return slot === undefined ? null : { [slot]: old };
}
