import type { PsaContact } from '../domain/psa-contact.ts';
import { reason } from '../domain/reason.ts';
import { psaFactsOf, type TargetWords } from '../domain/target-profile.ts';
import { personNameKey } from '../normalize/name.ts';
import { contactsNamed, psaContactLabel } from './contact-names.ts';
import type { Pending } from './plan-doc-leg.ts';
import type { TenantIndex } from './plan-index.ts';
import { psaNone } from './planned-actions.ts';
import { diffPsaContact, newContactHolds, planPsaFields, samePsaFields } from './psa-fields.ts';
import type { TenantSyncInput } from './tenant-sync-input.ts';
import { matchTiered, PositionIndex, UNMATCHED, type MatchKeys, type TieredMatch } from './tiered-match.ts';

function addReason(entry: Pending, added: ReturnType<typeof reason>): void {
  (entry.reasons ??= []).push(added);
}

/**
 * Plan the PSA fields, then match the PSA: takes the pending entries and completes each one's PSA action in place. The
 * PSA fields are planned from the documentation fields; a contact that lacks a field the PSA requires is held. A user
 * linked to a PSA contact gets an update or nothing (Scenario 3); the others are matched against the customer's
 * unclaimed contacts by email, then by name, and get a link, a dispute or a create. When the tenant has no PSA
 * customer mapped, each entry is told why nothing goes to the PSA; without a PSA, nothing is planned here.
 */
export function planPsaLeg(pending: readonly Pending[], input: TenantSyncInput, tenant: TenantIndex): void {
  const { settings, psaContext, decided, targets } = tenant;
  const target = targets.psa;
  if (target === null) return;
  const psaWords = target.words;
  const needsPsaMatch: Pending[] = [];
  if (input.psa !== null && psaContext !== null) {
    for (let p = 0; p < pending.length; p++) {
      const entry = pending[p]!;
      const mirrored = entry.doc.kind === 'mirrored';
      const linkedPsa = entry.doc.kind === 'mirrored' ? entry.doc.psaContactId : (entry.link?.psaContactId ?? null);
      if (entry.link?.syncDisabled === 'psa') {
        entry.psa = { kind: 'disabled', contactId: linkedPsa };
        addReason(entry, reason('sync-disabled', `Sync with ${psaWords.name} is disabled for this contact.`));
        continue;
      }
      if (!settings.psa.autoPush) continue;
      if (decided(entry.user.id, target.id) === 'ignore') {
        addReason(entry, reason('ignored', `An operator chose not to push this user to ${psaWords.name}.`));
        continue;
      }
      const psa = planPsaFields(entry.docFields, psaContext, entry.user, input.tenantId);
      if (!psa.ok) {
        entry.psa = { kind: 'held' };
        entry.held = true;
        for (const problem of psa.reasons) addReason(entry, problem);
        continue;
      }
      entry.psaFields = psa.fields;
      for (const note of psa.notes) addReason(entry, note);
      const current = linkedPsa === null ? undefined : tenant.linkedPsaContacts.get(linkedPsa);
      if (current !== undefined) {
        const pushed = entry.link?.psaPushed ?? null;
        const diff = diffPsaContact(current, pushed, psa.fields, settings.blankNeverOverwrites, target);
        entry.psaFields = diff.fields;
        // A contact found to hold the fields its link does not remember (read in full) has them recorded.
        entry.psa =
          diff.diffs.length > 0
            ? { kind: 'update', contactId: current.id, fields: diff.fields, diffs: diff.diffs }
            : samePsaFields(pushed, diff.fields)
              ? { kind: 'unchanged', contactId: current.id }
              : { kind: 'unchanged', contactId: current.id, remember: diff.fields };
      } else if (mirrored) {
        // Another PSA contact would be a duplicate that the documentation platform's PSA sync knows nothing of.
        entry.psa = psaNone(linkedPsa);
        addReason(
          entry,
          reason(
            'psa-mirror-missing',
            `${targets.doc!.words.name} keeps this contact in step with ${psaWords.name} contact ${linkedPsa}, which the mapped ${psaWords.name} ${psaWords.customer} does not have: nothing is written to ${psaWords.name}.`,
          ),
        );
      } else {
        if (linkedPsa !== null)
          addReason(
            entry,
            reason(
              'psa-contact-gone',
              `The linked ${psaWords.name} contact ${linkedPsa} no longer exists; it is matched again.`,
            ),
          );
        needsPsaMatch.push(entry);
      }
    }
    matchPsaContacts(needsPsaMatch, input.psa.contacts, tenant, psaWords, input.tenantId);
  } else if (input.psaAbsence) {
    for (const entry of pending) addReason(entry, input.psaAbsence);
  }
}

