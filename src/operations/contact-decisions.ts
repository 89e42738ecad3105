import type { DirectoryUser } from '../domain/directory-user.ts';
import { handLink, withHandPsaContact, type Link } from '../domain/link.ts';
import type { DocStore, Psa } from '../domain/ports.ts';
import { closestFirst } from '../normalize/name-closeness.ts';
import { shownPersonName } from '../normalize/name.ts';
import { aCustomerOf, targetOfId } from '../domain/target-of-id.ts';
import type { TargetId, TargetProfile, Targets } from '../domain/target-profile.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { StateStore } from '../store/state-store.ts';
import { OperationError } from './operation-error.ts';

/**
 * Decisions an operator can take back: a person left out (or created anew) is brought back, a link is undone so that
 * the next sync matches afresh, or moved to another contact. Each is audited and kept on the person's history.
 */

export interface Person {
  readonly tenant: TenantRecord;
  readonly userId: string;
  readonly user: DirectoryUser;
  /** the sign-in name, for messages */
  readonly name: string;
}

/** The tenant and the user, as the last read of Microsoft 365 holds them; NotFound, said in words, without either. */
export async function personOf(store: StateStore, tenantId: string, userId: string): Promise<Person> {
  const tenant = await store.getTenant(tenantId);
  if (tenant === null) throw new OperationError('NotFound', `No tenant ${tenantId}.`);
  const user = await store.directoryUser(tenantId, userId);
  if (user === null)
    throw new OperationError(
      'NotFound',
      `No user ${userId} in ${tenant.displayName} (a user appears after the first sync of its tenant).`,
    );
  return { tenant, userId, user, name: user.userPrincipalName };
}

async function record(
  store: StateStore,
  person: Person,
  actor: string,
  action: string,
  summary: string,
  details: Record<string, unknown>,
): Promise<void> {
  await store.addContactAction({ tenantId: person.tenant.id, userId: person.userId, actor, action, summary });
  await store.audit(
    actor,
    `contact.${action}`,
    person.userId,
    { tenant: person.tenant.displayName, user: person.name, ...details },
    { tenantId: person.tenant.id, userId: person.userId },
  );
  await store.markDirty(person.tenant.id);
}

/** The words of the target a stored id names (an id of no target of the installation reads as the id itself). */
function wordsOf(targets: Targets, id: TargetId): TargetProfile['words'] {
  return targetOfId(targets, id)?.words ?? { name: id, fullName: id, customer: 'customer', place: 'place' };
}

/** What an operator decided about a person, in words: "left out of the sync", "left out of <PSA>". */
export function decisionText(
  decision: { readonly side: TargetId; readonly choice: 'create' | 'ignore' },
  targets: Targets,
): string {
  const { name } = wordsOf(targets, decision.side);
  if (decision.choice === 'ignore')
    return decision.side !== targets.psa?.id
      ? 'left out of the sync'
      : `left out of ${name}${targets.doc === null ? '' : ` (${targets.doc.words.name} is synced)`}`;
  return `a new ${name} contact is created`;
}

/**
 * Takes back the operator's decisions about a person (leave out, or create anew): the dispute is open again, in the
 * conflicts queue, and the next sync decides afresh.
 */
export async function reopenDecisions(
  store: StateStore,
  targets: Targets,
  tenantId: string,
  userId: string,
  actor: string,
): Promise<string> {
  const person = await personOf(store, tenantId, userId);
  const decisions = await store.decisionsOf(tenantId, userId);
  if (decisions.length === 0)
    throw new OperationError('Conflict', `${person.name} has no decision to take back: nothing left them out.`);
  await store.reopenDecisions(tenantId, userId);
  const was = decisions.map((decision) => decisionText(decision, targets)).join('; ');
  await record(store, person, actor, 'reopen', `Decision taken back (was: ${was}).`, { was });
  return `${person.name} is back in the sync (was: ${was}). The next sync matches them afresh; if the dispute still stands, it is in the conflicts queue again.`;
}

