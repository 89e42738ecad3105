import type { DocLocation } from '../domain/doc-contact.ts';
import type { PsaContact, PsaContactFields, PsaLocation } from '../domain/psa-contact.ts';
import type { FieldDiff } from '../domain/plan.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import {
  psaFactsOf,
  type PsaFacts,
  type RequiredField,
  type TargetProfile,
  type TargetWords,
} from '../domain/target-profile.ts';
import { foldName, normalizeName } from '../normalize/name.ts';
import { internationalPhoneKey } from '../normalize/phone.ts';
import type { DocFieldsPlan } from './doc-field-context.ts';
import { clip, shortenedNote } from './doc-fields.ts';
import { microsoftPhonesOf } from './doc-phones.ts';
import { trimmed } from './trimmed-list.ts';

/** What the PSA leg needs to know about the customer, resolved once per plan. */
export interface PsaFieldContext {
  readonly settings: Settings;
  /** the PSA: its name, what it calls a customer and a place, the fields it requires */
  readonly target: TargetProfile;
  /** the fields the PSA requires: its profile's, and those its instance adds (`requiredOf`) */
  readonly required: readonly RequiredField[];
  /** how the documentation platform names things; null when the PSA is written alone */
  readonly docWords: TargetWords | null;
  /** the documentation platform has no location records (places as text): a contact without a place takes the main one */
  readonly docWithoutPlaces: boolean;
  readonly docLocationsById: ReadonlyMap<string, DocLocation>;
  readonly locationsByName: ReadonlyMap<string, PsaLocation>;
  readonly mainLocation: PsaLocation | null;
  readonly emailTypeId: number | null;
  readonly phoneTypeId: number | null;
  /** the longest name the PSA takes */
  readonly textLimit: number;
  /** the longest job title the PSA takes */
  readonly titleLimit: number;
}

export type PsaFieldsPlan =
  | {
      readonly ok: true;
      readonly fields: PsaContactFields;
      /** what the technician is told: a name or title cut to the PSA's limit */
      readonly notes: readonly Reason[];
    }
  | { readonly ok: false; readonly reasons: readonly Reason[] };

/** The PSA's required fields: its profile's, and those its instance adds (a field named by both counts once). */
export function requiredOf(
  profile: readonly RequiredField[],
  instance: readonly RequiredField[],
): readonly RequiredField[] {
  return [...profile, ...instance.filter((added) => !profile.some((r) => r.field === added.field))];
}

/** How the PSA names one of its required fields ("primary phone"); the field's own name when it has no label. */
function requiredLabel(context: PsaFieldContext, field: keyof PsaContactFields): string {
  return context.required.find((required) => required.field === field)?.label ?? field;
}

