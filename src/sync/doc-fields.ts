import type { DocContact, DocContactFields, DocContactPatch, DocEmail, DocLocation, DocPhone } from '../domain/doc-contact.ts';
import type { Link, OwnedPhone } from '../domain/link.ts';
import type { NormalizedPhone, NormalizedUser } from '../domain/normalized-user.ts';
import type { FieldDiff } from '../domain/plan.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { foldName } from '../normalize/name.ts';
import { regionCallingCode, storedPhoneKey } from '../normalize/phone.ts';

const PRIMARY_EMAIL_LABEL = 'Work';
const ALIAS_EMAIL_LABEL = 'Alias';
const OFFICE_PHONE_LABEL = 'Work';
const MOBILE_PHONE_LABEL = 'Mobile';

/** A phone written when Microsoft 365 has none, from the `blankReplacement` setting. */
export interface ReplacementPhone {
  readonly key: string;
  readonly digits: string;
  /** what BMS receives: E.164 when the number is valid, else the literal as configured */
  readonly psaValue: string;
}

/** What the IT Glue leg needs to know about the tenant, resolved once per plan. */
export interface DocFieldContext {
  readonly settings: Settings;
  readonly locationsById: ReadonlyMap<string, DocLocation>;
  readonly locationsByName: ReadonlyMap<string, DocLocation>;
  /** the default location (named by the setting, else the primary), or null with the reason in `defaultLocationProblem` */
  readonly defaultLocation: DocLocation | null;
  readonly newContactTypeId: string | null;
  readonly replacementPhone: ReplacementPhone | null;
  /** `storedEmailKey`, memoized for the plan: a contact's addresses are compared several times */
  readonly emailKey: (value: string) => string;
}

/** The primary phone of the planned contact, in the form BMS receives. */
export interface PrimaryPhone {
  readonly key: string;
  readonly psaValue: string;
}

export interface DocFieldsPlan {
  /** the complete state of the mapped attributes after the write */
  readonly fields: DocContactFields;
  /** only the attributes that change (empty when nothing does) */
  readonly patch: DocContactPatch;
  readonly diffs: readonly FieldDiff[];
  readonly primaryEmail: string;
  readonly primaryPhone: PrimaryPhone | null;
  readonly ownedEmails: readonly string[];
  readonly ownedPhones: readonly OwnedPhone[];
  readonly notes: readonly Reason[];
}

/** The comparison form of an email stored on a contact (normalized, or as-is lower-cased when it is not valid). */
export function storedEmailKey(value: string): string {
  return normalizeEmail(value) ?? value.trim().toLowerCase();
}

/** True when `next` holds the very entries of `current`, in order: entries are copied only when they change. */
function sameEntries<T>(current: readonly T[], next: readonly T[]): boolean {
  return current.length === next.length && current.every((entry, i) => entry === next[i]);
}

/** Microsoft's value, unless it is blank and blank values must not erase what is there. */
function owned(next: string | null, current: string | null, blankNeverOverwrites: boolean): string | null {
  return next === null && blankNeverOverwrites ? current : next;
}

function chooseEmails(user: NormalizedUser, existing: readonly DocEmail[], link: Link | null, settings: Settings, emailKey: (value: string) => string) {
  const primary =
    settings.primaryEmail === 'upn' ? user.userPrincipalName : (user.primarySmtp ?? user.userPrincipalName);
  const aliases = new Set(user.mailboxAddresses);
  aliases.delete(primary);
  const previouslyOwned = new Set(link?.ownedEmails ?? []);
  const previousPrimary = existing.find((email) => email.primary);
  const previousPrimaryKey = previousPrimary === undefined ? null : emailKey(previousPrimary.value);

  const emails: DocEmail[] = [];
  const seen = new Set<string>();
  for (const email of existing) {
    const key = emailKey(email.value);
    if (seen.has(key)) continue;
    seen.add(key);
    const wanted = key === primary || aliases.has(key);
    // An address contactsync wrote that Microsoft no longer has is removed; an older primary is kept as non-primary.
    if (!wanted && previouslyOwned.has(key) && key !== previousPrimaryKey) continue;
    emails.push(email.primary === (key === primary) ? email : { ...email, primary: key === primary });
  }
  if (!seen.has(primary)) emails.push({ value: primary, primary: true, label: PRIMARY_EMAIL_LABEL });
  for (const alias of aliases) {
    if (!seen.has(alias)) emails.push({ value: alias, primary: false, label: ALIAS_EMAIL_LABEL });
  }
  return { emails, primary, owned: [primary, ...aliases].sort(), changed: !sameEntries(existing, emails) };
}

interface WantedPhone {
  readonly phone: NormalizedPhone;
  readonly label: string;
}

