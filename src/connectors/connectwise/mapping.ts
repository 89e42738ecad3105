import type { PsaContact, PsaContactFields } from '../../domain/psa-contact.ts';
import { EMAIL_KIND, PHONE_KIND, type ConnectwiseContactWire, type ConnectwiseItemWire } from './wire.ts';

/**
 * ConnectWise contacts ↔ the PSA port. A contact's emails and phones are its communication items: the default email
 * item is the primary email and the other email items are other emails (matched on, never written); the office phone
 * is the item of the configured phone type, the mobile phone the item of the configured mobile type. `site` is the
 * location, `inactiveFlag` the opposite of active.
 */

/** The ids of the communication types contactsync writes (the config's `emailType`, `phoneType`, `mobileType`). */
export interface ItemTypes {
  readonly email: number | null;
  readonly phone: number | null;
  readonly mobile: number | null;
}

const isEmail = (item: ConnectwiseItemWire) => item.communicationType === EMAIL_KIND;

/** The item a field reads: the default one of those that qualify, else the first. */
function chosen(items: readonly ConnectwiseItemWire[]): ConnectwiseItemWire | null {
  return items.find((item) => item.defaultFlag) ?? items[0] ?? null;
}

export function primaryEmailItem(items: readonly ConnectwiseItemWire[]): ConnectwiseItemWire | null {
  return chosen(items.filter(isEmail));
}

export function phoneItem(items: readonly ConnectwiseItemWire[], typeId: number | null): ConnectwiseItemWire | null {
  return typeId === null ? null : chosen(items.filter((item) => item.type.id === typeId && !isEmail(item)));
}

/** An item's value, null when there is no item or it is blank. */
const valueOf = (item: ConnectwiseItemWire | null) => (item === null || item.value.trim() === '' ? null : item.value);

export function toPsaContact(wire: ConnectwiseContactWire, accountId: number, types: ItemTypes): PsaContact {
  const items = wire.communicationItems;
  const primary = primaryEmailItem(items);
  return {
    id: wire.id,
    accountId: wire.company?.id ?? accountId,
    firstName: wire.firstName,
    lastName: wire.lastName,
    jobTitle: wire.title,
    emailAddress: valueOf(primary),
    emailTypeId: null,
    phoneNumber: valueOf(phoneItem(items, types.phone)),
    phoneTypeId: null,
    mobilePhone: valueOf(phoneItem(items, types.mobile)),
    otherEmails: items.filter((item) => isEmail(item) && item !== primary && item.value !== '').map((i) => i.value),
    locationId: wire.site?.id ?? null,
    isActive: !wire.inactiveFlag,
  };
}

/** An item a create sends. */
function newItem(typeId: number, value: string, kind: string, defaultFlag: boolean): Record<string, unknown> {
  return { type: { id: typeId }, value, defaultFlag, communicationType: kind };
}

/** The body of `POST company/contacts`: the fields the port gives, less those it has no value for. */
export function toCreateBody(companyId: number, fields: PsaContactFields, types: ItemTypes): Record<string, unknown> {
  const items = [
    newItem(types.email!, fields.emailAddress, EMAIL_KIND, true),
    ...(fields.phoneNumber === null ? [] : [newItem(types.phone!, fields.phoneNumber, PHONE_KIND, true)]),
    ...(fields.mobilePhone === null
      ? []
      : [newItem(types.mobile!, fields.mobilePhone, PHONE_KIND, fields.phoneNumber === null)]),
  ];
  return {
    firstName: fields.firstName,
    ...(fields.lastName === null ? {} : { lastName: fields.lastName }),
    ...(fields.jobTitle === null ? {} : { title: fields.jobTitle }),
    company: { id: companyId },
    ...(fields.locationId === null ? {} : { site: { id: fields.locationId } }),
    inactiveFlag: !fields.isActive,
    communicationItems: items,
  };
}

/** The contact's own fields a JSON Patch writes, by the port's name. */
const PATCHED: Partial<Record<keyof PsaContactFields, (f: PsaContactFields) => { path: string; value: unknown }>> = {
  firstName: (f) => ({ path: 'firstName', value: f.firstName }),
  lastName: (f) => ({ path: 'lastName', value: f.lastName }),
  jobTitle: (f) => ({ path: 'title', value: f.jobTitle }),
  // Public clients patch a reference by its `/id` path (`manufacturer/id`); inferred: null under `site` clears it.
  locationId: (f) => (f.locationId === null ? { path: 'site', value: null } : { path: 'site/id', value: f.locationId }),
  isActive: (f) => ({ path: 'inactiveFlag', value: !f.isActive }),
};

export interface PatchOperation {
  readonly op: 'replace';
  readonly path: string;
  readonly value: unknown;
}

/** The JSON Patch of the contact's own fields that changed (emails and phones go through its communications). */
export function contactPatch(fields: PsaContactFields, changed: readonly (keyof PsaContactFields)[]): PatchOperation[] {
  return changed.flatMap((field) => {
    const write = PATCHED[field];
    return write === undefined ? [] : [{ op: 'replace' as const, ...write(fields) }];
  });
}

export const INACTIVE_PATCH: readonly PatchOperation[] = [{ op: 'replace', path: 'inactiveFlag', value: true }];

/** One write of the communications sub-resource. */
export type ItemWrite =
  | { readonly kind: 'add'; readonly body: Record<string, unknown> }
  | { readonly kind: 'patch'; readonly itemId: number; readonly patch: readonly PatchOperation[] }
  | { readonly kind: 'remove'; readonly itemId: number };

/**
 * The item writes that bring the contact's emails and phones to the fields that changed, touching no other item: the
 * address made default where the contact has it already, else added as the default item (the older primary kept as
 * another email); a phone of a configured type changed, added, or removed when Microsoft 365 has none any more.
 */
export function itemWrites(
  items: readonly ConnectwiseItemWire[],
  fields: PsaContactFields,
  changed: readonly (keyof PsaContactFields)[],
  types: ItemTypes,
): ItemWrite[] {
  const writes: ItemWrite[] = [];
  if (changed.includes('emailAddress')) {
    const wanted = fields.emailAddress.toLowerCase();
    const same = items.find((item) => isEmail(item) && item.value.toLowerCase() === wanted);
    if (same !== undefined && !same.defaultFlag)
      writes.push({ kind: 'patch', itemId: same.id, patch: [{ op: 'replace', path: 'defaultFlag', value: true }] });
    // A new default item: the older primary stays, no longer the default (DESIGN.md, field rules).
    else if (same === undefined)
      writes.push({ kind: 'add', body: newItem(types.email!, fields.emailAddress, EMAIL_KIND, true) });
  }
  const hasDefaultPhone = items.some((item) => !isEmail(item) && item.defaultFlag);
  const phone = (field: 'phoneNumber' | 'mobilePhone', typeId: number | null) => {
    if (!changed.includes(field) || typeId === null) return;
    const current = phoneItem(items, typeId);
    const value = fields[field];
    if (value === null) {
      if (current !== null) writes.push({ kind: 'remove', itemId: current.id });
    } else if (current === null) {
      writes.push({
        kind: 'add',
        body: newItem(typeId, value, PHONE_KIND, !hasDefaultPhone && field === 'phoneNumber'),
      });
    } else if (current.value !== value) {
      writes.push({ kind: 'patch', itemId: current.id, patch: [{ op: 'replace', path: 'value', value }] });
    }
  };
  phone('phoneNumber', types.phone);
  phone('mobilePhone', types.mobile);
  return writes;
}
