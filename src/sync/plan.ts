import type { DocContact, DocContactType, DocLocation } from '../domain/doc-contact.ts';
import type { Link, MatchRule, OperatorDecision, OwnedPhone } from '../domain/link.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import type {
  DeletionGuardVerdict,
  DocAction,
  FieldDiff,
  LinkIntent,
  Outcome,
  Plan,
  PlannedAction,
  PsaAction,
  TextLimits,
} from '../domain/plan.ts';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from '../domain/psa-contact.ts';
import { formerName } from './former-name.ts';
import { reason, type Reason } from '../domain/reason.ts';
import type { Settings } from '../domain/settings.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { foldName, personNameKey } from '../normalize/name.ts';
import { itgluePhoneValue, normalizePhone, regionCallingCode } from '../normalize/phone.ts';
import {
  planDocFields,
  trimmed,
  type DocFieldContext,
  type DocFieldsPlan,
  type ReplacementPhone,
} from './doc-fields.ts';
import { matchUsersToContacts, type ContactMatch } from './match.ts';
import { diffPsaContact, planPsaFields, samePsaFields, type PsaFieldContext } from './psa-fields.ts';
import { createScopeFilter } from './scope.ts';
import { matchTiered, PositionIndex, UNMATCHED, type MatchKeys, type TieredMatch } from './tiered-match.ts';
import { contactLabel } from './contact-label.ts';
import { disputeContactsCreatedTwice, type CreatedContactFacts } from './created-twice.ts';
import { WAITING_BMS, WAITING_ITGLUE } from './result-columns.ts';

/** Everything the planner knows of one tenant. The planner does no I/O: callers read this, then apply the plan. */
export interface TenantSyncInput {
  readonly tenantId: string;
  readonly settings: Settings;
  /** every user the directory has now, normalized (a user who is gone is simply absent) */
  readonly users: readonly NormalizedUser[];
  /** the transitive members of the groups in `settings.scope.groupIds`; null when no group is configured */
  readonly groupMemberIds: ReadonlySet<string> | null;
  /** the tenant's main number (`businessPhones[0]` of `/organization`), for `blankReplacement: "tenantMain"` */
  readonly organizationPhone: string | null;
  readonly doc: {
    readonly contacts: readonly DocContact[];
    readonly locations: readonly DocLocation[];
    readonly contactTypes: readonly DocContactType[];
  };
  /** null when the tenant has no BMS account mapped */
  readonly psa: {
    readonly contacts: readonly PsaContact[];
    readonly locations: readonly PsaLocation[];
    readonly emailTypes: readonly PsaType[];
    readonly phoneTypes: readonly PsaType[];
  } | null;
  /** why nothing goes to BMS when `bms` is null (no account mapped, or BMS not configured): told to every user */
  readonly psaAbsence?: Reason | null;
  readonly links: readonly Link[];
  readonly decisions: readonly OperatorDecision[];
  /** an operator approved the inactivations held back by the deletion guard */
  readonly approveInactivations: boolean;
  /** what the systems take in names and titles; no limit when absent */
  readonly textLimits?: TextLimits;
  /** the contacts contactsync created for the users, by any run, and the disputes of them a person settled */
  readonly createdContacts?: CreatedContactFacts;
}

/**
 * Plans one tenant: for each user one action with its reasons and field-level diffs (Scenarios 1–3 of DESIGN.md,
 * no-change, leavers under the deletion guard, held contacts, disputes). Pure: same input, same plan, whatever the
 * order of the input lists.
 *
 * The stages run in the order of DESIGN.md's pipeline. Each user's action is written once, into its place in the
 * users' order, by the stage that settles it: scope (excluded), the IT Glue leg (disputed, sync disabled, no valid
 * email), settle (every other user in scope, after the BMS leg), or the leavers under the deletion guard.
 */
export function planTenantSync(input: TenantSyncInput): Plan {
  // Nothing below depends on the order of users (matching is order-free); the actions are sorted at the end.
  const tenant = indexTenant(input);
  const scope = scopeUsers(input, tenant);
  const matches = matchItGlueContacts(scope.users, input.doc.contacts, tenant);
  const pending = planItGlueLeg(scope, matches, tenant, input.doc.contacts);
  planBmsLeg(pending, input, tenant);
  settleActions(pending, scope.slots);
  const leavers = planLeaversUnderGuard(scope.leavers, input, tenant, scope.slots);
  return disputeContactsCreatedTwice(reportPlan(input.tenantId, scope.slots, leavers), input);
}

/** `Jane Doe (1201), Jane Doe (1207)`: contacts by name, with the id that tells them apart. */
/** An IT Glue contact by name and primary address, its id in parentheses. */
export function docLabel(contact: DocContact): string {
  const email = contact.emails.find((e) => e.primary) ?? contact.emails[0];
  return contactLabel({ ...contact, email: email?.value ?? null });
}

