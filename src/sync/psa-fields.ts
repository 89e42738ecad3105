import type { DocLocation } from '../domain/doc-contact.ts';
import type { PsaContact, PsaContactFields, PsaLocation } from '../domain/psa-contact.ts';
import type { FieldDiff } from '../domain/plan.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import { psaFactsOf, type TargetProfile, type TargetWords } from '../domain/target-profile.ts';
import { foldName, normalizeName } from '../normalize/name.ts';
import type { DocFieldsPlan } from './doc-field-context.ts';
import { clip } from './doc-fields.ts';
import { trimmed } from './trimmed-list.ts';

/** What the PSA leg needs to know about the customer, resolved once per plan. */
export interface PsaFieldContext {
  readonly settings: Settings;
  /** the PSA: its name, what it calls a customer and a place, the fields it requires */
  readonly target: TargetProfile;
  /** how the documentation platform names things; null when the PSA is written alone */
  readonly docWords: TargetWords | null;
  readonly docLocationsById: ReadonlyMap<string, DocLocation>;
  readonly locationsByName: ReadonlyMap<string, PsaLocation>;
  readonly mainLocation: PsaLocation | null;
  readonly emailTypeId: number | null;
  readonly phoneTypeId: number | null;
  /** the longest name or job title the PSA takes */
  readonly textLimit: number;
}

export type PsaFieldsPlan =
  | { readonly ok: true; readonly fields: PsaContactFields }
  | { readonly ok: false; readonly reasons: readonly Reason[] };

/** How the PSA names one of its required fields ("primary phone"); the field's own name when it has no label. */
function requiredLabel(target: TargetProfile, field: keyof PsaContactFields): string {
  return target.requiredFields.find((required) => required.field === field)?.label ?? field;
}

/** Why a contact without a location is held: the setting that names the default, and where it was looked for. */
function noLocation(context: PsaFieldContext): Reason {
  const named = context.settings.location.default;
  const { words } = context.target;
  const label = requiredLabel(context.target, 'locationId');
  const doc = context.docWords;
  // The default location comes from a setting: the reason says which, so that the fix is where the cause is.
  const why =
    doc === null
      ? named === null
        ? `${words.name} requires a ${label}: the ${words.customer} has no main ${words.place} to default to (setting location.default).`
        : `${words.name} requires a ${label}: the ${words.customer} has no ${words.place} named "${named}" (setting location.default).`
      : named === null
        ? `The ${doc.name} contact has no ${doc.place}, and ${words.name} requires one: the ${doc.customer} has no primary ${doc.place} to default to (setting location.default).`
        : `The ${doc.name} contact has no ${doc.place}, and ${words.name} requires one: the ${doc.customer} has no ${doc.place} named "${named}" (setting location.default).`;
  return reason('no-location', why, 'locationId');
}

/**
 * The PSA contact that the documentation contact becomes. Each PSA refuses a contact without one of its required
 * fields (its profile names them: a first name, a primary email, a primary phone and a location for one; a first and a
 * last name for another), so a contact that lacks one is held, with the reasons. A field the PSA does not require is written
 * when there is a value, and left out when there is none.
 */