function choosePhones(user: NormalizedUser, existing: readonly DocPhone[], link: Link | null, context: DocFieldContext) {
  const { settings } = context;
  const office: WantedPhone | null = user.officePhone === null ? null : { phone: user.officePhone, label: OFFICE_PHONE_LABEL };
  const mobile: WantedPhone | null = user.mobilePhone === null ? null : { phone: user.mobilePhone, label: MOBILE_PHONE_LABEL };
  const wanted = [office, mobile].filter((phone): phone is WantedPhone => phone !== null);
  const wantedKeys = new Set(wanted.map((w) => w.phone.e164));
  const previouslyOwned = new Map((link?.ownedPhones ?? []).map((phone) => [phone.key, phone]));

  // Stored digits are compared in E.164. Digits equal to a wanted number's, with or without the region's calling
  // code in front, are that number (national significant numbers never start with a trunk prefix); anything else is
  // parsed. Keys are kept per phone because the diff reads them again.
  const callingCode = regionCallingCode(user.phoneRegion);
  const keys = new Map<DocPhone, string>();
  const keyOf = (phone: DocPhone): string => {
    let key = keys.get(phone);
    if (key !== undefined) return key;
    const national = callingCode + phone.value;
    for (const w of wanted) if (phone.value === w.phone.digits || national === w.phone.digits) key = w.phone.e164;
    key ??= previouslyOwned.has(phone.value) ? phone.value : storedPhoneKey(phone.value, user.phoneRegion);
    keys.set(phone, key);
    return key;
  };
  const microsoftHas = (label: string): boolean => wanted.some((w) => w.label === label);

  const kept: { phone: DocPhone; key: string }[] = [];
  const ownedPhones: OwnedPhone[] = [];
  // A placeholder written earlier is kept where it stands if it is still needed, so that nothing moves needlessly.
  let placeholder: { phone: DocPhone; key: string; at: number } | null = null;
  const seen = new Set<string>();
  for (const phone of existing) {
    const key = keyOf(phone);
    if (seen.has(key)) continue;
    seen.add(key);
    const mine = previouslyOwned.get(key);
    if (mine !== undefined && !wantedKeys.has(key)) {
      if (mine.placeholder) {
        placeholder = { phone, key, at: kept.length };
        continue;
      }
      // Blank (or invalid) in Microsoft 365 never erases the phone written before, when the setting says so.
      const keep = !microsoftHas(mine.label) && settings.blankNeverOverwrites;
      if (!keep) continue;
      ownedPhones.push(mine);
    }
    kept.push({ phone, key });
  }
  for (const w of wanted) {
    ownedPhones.push({ key: w.phone.e164, label: w.label, placeholder: false });
    if (!seen.has(w.phone.e164)) {
      seen.add(w.phone.e164);
      kept.push({ phone: { value: w.phone.digits, extension: w.phone.extension, primary: false, label: w.label }, key: w.phone.e164 });
    }
  }

  const preferred = settings.phones.primaryType === 'office' ? [office, mobile] : [mobile, office];
  const microsoftPrimary = settings.phones.setPrimary ? (preferred.find((w) => w !== null) ?? null) : null;
  let primaryKey: string | null = microsoftPrimary?.phone.e164 ?? kept.find((k) => k.phone.primary)?.key ?? null;
  const replacement = context.replacementPhone;
  if (primaryKey === null && replacement !== null) {
    primaryKey = replacement.key;
    if (placeholder?.key === replacement.key) kept.splice(placeholder.at, 0, placeholder);
    else kept.push({ phone: { value: replacement.digits, extension: null, primary: true, label: OFFICE_PHONE_LABEL }, key: replacement.key });
    ownedPhones.push({ key: replacement.key, label: OFFICE_PHONE_LABEL, placeholder: true });
  }
  const phones = kept.map(({ phone, key }) => (phone.primary === (key === primaryKey) ? phone : { ...phone, primary: key === primaryKey }));

  let primaryPhone: PrimaryPhone | null = null;
  if (primaryKey !== null) {
    const fromMicrosoft = wanted.find((w) => w.phone.e164 === primaryKey);
    if (fromMicrosoft !== undefined) {
      const { e164, extension } = fromMicrosoft.phone;
      primaryPhone = { key: primaryKey, psaValue: extension === null ? e164 : `${e164} x${extension}` };
    } else if (replacement !== null && replacement.key === primaryKey) {
      primaryPhone = { key: primaryKey, psaValue: replacement.psaValue };
    } else {
      primaryPhone = { key: primaryKey, psaValue: primaryKey };
    }
  }
  ownedPhones.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { phones, primaryPhone, ownedPhones, keyOf, changed: !sameEntries(existing, phones) };
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

function describeEmails(emails: readonly DocEmail[], emailKey: (value: string) => string): string {
  return emails
    .map((e) => `${emailKey(e.value)} (${e.label}${e.primary ? ', primary' : ''})`)
    .sort()
    .join('; ');
}

function describePhones(phones: readonly DocPhone[], keyOf: (phone: DocPhone) => string): string {
  return phones
    .map((p) => `${keyOf(p)}${p.extension === null ? '' : ` x${p.extension}`} (${p.label}${p.primary ? ', primary' : ''})`)
    .sort()
    .join('; ');
}

/** A new contact shown as a diff from nothing. */
export function docCreateDiffs(fields: DocContactFields, context: Pick<DocFieldContext, 'locationsById' | 'emailKey'>): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  const add = (field: string, value: string | null): void => {
    if (value !== null && value !== '') diffs.push({ field, old: null, new: value });
  };
  add('first-name', fields.firstName);
  add('last-name', fields.lastName);
  add('title', fields.title);
  add('contact-type-id', fields.contactTypeId);
  add('location-id', locationName(fields.locationId, context));
  add('contact-emails', describeEmails(fields.emails, context.emailKey));
  add('contact-phones', describePhones(fields.phones, (phone) => (phone.value.startsWith('+') ? phone.value : `+${phone.value}`)));
  return diffs;
}

