import type { PsaContact } from '../domain/psa-contact.ts';
import { reason } from '../domain/reason.ts';
import type { TargetWords } from '../domain/target-profile.ts';
import { personNameKey } from '../normalize/name.ts';
import { contactsNamed, psaLabel } from './contact-names.ts';
import type { Pending } from './plan-doc-leg.ts';
import type { TenantIndex } from './plan-index.ts';
import { psaNone } from './planned-actions.ts';
import { diffPsaContact, listingOf, planPsaFields, samePsaFields } from './psa-fields.ts';
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
  const listing = listingOf(target);
  const needsPsaMatch: Pending[] = [];
  if (input.psa !== null && psaContext !== null) {
    for (const entry of pending) {
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
      const psa = planPsaFields(entry.docFields, psaContext);
      if (!psa.ok) {
        entry.psa = { kind: 'held' };
        entry.held = true;
        for (const problem of psa.reasons) addReason(entry, problem);
        continue;
      }
      entry.psaFields = psa.fields;
      const current = linkedPsa === null ? undefined : tenant.linkedPsaContacts.get(linkedPsa);
      if (current !== undefined) {
        const pushed = entry.link?.psaPushed ?? null;
        const diff = diffPsaContact(current, pushed, psa.fields, settings.blankNeverOverwrites, listing);
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
    matchPsaContacts(needsPsaMatch, input.psa.contacts, tenant, psaWords);
  } else if (input.psaAbsence) {
    for (const entry of pending) addReason(entry, input.psaAbsence);
  }
}

const psaEmailKeys = (entry: Pending): MatchKeys => entry.emailKeys;
const psaNameKeys = (entry: Pending): MatchKeys => {
  const { fields } = entry.docFields;
  return fields.firstName === entry.user.firstName && fields.lastName === entry.user.lastName
    ? entry.user.nameKey
    : personNameKey(fields.firstName, fields.lastName);
};

/** The PSA side of matching: an existing contact of the customer with the same email, else the same name, is linked. */
function matchPsaContacts(
  entries: readonly Pending[],
  psaContacts: readonly PsaContact[],
  tenant: TenantIndex,
  psaWords: TargetWords,
): void {
  if (entries.length === 0) return;
  const { decided } = tenant;
  const side = tenant.targets.psa!.id;
  // Without a documentation platform, the PSA's match is the user's rule: an address is the alias rule.
  const psaAlone = tenant.targets.doc === null;
  const { blankNeverOverwrites } = tenant.settings;
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
  const byEmail = new PositionIndex();
  const byPersonName = new PositionIndex();
  for (let c = 0; c < psaContacts.length; c++) {
    if (claimed[c] === 1) continue;
    const contact = psaContacts[c]!;
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
  const results: TieredMatch<'email' | 'name'>[] = new Array(entries.length);
  matchTiered<Pending, 'email' | 'name'>(
    entries,
    open,
    [
      { rule: 'email', keysOf: psaEmailKeys, index: byEmail },
      { rule: 'name', keysOf: psaNameKeys, index: byPersonName },
    ],
    claimed,
    results,
  );
  for (let e = 0; e < entries.length; e++) {
    const entry = entries[e]!;
    const fields = entry.psaFields!;
    const result = results[e] ?? UNMATCHED;
    const by = result.kind === 'unmatched' ? '' : result.rule === 'email' ? 'email' : 'name';
    if (psaAlone) entry.rule = result.kind === 'unmatched' ? null : result.rule === 'email' ? 'alias' : 'name';
    if (result.kind === 'matched') {
      const contact = psaContacts[result.candidate]!;
      const diff = diffPsaContact(contact, null, fields, blankNeverOverwrites, listingOf(tenant.targets.psa!));
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
          `Linked to the existing ${psaWords.name} contact ${psaLabel(contact.id, new Map([[contact.id, contact]]))} by ${by === 'email' ? 'email' : 'first and last name'} instead of creating one.`,
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
    } else {
      entry.psa = { kind: 'create', fields };
    }
  }
}