/** Why a contact without a location is held: the setting that names the default, and where it was looked for. */
function noLocation(context: PsaFieldContext): Reason {
  const named = context.settings.location.default;
  const { words } = context.target;
  const label = requiredLabel(context, 'locationId');
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
 * What the field rules read of a PSA's context besides its values: the PSA's facts, the fields it requires, and those
 * of them the sync fills when Microsoft 365 has a value. Made once per context, which is resolved once per plan.
 */
interface PsaRules {
  readonly facts: PsaFacts;
  readonly required: ReadonlySet<string>;
  readonly otherFilled: readonly RequiredField[];
}

const RULES_BY_CONTEXT = new WeakMap<PsaFieldContext, PsaRules>();

function rulesOf(context: PsaFieldContext): PsaRules {
  let rules = RULES_BY_CONTEXT.get(context);
  if (rules === undefined) {
    rules = {
      facts: psaFactsOf(context.target),
      required: new Set(context.required.map((r) => r.field)),
      otherFilled: context.required.filter(({ field }) => OTHER_FILLED.has(field)),
    };
    RULES_BY_CONTEXT.set(context, rules);
  }
  return rules;
}

/**
 * The PSA contact that the documentation contact becomes. Each PSA refuses a contact without one of its required
 * fields (its profile names them: a first name, a primary email, a primary phone and a location for one; a first and a
 * last name for another), so a contact that lacks one is held, with the reasons. A field the PSA does not require is written
 * when there is a value, and left out when there is none.
 */
export function planPsaFields(
  doc: DocFieldsPlan,
  context: PsaFieldContext,
  /** the user, whose phones by kind a PSA with a field for each receives, and whose ids it may keep */
  user: NormalizedUser,
  /** the user's tenant, written where the PSA keeps a contact's Microsoft 365 ids (`PsaFacts.directoryId`) */
  tenantId: string,
): PsaFieldsPlan {
  const reasons: Reason[] = [];
  const { fields } = doc;
  const { target } = context;
  const { words } = target;
  const { facts, required, otherFilled } = rulesOf(context);
  // A documentation contact keeps its own names where Microsoft 365 has none: they reach the PSA cleaned as
  // Microsoft's are.
  const firstName = normalizeName(fields.firstName);
  if (firstName === null) {
    reasons.push(
      reason(
        'no-first-name',
        `Microsoft 365 has no ${requiredLabel(context, 'firstName')} for this user, and ${words.name} requires one.`,
        'firstName',
      ),
    );
  }
  const lastName = normalizeName(fields.lastName);
  if (lastName === null && required.has('lastName')) {
    reasons.push(
      reason(
        'no-last-name',
        `Microsoft 365 has no ${requiredLabel(context, 'lastName')} for this user, and ${words.name} requires one.`,
        'lastName',
      ),
    );
  }
  const phones = psaPhones(doc, user, context, facts.phoneSlots);
  if (phones.phoneNumber === null && required.has('phoneNumber'))
    reasons.push(missingPhone('phoneNumber', phones.mobilePhone, context));
  if (phones.mobilePhone === null && required.has('mobilePhone'))
    reasons.push(missingPhone('mobilePhone', phones.phoneNumber, context));
  const locationRequired = required.has('locationId');
  const locationId = psaLocationId(doc, context, locationRequired);
  if (locationId === null && locationRequired) reasons.push(noPsaLocation(doc, context));
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
  const limit = context.textLimit;
  const listed: PsaContactFields = {
    firstName: clip(firstName, limit) ?? '',
    lastName: clip(lastName, limit),
    jobTitle: clip(normalizeName(fields.title), context.titleLimit),
    emailAddress: doc.primaryEmail,
    emailTypeId,
    phoneNumber: phones.phoneNumber,
    phoneTypeId,
    mobilePhone: phones.mobilePhone,
    locationId,
    isActive: true,
  };
  const planned: PsaContactFields =
    facts.directoryId === true ? { ...listed, directoryId: user.id, directoryTenantId: tenantId } : listed;
  // Any other field the PSA's instance requires, that the sync fills when Microsoft 365 has a value (a title).
  for (const { field, label } of otherFilled)
    if (planned[field as keyof PsaContactFields] === null)
      reasons.push(
        reason(
          'no-required-field',
          `Microsoft 365 has no ${label} for this user, and ${words.name} requires one.`,
          field,
        ),
      );
  if (reasons.length > 0 || firstName === null) return { ok: false, reasons };
  const cut = (field: 'firstName' | 'lastName' | 'jobTitle', value: string | null, max: number) =>
    shortenedNote(field, value, max, words.name, target.fieldLabels[field] ?? field);
  const notes = [
    cut('firstName', firstName, limit),
    cut('lastName', lastName, limit),
    cut('jobTitle', normalizeName(fields.title), context.titleLimit),
  ].filter((note) => note !== null);
  return { ok: true, fields: planned, notes };
}

/** Why a phone field the PSA requires is empty; `other` is what the other phone field gets. */
function missingPhone(field: 'phoneNumber' | 'mobilePhone', other: string | null, context: PsaFieldContext): Reason {
  const { words } = context.target;
  // With a field for each kind of phone, a user may have the other kind alone.
  return field === 'phoneNumber' && other === null
    ? reason(
        'no-primary-phone',
        `No ${requiredLabel(context, 'phoneNumber')}: Microsoft 365 has no valid phone for this user and phones.blankReplacement is not set.`,
        'phoneNumber',
      )
    : reason(
        'no-required-phone',
        `${words.name} requires a ${requiredLabel(context, field)}, and Microsoft 365 has ${other === null ? 'no valid phone' : `only a ${field === 'phoneNumber' ? 'mobile' : 'office'} phone`} for this user (a replacement phone, phones.blankReplacement, goes in the field of phones.primaryType).`,
        field,
      );
}

/** Required fields checked on their own above: the names, the phones, the location and the types. */
const CHECKED: ReadonlySet<string> = new Set<keyof PsaContactFields>([
  'firstName',
  'lastName',
  'phoneNumber',
  'mobilePhone',
  'locationId',
  'emailTypeId',
  'phoneTypeId',
  'isActive',
  'directoryId',
  'directoryTenantId',
]);

/**
 * Why the PSA would refuse any new contact: a field its instance requires that the sync never fills (one that is not
 * among the contact fields it maps, such as a user-defined field). Every new contact is held with what to fix; a
 * contact that exists already is updated without it.
 */
export function newContactHolds(context: PsaFieldContext): Reason[] {
  const { words } = context.target;
  return context.required
    .filter(({ field }) => !(FIELD_ORDER as readonly string[]).includes(field))
    .map(({ field, label, fix }) =>
      reason(
        'unfilled-required-field',
        `${words.name} requires "${label}" of every new contact, which contactsync does not fill: ${fix ?? `make it optional in ${words.name}, or give it a default there`}.`,
        field,
      ),
    );
}

/**
 * The phones a PSA contact gets. One phone field: the primary phone. A field for each kind: each Microsoft phone in
 * its own, and a primary phone of no kind (the blank replacement, one added by hand) in the field of
 * `phones.primaryType` when that one is free.
 */
function psaPhones(
  doc: DocFieldsPlan,
  user: NormalizedUser,
  context: PsaFieldContext,
  slots: boolean,
): { phoneNumber: string | null; mobilePhone: string | null } {
  const primary = doc.primaryPhone?.psaValue ?? null;
  if (!slots) return { phoneNumber: primary, mobilePhone: null };
  let { office, mobile } = microsoftPhonesOf(user);
  const ofNoKind = primary !== null && primary !== office && primary !== mobile;
  if (ofNoKind && context.settings.phones.primaryType === 'mobile' && mobile === null) mobile = primary;
  else if (ofNoKind && office === null) office = primary;
  else if (ofNoKind && mobile === null) mobile = primary;
  return { phoneNumber: office, mobilePhone: mobile };
}

/**
 * The PSA location: the one named as the documentation contact's, else the customer's main one. A contact with no
 * place of its own takes the main one where the PSA does not require a location, or where the documentation platform
 * keeps no places; null when there is none to give.
 */
function psaLocationId(doc: DocFieldsPlan, context: PsaFieldContext, isRequired: boolean): number | null {
  if (doc.fields.locationId === null)
    return isRequired && !context.docWithoutPlaces ? null : (context.mainLocation?.id ?? null);
  const docLocation = context.docLocationsById.get(doc.fields.locationId);
  const byName = docLocation === undefined ? undefined : context.locationsByName.get(foldName(docLocation.name));
  return (byName ?? context.mainLocation)?.id ?? null;
}

/** Why a PSA that requires a location holds a contact that gets none. */
function noPsaLocation(doc: DocFieldsPlan, context: PsaFieldContext): Reason {
  if (doc.fields.locationId === null) return noLocation(context);
  const { words } = context.target;
  const source = context.docWords ?? words;
  return reason(
    'no-psa-location',
    `The ${words.name} ${words.customer} has no ${words.place} with the ${source.name} ${source.place}'s name and no main ${words.place}.`,
    'locationId',
  );
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
  'directoryId',
  'directoryTenantId',
];

/** The fields a PSA's contact list does not give, from its profile: only the single read of a contact has them. */
export function unlistedFields(target: TargetProfile): ReadonlySet<string> {
  let fields = UNLISTED_BY_TARGET.get(target);
  if (fields === undefined) UNLISTED_BY_TARGET.set(target, (fields = new Set(psaFactsOf(target).unlisted ?? [])));
  return fields;
}

/** Each profile's unlisted fields, made once: a plan compares every linked contact. */
const UNLISTED_BY_TARGET = new WeakMap<TargetProfile, ReadonlySet<string>>();

/** The mapped fields a PSA instance may require beyond those checked on their own (a title, the email). */
const OTHER_FILLED: ReadonlySet<string> = new Set(FIELD_ORDER.filter((field) => !CHECKED.has(field)));

/**
 * True when a planned write differs from the contact only in fields its listing did not report. The contact may hold
 * them already (a write that landed but whose record was lost to a crash or a restored backup): its single read
 * says, and a contact that holds them is not written again.
 */
export function differsOnlyUnlisted(
  current: PsaContact,
  diffs: readonly FieldDiff[],
  unlisted: ReadonlySet<string>,
): boolean {
  return (
    diffs.length > 0 && diffs.every((d) => unlisted.has(d.field) && current[d.field as keyof PsaContactFields] === null)
  );
}

const phoneKey = (value: string | null): string | null => (value === null ? null : internationalPhoneKey(value));

/** True when two sets of PSA fields are the same, field by field. */
export function samePsaFields(a: PsaContactFields | null, b: PsaContactFields): boolean {
  // What an earlier release remembers has no mobile phone: a field it lacks is null.
  return a !== null && FIELD_ORDER.every((field) => (a[field] ?? null) === (b[field] ?? null));
}

/** The old value of a field the PSA's contact list does not give, shown in place of ∅. */
export function notListed(psaName: string): string {
  let text = NOT_LISTED_BY_NAME.get(psaName);
  if (text === undefined) NOT_LISTED_BY_NAME.set(psaName, (text = `(not in ${psaName}’s list)`));
  return text;
}

/** Each PSA's text in place of ∅, made once: a plan's diffs hold it for every linked contact, one string for all. */
const NOT_LISTED_BY_NAME = new Map<string, string>();

function show(value: string | number | boolean | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

export interface PsaFieldsDiff {
  /** what the contact holds after the write (a blank Microsoft value never erases one already there) */
  readonly fields: PsaContactFields;
  readonly diffs: readonly FieldDiff[];
}

/**
 * Field-by-field comparison with an existing PSA contact. Fields the PSA's listings do not report (a phone or types)
 * are compared with what contactsync last wrote; when that is unknown too, they are written.
 */
export function diffPsaContact(
  current: PsaContact,
  pushed: PsaContactFields | null,
  desired: PsaContactFields,
  blankNeverOverwrites: boolean,
  /** the PSA: its name and the fields its listing does not give */
  psa: TargetProfile,
): PsaFieldsDiff {
  const psaName = psa.words.name;
  const unlisted = unlistedFields(psa);
  // A field the listing does not give reads as null there: what contactsync last wrote stands in for it.
  const orPushed = <K extends keyof PsaContactFields>(field: K, value: PsaContactFields[K] | null) =>
    unlisted.has(field) ? (value ?? pushed?.[field]) : value;
  const known: Record<keyof PsaContactFields, string | number | boolean | null | undefined> = {
    firstName: current.firstName,
    lastName: current.lastName,
    jobTitle: current.jobTitle,
    emailAddress: current.emailAddress?.toLowerCase() ?? null,
    emailTypeId: orPushed('emailTypeId', current.emailTypeId),
    // A number a person typed with spaces is the same number.
    phoneNumber: orPushed('phoneNumber', phoneKey(current.phoneNumber)),
    phoneTypeId: orPushed('phoneTypeId', current.phoneTypeId),
    mobilePhone: orPushed('mobilePhone', phoneKey(current.mobilePhone)),
    locationId: current.locationId,
    isActive: current.isActive,
    // Ids are compared as Microsoft gives them, in lower case, whatever case the PSA keeps.
    directoryId: current.directoryId?.toLowerCase() ?? null,
    directoryTenantId: current.directoryTenantId?.toLowerCase() ?? null,
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