export function planPsaFields(doc: DocFieldsPlan, context: PsaFieldContext): PsaFieldsPlan {
  const reasons: Reason[] = [];
  const { fields } = doc;
  const { target } = context;
  const { words } = target;
  const facts = psaFactsOf(target);
  const required = new Set(target.requiredFields.map((r) => r.field));
  // A documentation contact keeps its own names where Microsoft 365 has none: they reach the PSA cleaned as
  // Microsoft's are.
  const firstName = normalizeName(fields.firstName);
  if (firstName === null) {
    reasons.push(
      reason(
        'no-first-name',
        `Microsoft 365 has no ${requiredLabel(target, 'firstName')} for this user, and ${words.name} requires one.`,
        'firstName',
      ),
    );
  }
  const lastName = normalizeName(fields.lastName);
  if (lastName === null && required.has('lastName')) {
    reasons.push(
      reason(
        'no-last-name',
        `Microsoft 365 has no ${requiredLabel(target, 'lastName')} for this user, and ${words.name} requires one.`,
        'lastName',
      ),
    );
  }
  const phones = psaPhones(doc, context, facts.phoneSlots);
  if (phones.phoneNumber === null && phones.mobilePhone === null && required.has('phoneNumber')) {
    reasons.push(
      reason(
        'no-primary-phone',
        `No ${requiredLabel(target, 'phoneNumber')}: Microsoft 365 has no valid phone for this user and phones.blankReplacement is not set.`,
        'phoneNumber',
      ),
    );
  }
  const location = psaLocation(doc, context, required.has('locationId'));
  if (location.reason !== null) reasons.push(location.reason);
  const emailTypeId = facts.typed ? context.emailTypeId : null;
  const phoneTypeId = facts.typed ? context.phoneTypeId : null;
  if (facts.typed && context.emailTypeId === null) {
    reasons.push(
      reason(
        'unknown-email-type',
        `${words.name} has no email type named "${context.settings.psa.emailType}" (setting psa.emailType).`,
        'emailTypeId',
      ),
    );
  }
  if (facts.typed && context.phoneTypeId === null) {
    reasons.push(
      reason(
        'unknown-phone-type',
        `${words.name} has no phone type named "${context.settings.psa.phoneType}" (setting psa.phoneType).`,
        'phoneTypeId',
      ),
    );
  }
  if (reasons.length > 0 || firstName === null) return { ok: false, reasons };
  const limit = context.textLimit;
  return {
    ok: true,
    fields: {
      firstName: clip(firstName, limit)!,
      lastName: clip(lastName, limit),
      jobTitle: clip(normalizeName(fields.title), limit),
      emailAddress: doc.primaryEmail,
      emailTypeId,
      phoneNumber: phones.phoneNumber,
      phoneTypeId,
      mobilePhone: phones.mobilePhone,
      locationId: location.id,
      isActive: true,
    },
  };
}

/**
 * The phones a PSA contact gets. One phone field: the primary phone. A field for each kind: each Microsoft phone in
 * its own, and a primary phone of no kind (the blank replacement, one added by hand) in the field of
 * `phones.primaryType` when that one is free.
 */
function psaPhones(
  doc: DocFieldsPlan,
  context: PsaFieldContext,
  slots: boolean,
): { phoneNumber: string | null; mobilePhone: string | null } {
  const primary = doc.primaryPhone?.psaValue ?? null;
  if (!slots) return { phoneNumber: primary, mobilePhone: null };
  let { office, mobile } = doc.microsoftPhones;
  const ofNoKind = primary !== null && primary !== office && primary !== mobile;
  if (ofNoKind && context.settings.phones.primaryType === 'mobile' && mobile === null) mobile = primary;
  else if (ofNoKind && office === null) office = primary;
  else if (ofNoKind && mobile === null) mobile = primary;
  return { phoneNumber: office, mobilePhone: mobile };
}

/**
 * The PSA location: the one named as the documentation contact's, else the customer's main one. A PSA that requires a
 * location holds a contact without one, with the reason; another leaves the field out.
 */
function psaLocation(
  doc: DocFieldsPlan,
  context: PsaFieldContext,
  isRequired: boolean,
): { id: number | null; reason: Reason | null } {
  const { words } = context.target;
  if (doc.fields.locationId === null) {
    if (isRequired) return { id: null, reason: noLocation(context) };
    return { id: context.mainLocation?.id ?? null, reason: null };
  }
  const docLocation = context.docLocationsById.get(doc.fields.locationId);
  const byName = docLocation === undefined ? undefined : context.locationsByName.get(foldName(docLocation.name));
  const id = (byName ?? context.mainLocation)?.id ?? null;
  if (id !== null || !isRequired) return { id, reason: null };
  const source = context.docWords ?? words;
  return {
    id: null,
    reason: reason(
      'no-psa-location',
      `The ${words.name} ${words.customer} has no ${words.place} with the ${source.name} ${source.place}'s name and no main ${words.place}.`,
      'locationId',
    ),
  };
}

const FIELD_ORDER: readonly (keyof PsaContactFields)[] = [
  'firstName',
  'lastName',
  'jobTitle',
  'emailAddress',
  'emailTypeId',
  'phoneNumber',
  'phoneTypeId',
  'mobilePhone',
  'locationId',
  'isActive',
];