const psaEmailKeys = (entry: Pending): MatchKeys => entry.emailKeys;
const psaDirectoryKeys = (entry: Pending): MatchKeys => entry.user.id.toLowerCase();
/** The user principal name, as the documentation side's username rule: a PSA contact may hold it as an address. */
const psaUsernameKeys = (entry: Pending): MatchKeys => entry.user.userPrincipalName;
const psaNameKeys = (entry: Pending): MatchKeys => {
  const { fields } = entry.docFields;
  return fields.firstName === entry.user.firstName && fields.lastName === entry.user.lastName
    ? entry.user.nameKey
    : personNameKey(fields.firstName, fields.lastName);
};

type PsaRule = 'directory' | 'email' | 'username' | 'name';

/**
 * The object id of another Microsoft 365 user that a contact holds, in a PSA that keeps one: the contact stands for
 * someone else (the PSA's own directory sync or a person linked it), so an address or a name never takes it over;
 * null when it holds none, or this user's.
 */
function othersDirectoryId(contact: PsaContact, userId: string): string | null {
  const held = contact.directoryId?.trim() ?? '';
  return held === '' || held.toLowerCase() === userId.toLowerCase() ? null : held;
}

/** How a match is told: by the rule that found it. */
const FOUND_BY: Readonly<Record<PsaRule, string>> = {
  directory: "the Microsoft 365 user's object id it holds",
  email: 'email',
  username: 'the user principal name as its email',
  name: 'first and last name',
};

/**
 * The PSA side of matching: an existing contact of the customer holding the user's object id (in a PSA that keeps it),
 * else one with one of the user's addresses, else the user principal name as an address, else the same name, is linked.
 */
