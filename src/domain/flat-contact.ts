import type { DocContactFields, DocEmail, DocPhone, FlatField } from './doc-contact.ts';

/**
 * A documentation contact as a platform that keeps one value per field holds it (people kept as records whose name
 * is the display name, with one primary email and fields for the title, the place, the other emails, a phone and a
 * mobile): no labels, no primary flag on phones, and fields a platform may have no place for. What such a platform
 * writes and what the sync compares are both this form, so that a write reads back as no change.
 */

/** A field of the flat form that differs. */
export type FlatChange = 'name' | 'primaryEmail' | FlatField;

/** The label of a mobile phone; any other label is the phone. */
export const MOBILE_LABEL = 'Mobile';

export interface FlatContact {
  readonly name: string;
  readonly title: string | null;
  readonly location: string | null;
  readonly primaryEmail: string | null;
  /** the other addresses, in the contact's order, the primary and repeats left out */
  readonly otherEmails: readonly string[];
  readonly phone: DocPhone | null;
  readonly mobile: DocPhone | null;
}

/** A first and a last name as one display name. */
export function joinedName(firstName: string | null, lastName: string | null): string {
  return [firstName ?? '', lastName ?? ''].join(' ').trim();
}

/** The phone of one slot: the primary one of its kind, else the last one (Microsoft's comes after one kept by hand). */
function slot(phones: readonly DocPhone[], mobile: boolean): DocPhone | null {
  const ofKind = phones.filter((phone) => (phone.label === MOBILE_LABEL) === mobile);
  return ofKind.find((phone) => phone.primary) ?? ofKind.at(-1) ?? null;
}

function primaryOf(emails: readonly DocEmail[]): DocEmail | null {
  return emails.find((email) => email.primary) ?? emails[0] ?? null;
}

type FlatSource = Pick<DocContactFields, 'firstName' | 'lastName' | 'title' | 'locationId' | 'emails' | 'phones'>;

export function flatContact(fields: FlatSource): FlatContact {
  const primary = primaryOf(fields.emails);
  const seen = new Set<string>(primary === null ? [] : [primary.value.toLowerCase()]);
  const otherEmails: string[] = [];
  for (const email of fields.emails) {
    const key = email.value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    otherEmails.push(email.value);
  }
  return {
    name: joinedName(fields.firstName, fields.lastName),
    title: fields.title,
    location: fields.locationId,
    primaryEmail: primary?.value ?? null,
    otherEmails,
    phone: slot(fields.phones, false),
    mobile: slot(fields.phones, true),
  };
}

const phoneText = (phone: DocPhone | null): string =>
  phone === null ? '' : `${phone.value}${phone.extension === null ? '' : ` x${phone.extension}`}`;

const emailSet = (emails: readonly string[]): string =>
  emails
    .map((email) => email.toLowerCase())
    .sort()
    .join(' ');

/** The fields of the flat form in which `a` and `b` differ, those in `unkept` left out. */
export function flatChanges(a: FlatContact, b: FlatContact, unkept: readonly FlatField[] = []): FlatChange[] {
  const same: Readonly<Record<FlatChange, boolean>> = {
    name: a.name === b.name,
    primaryEmail: (a.primaryEmail ?? '').toLowerCase() === (b.primaryEmail ?? '').toLowerCase(),
    title: (a.title ?? '') === (b.title ?? ''),
    location: (a.location ?? '') === (b.location ?? ''),
    otherEmails: emailSet(a.otherEmails) === emailSet(b.otherEmails),
    phone: phoneText(a.phone) === phoneText(b.phone),
    mobile: phoneText(a.mobile) === phoneText(b.mobile),
  };
  return (Object.keys(same) as FlatChange[]).filter((field) => !same[field] && !unkept.includes(field as FlatField));
}
