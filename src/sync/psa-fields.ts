import type { DocLocation } from '../domain/doc-contact.ts';
import type { PsaContact, PsaContactFields, PsaLocation } from '../domain/psa-contact.ts';
import type { FieldDiff } from '../domain/plan.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import { foldName, normalizeName } from '../normalize/name.ts';
import { clip, trimmed, type DocFieldsPlan } from './doc-fields.ts';

/** What the BMS leg needs to know about the account, resolved once per plan. */
export interface PsaFieldContext {
  readonly settings: Settings;
  readonly docLocationsById: ReadonlyMap<string, DocLocation>;
  readonly locationsByName: ReadonlyMap<string, PsaLocation>;
  readonly mainLocation: PsaLocation | null;
  readonly emailTypeId: number | null;
  readonly phoneTypeId: number | null;
  /** the longest name or job title BMS takes */
  readonly textLimit: number;
}

export type PsaFieldsPlan =
  | { readonly ok: true; readonly fields: PsaContactFields }
  | { readonly ok: false; readonly reasons: readonly Reason[] };

/**
 * The BMS contact that the IT Glue contact becomes. BMS refuses a contact without a first name, a primary email,
 * a primary phone (each with its type) or a location, so a contact that lacks one is held, with the reasons.
 */
export function planPsaFields(doc: DocFieldsPlan, context: PsaFieldContext): PsaFieldsPlan {
  const reasons: Reason[] = [];
  const { fields } = doc;
  // An IT Glue contact keeps its own names where Microsoft 365 has none: they reach BMS cleaned as Microsoft's are.
  const firstName = normalizeName(fields.firstName);
  if (firstName === null) {
    reasons.push(
      reason('no-first-name', 'Microsoft 365 has no first name for this user, and BMS requires one.', 'firstName'),
    );
  }
  if (doc.primaryPhone === null) {
    reasons.push(
      reason(
        'no-primary-phone',
        'No primary phone: Microsoft 365 has no valid phone for this user and phones.blankReplacement is not set.',
        'phoneNumber',
      ),
    );
  }
  let locationId: number | null = null;
  if (fields.locationId === null) {
    // The default location comes from a setting: the reason says which, so that the fix is where the cause is.
    const named = context.settings.location.default;
    reasons.push(
      reason(
        'no-location',
        named === null
          ? 'The IT Glue contact has no location, and BMS requires one: the organization has no primary location to default to (setting location.default).'
          : `The IT Glue contact has no location, and BMS requires one: the organization has no location named "${named}" (setting location.default).`,
        'locationId',
      ),
    );
  } else {
    const docLocation = context.docLocationsById.get(fields.locationId);
    const byName = docLocation === undefined ? undefined : context.locationsByName.get(foldName(docLocation.name));
    locationId = (byName ?? context.mainLocation)?.id ?? null;
    if (locationId === null) {
      reasons.push(
        reason(
          'no-psa-location',
          "The BMS account has no location with the IT Glue location's name and no main location.",
          'locationId',
        ),
      );
    }
  }
  if (context.emailTypeId === null) {
    reasons.push(
      reason(
        'unknown-email-type',
        `BMS has no email type named "${context.settings.psa.emailType}" (setting psa.emailType).`,
        'emailTypeId',
      ),
    );
  }
  if (context.phoneTypeId === null) {
    reasons.push(
      reason(
        'unknown-phone-type',
        `BMS has no phone type named "${context.settings.psa.phoneType}" (setting psa.phoneType).`,
        'phoneTypeId',
      ),
    );
  }
  if (
    reasons.length > 0 ||
    firstName === null ||
    doc.primaryPhone === null ||
    locationId === null ||
    context.emailTypeId === null ||
    context.phoneTypeId === null
  ) {
    return { ok: false, reasons };
  }
  const limit = context.textLimit;
  return {
    ok: true,
    fields: {
      firstName: clip(firstName, limit)!,
      lastName: clip(normalizeName(fields.lastName), limit),
      jobTitle: clip(normalizeName(fields.title), limit),
      emailAddress: doc.primaryEmail,
      emailTypeId: context.emailTypeId,
      phoneNumber: doc.primaryPhone.psaValue,
      phoneTypeId: context.phoneTypeId,
      locationId,
      isActive: true,
    },
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
  'locationId',
  'isActive',
];

/** The fields BMS's contact list does not give: only the single read of a contact has them. */
const UNLISTED: ReadonlySet<string> = new Set<keyof PsaContactFields>(['emailTypeId', 'phoneNumber', 'phoneTypeId']);

/**
 * True when a planned write differs from the contact only in fields its listing did not report. The contact may hold
 * them already (a write that landed but whose record was lost to a crash or a restored backup): its single read
 * says, and a contact that holds them is not written again.
 */
export function differsOnlyUnlisted(current: PsaContact, diffs: readonly FieldDiff[]): boolean {
  return (
    diffs.length > 0 && diffs.every((d) => UNLISTED.has(d.field) && current[d.field as keyof PsaContactFields] === null)
  );
}

/** True when two sets of BMS fields are the same, field by field. */
export function samePsaFields(a: PsaContactFields | null, b: PsaContactFields): boolean {
  return a !== null && FIELD_ORDER.every((field) => a[field] === b[field]);
}

/** The old value of a field BMS's contact list does not give, shown in place of ∅. */
export const NOT_LISTED = '(not in BMS’s list)';

function show(value: string | number | boolean | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

export interface PsaFieldsDiff {
  /** what the contact holds after the write (a blank Microsoft value never erases one already there) */
  readonly fields: PsaContactFields;
  readonly diffs: readonly FieldDiff[];
}

/**
 * Field-by-field comparison with an existing BMS contact. Fields BMS's listings do not report (phone, types) are
 * compared with what contactsync last wrote; when that is unknown too, they are written.
 */
export function diffPsaContact(
  current: PsaContact,
  pushed: PsaContactFields | null,
  desired: PsaContactFields,
  blankNeverOverwrites: boolean,
): PsaFieldsDiff {
  const known: Record<keyof PsaContactFields, string | number | boolean | null | undefined> = {
    firstName: current.firstName,
    lastName: current.lastName,
    jobTitle: current.jobTitle,
    emailAddress: current.emailAddress?.toLowerCase() ?? null,
    emailTypeId: current.emailTypeId ?? pushed?.emailTypeId,
    phoneNumber: current.phoneNumber ?? pushed?.phoneNumber,
    phoneTypeId: current.phoneTypeId ?? pushed?.phoneTypeId,
    locationId: current.locationId,
    isActive: current.isActive,
  };
  const fields: PsaContactFields = {
    ...desired,
    lastName: desired.lastName ?? (blankNeverOverwrites ? current.lastName : null),
    jobTitle: desired.jobTitle ?? (blankNeverOverwrites ? current.jobTitle : null),
  };
  const diffs: FieldDiff[] = [];
  for (const field of FIELD_ORDER) {
    const old = show(known[field]);
    const next = show(fields[field]);
    // BMS's contact list carries no phone or types: before contactsync has written them, what BMS holds is unknown,
    // which is not the same as empty.
    if (old !== next) diffs.push({ field, old: known[field] === undefined ? NOT_LISTED : old, new: next });
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