/** A BMS contact by name and address when it was read, else by its id alone. */
export function psaLabel(id: number, byId: ReadonlyMap<number, PsaContact>): string {
  const contact = byId.get(id);
  return contact === undefined ? String(id) : contactLabel({ ...contact, email: contact.emailAddress });
}

function contactsNamed<Id>(
  ids: readonly Id[],
  byId: ReadonlyMap<Id, { readonly firstName: string | null; readonly lastName: string | null }>,
): string {
  return ids
    .map((id) => {
      const contact = byId.get(id);
      const name = `${contact?.firstName ?? ''} ${contact?.lastName ?? ''}`.trim();
      return `${name === '' ? 'a contact without a name' : name} (${String(id)})`;
    })
    .join(', ');
}

type Decided = (userId: string, side: OperatorDecision['side']) => OperatorDecision['choice'] | null;

/** What the stages look things up in, built once per tenant. */
interface TenantIndex {
  readonly settings: Settings;
  /** every link of the tenant by user id, those of users out of scope or gone included */
  readonly links: ReadonlyMap<string, Link>;
  /** the linked IT Glue contacts by id (only linked contacts are looked up by id) */
  readonly linkedDocContacts: ReadonlyMap<string, DocContact>;
  /** the linked or mirrored BMS contacts by id */
  readonly linkedPsaContacts: ReadonlyMap<number, PsaContact>;
  /** BMS contacts that IT Glue's PSA integration mirrors: they belong to their IT Glue contact's user alone */
  readonly mirroredPsaIds: ReadonlySet<number>;
  /** what an operator chose for a user on one side, or null */
  readonly decided: Decided;
  readonly docContext: DocFieldContext;
  /** null when the tenant has no BMS account mapped */
  readonly psaContext: PsaFieldContext | null;
  /** told on every new IT Glue contact when the `contactType` setting names no type IT Glue has */
  readonly contactTypeWarning: Reason | null;
}

/**
 * Index: takes the tenant's input and gives what the stages look up — links by user, the linked IT Glue and BMS
 * contacts by id (maps built for the linked ids alone, in one pass over each system's contacts), the BMS contacts
 * IT Glue mirrors, the operators' decisions, and the settings resolved against the tenant (locations, contact and
 * BMS types, the replacement phone) into the contexts the IT Glue and BMS field rules read.
 */
function indexTenant(input: TenantSyncInput): TenantIndex {
  const { settings } = input;
  const links = new Map(input.links.map((link) => [link.userId, link]));
  const linkedDocIds = new Set<string>();
  const linkedPsaIds = new Set<number>();
  for (const link of input.links) {
    linkedDocIds.add(link.docContactId);
    if (link.psaContactId !== null) linkedPsaIds.add(link.psaContactId);
  }
  const linkedDocContacts = new Map<string, DocContact>();
  const mirroredPsaIds = new Set<number>();
  for (const contact of input.doc.contacts) {
    if (linkedDocIds.has(contact.id)) linkedDocContacts.set(contact.id, contact);
    if (contact.mirroredPsaContactId !== null) {
      mirroredPsaIds.add(contact.mirroredPsaContactId);
      linkedPsaIds.add(contact.mirroredPsaContactId);
    }
  }
  const linkedPsaContacts = new Map<number, PsaContact>();
  for (const contact of input.psa?.contacts ?? [])
    if (linkedPsaIds.has(contact.id)) linkedPsaContacts.set(contact.id, contact);
  const decisions = new Map(input.decisions.map((d) => [`${d.side}\u0000${d.userId}`, d.choice]));
  const decided: Decided = (userId, side) =>
    decisions.size === 0 ? null : (decisions.get(`${side}\u0000${userId}`) ?? null);
  const docLocationsById = new Map(input.doc.locations.map((location) => [location.id, location]));
  const docLocationsByName = byName(input.doc.locations);
  const namedDefault = settings.location.default;
  const defaultLocation =
    namedDefault === null
      ? ([...input.doc.locations].sort((a, b) => (a.id < b.id ? -1 : 1)).find((location) => location.primary) ?? null)
      : (docLocationsByName.get(foldName(namedDefault)) ?? null);
  const docContext: DocFieldContext = {
    settings,
    locationsById: docLocationsById,
    locationsByName: docLocationsByName,
    defaultLocation,
    newContactTypeId: typeId(input.doc.contactTypes, settings.contactType),
    replacementPhone: replacementPhone(settings, input.organizationPhone),
    callingCode: regionCallingCode(settings.phones.defaultRegion),
    region: settings.phones.defaultRegion,
    textLimit: input.textLimits?.doc ?? Number.POSITIVE_INFINITY,
  };
  const psaContext: PsaFieldContext | null =
    input.psa === null
      ? null
      : {
          settings,
          docLocationsById,
          locationsByName: byName(input.psa.locations),
          mainLocation:
            [...input.psa.locations].sort((a, b) => a.id - b.id).find((location) => location.isMain) ?? null,
          emailTypeId: psaTypeId(input.psa.emailTypes, settings.psa.emailType),
          phoneTypeId: psaTypeId(input.psa.phoneTypes, settings.psa.phoneType),
          textLimit: input.textLimits?.psa ?? Number.POSITIVE_INFINITY,
        };
  const contactTypeWarning =
    settings.contactType !== null && docContext.newContactTypeId === null
      ? reason(
          'unknown-contact-type',
          `IT Glue has no contact type named "${settings.contactType}" (setting contactType); new contacts get none.`,
          'contact-type-id',
        )
      : null;
  return {
    settings,
    links,
    linkedDocContacts,
    linkedPsaContacts,
    mirroredPsaIds,
    decided,
    docContext,
    psaContext,
    contactTypeWarning,
  };
}

