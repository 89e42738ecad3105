import type { DocContact } from '../domain/doc-contact.ts';
import type { Link, MatchRule } from '../domain/link.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import type { DocAction, LinkIntent, PlannedAction, PsaAction } from '../domain/plan.ts';
import type { PsaContactFields } from '../domain/psa-contact.ts';
import { reason, type Reason } from '../domain/reason.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { contactsNamed, docLabel, psaLabel } from './contact-names.ts';
import { planDocFields, type DocFieldsPlan } from './doc-fields.ts';
import { docHoldReasons, missingDocFields } from './doc-required.ts';
import { matchUsersToContacts, type ContactMatch } from './match.ts';
import type { TenantIndex } from './plan-index.ts';
import type { ScopedUsers } from './plan-scope.ts';
import { DOC_NONE, docNone, NO_KEYS, PSA_NONE, psaNone, userAction } from './planned-actions.ts';

const NO_FIELDS: readonly never[] = [];

/** A user in scope whose documentation leg is planned, on the way to the PSA leg and then to its place in the plan. */
export interface Pending {
  readonly slot: number;
  readonly user: NormalizedUser;
  /** the addresses a PSA contact is found by: the primary email and every mailbox address */
  readonly emailKeys: readonly string[];
  /** the rule that matched: the documentation platform's, or the PSA's when there is no documentation platform */
  rule: MatchRule | null;
  readonly doc: DocAction;
  readonly docFields: DocFieldsPlan;
  readonly link: Link | null;
  /** null until there is one: most users have none, and a tenant's worth of empty lists is a cost */
  reasons: Reason[] | null;
  psa: PsaAction;
  held: boolean;
  psaFields: PsaContactFields | null;
}

/**
 * Match: takes the users in scope and the customer's documentation contacts and gives, aligned with the users, each
 * one's match by the rules of DESIGN.md (link, alias, username, name; one-to-one, tier by tier): a contact, a
 * dispute, or none. A user an operator chose to create a new contact for is matched by its link alone.
 */
export function matchDocContacts(
  users: readonly NormalizedUser[],
  contacts: readonly DocContact[],
  tenant: TenantIndex,
): ContactMatch[] {
  const side = tenant.targets.doc!.id;
  const forceCreate = new Set(
    users.filter((user) => tenant.decided(user.id, side) === 'create').map((user) => user.id),
  );
  return matchUsersToContacts({ users, contacts, links: tenant.links, forceCreate });
}

/** The link a user keeps as it is when nothing is written, or null without one. */
function keptLink(link: Link | null): LinkIntent | null {
  return link === null ? null : { rule: link.rule, ownedEmails: link.ownedEmails, ownedPhones: link.ownedPhones };
}

/**
 * The users no leg writes for, settled in `slots`: sync disabled for the contact altogether, or no email the targets
 * would take. Null when the user goes on.
 */
function settledEarly(
  user: NormalizedUser,
  link: Link | null,
  rule: MatchRule | null,
  docContactId: string | null,
  doc: DocFieldsPlan | null,
): PlannedAction | null {
  if (link?.syncDisabled === 'all') {
    return userAction(
      user,
      'disabled',
      rule,
      docNone(docContactId),
      { kind: 'disabled', contactId: link.psaContactId },
      [reason('sync-disabled', 'Sync is disabled for this contact.')],
      keptLink(link),
    );
  }
  if (doc !== null && normalizeEmail(doc.primaryEmail) === null) {
    // No address a target would take: nothing is written until Microsoft 365 has one.
    return userAction(
      user,
      'held',
      rule,
      docNone(docContactId),
      psaNone(link?.psaContactId ?? null),
      [
        ...user.issues,
        reason(
          'no-valid-email',
          `"${doc.primaryEmail}" is not a valid email address, and the user has no other: nothing is written.`,
          'mail',
        ),
      ],
      keptLink(link),
    );
  }
  return null;
}

function notesOf(user: NormalizedUser, doc: DocFieldsPlan): Reason[] | null {
  if (user.issues.length === 0 && doc.notes.length === 0) return null;
  return [...user.issues, ...doc.notes.filter((note) => note.code !== 'no-location')];
}

function emailKeysOf(user: NormalizedUser, doc: DocFieldsPlan): readonly string[] {
  return doc.primaryEmail === user.primarySmtp ? user.mailboxAddresses : [doc.primaryEmail, ...user.mailboxAddresses];
}

/**
 * Plan the documentation fields: takes the users in scope with their matches and gives, for each user who goes on
 * to the PSA, a pending entry with the documentation action (create, update, unchanged, mirrored when the platform's
 * PSA integration owns the contact, or held when the write would leave a field the platform requires empty), the
 * planned fields the PSA leg reads, and the reasons so far. A disputed user, a user whose sync is disabled, and a
 * user with no email the platform would take are settled here, in `scope.slots`, and go no further.
 */
