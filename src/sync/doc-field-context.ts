import type { DocContactFields, DocContactPatch, DocLocation } from '../domain/doc-contact.ts';
import type { OwnedPhone } from '../domain/link.ts';
import type { FieldDiff } from '../domain/plan.ts';
import type { Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import type { TargetWords } from '../domain/target-profile.ts';

/** A phone written when Microsoft 365 has none, from the `blankReplacement` setting. */
export interface ReplacementPhone {
  readonly key: string;
  readonly digits: string;
  /** what the PSA receives: E.164 when the number is valid, else the literal as configured */
  readonly psaValue: string;
}

/** What the documentation leg needs to know about the tenant, resolved once per plan. */
export interface DocFieldContext {
  readonly settings: Settings;
  /** how the documentation platform names things, for the notes on its fields */
  readonly words: TargetWords;
  readonly locationsById: ReadonlyMap<string, DocLocation>;
  readonly locationsByName: ReadonlyMap<string, DocLocation>;
  /** the default location (named by the setting, else the primary), or null with the reason in `defaultLocationProblem` */
  readonly defaultLocation: DocLocation | null;
  readonly newContactTypeId: string | null;
  readonly replacementPhone: ReplacementPhone | null;
  /** the calling code of the tenant's region: phones of that country are written in their national form */
  readonly callingCode: string;
  /** the tenant's region, for reading back the national form of a phone contactsync wrote */
  readonly region: string;
  /** the longest name or title the documentation platform takes */
  readonly textLimit: number;
  /** the platform keeps one value per field: contacts are compared in that form (the profile's `flatContact`) */
  readonly flat?: boolean;
}

/** The primary phone of the planned contact, in the form the PSA receives. */
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