interface Leaver {
  /** the user's position in the input, or null when the user is gone from the directory */
  readonly slot: number | null;
  readonly userId: string;
  readonly upn: string;
  readonly displayName: string | null;
  readonly reasons: readonly Reason[];
}

interface ScopedUsers {
  /** one action per user, in the users' order; each stage fills the places of the users it settles */
  readonly slots: PlannedAction[];
  /** the users in scope, who go on to matching, and the place of each in `slots` */
  readonly users: readonly NormalizedUser[];
  readonly userSlots: readonly number[];
  /** linked users who left scope (they keep their place) or are gone from the directory (they have none) */
  readonly leavers: readonly Leaver[];
}

/**
 * Scope: takes every user the directory has and gives the users that should be contacts, with their places in the
 * plan. A user out of scope, or one an operator chose to ignore, is settled here as excluded with the reasons; a
 * linked user out of scope, and a linked user gone from the directory, is a leaver for the last stage.
 */
function scopeUsers(input: TenantSyncInput, tenant: TenantIndex): ScopedUsers {
  const { users } = input;
  const { links, decided } = tenant;
  const inScope = createScopeFilter({ settings: tenant.settings.scope, groupMemberIds: input.groupMemberIds });
  // One action per user, in the users' order (`slots`), then one per linked user who is gone.
  const slots: PlannedAction[] = new Array(users.length);
  const scoped: NormalizedUser[] = [];
  const scopedSlot: number[] = [];
  const presentIds = new Set<string>();
  const tracksPresence = links.size > 0;
  const leavers: Leaver[] = [];
  for (let u = 0; u < users.length; u++) {
    const user = users[u]!;
    if (tracksPresence) presentIds.add(user.id);
    const verdict = inScope(user.source);
    const link = links.get(user.id);
    if (!verdict.inScope) {
      if (link !== undefined)
        leavers.push({
          slot: u,
          userId: user.id,
          upn: user.source.userPrincipalName,
          displayName: user.source.displayName,
          reasons: verdict.reasons,
        });
      else slots[u] = excluded(user, verdict.reasons);
      continue;
    }
    if (decided(user.id, 'itglue') === 'ignore' && link === undefined) {
      slots[u] = excluded(user, [reason('ignored', 'An operator chose to ignore this user.')]);
      continue;
    }
    scoped.push(user);
    scopedSlot.push(u);
  }
  for (const link of links.values()) {
    if (!presentIds.has(link.userId)) {
      leavers.push({
        slot: null,
        userId: link.userId,
        upn: '',
        displayName: null,
        reasons: [reason('deleted', 'The user no longer exists in Microsoft 365.')],
      });
    }
  }
  return { slots, users: scoped, userSlots: scopedSlot, leavers };
}

/**
 * Match: takes the users in scope and the organization's IT Glue contacts and gives, aligned with the users, each
 * one's match by the rules of DESIGN.md (link, alias, username, name; one-to-one, tier by tier): a contact, a
 * dispute, or none. A user an operator chose to create a new contact for is matched by its link alone.
 */
function matchItGlueContacts(
  users: readonly NormalizedUser[],
  contacts: readonly DocContact[],
  tenant: TenantIndex,
): ContactMatch[] {
  const forceCreate = new Set(
    users.filter((user) => tenant.decided(user.id, 'itglue') === 'create').map((user) => user.id),
  );
  return matchUsersToContacts({ users, contacts, links: tenant.links, forceCreate });
}

