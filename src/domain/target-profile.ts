import type { TargetConfig, TargetWebApp } from './target-config.ts';

/**
 * A target is a system contactsync writes a customer's people into: a documentation platform or a PSA. The core
 * never names one; it asks the target's profile, which lives in the target's own folder under `src/connectors/`.
 */

/** The two roles a target can play; an installation has at most one target of each. */
export type TargetRole = 'documentation' | 'psa';

/** A target's id: its config key, its key in the report, seed and dump, and the name the store keeps rows under. */
export type TargetId = string;

/** How a target's users name things, as shown on pages, in messages, in the audit log and in the CLI. */
export interface TargetWords {
  /** the target as users read it ("Autotask") */
  readonly name: string;
  /** the vendor's full product name, for the first mention in a guide ("Autotask PSA") */
  readonly fullName: string;
  /** what it calls a customer record ("account", "organization", "company", "client") */
  readonly customer: string;
  /** what it calls a customer's place ("location", "site") */
  readonly place: string;
}

/** The facts of one target, as data. */
export interface TargetProfile {
  readonly id: TargetId;
  readonly role: TargetRole;
  readonly words: TargetWords;
  /** the longest text the target takes in names and titles; longer values are shortened, with a reason */
  readonly textLimit: number;
  /** the longest job title the target takes, where it differs from `textLimit` */
  readonly titleLimit?: number;
  /** records written in one request, where the API takes batches (1: one record a request) */
  readonly writeBatch: number;
  /** the key of a tenant entry (config, seed, REST) that names the customer record by id: `<id>CustomerId` by default */
  readonly customerIdKey: string;
  /** the environment variable that supplies the target's secret */
  readonly secretEnv: string;
  // what the sync asks of a target: the fields it requires, its fields in words, and how its leavers are written
  /** the fields a contact must have before the target takes it, each as a person names it; a contact without one is held */
  readonly requiredFields: readonly RequiredField[];
  /** the target's contact fields as a person reads them, by the field's name in a change (`emailTypeId` → "Email type") */
  readonly fieldLabels: Readonly<Record<string, string>>;
  /** what the leaver step does to the target's contact */
  readonly leaver: LeaverWrite;
  /**
   * the target keeps one value per field (flat-contact.ts): the name whole (a display name, split on read), one
   * primary email and the others as one list, one phone and one mobile without labels or primary flags; the sync
   * compares in that form, so that a split or an order the target cannot keep is no change
   */
  readonly flatContact?: boolean;
  /**
   * a documentation platform that keeps a person's place as text, with no location records to default to: false (a
   * PSA contact of a person without one then takes the PSA customer's main location); absent, it has records
   */
  readonly placeRecords?: boolean;
  /** a documentation platform without contact types (setting `contactType`): false; absent, it has them */
  readonly contactTypes?: boolean;
  // rate budget (the API budgets every process keeps inside)
  /** the API's documented request limit, and the share of it spent unless the config says otherwise */
  readonly budget: TargetBudget;
  // the config file and links into the target's web app
  /** the target's block of the config file (under its id), its secret and what a tenant entry names */
  readonly config: TargetConfig;
  /** links into the target's web app, from the target's config block (null or {}: the defaults) */
  readonly webApp: (block: unknown) => TargetWebApp;
  // how messages count a target's customers
  /** the plural of `words.customer` ("organizations", "accounts", "companies") */
  readonly customerPlural: string;
  /** a PSA's contact fields, as the sync fills them; absent for a documentation platform */
  readonly psa?: PsaFacts;
}

/** How a PSA's contact holds emails and phones. */
export interface PsaFacts {
  /**
   * The PSA types emails and phones by the ids of its own lists (settings `psa.emailType`, `psa.phoneType`): the
   * sync resolves the names and writes the ids, and holds a contact whose type does not resolve.
   */
  readonly typed: boolean;
  /**
   * A PSA that types emails and phones by lists of its own, named in its own config block rather than by the settings
   * `psa.emailType` and `psa.phoneType`: where, in a sentence's words ("its communication types, named in the config
   * as connectwise.emailType, ...").
   */
  readonly typesNamedIn?: string;
  /**
   * The PSA has a field for each kind of phone (office, mobile): each Microsoft phone goes in its own, and a phone of
   * no kind (the blank replacement, one added by hand) in the field of `phones.primaryType`. Otherwise the PSA has one
   * phone field, which gets the primary phone.
   */
  readonly phoneSlots: boolean;
  /**
   * The fields the PSA's contact list does not give (only the read of one contact has them): compared with what
   * contactsync last wrote, and read in full before a write that would change only them. None unless named.
   */
  readonly unlisted?: readonly string[];
  /**
   * The PSA keeps each contact's Microsoft 365 object id and tenant id: the sync writes them on every contact it links,
   * and a contact holding the user's object id is the user's first match (before any address).
   */
  readonly directoryId?: boolean;
}

/** A PSA's facts; a target without them (a documentation platform) reads as typed, with one phone field. */
export function psaFactsOf(profile: TargetProfile): PsaFacts {
  return profile.psa ?? { typed: true, phoneSlots: false };
}

/** A field a target refuses a contact without: its name in the target's contact, and in words ("primary phone"). */
export interface RequiredField {
  readonly field: string;
  readonly label: string;
  /** for a field the sync never fills: what to change so that new contacts are taken (a setting, the target's admin) */
  readonly fix?: string;
}

/**
 * How a leaver's contact is written: made inactive, given the leaver contact type (`psa.leaverContactType`), or
 * archived (a documentation platform that archives records rather than typing them).
 */
export type LeaverWrite = 'inactivate' | 'leaver-type' | 'archive';

/** The targets an installation has: at most one per role, at least one in all. */
export interface Targets {
  readonly doc: TargetProfile | null;
  readonly psa: TargetProfile | null;
}

/** The report's key for the contact id a user has in the target (`autotaskContactId`). */
export function contactIdKey(profile: TargetProfile): string {
  return `${profile.id}ContactId`;
}

/** The targets present, documentation platform first. */
export function presentTargets(targets: Targets): readonly TargetProfile[] {
  return [targets.doc, targets.psa].filter((target): target is TargetProfile => target !== null);
}

/** An API's documented request limit: `limit` requests per `windowMs`, of which `defaultShare` (0 to 1) is spent. */
export interface TargetBudget {
  readonly limit: number;
  readonly windowMs: number;
  /** the share spent unless the config says otherwise: less than 1 where other tools spend from the same account */
  readonly defaultShare: number;
}