export function planDocLeg(
  scope: ScopedUsers,
  matches: readonly ContactMatch[],
  tenant: TenantIndex,
  docContacts: readonly DocContact[],
): Pending[] {
  const { slots, users, userSlots } = scope;
  const docWords = tenant.targets.doc!.words;
  const psaTarget = tenant.targets.psa;
  // The candidates of a dispute are named in its reason: built once, at the first dispute.
  let docById: ReadonlyMap<string, DocContact> | null = null;
  const named = (ids: readonly string[]) =>
    contactsNamed(ids, (docById ??= new Map(docContacts.map((c) => [c.id, c]))));
  const { links, docContext, contactTypeWarning } = tenant;
  const pending: Pending[] = [];
  for (let u = 0; u < users.length; u++) {
    const user = users[u]!;
    const slot = userSlots[u]!;
    const match = matches[u]!;
    const link = links.get(user.id) ?? null;
    if (match.kind === 'disputed') {
      slots[slot] = userAction(
        user,
        'disputed',
        match.rule,
        { kind: 'disputed', candidateIds: match.candidateIds },
        PSA_NONE,
        [
          reason(
            'disputed',
            `Rule "${match.rule}" finds ${match.candidateIds.length > 1 ? `${match.candidateIds.length} ${docWords.name} contacts: ${named(match.candidateIds)}` : `${docWords.name} contact ${named(match.candidateIds)}, which another user also matches`}; a person must choose.`,
          ),
          ...user.issues,
        ],
        null,
      );
      continue;
    }
    const contact = match.kind === 'matched' ? match.contact : null;
    const rule = match.kind === 'matched' ? match.rule : null;
    const early = settledEarly(user, link, rule, contact?.id ?? null, null);
    if (early !== null) {
      slots[slot] = early;
      continue;
    }
    const doc = planDocFields(user, contact, match.kind === 'matched' ? match.emailKeys : NO_KEYS, link, docContext);
    const held = settledEarly(user, link, rule, contact?.id ?? null, doc);
    if (held !== null) {
      slots[slot] = held;
      continue;
    }
    let reasons = notesOf(user, doc);
    let action: DocAction;
    let psa: PsaAction = psaNone(link?.psaContactId ?? null);
    // A write the platform would refuse for a required field is not tried: the user is held from it alone.
    const missing =
      contact === null || (contact.mirroredPsaContactId === null && doc.diffs.length > 0)
        ? missingDocFields(doc.fields, tenant.docRequired, contact)
        : NO_FIELDS;
    if (missing.length > 0) {
      action = { kind: 'held', contactId: contact?.id ?? null };
      (reasons ??= []).push(...docHoldReasons(missing, tenant.targets.doc!));
    } else if (contact === null) {
      action = { kind: 'create', fields: doc.fields };
      if (contactTypeWarning !== null) (reasons ??= []).push(contactTypeWarning);
    } else if (contact.mirroredPsaContactId !== null) {
      action = { kind: 'mirrored', contactId: contact.id, psaContactId: contact.mirroredPsaContactId };
      if (psaTarget === null) {
        psa = PSA_NONE;
        (reasons ??= []).push(
          reason(
            'psa-mirrored',
            `${docWords.name}'s PSA integration keeps the ${docWords.name} contact ${docLabel(contact)} in step with a PSA contact, and refuses edits to it: with no PSA configured here, nothing is written to it.`,
          ),
        );
      } else {
        psa = psaNone(contact.mirroredPsaContactId);
        if ((link?.psaContactId ?? null) !== contact.mirroredPsaContactId)
          (reasons ??= []).push(
            reason(
              'psa-mirrored',
              `${docWords.name}'s PSA integration keeps the ${docWords.name} contact ${docLabel(contact)} in step with the ${psaTarget.words.name} contact ${psaLabel(contact.mirroredPsaContactId, tenant.linkedPsaContacts)}, and refuses edits to it: changes are written to that ${psaTarget.words.name} contact, and ${docWords.name} takes them from there.`,
            ),
          );
      }
    } else if (doc.diffs.length > 0) {
      action = { kind: 'update', contactId: contact.id, patch: doc.patch, diffs: doc.diffs };
    } else {
      action = { kind: 'unchanged', contactId: contact.id };
    }
    pending.push({
      slot,
      user,
      emailKeys: emailKeysOf(user, doc),
      rule,
      doc: action,
      docFields: doc,
      link,
      reasons,
      psa,
      held: missing.length > 0,
      psaFields: null,
    });
  }
  return pending;
}

/**
 * Without a documentation platform: takes the users in scope and gives each a pending entry for the PSA leg alone,
 * with the fields a new documentation contact would have (the PSA contact is built from them, as it is when both
 * targets are there) and no documentation action. The PSA leg matches and writes as it does beside a documentation
 * platform. A user whose sync is disabled, and a user with no email the PSA would take, are settled here.
 */
export function planWithoutDoc(scope: ScopedUsers, tenant: TenantIndex): Pending[] {
  const { slots, users, userSlots } = scope;
  const pending: Pending[] = [];
  for (let u = 0; u < users.length; u++) {
    const user = users[u]!;
    const slot = userSlots[u]!;
    const link = tenant.links.get(user.id) ?? null;
    const rule = link !== null && link.psaContactId !== null ? 'link' : null;
    const early = settledEarly(user, link, rule, null, null);
    if (early !== null) {
      slots[slot] = early;
      continue;
    }
    const doc = planDocFields(user, null, NO_KEYS, link, tenant.docContext);
    const held = settledEarly(user, link, rule, null, doc);
    if (held !== null) {
      slots[slot] = held;
      continue;
    }
    pending.push({
      slot,
      user,
      emailKeys: emailKeysOf(user, doc),
      rule,
      doc: DOC_NONE,
      docFields: doc,
      link,
      reasons: notesOf(user, doc),
      psa: psaNone(link?.psaContactId ?? null),
      held: false,
      psaFields: null,
    });
  }
  return pending;
}
