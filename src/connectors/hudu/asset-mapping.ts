import type { DocContact, DocContactFields, DocEmail, DocPhone } from '../../domain/doc-contact.ts';
import type { DocRequiredField } from '../../domain/doc-required-field.ts';
import { flatContact, MOBILE_LABEL } from '../../domain/flat-contact.ts';
import { splitDisplayName } from '../../normalize/name.ts';
import {
  DEFAULT_FIELD_LABELS,
  fieldKey,
  MAPPED_FIELDS,
  sameLabel,
  type AssetBody,
  type AssetWire,
  type LayoutWire,
  type MappedField,
} from './wire.ts';

/**
 * A person ↔ an asset of the people layout: the asset's name is the display name (first + last, split on read), its
 * `primary_mail` the primary email, and the layout's fields named by `hudu.fields` hold the title, the phone, the
 * mobile, the other emails and the location. Pure: the client reads and writes, this file maps.
 */

/** The labels the email and phone entries of a contact carry, as the sync writes them. */
const PRIMARY_EMAIL_LABEL = 'Work';
const OTHER_EMAIL_LABEL = 'Alias';
const PHONE_LABEL = 'Work';

/** The people layout as the client uses it: its id, its fields' labels, and where each mapped field lives. */
export interface PeopleLayout {
  readonly id: number;
  readonly name: string;
  /** every field's label, in the layout's order */
  readonly labels: readonly string[];
  /** the labels of the fields the layout requires */
  readonly required: readonly string[];
  /** the layout's label of each mapped field, or null when the layout has no such field */
  readonly mapped: Readonly<Record<MappedField, string | null>>;
}

/** `hudu.fields`: the label of each mapped field a config names; the others take their default label. */
export type FieldLabels = Partial<Record<MappedField, string>>;

/** The layout named `name` among `layouts` (case aside), or null. */
export function findLayout(layouts: readonly LayoutWire[], name: string): LayoutWire | null {
  return layouts.find((layout) => sameLabel(layout.name, name)) ?? null;
}

/** The layout with each mapped field found by its label; a configured label the layout lacks is listed in `missing`. */
export function peopleLayout(
  layout: LayoutWire,
  configured: FieldLabels,
): { layout: PeopleLayout; missing: readonly { field: MappedField; label: string }[] } {
  const fields = layout.fields ?? [];
  const labels = fields.map((field) => field.label);
  const missing: { field: MappedField; label: string }[] = [];
  const mapped = {} as Record<MappedField, string | null>;
  for (const field of MAPPED_FIELDS) {
    const wanted = configured[field] ?? DEFAULT_FIELD_LABELS[field];
    const found = labels.find((label) => sameLabel(label, wanted)) ?? null;
    if (found === null && configured[field] !== undefined) missing.push({ field, label: wanted });
    mapped[field] = found;
  }
  return {
    layout: {
      id: Number(layout.id),
      name: layout.name,
      labels,
      required: fields.filter((field) => field.required === true).map((field) => field.label),
      mapped,
    },
    missing,
  };
}

/** The value of the asset's field labelled `label`, or null when it has none (an empty value is none). */
function valueOf(asset: AssetWire, label: string | null): string | null {
  if (label === null) return null;
  const value = asset.fields?.find((field) => sameLabel(field.label, label))?.value?.trim() ?? '';
  return value === '' ? null : value;
}

