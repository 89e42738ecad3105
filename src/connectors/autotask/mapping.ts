import type { PsaContact, PsaContactFields } from '../../domain/psa-contact.ts';
import { CONTACT_FIELDS, type AutotaskContactWire } from './wire.ts';

/**
 * Autotask contacts ↔ the PSA port: `title` is the job title, `phone` the office phone and `mobilePhone` the mobile
 * one, `companyLocationID` the location, `isActive` 1 or 0. `emailAddress2` and `emailAddress3` are the person's: read
 * as other emails (matched on), and written only to keep an older primary when the primary changes
 * (`emailFieldsFor`). Autotask has no email or phone types.
 */

/** Each field of the port that Autotask holds, by its name on the wire. */
const WIRE_OF = {
  firstName: CONTACT_FIELDS.firstName,
  lastName: CONTACT_FIELDS.lastName,
  jobTitle: CONTACT_FIELDS.title,
  emailAddress: CONTACT_FIELDS.email,
  phoneNumber: CONTACT_FIELDS.phone,
  mobilePhone: CONTACT_FIELDS.mobilePhone,
  locationId: CONTACT_FIELDS.locationId,
  isActive: CONTACT_FIELDS.isActive,
} as const satisfies Partial<Record<keyof PsaContactFields, string>>;

type MappedField = keyof typeof WIRE_OF;

/** The port's field that an Autotask contact field is, for the fields the sync fills. */
export function portFieldOf(wireName: string): keyof PsaContactFields | null {
  const wanted = wireName.toLowerCase();
  const found = Object.entries(WIRE_OF).find(([, wire]) => wire.toLowerCase() === wanted);
  return found === undefined ? null : (found[0] as keyof PsaContactFields);
}
const MAPPED = Object.keys(WIRE_OF) as MappedField[];

/** A port value as Autotask takes it: `isActive` as an integer. */
function wireValue(field: MappedField, fields: PsaContactFields): unknown {
  const value = fields[field];
  if (field === 'isActive') return value ? 1 : 0;
  return value;
}

export function toPsaContact(item: AutotaskContactWire, accountId: number): PsaContact {
  return {
    id: item.id,
    accountId: item.companyID ?? accountId,
    firstName: item.firstName,
    lastName: item.lastName,
    jobTitle: item.title,
    emailAddress: item.emailAddress,
    emailTypeId: null,
    phoneNumber: item.phone,
    phoneTypeId: null,
    mobilePhone: item.mobilePhone,
    otherEmails: [item.emailAddress2, item.emailAddress3].filter((email): email is string => email !== null),
    locationId: item.companyLocationID,
    isActive: item.isActive ?? true,
  };
}

/** The body of a create on `Companies/{id}/Contacts`: every field the port gives, less those it has no value for. */
export function toCreateBody(companyId: number, fields: PsaContactFields): Record<string, unknown> {
  const body: Record<string, unknown> = { [CONTACT_FIELDS.companyId]: companyId };
  for (const field of MAPPED) {
    const value = wireValue(field, fields);
    if (value !== null) body[WIRE_OF[field]] = value;
  }
  return body;
}

/**
 * The body of a PATCH: the id and only the fields that changed (a field Autotask does not hold is left out). Inferred:
 * a field is cleared by sending null (KelvinTegelaar/AutotaskAPI says of its PATCH: "Null values will overwrite with
 * null values").
 */
export function toPatchBody(
  id: number,
  fields: PsaContactFields,
  changed: readonly (keyof PsaContactFields)[],
): Record<string, unknown> {
  const body: Record<string, unknown> = { [CONTACT_FIELDS.id]: id };
  for (const field of changed)
    if (field in WIRE_OF) body[WIRE_OF[field as MappedField]] = wireValue(field as MappedField, fields);
  return body;
}

/** The PATCH that makes a contact inactive and touches nothing else. */
export function toInactiveBody(id: number): Record<string, unknown> {
  return { [CONTACT_FIELDS.id]: id, [CONTACT_FIELDS.isActive]: 0 };
}

/** The contact fields an error can be about, longest first: `emailAddress2` is not `emailAddress`. */
const NAMED_IN_ERRORS = Object.values(CONTACT_FIELDS).sort((a, b) => b.length - a.length);

/** The contact field an Autotask error message names (as a word, in any case), by Autotask's own name for it. */
export function fieldOfError(message: string): string | null {
  const words = new Set(message.match(/[A-Za-z][A-Za-z0-9]*/g)?.map((w) => w.toLowerCase()) ?? []);
  return NAMED_IN_ERRORS.find((field) => words.has(field.toLowerCase())) ?? null;
}

export type EmailSlots = Pick<AutotaskContactWire, 'emailAddress' | 'emailAddress2' | 'emailAddress3'>;

const sameAddress = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
const blank = (value: string | null): boolean => value === null || value.trim() === '';

/**
 * The email fields a PATCH sends to make `next` the primary address without losing one the person has (DESIGN.md,
 * "Field rules": an older primary is kept as a non-primary email): the old primary goes into the slot that held
 * `next`, else into a free one of `emailAddress2`/`3` (unless a slot holds it already). Null when both slots hold
 * other addresses: the primary is then kept as it is.
 */
export function emailFieldsFor(current: EmailSlots, next: string): Record<string, string | null> | null {
  const slots = [CONTACT_FIELDS.email2, CONTACT_FIELDS.email3] as const;
  const old = current.emailAddress;
  const holding = slots.find((slot) => sameAddress(current[slot], next));
  const primary = { [CONTACT_FIELDS.email]: next };
  // No older primary to keep: the new one leaves the slot it was in, rather than being held twice.
  if (blank(old) || sameAddress(old, next)) return holding === undefined ? primary : { ...primary, [holding]: null };
  if (holding !== undefined) return { ...primary, [holding]: old };
  if (slots.some((slot) => sameAddress(current[slot], old))) return primary;
  const free = slots.find((slot) => blank(current[slot]));
  return free === undefined ? null : { ...primary, [free]: old };
}
