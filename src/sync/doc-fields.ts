import type { DocContact, DocContactFields, DocContactPatch, DocEmail, DocPhone } from '../domain/doc-contact.ts';
import { flatChanges, flatContact, joinedName } from '../domain/flat-contact.ts';
import type { Link, OwnedPhone } from '../domain/link.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import type { FieldDiff } from '../domain/plan.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import { foldName } from '../normalize/name.ts';
import type { DocFieldContext, DocFieldsPlan, PrimaryPhone } from './doc-field-context.ts';
import {
  choosePhones,
  describePhones,
  docPhoneValue,
  MOBILE_PHONE_LABEL,
  OFFICE_PHONE_LABEL,
  psaPhoneValue,
} from './doc-phones.ts';
import { byCodeUnits, byKey, sameEntries, sortShort, trimmed } from './trimmed-list.ts';

export type { DocFieldContext, DocFieldsPlan, PrimaryPhone, ReplacementPhone } from './doc-field-context.ts';
export { trimmed } from './trimmed-list.ts';

const PRIMARY_EMAIL_LABEL = 'Work';
const ALIAS_EMAIL_LABEL = 'Alias';

const NONE: readonly never[] = [];

/** `value` cut to `limit` UTF-16 units, never in the middle of a character. */
export function clip(value: string | null, limit: number): string | null {
  if (value === null || value.length <= limit) return value;
  let cut = value.slice(0, limit);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

/** The note on a value cut to a target's limit (`clip`), naming the field and the target; null when it fits. */
export function shortenedNote(
  field: string,
  value: string | null,
  limit: number,
  target: string,
  what: string = field,
): Reason | null {
  if (value === null || value.length <= limit) return null;
  return reason('shortened', `${what} is longer than ${target} takes (${limit} characters): it is shortened.`, field);
}

/** Microsoft's value, unless it is blank and blank values must not erase what is there. */
function keepUnlessBlank(next: string | null, current: string | null, blankNeverOverwrites: boolean): string | null {
  return next === null && blankNeverOverwrites ? current : next;
}

/**
 * The contact's emails after the merge, with their comparison keys (`existingKeys` are those of `existing`, in order).
 * Entries are copied only when they change, so an unchanged list holds the very same entries.
 */
function chooseEmails(
  user: NormalizedUser,
  existing: readonly DocEmail[],
  existingKeys: readonly string[],
  link: Link | null,
  settings: Settings,
) {
  const primary =
    settings.primaryEmail === 'upn' ? user.userPrincipalName : (user.primarySmtp ?? user.userPrincipalName);
  const owned = [primary];
  for (const address of user.mailboxAddresses) if (address !== primary) owned.push(address);
  const previouslyOwned = link?.ownedEmails ?? [];
  const previousPrimary = existing.findIndex((email) => email.primary);
  const previousPrimaryKey = previousPrimary < 0 ? null : existingKeys[previousPrimary];

  const emails: DocEmail[] = [];
  const keys: string[] = [];
  for (let i = 0; i < existing.length; i++) {
    const email = existing[i]!;
    const key = existingKeys[i]!;
    if (keys.includes(key)) continue;
    // An address contactsync wrote that Microsoft no longer has is removed; an older primary is kept as non-primary.
    if (!owned.includes(key) && previouslyOwned.includes(key) && key !== previousPrimaryKey) continue;
    emails.push(email.primary === (key === primary) ? email : { ...email, primary: key === primary });
    keys.push(key);
  }
  for (const address of owned) {
    if (keys.includes(address)) continue;
    emails.push({
      value: address,
      primary: address === primary,
      label: address === primary ? PRIMARY_EMAIL_LABEL : ALIAS_EMAIL_LABEL,
    });
    keys.push(address);
  }
  const changed = !sameEntries(existing, emails);
  return {
    emails: changed ? trimmed(emails) : emails,
    keys,
    primary,
    owned: trimmed(sortShort(owned, byCodeUnits)),
    changed,
  };
}

function chooseLocation(user: NormalizedUser, current: string | null, context: DocFieldContext): string | null {
  const currentExists = current !== null && context.locationsById.has(current);
  if (context.settings.location.strategy === 'officeLocation' && user.officeLocation !== null) {
    const office = context.locationsByName.get(foldName(user.officeLocation));
    if (office !== undefined) return office.id;
  }
  // The default only fills a contact that has no (existing) location: a location chosen by hand is kept.
  if (currentExists) return current;
  return context.defaultLocation?.id ?? null;
}

function describeEmails(emails: readonly DocEmail[], keys: readonly string[]): string {
  return sortShort(
    emails.map((e, i) => `${keys[i]} (${e.label}${e.primary ? ', primary' : ''})`),
    byCodeUnits,
  ).join('; ');
}

/** A new contact shown as a diff from nothing. */
export function docCreateDiffs(fields: DocContactFields, context: Pick<DocFieldContext, 'locationsById'>): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const add = (field: string, value: string | null): void => {
    if (value !== null && value !== '') diffs.push({ field, old: null, new: value });
  };
  add('first-name', fields.firstName);
  add('last-name', fields.lastName);
  add('title', fields.title);
  add('contact-type-id', fields.contactTypeId);
  add('location-id', locationName(fields.locationId, context));
  add(
    'contact-emails',
    describeEmails(
      fields.emails,
      fields.emails.map((email) => email.value),
    ),
  );
  add(
    'contact-phones',
    describePhones(
      fields.phones,
      fields.phones.map((phone) => phone.value),
    ),
  );
  return diffs;
}