/**
 * Undoes a person's link, to every target or to the PSA alone (`which`: its id): the next sync matches them afresh by
 * the rules, as if they were new. The contacts themselves are not touched.
 */
export async function unlinkContact(
  store: StateStore,
  targets: Targets,
  tenantId: string,
  userId: string,
  which: 'all' | TargetId,
  actor: string,
): Promise<string> {
  const person = await personOf(store, tenantId, userId);
  const link = await store.getLink(tenantId, userId);
  if (link === null) throw new OperationError('Conflict', `${person.name} is not linked to any contact.`);
  const { doc, psa } = targets;
  const psaOnly = psa !== null && which === psa.id;
  if (psaOnly) {
    if (link.psaContactId === null)
      throw new OperationError('Conflict', `${person.name} is not linked to a ${psa.words.name} contact.`);
    await store.saveLink(tenantId, { ...link, psaContactId: null, psaPushed: null, psaOrigin: null });
    await store.reopenDecisions(tenantId, userId, psa.id);
  } else {
    await store.deleteLink(tenantId, userId);
    await store.reopenDecisions(tenantId, userId);
  }
  const unlinked: readonly (readonly [TargetProfile | null, string | number | null])[] = [
    [doc, psaOnly ? null : link.docContactId],
    [psa, link.psaContactId],
  ];
  const what = unlinked
    .flatMap(([target, id]) => (target === null || id === null ? [] : [`${target.words.name} contact ${id}`]))
    .join(' and ');
  await record(
    store,
    person,
    actor,
    'unlink',
    `Unlinked from ${what}.`,
    Object.fromEntries(unlinked.flatMap(([target, id]) => (target === null ? [] : [[target.id, id]]))),
  );
  return `${person.name} is unlinked from ${what}; the next sync matches them afresh (the contacts are kept as they are).`;
}

/** The systems a relink reads, to check that the chosen contact exists in the tenant's customer record. */
export interface RelinkSystems {
  readonly doc: Pick<DocStore, 'readContact' | 'listContacts'> | null;
  readonly psa: Pick<Psa, 'listContacts'> | null;
}

/** A contact a person can be linked to, by name, with who holds it now. */
export interface LinkCandidate {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly linkedTo: string | null;
}

/** The contacts of the tenant's customer record in one target a person can be linked to, the closest names first. */
export async function linkCandidates(
  store: StateStore,
  systems: RelinkSystems,
  targets: Targets,
  tenantId: string,
  userId: string,
  system: TargetId,
): Promise<LinkCandidate[]> {
  const person = await personOf(store, tenantId, userId);
  const { user } = person;
  const links = await store.listLinks(tenantId);
  const users = new Map((await store.loadUsers(tenantId)).map((u) => [u.id, u.userPrincipalName]));
  const holder = (find: (l: Link) => boolean): string | null => {
    const link = links.find(find);
    return link === undefined ? null : (users.get(link.userId) ?? link.userId);
  };
  let candidates: LinkCandidate[];
  const words = wordsOf(targets, system);
  if (system !== targets.psa?.id) {
    if (systems.doc === null || person.tenant.docCustomerId === null)
      throw new OperationError('Conflict', `${person.tenant.displayName} is not mapped to ${aCustomerOf({ words })}.`);
    candidates = (await systems.doc.listContacts(person.tenant.docCustomerId)).map((c) => ({
      id: c.id,
      name: [c.firstName, c.lastName].filter(Boolean).join(' ') || '(no name)',
      email: c.emails.find((e) => e.primary)?.value ?? c.emails[0]?.value ?? null,
      linkedTo: holder((l) => l.docContactId === c.id),
    }));
  } else {
    if (systems.psa === null || person.tenant.psaCustomerId === null)
      throw new OperationError(
        'Conflict',
        `${person.tenant.displayName} has no ${words.name} ${words.customer} mapped.`,
      );
    candidates = (await systems.psa.listContacts(person.tenant.psaCustomerId)).map((c) => ({
      id: String(c.id),
      name: [c.firstName, c.lastName].filter(Boolean).join(' ') || '(no name)',
      email: c.emailAddress,
      linkedTo: holder((l) => l.psaContactId === c.id),
    }));
  }
  return closestFirst(candidates, shownPersonName(user) ?? user.userPrincipalName);
}