function locationName(id: string | null, context: Pick<DocFieldContext, 'locationsById'>): string | null {
  if (id === null) return null;
  const location = context.locationsById.get(id);
  return location === undefined ? id : `${location.name} (${id})`;
}

/**
 * The mapped IT Glue attributes of a user's contact: Microsoft's values merged into what the contact has, keeping
 * everything a person added (notes, flags, hand-added emails and phones) and only ever replacing what contactsync
 * wrote itself.
 */
export function planDocFields(user: NormalizedUser, contact: DocContact | null, link: Link | null, context: DocFieldContext): DocFieldsPlan {
  const { settings } = context;
  const blank = settings.blankNeverOverwrites;
  const notes: Reason[] = [];

  const firstName = owned(user.firstName, contact?.firstName ?? null, blank);
  const lastName = owned(user.lastName, contact?.lastName ?? null, blank);
  const title = owned(user.title, contact?.title ?? null, blank);
  const emails = chooseEmails(user, contact?.emails ?? [], link, settings, context.emailKey);
  const phones = choosePhones(user, contact?.phones ?? [], link, context);
  const locationId = chooseLocation(user, contact?.locationId ?? null, context);
  const contactTypeId = contact === null ? context.newContactTypeId : contact.contactTypeId;

  const fields: DocContactFields = { firstName, lastName, title, contactTypeId, locationId, emails: emails.emails, phones: phones.phones };
  const patch: { -readonly [K in keyof DocContactFields]?: DocContactFields[K] } = {};
  const diffs: FieldDiff[] = [];
  // A new contact's diff is derived from its fields when shown (docCreateDiffs); only updates carry one.
  if (contact !== null) {
    if (contact.firstName !== firstName) {
      diffs.push({ field: 'first-name', old: contact.firstName, new: firstName });
      patch.firstName = firstName;
    }
    if (contact.lastName !== lastName) {
      diffs.push({ field: 'last-name', old: contact.lastName, new: lastName });
      patch.lastName = lastName;
    }
    if (contact.title !== title) {
      diffs.push({ field: 'title', old: contact.title, new: title });
      patch.title = title;
    }
    if (contact.contactTypeId !== contactTypeId) {
      diffs.push({ field: 'contact-type-id', old: contact.contactTypeId, new: contactTypeId });
      patch.contactTypeId = contactTypeId;
    }
    if (contact.locationId !== locationId) {
      diffs.push({ field: 'location-id', old: locationName(contact.locationId, context), new: locationName(locationId, context) });
      patch.locationId = locationId;
    }
  }
  if (contact !== null && emails.changed) {
    diffs.push({ field: 'contact-emails', old: describeEmails(contact.emails, context.emailKey), new: describeEmails(fields.emails, context.emailKey) });
    patch.emails = fields.emails;
  }
  if (contact !== null && phones.changed) {
    diffs.push({ field: 'contact-phones', old: describePhones(contact.phones, phones.keyOf), new: describePhones(fields.phones, phones.keyOf) });
    patch.phones = fields.phones;
  }

  if (locationId === null) {
    notes.push(
      settings.location.default === null
        ? reason('no-location', 'The IT Glue organization has no primary location to use as the default.', 'location-id')
        : reason('no-location', `The IT Glue organization has no location named "${settings.location.default}" (setting location.default).`, 'location-id'),
    );
  }
  return {
    fields,
    patch,
    diffs,
    primaryEmail: emails.primary,
    primaryPhone: phones.primaryPhone,
    ownedEmails: emails.owned,
    ownedPhones: phones.ownedPhones,
    notes,
  };
}