function locationName(id: string | null, context: Pick<DocFieldContext, 'locationsById'>): string | null {
  if (id === null) return null;
  const location = context.locationsById.get(id);
  return location === undefined ? id : location.name;
}

/**
 * The mapped documentation attributes of a user's contact: Microsoft's values merged into what the contact has, keeping
 * everything a person added (notes, flags, hand-added emails and phones) and only ever replacing what contactsync
 * wrote itself.
 */
export function planDocFields(
  user: NormalizedUser,
  contact: DocContact | null,
  contactEmailKeys: readonly string[],
  link: Link | null,
  context: DocFieldContext,
): DocFieldsPlan {
  if (contact === null) return planNewContact(user, context);
  const { settings } = context;
  const blank = settings.blankNeverOverwrites;
  const limit = context.textLimit;
  const firstName = keepUnlessBlank(clip(user.firstName, limit), contact.firstName, blank);
  const lastName = keepUnlessBlank(clip(user.lastName, limit), contact.lastName, blank);
  const title = keepUnlessBlank(clip(user.title, limit), contact.title, blank);
  const emails = chooseEmails(user, contact.emails, contactEmailKeys, link, settings);
  const phones = choosePhones(user, contact.phones, link, context);
  const locationId = chooseLocation(user, contact.locationId, context);
  const contactTypeId = contact.contactTypeId;

  const fields: DocContactFields = {
    firstName,
    lastName,
    title,
    contactTypeId,
    locationId,
    emails: emails.emails,
    phones: phones.phones,
  };
  const patch: { -readonly [K in keyof DocContactFields]?: DocContactFields[K] } = {};
  const diffs: FieldDiff[] = [];
  // A platform that keeps one value per field is compared in that form: what it cannot keep is no change.
  const flat = context.flat === true ? flatChanges(flatContact(contact), flatContact(fields), contact.unkept) : null;
  if (flat === null) {
    if (contact.firstName !== firstName) {
      diffs.push({ field: 'first-name', old: contact.firstName, new: firstName });
      patch.firstName = firstName;
    }
    if (contact.lastName !== lastName) {
      diffs.push({ field: 'last-name', old: contact.lastName, new: lastName });
      patch.lastName = lastName;
    }
  } else if (flat.includes('name')) {
    // One name field: a change is a change of the whole name, written whole.
    const [old, next] = [joinedName(contact.firstName, contact.lastName), joinedName(firstName, lastName)];
    diffs.push({ field: 'name', old, new: next });
    patch.firstName = firstName;
    patch.lastName = lastName;
  }
  if (flat === null ? contact.title !== title : flat.includes('title')) {
    diffs.push({ field: 'title', old: contact.title, new: title });
    patch.title = title;
  }
  if (flat === null && contact.contactTypeId !== contactTypeId) {
    diffs.push({ field: 'contact-type-id', old: contact.contactTypeId, new: contactTypeId });
    patch.contactTypeId = contactTypeId;
  }
  if (flat === null ? contact.locationId !== locationId : flat.includes('location')) {
    diffs.push({
      field: 'location-id',
      old: locationName(contact.locationId, context),
      new: locationName(locationId, context),
    });
    patch.locationId = locationId;
  }
  if (flat === null ? emails.changed : flat.includes('primaryEmail') || flat.includes('otherEmails')) {
    diffs.push({
      field: 'contact-emails',
      old: describeEmails(contact.emails, contactEmailKeys),
      new: describeEmails(fields.emails, emails.keys),
    });
    patch.emails = fields.emails;
  }
  if (flat === null ? phones.changed : flat.includes('phone') || flat.includes('mobile')) {
    diffs.push({
      field: 'contact-phones',
      old: describePhones(contact.phones, phones.existingKeys),
      new: describePhones(fields.phones, phones.keys),
    });
    patch.phones = fields.phones;
  }
  return {
    fields,
    patch,
    diffs: trimmed(diffs),
    primaryEmail: emails.primary,
    primaryPhone: phones.primaryPhone,
    ownedEmails: emails.owned,
    ownedPhones: phones.ownedPhones,
    notes: fieldNotes(user, locationId, context),
  };
}