/**
 * Links a person to another contact of the tenant's customer record in one target, chosen by a person: checked to
 * exist there and to be nobody else's. What contactsync wrote on the old contact is no longer its own to replace.
 */
export async function relinkContact(
  store: StateStore,
  systems: RelinkSystems,
  targets: Targets,
  tenantId: string,
  userId: string,
  target: { readonly system: TargetId; readonly contactId: string },
  actor: string,
): Promise<string> {
  const person = await personOf(store, tenantId, userId);
  const { tenant } = person;
  const link = await store.getLink(tenantId, userId);
  const side = target.system;
  const onPsa = target.system === targets.psa?.id;
  const words = wordsOf(targets, target.system);
  const docName = targets.doc?.words.name ?? 'documentation platform';
  const holder = await store.linkedTo(tenantId, side, target.contactId);
  if (holder !== null && holder !== userId) {
    const other = (await store.directoryUser(tenantId, holder))?.userPrincipalName ?? holder;
    throw new OperationError(
      'Conflict',
      `That contact is linked to ${other}: unlink them first, so that one contact never stands for two people.`,
    );
  }
  let label: string;
  if (!onPsa) {
    const contact = systems.doc === null ? null : await systems.doc.readContact(target.contactId);
    if (contact === null || contact.organizationId !== tenant.docCustomerId)
      throw new OperationError(
        'Validation',
        `${words.name} has no contact ${target.contactId} in ${tenant.docCustomerName ?? `the tenant\u2019s ${words.customer}`}.`,
      );
    label = `${words.name} contact ${[contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.id}`;
    const moved: Link =
      link === null
        ? handLink(userId, contact.id)
        : { ...link, docContactId: contact.id, rule: 'hand', ownedEmails: [], ownedPhones: [] };
    await store.saveLink(tenantId, moved);
  } else {
    if (systems.psa === null || tenant.psaCustomerId === null)
      throw new OperationError('Conflict', `${tenant.displayName} has no ${words.name} ${words.customer} mapped.`);
    // With a documentation platform, the PSA contact joins the person's link there; without one, it is the link.
    if (link === null && targets.doc !== null)
      throw new OperationError(
        'Conflict',
        `${person.name} has no ${docName} contact yet: link (or sync) the ${docName} contact first.`,
      );
    const id = Number(target.contactId);
    // The account's listing says which account a contact is in (a single contact's may not).
    const contact = (await systems.psa.listContacts(tenant.psaCustomerId)).find((c) => c.id === id) ?? null;
    if (contact === null)
      throw new OperationError(
        'Validation',
        `${words.name} has no contact ${target.contactId} in ${tenant.psaCustomerName ?? `the tenant\u2019s ${words.customer}`}.`,
      );
    label = `${words.name} contact ${[contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.id}`;
    await store.saveLink(tenantId, { ...withHandPsaContact(link, userId, contact.id), psaPushed: null });
  }
  // A create or ignore decision on that side gives way to the link, and the dispute, if any, is settled by it.
  await store.reopenDecisions(tenantId, userId, side);
  await store.settleConflicts(tenantId, userId, side, target.contactId);
  await record(store, person, actor, 'relink', `Linked to ${label} (${target.contactId}) by hand.`, {
    system: target.system,
    contact: target.contactId,
    previous: onPsa ? (link?.psaContactId ?? null) : (link?.docContactId ?? null),
  });
  return `${person.name} → ${label} (${target.contactId}). The next sync writes it from Microsoft 365.`;
}