interface Pending {
  readonly slot: number;
  readonly user: NormalizedUser;
  /** the addresses a BMS contact is found by: the primary email and every mailbox address */
  readonly emailKeys: readonly string[];
  readonly rule: MatchRule | null;
  readonly doc: DocAction;
  readonly docFields: DocFieldsPlan;
  readonly link: Link | null;
  /** null until there is one: most users have none, and a tenant's worth of empty lists is a cost */
  reasons: Reason[] | null;
  bms: PsaAction;
  held: boolean;
  psaFields: PsaContactFields | null;
}

/**
 * Plan IT Glue fields: takes the users in scope with their matches and gives, for each user who goes on to BMS, a
 * pending entry with the IT Glue action (create, update, unchanged, or mirrored when IT Glue's PSA sync owns the
 * contact), the planned IT Glue fields the BMS leg reads, and the reasons so far. A disputed user, a user whose sync
 * is disabled, and a user with no email IT Glue would take are settled here, in `scope.slots`, and go no further.
 */
function planItGlueLeg(
  scope: ScopedUsers,
  matches: readonly ContactMatch[],
  tenant: TenantIndex,
  docContacts: readonly DocContact[],
): Pending[] {
  const { slots, users, userSlots } = scope;
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
      slots[slot] = {
        userId: user.id,
        userPrincipalName: user.source.userPrincipalName,
        displayName: user.source.displayName,
        outcome: 'disputed',
        rule: match.rule,
        doc: { kind: 'disputed', candidateIds: match.candidateIds },
        psa: PSA_NONE,
        reasons: [
          reason(
            'disputed',
            `Rule "${match.rule}" finds ${match.candidateIds.length > 1 ? `${match.candidateIds.length} IT Glue contacts: ${named(match.candidateIds)}` : `IT Glue contact ${named(match.candidateIds)}, which another user also matches`}; a person must choose.`,
          ),
          ...user.issues,
        ],
        link: null,
      };
      continue;
    }
    const contact = match.kind === 'matched' ? match.contact : null;
    if (link?.syncDisabled === 'all') {
      slots[slot] = {
        userId: user.id,
        userPrincipalName: user.source.userPrincipalName,
        displayName: user.source.displayName,
        outcome: 'disabled',
        rule: match.kind === 'matched' ? match.rule : null,
        doc: docReport(contact?.id ?? null),
        psa: { kind: 'disabled', contactId: link.psaContactId },
        reasons: [reason('sync-disabled', 'Sync is disabled for this contact.')],
        link: { rule: link.rule, ownedEmails: link.ownedEmails, ownedPhones: link.ownedPhones },
      };
      continue;
    }
    const doc = planDocFields(user, contact, match.kind === 'matched' ? match.emailKeys : NO_KEYS, link, docContext);
    if (normalizeEmail(doc.primaryEmail) === null) {
      // No address IT Glue would take: nothing is written until Microsoft 365 has one.
      slots[slot] = {
        userId: user.id,
        userPrincipalName: user.source.userPrincipalName,
        displayName: user.source.displayName,
        outcome: 'held',
        rule: match.kind === 'matched' ? match.rule : null,
        doc: docReport(contact?.id ?? null),
        psa: psaReport(link?.psaContactId ?? null),
        reasons: [
          ...user.issues,
          reason(
            'no-valid-email',
            `"${doc.primaryEmail}" is not a valid email address, and the user has no other: nothing is written.`,
            'mail',
          ),
        ],
        link: link === null ? null : { rule: link.rule, ownedEmails: link.ownedEmails, ownedPhones: link.ownedPhones },
      };
      continue;
    }
    let reasons: Reason[] | null = null;
    if (user.issues.length > 0 || doc.notes.length > 0)
      reasons = [...user.issues, ...doc.notes.filter((note) => note.code !== 'no-location')];
    let itglue: DocAction;
    if (contact === null) {
      itglue = { kind: 'create', fields: doc.fields };
      if (contactTypeWarning !== null) (reasons ??= []).push(contactTypeWarning);
    } else if (contact.mirroredPsaContactId !== null) {
      itglue = { kind: 'mirrored', contactId: contact.id, psaContactId: contact.mirroredPsaContactId };
      if ((link?.psaContactId ?? null) !== contact.mirroredPsaContactId)
        (reasons ??= []).push(
          reason(
            'psa-mirrored',
            `IT Glue's PSA integration keeps the IT Glue contact ${docLabel(contact)} in step with the BMS contact ${psaLabel(contact.mirroredPsaContactId, tenant.linkedPsaContacts)}, and refuses edits to it: changes are written to that BMS contact, and IT Glue takes them from there.`,
          ),
        );
    } else if (doc.diffs.length > 0) {
      itglue = { kind: 'update', contactId: contact.id, patch: doc.patch, diffs: doc.diffs };
    } else {
      itglue = { kind: 'unchanged', contactId: contact.id };
    }
    pending.push({
      slot,
      user,
      emailKeys:
        doc.primaryEmail === user.primarySmtp ? user.mailboxAddresses : [doc.primaryEmail, ...user.mailboxAddresses],
      rule: match.kind === 'matched' ? match.rule : null,
      doc: itglue,
      docFields: doc,
      link,
      reasons,
      bms: psaReport(itglue.kind === 'mirrored' ? itglue.psaContactId : (link?.psaContactId ?? null)),
      held: false,
      psaFields: null,
    });
  }
  return pending;
}