/** A phone as Hudu holds it in a text field: digits, and an extension after "x" or "ext". */
export function readPhone(text: string | null, label: string): DocPhone | null {
  if (text === null) return null;
  const match = /^(.*?)(?:\s*(?:x|ext\.?|#)\s*(\d+))?\s*$/i.exec(text);
  const digits = (match?.[1] ?? text).replace(/\D/g, '');
  if (digits === '') return null;
  return { value: digits, extension: match?.[2] ?? null, primary: false, label };
}

function writePhone(phone: DocPhone | null): string {
  if (phone === null) return '';
  return phone.extension === null || phone.extension === '' ? phone.value : `${phone.value} x${phone.extension}`;
}

/** The addresses of the other-emails field: one per line, or separated by commas, semicolons or spaces. */
export function readOtherEmails(text: string | null): string[] {
  if (text === null) return [];
  return text.split(/[\s,;]+/).filter((part) => part.includes('@'));
}

/** The asset's display name from a contact's names. */
export function displayName(firstName: string | null, lastName: string | null): string {
  return [firstName, lastName]
    .filter((part): part is string => part !== null && part.trim() !== '')
    .join(' ')
    .trim();
}

/**
 * The contact an asset is. Hudu has no primary flag on phones: the phone field is the primary when it holds a number,
 * else the mobile (the sync's default, `phones.primaryType` office).
 */
export function toDocContact(asset: AssetWire, layout: PeopleLayout): DocContact {
  const { firstName, lastName } = splitDisplayName(asset.name ?? null);
  const primaryMail = asset.primary_mail?.trim() ?? '';
  const emails: DocEmail[] = [];
  if (primaryMail !== '') emails.push({ value: primaryMail, primary: true, label: PRIMARY_EMAIL_LABEL });
  for (const address of readOtherEmails(valueOf(asset, layout.mapped.otherEmails)))
    if (!emails.some((email) => email.value.toLowerCase() === address.toLowerCase()))
      emails.push({ value: address, primary: false, label: OTHER_EMAIL_LABEL });
  const phone = readPhone(valueOf(asset, layout.mapped.phone), PHONE_LABEL);
  const mobile = readPhone(valueOf(asset, layout.mapped.mobile), MOBILE_LABEL);
  const phones: DocPhone[] = [];
  if (phone !== null) phones.push({ ...phone, primary: true });
  if (mobile !== null) phones.push({ ...mobile, primary: phone === null });
  const requiredBlank = layout.required.filter((label) => !isMapped(layout, label) && valueOf(asset, label) === null);
  return {
    id: asset.id,
    organizationId: asset.company_id,
    firstName,
    lastName,
    title: valueOf(asset, layout.mapped.title),
    contactTypeId: null,
    locationId: valueOf(asset, layout.mapped.location),
    important: false,
    notes: null,
    mirroredPsaContactId: null,
    archived: asset.archived ?? false,
    unkept: MAPPED_FIELDS.filter((field) => layout.mapped[field] === null),
    emails,
    phones,
    createdAt: asset.created_at ?? null,
    updatedAt: asset.updated_at ?? null,
    ...(requiredBlank.length === 0 ? {} : { requiredBlank }),
  };
}

/** The mapped field a layout's label holds, or null when contactsync writes nothing there. */
function mappedFieldOf(layout: PeopleLayout, label: string): MappedField | null {
  return MAPPED_FIELDS.find((f) => layout.mapped[f] !== null && sameLabel(layout.mapped[f], label)) ?? null;
}

const isMapped = (layout: PeopleLayout, label: string): boolean => mappedFieldOf(layout, label) !== null;

/** The mapped fields' values a contact's fields give, by the layout's label (only the fields the layout has). */
function mappedValues(fields: DocContactFields, layout: PeopleLayout): Map<string, string> {
  const flat = flatContact(fields);
  const values = new Map<string, string>();
  const set = (field: MappedField, value: string | null): void => {
    const label = layout.mapped[field];
    if (label !== null) values.set(label, value ?? '');
  };
  set('title', flat.title);
  set('phone', writePhone(flat.phone));
  set('mobile', writePhone(flat.mobile));
  set('otherEmails', flat.otherEmails.join(', '));
  set('location', flat.location);
  return values;
}

/**
 * What a create or a replace sends: the name, the layout, the primary email, and every custom field — those the asset
 * holds (`current`, null for a new one) kept as they are, the mapped ones set from `fields`. Hudu replaces the custom
 * fields with what a `PUT` sends, so a field a person filled is sent back unchanged, never blanked; one the layout
 * lacks is left out (Hudu refuses a key naming no field of the layout).
 */
export function assetBody(fields: DocContactFields, current: AssetWire | null, layout: PeopleLayout): AssetBody {
  const values = new Map<string, string>();
  // A field the layout lacks (kept on an asset from an older layout) is no field Hudu takes: it is not sent.
  for (const field of current?.fields ?? [])
    if (layout.labels.some((label) => sameLabel(label, field.label))) values.set(field.label, field.value ?? '');
  for (const [label, value] of mappedValues(fields, layout)) {
    const held = [...values.keys()].find((existing) => sameLabel(existing, label));
    if (held !== undefined) values.delete(held);
    values.set(label, value);
  }
  return {
    asset: {
      name: displayName(fields.firstName, fields.lastName),
      asset_layout_id: layout.id,
      primary_mail: flatContact(fields).primaryEmail ?? '',
      custom_fields: [...values].map(([label, value]) => ({ [fieldKey(label)]: value })),
    },
  };
}

/** The contact's fields as they stand on an asset: the base a patch is laid over. */
export function fieldsOf(contact: DocContact): DocContactFields {
  return {
    firstName: contact.firstName,
    lastName: contact.lastName,
    title: contact.title,
    contactTypeId: null,
    locationId: contact.locationId,
    emails: contact.emails,
    phones: contact.phones,
  };
}

/** The labels of the layout's required fields that a body leaves empty (the name and primary email aside). */
export function missingRequired(body: AssetBody, layout: PeopleLayout): string[] {
  const filled = new Set<string>();
  for (const entry of body.asset.custom_fields)
    for (const [key, value] of Object.entries(entry)) if (value.trim() !== '') filled.add(key);
  return layout.required.filter((label) => !filled.has(fieldKey(label)));
}

/** The asset as a replace left it, from what was sent: for an answer that does not carry the asset. */
export function sentAsset(before: AssetWire, body: AssetBody): AssetWire {
  const labelOf = (key: string): string => before.fields?.find((field) => fieldKey(field.label) === key)?.label ?? key;
  return {
    ...before,
    name: body.asset.name,
    primary_mail: body.asset.primary_mail,
    fields: body.asset.custom_fields
      .flatMap((entry) => Object.entries(entry))
      .map(([key, value]) => ({ label: labelOf(key), value })),
  };
}

/**
 * The layout's required fields as the sync holds a person on them: each with the mapped field that fills it, or none
 * when `hudu.fields` maps nothing to it (then no new person can be written until the layout or the config changes).
 */
export function requiredFieldsOf(layout: PeopleLayout): DocRequiredField[] {
  return layout.required.map((label) => {
    const field = mappedFieldOf(layout, label);
    return {
      label,
      field,
      remedy:
        field === null
          ? `Make "${label}" optional in Hudu's layout "${layout.name}", or name it in hudu.fields for a value contactsync writes.`
          : `Fill it in Microsoft 365, or make "${label}" optional in Hudu's layout "${layout.name}".`,
    };
  });
}
