import type { DocContact, DocContactPatch, DocEmail, DocPhone } from '../domain/doc-contact.ts';
import type { PsaContact, PsaContactFields } from '../domain/psa-contact.ts';
import { reason, type Reason } from '../domain/reason.ts';
import { flatChanges, flatContact } from '../domain/flat-contact.ts';

/**
 * The contract guard (CONTRACTS.md, "Checking the guesses"): the first write of each kind to a system in a run is
 * read back and compared field by field with what was sent. A field that did not land means a guess about the
 * vendor's API is wrong, and that system takes no more writes in the run, so that one wrong guess cannot spread to
 * hundreds of records.
 */

/** A guarded target, by its role: the documentation platform or the PSA. */
export type GuardedSystem = 'doc' | 'psa';
export type WriteKind = 'create' | 'update' | 'inactivate';

/** The name users read for each guarded target (`targets.doc.words.name`). */
export type GuardedNames = Readonly<Record<GuardedSystem, string>>;

/** A field that did not land: what was sent, and what the read gave back. */
export interface Mismatch {
  readonly field: string;
  readonly sent: unknown;
  readonly found: unknown;
}

function text(value: string | null | undefined): string {
  return (value ?? '').trim();
}

function digits(value: string | null | undefined): string {
  return (value ?? '').replace(/\D/g, '');
}

/**
 * The same number, whichever form the API kept: separators are ignored, and a national form matches the
 * international one it ends (a documentation platform's examples store `4155552156` for `+1 415 555 2156`).
 */
export function samePhoneNumber(a: string | null | undefined, b: string | null | undefined): boolean {
  const [x, y] = [digits(a), digits(b)];
  if (x === y) return true;
  const [shorter, longer] = x.length < y.length ? [x, y] : [y, x];
  return shorter.length >= 7 && longer.endsWith(shorter);
}

function sameEmail(a: DocEmail, b: DocEmail): boolean {
  return a.value.toLowerCase() === b.value.toLowerCase() && a.primary === b.primary && a.label === b.label;
}

function samePhone(a: DocPhone, b: DocPhone): boolean {
  return samePhoneNumber(a.value, b.value) && a.primary === b.primary && a.label === b.label;
}

/**
 * The first field of a documentation write that the contact read back does not hold. `flat`: the platform keeps one
 * value per field (flat-contact.ts), so the write is compared in that form, laid over the contact read back.
 */
export function docMismatch(sent: DocContactPatch, found: DocContact, flat = false): Mismatch | null {
  if (flat) {
    const { archived: _archived, ...fields } = sent;
    const [expected, held] = [flatContact({ ...found, ...fields }), flatContact(found)];
    const field = flatChanges(expected, held, found.unkept)[0];
    if (field !== undefined) return { field, sent: expected[field], found: held[field] };
    return sent.archived === true && found.archived !== true
      ? { field: 'archived', sent: true, found: found.archived }
      : null;
  }
  for (const field of ['firstName', 'lastName', 'title', 'contactTypeId', 'locationId'] as const) {
    if (!(field in sent)) continue;
    if (text(sent[field]) !== text(found[field])) return { field, sent: sent[field], found: found[field] };
  }
  for (const email of sent.emails ?? []) {
    if (!found.emails.some((e) => sameEmail(e, email))) return { field: 'emails', sent: email, found: found.emails };
  }
  for (const phone of sent.phones ?? []) {
    if (!found.phones.some((p) => samePhone(p, phone))) return { field: 'phones', sent: phone, found: found.phones };
  }
  if (sent.archived === true && found.archived !== true)
    return { field: 'archived', sent: true, found: found.archived };
  return null;
}

/** The first field of a PSA write that the contact read back does not hold. */
export function psaMismatch(sent: Partial<PsaContactFields>, found: PsaContact): Mismatch | null {
  const same: Record<keyof PsaContactFields, (a: unknown, b: unknown) => boolean> = {
    firstName: (a, b) => text(a as string) === text(b as string),
    lastName: (a, b) => text(a as string) === text(b as string),
    jobTitle: (a, b) => text(a as string) === text(b as string),
    emailAddress: (a, b) => text(a as string).toLowerCase() === text(b as string).toLowerCase(),
    emailTypeId: (a, b) => a === b,
    phoneNumber: (a, b) => samePhoneNumber(a as string, b as string),
    phoneTypeId: (a, b) => a === b,
    mobilePhone: (a, b) => samePhoneNumber(a as string, b as string),
    locationId: (a, b) => a === b,
    isActive: (a, b) => a === b,
    directoryId: (a, b) => text(a as string).toLowerCase() === text(b as string).toLowerCase(),
    directoryTenantId: (a, b) => text(a as string).toLowerCase() === text(b as string).toLowerCase(),
  };
  for (const [field, equal] of Object.entries(same) as [
    keyof PsaContactFields,
    (a: unknown, b: unknown) => boolean,
  ][]) {
    if (!(field in sent)) continue;
    if (!equal(sent[field], found[field])) return { field, sent: sent[field], found: found[field] };
  }
  return null;
}

const shown = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));

/** The reason on the record whose write was read back. */
export function mismatchReason(name: string, kind: WriteKind, mismatch: Mismatch): Reason {
  return reason(
    'contract-mismatch',
    `${name} did not keep "${mismatch.field}" of the first ${kind} of this run: sent ${shown(mismatch.sent)}, ` +
      `read back ${shown(mismatch.found)}. A guess about ${name}'s API is wrong (run contactsync doctor); ` +
      `${name} takes no more writes in this run.`,
    mismatch.field,
  );
}

/** The reason on a record whose write was read back and could not be found or read. */
export function unreadableReason(name: string, kind: WriteKind, cause: string): Reason {
  return reason(
    'contract-mismatch',
    `${name} could not give back the first ${kind} of this run to check it (${cause}). ` +
      `${name} takes no more writes in this run.`,
  );
}

/** The reason on every later record of a system that was stopped. */
export function stoppedReason(name: string, cause: Reason): Reason {
  const field = cause.field === undefined ? '' : ` "${cause.field}"`;
  return reason(
    'contract-mismatch',
    `Not written to ${name}: a write earlier in this run did not keep${field || ' what was sent'}, ` +
      `so ${name} takes no more writes in this run (run contactsync doctor).`,
    ...(cause.field === undefined ? [] : [cause.field]),
  );
}

/** Which writes of a run have been read back, and the reason a system was stopped. */
export class ContractGuard {
  private readonly checked = new Set<string>();
  private readonly stops = new Map<GuardedSystem, Reason>();

  constructor(private readonly names: GuardedNames) {}

  /** True until the first write of this kind to this system has been read back. */
  needsCheck(system: GuardedSystem, kind: WriteKind): boolean {
    return !this.checked.has(`${system}/${kind}`);
  }

  checkedOk(system: GuardedSystem, kind: WriteKind): void {
    this.checked.add(`${system}/${kind}`);
  }

  stop(system: GuardedSystem, cause: Reason): void {
    if (!this.stops.has(system)) this.stops.set(system, cause);
  }

  /** The reason for a record that a stopped system will not take, or null while it takes writes. */
  stopped(system: GuardedSystem): Reason | null {
    const cause = this.stops.get(system);
    return cause === undefined ? null : stoppedReason(this.names[system], cause);
  }
}