/**
 * Plan BMS fields, then match BMS: takes the pending entries and completes each one's BMS action in place. The BMS
 * fields are planned from the IT Glue fields; a contact that lacks a required BMS field is held. A user linked to a
 * BMS contact gets an update or nothing (Scenario 3); the others are matched against the account's unclaimed
 * contacts by email, then by name, and get a link, a dispute or a create. When the tenant has no BMS account, each
 * entry is told why nothing goes to BMS.
 */
function planBmsLeg(pending: readonly Pending[], input: TenantSyncInput, tenant: TenantIndex): void {
  const { settings, psaContext, decided } = tenant;
  const needsPsaMatch: Pending[] = [];
  if (input.psa !== null && psaContext !== null) {
    for (const entry of pending) {
      const mirrored = entry.doc.kind === 'mirrored';
      const linkedPsa = entry.doc.kind === 'mirrored' ? entry.doc.psaContactId : (entry.link?.psaContactId ?? null);
      if (entry.link?.syncDisabled === 'psa') {
        entry.bms = { kind: 'disabled', contactId: linkedPsa };
        addReason(entry, reason('sync-disabled', 'Sync with BMS is disabled for this contact.'));
        continue;
      }
      if (!settings.psa.autoPush) continue;
      if (decided(entry.user.id, 'bms') === 'ignore') {
        addReason(entry, reason('ignored', 'An operator chose not to push this user to BMS.'));
        continue;
      }
      const psa = planPsaFields(entry.docFields, psaContext);
      if (!psa.ok) {
        entry.bms = { kind: 'held' };
        entry.held = true;
        for (const problem of psa.reasons) addReason(entry, problem);
        continue;
      }
      entry.psaFields = psa.fields;
      const current = linkedPsa === null ? undefined : tenant.linkedPsaContacts.get(linkedPsa);
      if (current !== undefined) {
        const pushed = entry.link?.psaPushed ?? null;
        const diff = diffPsaContact(current, pushed, psa.fields, settings.blankNeverOverwrites);
        entry.psaFields = diff.fields;
        // A contact found to hold the fields its link does not remember (read in full) has them recorded.
        entry.bms =
          diff.diffs.length > 0
            ? { kind: 'update', contactId: current.id, fields: diff.fields, diffs: diff.diffs }
            : samePsaFields(pushed, diff.fields)
              ? { kind: 'unchanged', contactId: current.id }
              : { kind: 'unchanged', contactId: current.id, remember: diff.fields };
      } else if (mirrored) {
        // Another BMS contact would be a duplicate that IT Glue's PSA sync knows nothing of.
        entry.bms = psaReport(linkedPsa);
        addReason(
          entry,
          reason(
            'psa-mirror-missing',
            `IT Glue keeps this contact in step with BMS contact ${linkedPsa}, which the mapped BMS account does not have: nothing is written to BMS.`,
          ),
        );
      } else {
        if (linkedPsa !== null)
          addReason(
            entry,
            reason('psa-contact-gone', `The linked BMS contact ${linkedPsa} no longer exists; it is matched again.`),
          );
        needsPsaMatch.push(entry);
      }
    }
    matchBmsContacts(needsPsaMatch, input.psa.contacts, tenant);
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

/** The BMS side of matching: an existing contact of the account with the same email, else the same name, is linked. */
function matchBmsContacts(entries: readonly Pending[], psaContacts: readonly PsaContact[], tenant: TenantIndex): void {
  if (entries.length === 0) return;
  const { decided } = tenant;
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
    if (contact.emailAddress !== null) byEmail.add(contact.emailAddress.trim().toLowerCase(), c);
    const key = personNameKey(contact.firstName, contact.lastName);
    if (key !== null) byPersonName.add(key, c);
  }
  const open: number[] = [];
  for (let e = 0; e < entries.length; e++) if (decided(entries[e]!.user.id, 'bms') !== 'create') open.push(e);
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
    if (result.kind === 'matched') {
      const contact = psaContacts[result.candidate]!;
      const diff = diffPsaContact(contact, null, fields, blankNeverOverwrites);
      entry.psaFields = diff.fields;
      entry.bms = {
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
          `Linked to the existing BMS contact ${psaLabel(contact.id, new Map([[contact.id, contact]]))} by ${result.rule === 'email' ? 'email' : 'first and last name'} instead of creating one.`,
        ),
      );
    } else if (result.kind === 'disputed') {
      const candidates = result.candidates.map((c) => psaContacts[c]!).sort((a, b) => a.id - b.id);
      const candidateIds = candidates.map((c) => c.id);
      const names = contactsNamed(candidateIds, new Map(candidates.map((c) => [c.id, c])));
      entry.bms = { kind: 'disputed', candidateIds };
      addReason(
        entry,
        reason(
          'psa-disputed',
          `BMS has ${candidateIds.length > 1 ? `${candidateIds.length} contacts with the same ${result.rule === 'email' ? 'email' : 'name'}: ${names}` : `contact ${names}, which another user also matches, with the same ${result.rule === 'email' ? 'email' : 'name'}`}; a person must choose.`,
        ),
      );
    } else {
      entry.bms = { kind: 'create', fields };
    }
  }
}