/**
 * True when a planned write differs from the contact only in fields its listing did not report. The contact may hold
 * them already (a write that landed but whose record was lost to a crash or a restored backup): its single read
 * says, and a contact that holds them is not written again.
 */
/** What a diff needs to know of the PSA's contact list: the PSA's name, and the fields the list does not give. */
export interface PsaListing {
  readonly name: string;
  readonly unlisted: readonly string[];
}

export function listingOf(psa: TargetProfile): PsaListing {
  return { name: psa.words.name, unlisted: psaFactsOf(psa).unlistedFields ?? [] };
}

export function differsOnlyUnlisted(
  current: PsaContact,
  diffs: readonly FieldDiff[],
  /** the fields the PSA's contact list does not give (its profile's `psa.unlistedFields`) */
  unlisted: readonly string[],
): boolean {
  return (
    diffs.length > 0 &&
    diffs.every((d) => unlisted.includes(d.field) && current[d.field as keyof PsaContactFields] === null)
  );
}

/** True when two sets of PSA fields are the same, field by field. */
export function samePsaFields(a: PsaContactFields | null, b: PsaContactFields): boolean {
  // What an earlier release remembers has no mobile phone: a field it lacks is null.
  return a !== null && FIELD_ORDER.every((field) => (a[field] ?? null) === (b[field] ?? null));
}

/** The old value of a field the PSA's contact list does not give, shown in place of ∅. */
export function notListed(psaName: string): string {
  return `(not in ${psaName}’s list)`;
}

function show(value: string | number | boolean | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

export interface PsaFieldsDiff {
  /** what the contact holds after the write (a blank Microsoft value never erases one already there) */
  readonly fields: PsaContactFields;
  readonly diffs: readonly FieldDiff[];
}

/**
 * Field-by-field comparison with an existing PSA contact. Fields the PSA's listings do not report (phone, types) are
 * compared with what contactsync last wrote; when that is unknown too, they are written.
 */
export function diffPsaContact(
  current: PsaContact,
  pushed: PsaContactFields | null,
  desired: PsaContactFields,
  blankNeverOverwrites: boolean,
  /** the PSA's name and the fields its listing does not give (its profile's `psa.unlistedFields`) */
  psa: PsaListing,
): PsaFieldsDiff {
  const psaName = psa.name;
  // A field the listing does not give is what contactsync last wrote until a read says otherwise; one it gives is
  // what the PSA holds (empty included).
  const held = <Field extends 'emailTypeId' | 'phoneNumber' | 'phoneTypeId'>(field: Field) =>
    psa.unlisted.includes(field) ? (current[field] ?? pushed?.[field]) : current[field];
  const known: Record<keyof PsaContactFields, string | number | boolean | null | undefined> = {
    firstName: current.firstName,
    lastName: current.lastName,
    jobTitle: current.jobTitle,
    emailAddress: current.emailAddress?.toLowerCase() ?? null,
    emailTypeId: held('emailTypeId'),
    phoneNumber: held('phoneNumber'),
    phoneTypeId: held('phoneTypeId'),
    mobilePhone: current.mobilePhone,
    locationId: current.locationId,
    isActive: current.isActive,
  };
  const fields: PsaContactFields = {
    ...desired,
    lastName: desired.lastName ?? (blankNeverOverwrites ? current.lastName : null),
    jobTitle: desired.jobTitle ?? (blankNeverOverwrites ? current.jobTitle : null),
    mobilePhone: desired.mobilePhone ?? (blankNeverOverwrites ? current.mobilePhone : null),
  };
  const diffs: FieldDiff[] = [];
  for (const field of FIELD_ORDER) {
    const old = show(known[field]);
    const next = show(fields[field]);
    // The PSA's contact list carries no phone or types: before contactsync has written them, what it holds is unknown,
    // which is not the same as empty.
    if (old !== next) diffs.push({ field, old: known[field] === undefined ? notListed(psaName) : old, new: next });
  }
  return { fields, diffs: trimmed(diffs) };
}

/** A create shown as a diff from nothing. */
export function psaCreateDiffs(fields: PsaContactFields): FieldDiff[] {
  return FIELD_ORDER.flatMap((field) => {
    const next = show(fields[field]);
    return next === null ? [] : [{ field, old: null, new: next }];
  });
}