/** What the technician is told about the mapped fields: names cut to the platform's limit, no location to give. */
function fieldNotes(user: NormalizedUser, locationId: string | null, context: DocFieldContext): readonly Reason[] {
  const limit = context.textLimit;
  let notes: Reason[] | null = null;
  const shortened = (field: string, value: string | null): void => {
    const note = shortenedNote(field, value, limit, context.words.name);
    if (note !== null) (notes ??= []).push(note);
  };
  if (limit !== Number.POSITIVE_INFINITY) {
    shortened('first-name', user.firstName);
    shortened('last-name', user.lastName);
    shortened('title', user.title);
  }
  if (locationId === null) {
    const { settings, words } = context;
    (notes ??= []).push(
      settings.location.default === null
        ? reason(
            'no-location',
            `The ${words.name} ${words.customer} has no primary ${words.place} to use as the default.`,
            'location-id',
          )
        : reason(
            'no-location',
            `The ${words.name} ${words.customer} has no ${words.place} named "${settings.location.default}" (setting location.default).`,
            'location-id',
          ),
    );
  }
  return notes ?? NONE;
}

const NO_PATCH: DocContactPatch = Object.freeze({});

/** The entries that are not null, in an array of exactly their number (see `trimmed`). */
function present<T>(a: T | null, b: T | null, c: T | null): T[] {
  if (a === null) return b === null ? (c === null ? [] : [c]) : c === null ? [b] : [b, c];
  return b === null ? (c === null ? [a] : [a, c]) : c === null ? [a, b] : [a, b, c];
}

/**
 * A contact that does not exist yet: Microsoft's values as they are, nothing to merge with. The result is what the
 * merge would give for an empty contact, built without the merge's bookkeeping (a tenant's first sync creates them
 * all).
 */
function planNewContact(user: NormalizedUser, context: DocFieldContext): DocFieldsPlan {
  const { settings } = context;
  const limit = context.textLimit;

  const primary =
    settings.primaryEmail === 'upn' ? user.userPrincipalName : (user.primarySmtp ?? user.userPrincipalName);
  const mailbox = user.mailboxAddresses;
  const owned = mailbox[0] === primary ? mailbox : [primary, ...mailbox.filter((address) => address !== primary)];
  const emails = owned.map((address, i): DocEmail => ({
    value: address,
    primary: i === 0,
    label: i === 0 ? PRIMARY_EMAIL_LABEL : ALIAS_EMAIL_LABEL,
  }));

  const office = user.officePhone;
  const mobile = user.mobilePhone === null || user.mobilePhone.e164 === office?.e164 ? null : user.mobilePhone;
  const microsoftPrimary = settings.phones.setPrimary
    ? settings.phones.primaryType === 'office'
      ? (office ?? user.mobilePhone)
      : (user.mobilePhone ?? office)
    : null;
  const replacement = microsoftPrimary === null ? context.replacementPhone : null;
  // The placeholder goes to the documentation platform only when the setting says everywhere; the PSA, which requires a
  // phone, always gets it.
  const docReplacement = settings.phones.blankReplacementEverywhere ? replacement : null;
  const primaryKey = microsoftPrimary?.e164 ?? docReplacement?.key ?? null;
  const phones = present<DocPhone>(
    office === null
      ? null
      : {
          value: docPhoneValue(office, context.callingCode),
          extension: office.extension,
          primary: office.e164 === primaryKey,
          label: OFFICE_PHONE_LABEL,
        },
    mobile === null
      ? null
      : {
          value: docPhoneValue(mobile, context.callingCode),
          extension: mobile.extension,
          primary: mobile.e164 === primaryKey,
          label: MOBILE_PHONE_LABEL,
        },
    docReplacement === null
      ? null
      : { value: docReplacement.digits, extension: null, primary: true, label: OFFICE_PHONE_LABEL },
  );
  const ownedPhones = present<OwnedPhone>(
    office === null ? null : { key: office.e164, label: OFFICE_PHONE_LABEL, placeholder: false },
    user.mobilePhone === null ? null : { key: user.mobilePhone.e164, label: MOBILE_PHONE_LABEL, placeholder: false },
    docReplacement === null ? null : { key: docReplacement.key, label: OFFICE_PHONE_LABEL, placeholder: true },
  );
  if (ownedPhones.length > 1) sortShort(ownedPhones, byKey);

  // The PSA gets the first of Microsoft's phones with the primary number (with its extension), else the replacement.
  const primarySource =
    office !== null && office.e164 === primaryKey
      ? office
      : user.mobilePhone !== null && user.mobilePhone.e164 === primaryKey
        ? user.mobilePhone
        : null;
  let primaryPhone: PrimaryPhone | null = null;
  if (primarySource !== null) {
    primaryPhone = { key: primarySource.e164, psaValue: psaPhoneValue(primarySource) };
  } else if (replacement !== null) {
    primaryPhone = { key: replacement.key, psaValue: replacement.psaValue };
  }

  const locationId = chooseLocation(user, null, context);
  return {
    fields: {
      firstName: clip(user.firstName, limit),
      lastName: clip(user.lastName, limit),
      title: clip(user.title, limit),
      contactTypeId: context.newContactTypeId,
      locationId,
      emails,
      phones,
    },
    patch: NO_PATCH,
    diffs: NONE,
    primaryEmail: primary,
    primaryPhone,
    ownedEmails: owned.length === 1 ? owned : sortShort(owned.slice(), byCodeUnits),
    ownedPhones,
    notes: fieldNotes(user, locationId, context),
  };
}