/**
 * Settle: takes the pending entries, whose IT Glue and BMS actions are both planned, and writes each one's action
 * into its place in `slots`: the outcome read from the two legs, the reasons, and the link the user keeps (with
 * the emails and phones contactsync owns on the contact once the plan is applied).
 */
function settleActions(pending: readonly Pending[], slots: PlannedAction[]): void {
  for (const entry of pending) {
    const { user, docFields: doc } = entry;
    slots[entry.slot] = {
      userId: user.id,
      userPrincipalName: user.source.userPrincipalName,
      displayName: user.source.displayName,
      outcome: outcomeOf(entry.doc, entry.bms, entry.held),
      rule: entry.rule,
      doc: entry.doc,
      psa: entry.bms,
      reasons: entry.reasons === null ? NO_REASONS : trimmed(entry.reasons),
      // Nothing is written on a mirrored contact: it owns what it owned before.
      link:
        entry.doc.kind === 'mirrored'
          ? {
              rule: entry.rule === 'link' ? (entry.link?.rule ?? null) : entry.rule,
              ownedEmails: entry.link?.ownedEmails ?? NO_KEYS,
              ownedPhones: entry.link?.ownedPhones ?? NO_PHONES,
            }
          : {
              rule: entry.rule === 'link' ? (entry.link?.rule ?? null) : entry.rule,
              ownedEmails: doc.ownedEmails,
              ownedPhones: doc.ownedPhones,
            },
    };
  }
}

interface GuardedLeavers {
  /** the actions of linked users who are gone from the directory, who have no place in the users' order */
  readonly gone: readonly PlannedAction[];
  readonly guard: DeletionGuardVerdict;
}

/**
 * Leavers and the guard: takes the leavers found by scope and plans each one's inactivation per the `psa.leavers`
 * setting, then weighs them all against the deletion guard: when it trips (and no operator approved), every
 * inactivation waits as pending approval. A leaver who left scope is written into its place in `slots`; the
 * actions of users gone from the directory are given back with the guard's verdict.
 */
function planLeaversUnderGuard(
  leavers: readonly Leaver[],
  input: TenantSyncInput,
  tenant: TenantIndex,
  slots: PlannedAction[],
): GuardedLeavers {
  const { links } = tenant;
  const leaverActions = leavers.map((leaver) => planLeaver(leaver, links.get(leaver.userId)!, input, tenant));
  const inactivations = leaverActions.filter((action) => action.outcome === 'inactivated').length;
  const linkedContacts = links.size;
  const { minCount, maxFraction } = tenant.settings.deletionGuard;
  const tripped =
    !input.approveInactivations &&
    inactivations >= minCount &&
    inactivations > maxFraction * linkedContacts &&
    inactivations > 0;
  const gone: PlannedAction[] = [];
  for (let l = 0; l < leavers.length; l++) {
    const action = leaverActions[l]!;
    const slot = leavers[l]!.slot;
    const place = (planned: PlannedAction): void => {
      if (slot === null) gone.push(planned);
      else slots[slot] = planned;
    };
    if (tripped && action.outcome === 'inactivated') {
      place({
        ...action,
        outcome: 'pending-approval',
        doc: docReport(action.doc.kind === 'inactivate' ? action.doc.contactId : null),
        psa: psaReport(action.psa.kind === 'inactivate' ? action.psa.contactId : null),
        reasons: [
          ...action.reasons.flatMap((r) => (r.code === 'leaver' ? waitingLeaver(action, tenant) : [r])),
          reason(
            'deletion-guard',
            `${inactivations} of ${linkedContacts} linked contacts would be inactivated at once (the guard allows fewer than ${minCount} or at most ${Math.round(maxFraction * 100)}%); waiting for approval.`,
          ),
        ],
      });
    } else {
      place(action);
    }
  }
  return { gone, guard: { inactivations, linkedContacts, tripped } };
}

