import type { AutotaskContactSeed } from './autotask-seed.ts';
import { AutotaskError, CONTACT_FIELDS, WRITABLE_CONTACT_FIELDS, type FieldInfo } from './autotask-entities.ts';
import { keyOf } from './autotask-query.ts';

/**
 * What a contact create (`POST Companies/{id}/Contacts`), update (`PATCH`) or replace (`PUT`, same route) sets, read
 * as Autotask reads it: field names ignoring case, fields it does not know (and those the seed says to ignore) dropped,
 * read-only fields ignored, every refusal collected into `errors[]`, each naming its field.
 */

export type ContactWriteMode = 'create' | 'patch' | 'put';

export interface ContactRecord extends AutotaskContactSeed {
  companyID: number;
}

export interface WriteContext {
  readonly companyId: number;
  /** the ids of the route's company's locations */
  readonly locationIds: readonly number[];
  /** fields the database requires besides Autotask's own */
  readonly requiredFields: readonly string[];
  readonly ignoreFields: readonly string[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const EMAIL_FIELDS = new Set(['emailAddress', 'emailAddress2', 'emailAddress3']);

/** The fields a write must leave with a value: Autotask's own, and those the database adds. */
export function requiredContactFields(extra: readonly string[]): FieldInfo[] {
  const added = new Set(extra.map((name) => name.toLowerCase()));
  return WRITABLE_CONTACT_FIELDS.filter((f) => f.isRequired || added.has(f.name.toLowerCase()));
}

function missing(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

/** The problem with one field's value, or null. */
function problem(f: FieldInfo, value: unknown, context: WriteContext): string | null {
  if (value === null) return null;
  switch (f.dataType) {
    case 'string':
      if (typeof value !== 'string') return `${f.name}: a text value is required, not ${JSON.stringify(value)}.`;
      if (value.length > f.length) return `${f.name}: at most ${f.length} characters (${value.length} given).`;
      if (EMAIL_FIELDS.has(f.name) && value !== '' && !EMAIL.test(value))
        return `${f.name}: "${value}" is not a valid email address.`;
      return null;
    case 'integer':
      if (f.name === 'isActive' && value !== 0 && value !== 1)
        return `isActive: must be the integer 1 (active) or 0 (inactive), not ${JSON.stringify(value)}.`;
      if (typeof value !== 'number' || !Number.isInteger(value))
        return `${f.name}: a whole number is required, not ${JSON.stringify(value)}.`;
      if (f.name === 'companyLocationID' && !context.locationIds.includes(value))
        return `companyLocationID: location ${value} is not a location of company ${context.companyId}.`;
      if (f.name === 'companyID' && value !== context.companyId)
        return `companyID: ${value} is not the company of the route (${context.companyId}).`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${f.name}: true or false is required, not ${JSON.stringify(value)}.`;
    case 'datetime':
      return null;
  }
}

function userDefinedFields(value: unknown): { name: string; value: string | null }[] | string {
  if (
    Array.isArray(value) &&
    value.every(
      (u) =>
        u !== null &&
        typeof u === 'object' &&
        typeof (u as Record<string, unknown>).name === 'string' &&
        ['string', 'object'].includes(typeof (u as Record<string, unknown>).value),
    )
  )
    return (value as { name: string; value: string | null }[]).map((u) => ({ name: u.name, value: u.value ?? null }));
  return 'userDefinedFields: a list of {name, value} is required.';
}

/**
 * The fields a write sets on the contact (`current` is the contact a patch or a put changes). A put sets every
 * writable field it is not sent to null (so a client that puts a partial contact is seen to blank it).
 */
export function contactWrite(
  body: Readonly<Record<string, unknown>>,
  mode: ContactWriteMode,
  context: WriteContext,
): Partial<ContactRecord> {
  const ignored = new Set(context.ignoreFields.map((name) => name.toLowerCase()));
  const errors: string[] = [];
  const set: Record<string, unknown> = {};
  for (const f of WRITABLE_CONTACT_FIELDS) {
    if (ignored.has(f.name.toLowerCase())) continue;
    const value = keyOf(body, f.name);
    if (value === undefined) {
      if (mode === 'put') set[f.name] = f.dataType === 'boolean' ? false : null;
      continue;
    }
    const wrong = problem(f, value, context);
    if (wrong !== null) errors.push(wrong);
    else set[f.name] = value;
  }
  const udfs = keyOf(body, 'userDefinedFields');
  if (udfs !== undefined && !ignored.has('userdefinedfields')) {
    const read = userDefinedFields(udfs);
    if (typeof read === 'string') errors.push(read);
    else set.userDefinedFields = read;
  }
  for (const f of requiredContactFields(context.requiredFields)) {
    if (ignored.has(f.name.toLowerCase()) || errors.some((e) => e.startsWith(`${f.name}:`))) continue;
    const sent = f.name in set;
    // A create and a put must carry every required field; a patch must not empty one it sends.
    if ((mode !== 'patch' && !sent) || (sent && missing(set[f.name])))
      errors.push(`${f.name}: the field is required (Missing Required Field: ${f.name}).`);
  }
  if (errors.length > 0) throw new AutotaskError(errors);
  return set as Partial<ContactRecord>;
}

/** The id a patch or a put names: required, a whole number. */
export function idOfWrite(body: Readonly<Record<string, unknown>>): number {
  const id = keyOf(body, 'id');
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1)
    throw new AutotaskError('id: the id of the contact to update is required.');
  return id;
}

/** A contact in the shape every read answers: all its fields, by their own names. */
export function contactItem(contact: ContactRecord): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const f of CONTACT_FIELDS) item[f.name] = (contact as unknown as Record<string, unknown>)[f.name] ?? null;
  item.userDefinedFields = contact.userDefinedFields;
  return item;
}