function matchPsaContacts(
  entries: readonly Pending[],
  psaContacts: readonly PsaContact[],
  tenant: TenantIndex,
  psaWords: TargetWords,
  tenantId: string,
): void {
  if (entries.length === 0) return;
  const { decided } = tenant;
  const side = tenant.targets.psa!.id;
  // Without a documentation platform, the PSA's match is the user's rule: an address is the alias rule.
  const psaAlone = tenant.targets.doc === null;
  const { blankNeverOverwrites } = tenant.settings;
  // A field the PSA requires that the sync never fills: every new contact would be refused.
  const createHolds = newContactHolds(tenant.psaContext!);
  const positionOf = new Map<number, number>();
  for (let c = 0; c < psaContacts.length; c++) positionOf.set(psaContacts[c]!.id, c);
  const claimed = new Uint8Array(psaContacts.length);
  for (const link of tenant.links.values()) {
    const c = link.psaContactId === null ? undefined : positionOf.get(link.psaContactId);
    if (c !== undefined) claimed[c] = 1;
  }
  for (const id of tenant.mirroredPsaIds) {
    const c = positionOf.get(id);
    if (c !== undefined) claimed[c] = 1;
  }
  const keepsDirectoryIds = psaFactsOf(tenant.targets.psa!).directoryId === true;
  const byDirectoryId = new PositionIndex();
  const byEmail = new PositionIndex();
  const byPersonName = new PositionIndex();
  for (let c = 0; c < psaContacts.length; c++) {
    if (claimed[c] === 1) continue;
    const contact = psaContacts[c]!;
    if (contact.directoryId) byDirectoryId.add(contact.directoryId.toLowerCase(), c);
    const primary = contact.emailAddress?.trim().toLowerCase() ?? null;
    if (primary !== null) byEmail.add(primary, c);
    // The person's other addresses in the PSA (a second and third email field) match as the primary does, once each.
    for (let i = 0; i < contact.otherEmails.length; i++) {
      const other = contact.otherEmails[i]!.trim().toLowerCase();
      if (other !== primary && contact.otherEmails.findIndex((e) => e.trim().toLowerCase() === other) === i)
        byEmail.add(other, c);
    }
    const key = personNameKey(contact.firstName, contact.lastName);
    if (key !== null) byPersonName.add(key, c);
  }
  const open: number[] = [];
  for (let e = 0; e < entries.length; e++) if (decided(entries[e]!.user.id, side) !== 'create') open.push(e);
  const results: TieredMatch<PsaRule>[] = new Array(entries.length);
  matchTiered<Pending, PsaRule>(
    entries,
    open,
    [
      ...(keepsDirectoryIds ? [{ rule: 'directory' as const, keysOf: psaDirectoryKeys, index: byDirectoryId }] : []),
      { rule: 'email', keysOf: psaEmailKeys, index: byEmail },
      { rule: 'username', keysOf: psaUsernameKeys, index: byEmail },
      { rule: 'name', keysOf: psaNameKeys, index: byPersonName },
    ],
    claimed,
    results,
  );
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e]!;
    const fields = entry.psaFields!;
    const result = results[e] ?? UNMATCHED;
    const by =
      result.kind === 'unmatched'
        ? ''
        : result.rule === 'directory'
          ? 'object id'
          : result.rule === 'name'
            ? 'name'
            : 'email';
    // The object id the PSA holds is a link kept in the PSA itself.
    if (psaAlone)
      entry.rule =
        result.kind === 'unmatched'
          ? null
          : result.rule === 'directory'
            ? 'link'
            : result.rule === 'email'
              ? 'alias'
              : result.rule;
    const contact = result.kind === 'matched' ? psaContacts[result.candidate]! : null;
    // Found by an address or a name, a contact that stands for another Microsoft 365 user is a question for a person.
    const others =
      !keepsDirectoryIds || contact === null || result.kind !== 'matched' || result.rule === 'directory'
        ? null
        : othersDirectoryId(contact, entry.user.id);
    if (contact !== null && others !== null) {
      entry.psa = { kind: 'disputed', candidateIds: [contact.id] };
      const theirs = contact.directoryTenantId ?? null;
      const where = theirs !== null && theirs.toLowerCase() !== tenantId.toLowerCase() ? ` of tenant ${theirs}` : '';
      addReason(
        entry,
        reason(
          'psa-other-user',
          `${psaWords.name} contact ${psaContactLabel(contact)} has the same ${by}, but holds the Microsoft 365 object id of another user (${others}${where}): it is not taken over unasked; a person must choose.`,
        ),
      );
    } else if (contact !== null && result.kind === 'matched') {
      const diff = diffPsaContact(contact, null, fields, blankNeverOverwrites, tenant.targets.psa!);
      entry.psaFields = diff.fields;
      entry.psa = {
        kind: 'link',
        contactId: contact.id,
        fields: diff.fields,
        diffs: diff.diffs,
        write: diff.diffs.length > 0,
      };
      addReason(
        entry,
        reason(
          'psa-linked',
          `Linked to the existing ${psaWords.name} contact ${psaContactLabel(contact)} by ${FOUND_BY[result.rule]} instead of creating one.`,
        ),
      );
    } else if (result.kind === 'disputed') {
      const candidates = result.candidates.map((c) => psaContacts[c]!).sort((a, b) => a.id - b.id);
      const candidateIds = candidates.map((c) => c.id);
      const names = contactsNamed(candidateIds, new Map(candidates.map((c) => [c.id, c])));
      entry.psa = { kind: 'disputed', candidateIds };
      addReason(
        entry,
        reason(
          'psa-disputed',
          `${psaWords.name} has ${candidateIds.length > 1 ? `${candidateIds.length} contacts with the same ${by}: ${names}` : `contact ${names}, which another user also matches, with the same ${by}`}; a person must choose.`,
        ),
      );
    } else if (createHolds.length > 0) {
      entry.psa = { kind: 'held' };
      entry.held = true;
      for (const problem of createHolds) addReason(entry, problem);
    } else {
      entry.psa = { kind: 'create', fields };
    }
  }
}