/**
 * What approving a held inactivation will do, one reason per system that waits (`leaver-waiting-bms`,
 * `leaver-waiting-itglue`): nothing has been written yet, and the report's columns can only say so.
 */
function waitingLeaver(action: PlannedAction, tenant: TenantIndex): Reason[] {
  const waiting: Reason[] = [];
  if (action.psa.kind === 'inactivate')
    waiting.push(
      reason(
        WAITING_BMS,
        `The user left scope: approving inactivates the BMS contact ${psaLabel(action.psa.contactId, tenant.linkedPsaContacts)}; nothing is written until an admin approves.`,
      ),
    );
  if (action.doc.kind === 'inactivate') {
    const contact = tenant.linkedDocContacts.get(action.doc.contactId);
    waiting.push(
      reason(
        WAITING_ITGLUE,
        `The user left scope: approving sets the IT Glue contact ${contact === undefined ? action.doc.contactId : docLabel(contact)} to the type "${tenant.settings.psa.leaverContactType ?? 'leaver'}"; nothing is written until an admin approves.`,
      ),
    );
  }
  return waiting;
}

function planLeaver(leaver: Leaver, link: Link, input: TenantSyncInput, tenant: TenantIndex): PlannedAction {
  const { settings } = input;
  const contact = tenant.linkedDocContacts.get(link.docContactId) ?? null;
  // A user gone from Microsoft 365 is named by what the link last knew, so that nobody approves an inactivation blind.
  const named =
    leaver.slot === null
      ? formerName(
          link,
          contact,
          (link.psaContactId === null ? undefined : tenant.linkedPsaContacts.get(link.psaContactId)) ?? null,
        )
      : { userPrincipalName: leaver.upn, displayName: leaver.displayName };
  const base = {
    userId: leaver.userId,
    ...named,
    rule: 'link' as const,
    link: { rule: link.rule, ownedEmails: link.ownedEmails, ownedPhones: link.ownedPhones } satisfies LinkIntent,
  };
  if (link.syncDisabled === 'all') {
    return {
      ...base,
      outcome: 'disabled',
      doc: docReport(contact?.id ?? null),
      psa: { kind: 'disabled', contactId: link.psaContactId },
      reasons: [...leaver.reasons, reason('sync-disabled', 'Sync is disabled for this contact.')],
    };
  }
  if (settings.psa.leavers === 'ignore') {
    return {
      ...base,
      outcome: 'excluded',
      doc: docReport(contact?.id ?? null),
      psa: psaReport(link.psaContactId),
      reasons: [
        ...leaver.reasons,
        reason(
          'leaver-ignored',
          'The user left scope; leavers are left as they are (setting psa.leavers is "ignore").',
        ),
      ],
    };
  }
  let itglue: DocAction = docReport(contact?.id ?? null);
  const leaverTypeId = typeId(input.doc.contactTypes, settings.psa.leaverContactType);
  if (contact !== null && contact.mirroredPsaContactId !== null) {
    // IT Glue refuses edits to a mirrored contact: inactivating its BMS contact is all there is to do.
    itglue = { kind: 'mirrored', contactId: contact.id, psaContactId: contact.mirroredPsaContactId };
  } else if (contact !== null) {
    itglue = { kind: 'unchanged', contactId: contact.id };
    if (leaverTypeId !== null && contact.contactTypeId !== leaverTypeId) {
      const diffs: FieldDiff[] = [{ field: 'contact-type-id', old: contact.contactTypeId, new: leaverTypeId }];
      itglue = { kind: 'inactivate', contactId: contact.id, patch: { contactTypeId: leaverTypeId }, diffs };
    }
  }
  let bms: PsaAction = psaReport(link.psaContactId);
  const psaContact = link.psaContactId === null ? undefined : tenant.linkedPsaContacts.get(link.psaContactId);
  if (link.syncDisabled === 'psa') {
    bms = { kind: 'disabled', contactId: link.psaContactId };
  } else if (psaContact !== undefined) {
    if (psaContact.isActive) {
      bms = { kind: 'inactivate', contactId: psaContact.id, diffs: [{ field: 'isActive', old: 'true', new: 'false' }] };
    } else {
      bms = { kind: 'unchanged', contactId: psaContact.id };
    }
  }
  const writes = itglue.kind === 'inactivate' || bms.kind === 'inactivate';
  return {
    ...base,
    outcome: writes ? 'inactivated' : 'unchanged',
    doc: itglue,
    psa: bms,
    reasons: [
      ...leaver.reasons,
      reason(
        'leaver',
        writes
          ? 'The user left scope: the contact is inactivated.'
          : 'The user left scope; the contact is already inactive.',
      ),
    ],
  };
}

/**
 * Report: takes every user's action (in the users' order), the actions of users gone from the directory and the
 * guard's verdict, and gives the tenant's plan: its status (`needs approval` when the guard tripped), the verdict,
 * and one action per user sorted by user id.
 */
function reportPlan(tenantId: string, slots: PlannedAction[], leavers: GuardedLeavers): Plan {
  const { gone, guard } = leavers;
  const actions = gone.length === 0 ? slots : [...slots, ...gone];
  // Users read from the store come sorted by id, and then no sort is needed.
  if (!isSortedByUserId(actions)) actions.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return {
    tenantId,
    status: guard.tripped ? 'needs approval' : 'ok',
    guard,
    actions,
  };
}

function isSortedByUserId(actions: readonly PlannedAction[]): boolean {
  for (let i = 1; i < actions.length; i++) if (actions[i - 1]!.userId > actions[i]!.userId) return false;
  return true;
}

function byName<T extends { readonly name: string }>(items: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  // Sorted so that two items with the same folded name resolve the same way whatever the input order.
  for (const item of [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const key = foldName(item.name);
    if (!map.has(key)) map.set(key, item);
  }
  return map;
}

function typeId<Id>(types: readonly { readonly id: Id; readonly name: string }[], name: string | null): Id | null {
  if (name === null) return null;
  return byName(types).get(foldName(name))?.id ?? null;
}

/** A BMS type setting: an id given as a number is taken as it is; a name is looked up. */
function psaTypeId(types: readonly PsaType[], setting: string | number): number | null {
  return typeof setting === 'number' ? setting : typeId(types, setting);
}

/**
 * The phone written when Microsoft 365 has none. A real number goes to IT Glue in its national form and to BMS in
 * E.164; a placeholder such as 000-000-0000 goes as the operator typed it (IT Glue keeps its digits).
 */
function replacementPhone(settings: Settings, organizationPhone: string | null): ReplacementPhone | null {
  const setting = settings.phones.blankReplacement;
  if (setting === null) return null;
  const callingCode = regionCallingCode(settings.phones.defaultRegion);
  if (setting === 'tenantMain') {
    const main = normalizePhone(organizationPhone, settings.phones.defaultRegion);
    return main?.ok
      ? { key: main.phone.e164, digits: itgluePhoneValue(main.phone, callingCode), psaValue: main.phone.e164 }
      : null;
  }
  const parsed = normalizePhone(setting, settings.phones.defaultRegion);
  if (parsed?.ok)
    return { key: parsed.phone.e164, digits: itgluePhoneValue(parsed.phone, callingCode), psaValue: parsed.phone.e164 };
  const digits = setting.replace(/\D/g, '');
  return { key: digits, digits, psaValue: setting };
}

const NO_KEYS: readonly string[] = [];
const NO_PHONES: readonly OwnedPhone[] = [];

const DOC_NONE: DocAction = Object.freeze({ kind: 'none', contactId: null });
const PSA_NONE: PsaAction = Object.freeze({ kind: 'none', contactId: null });
const NO_REASONS: readonly Reason[] = Object.freeze([]);

/** Nothing happens in IT Glue; the contact, if any, is named. */
function docReport(contactId: string | null): DocAction {
  return contactId === null ? DOC_NONE : { kind: 'none', contactId };
}

/** Nothing happens in BMS; the contact, if any, is named. */
function psaReport(contactId: number | null): PsaAction {
  return contactId === null ? PSA_NONE : { kind: 'none', contactId };
}

function outcomeOf(itglue: DocAction, bms: PsaAction, held: boolean): Outcome {
  if (bms.kind === 'disputed') return 'disputed';
  if (held) return 'held';
  const writes =
    itglue.kind === 'create' ||
    itglue.kind === 'update' ||
    bms.kind === 'create' ||
    bms.kind === 'update' ||
    (bms.kind === 'link' && bms.write);
  return writes || bms.kind === 'link' ? 'synced' : 'unchanged';
}

function addReason(entry: Pending, added: Reason): void {
  (entry.reasons ??= []).push(added);
}

function excluded(user: NormalizedUser, reasons: readonly Reason[]): PlannedAction {
  return {
    userId: user.id,
    userPrincipalName: user.source.userPrincipalName,
    displayName: user.source.displayName,
    outcome: 'excluded',
    rule: null,
    doc: DOC_NONE,
    psa: PSA_NONE,
    reasons,
    link: null,
  };
}
