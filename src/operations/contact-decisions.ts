import type { DirectoryUser } from '../domain/directory-user.ts';
import type { Link } from '../domain/link.ts';
import type { DocStore, Psa } from '../domain/ports.ts';
import { closestFirst } from '../normalize/name-closeness.ts';
import { shownPersonName } from '../normalize/name.ts';
import type { StateStore, TenantRecord } from '../store/state-store.ts';
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

/** What an operator decided about a person, in words: "left out of the sync", "left out of BMS". */
export function decisionText(decision: {
  readonly side: 'itglue' | 'bms';
  readonly choice: 'create' | 'ignore';
}): string {
  if (decision.choice === 'ignore')
    return decision.side === 'itglue' ? 'left out of the sync' : 'left out of BMS (IT Glue is synced)';
  return decision.side === 'itglue' ? 'a new IT Glue contact is created' : 'a new BMS contact is created';
}

/**
 * Takes back the operator's decisions about a person (leave out, or create anew): the dispute is open again, in the
 * conflicts queue, and the next sync decides afresh.
 */
export async function reopenDecisions(
  store: StateStore,
  tenantId: string,
  userId: string,
  actor: string,
): Promise<string> {
  const person = await personOf(store, tenantId, userId);
  const decisions = await store.decisionsOf(tenantId, userId);
  if (decisions.length === 0)
    throw new OperationError('Conflict', `${person.name} has no decision to take back: nothing left them out.`);
  await store.reopenDecisions(tenantId, userId);
  const was = decisions.map(decisionText).join('; ');
  await record(store, person, actor, 'reopen', `Decision taken back (was: ${was}).`, { was });
  return `${person.name} is back in the sync (was: ${was}). The next sync matches them afresh; if the dispute still stands, it is in the conflicts queue again.`;
}

/**
 * Undoes a person's link, to both systems or to BMS alone: the next sync matches them afresh by the rules, as if
 * they were new. The contacts themselves are not touched.
 */
export async function unlinkContact(
  store: StateStore,
  tenantId: string,
  userId: string,
  which: 'all' | 'bms',
  actor: string,
): Promise<string> {
  const person = await personOf(store, tenantId, userId);
  const link = await store.getLink(tenantId, userId);
  if (link === null) throw new OperationError('Conflict', `${person.name} is not linked to any contact.`);
  if (which === 'bms') {
    if (link.psaContactId === null)
      throw new OperationError('Conflict', `${person.name} is not linked to a BMS contact.`);
    await store.saveLink(tenantId, { ...link, psaContactId: null, psaPushed: null, psaOrigin: null });
    await store.reopenDecisions(tenantId, userId, 'bms');
  } else {
    await store.deleteLink(tenantId, userId);
    await store.reopenDecisions(tenantId, userId);
  }
  const what =
    which === 'bms'
      ? `BMS contact ${link.psaContactId}`
      : `IT Glue contact ${link.docContactId}${link.psaContactId === null ? '' : ` and BMS contact ${link.psaContactId}`}`;
  await record(store, person, actor, 'unlink', `Unlinked from ${what}.`, {
    itglue: which === 'all' ? link.docContactId : null,
    bms: link.psaContactId,
  });
  return `${person.name} is unlinked from ${what}; the next sync matches them afresh (the contacts are kept as they are).`;
}

/** The systems a relink reads, to check that the chosen contact exists in the tenant's organization or account. */
export interface RelinkSystems {
  readonly doc: Pick<DocStore, 'readContact' | 'listContacts'>;
  readonly psa: Pick<Psa, 'listContacts'> | null;
}

/** A contact a person can be linked to, by name, with who holds it now. */
export interface LinkCandidate {
  readonly id: string;
  readonly name: string;
  readonly email: string | null;
  readonly linkedTo: string | null;
}

/** The contacts of the tenant's organization (or account) a person can be linked to, the closest names first. */
export async function linkCandidates(
  store: StateStore,
  systems: RelinkSystems,
  tenantId: string,
  userId: string,
  system: 'itglue' | 'bms',
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
  if (system === 'itglue') {
    if (person.tenant.docCustomerId === null)
      throw new OperationError('Conflict', `${person.tenant.displayName} is not mapped to an IT Glue organization.`);
    candidates = (await systems.doc.listContacts(person.tenant.docCustomerId)).map((c) => ({
      id: c.id,
      name: [c.firstName, c.lastName].filter(Boolean).join(' ') || '(no name)',
      email: c.emails.find((e) => e.primary)?.value ?? c.emails[0]?.value ?? null,
      linkedTo: holder((l) => l.docContactId === c.id),
    }));
  } else {
    if (systems.psa === null || person.tenant.psaCustomerId === null)
      throw new OperationError('Conflict', `${person.tenant.displayName} has no BMS account mapped.`);
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
 * Links a person to another contact of the tenant's organization (or BMS account), chosen by a person: checked to
 * exist there and to be nobody else's. What contactsync wrote on the old contact is no longer its own to replace.
 */
export async function relinkContact(
  store: StateStore,
  systems: RelinkSystems,
  tenantId: string,
  userId: string,
  target: { readonly system: 'itglue' | 'bms'; readonly contactId: string },
  actor: string,
): Promise<string> {
  const person = await personOf(store, tenantId, userId);
  const { tenant } = person;
  const link = await store.getLink(tenantId, userId);
  const holder = await store.linkedTo(tenantId, target.system, target.contactId);
  if (holder !== null && holder !== userId) {
    const other = (await store.directoryUser(tenantId, holder))?.userPrincipalName ?? holder;
    throw new OperationError(
      'Conflict',
      `That contact is linked to ${other}: unlink them first, so that one contact never stands for two people.`,
    );
  }
  let label: string;
  if (target.system === 'itglue') {
    const contact = await systems.doc.readContact(target.contactId);
    if (contact === null || contact.organizationId !== tenant.docCustomerId)
      throw new OperationError(
        'Validation',
        `IT Glue has no contact ${target.contactId} in ${tenant.docCustomerName ?? 'the tenant\u2019s organization'}.`,
      );
    label = `IT Glue contact ${[contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.id}`;
    const moved: Link =
      link === null
        ? {
            userId,
            docContactId: contact.id,
            psaContactId: null,
            rule: 'hand',
            syncDisabled: 'none',
            ownedEmails: [],
            ownedPhones: [],
            psaPushed: null,
          }
        : { ...link, docContactId: contact.id, rule: 'hand', ownedEmails: [], ownedPhones: [] };
    await store.saveLink(tenantId, moved);
  } else {
    if (systems.psa === null || tenant.psaCustomerId === null)
      throw new OperationError('Conflict', `${tenant.displayName} has no BMS account mapped.`);
    if (link === null)
      throw new OperationError(
        'Conflict',
        `${person.name} has no IT Glue contact yet: link (or sync) the IT Glue contact first.`,
      );
    const id = Number(target.contactId);
    // The account's listing says which account a contact is in (a single contact's may not).
    const contact = (await systems.psa.listContacts(tenant.psaCustomerId)).find((c) => c.id === id) ?? null;
    if (contact === null)
      throw new OperationError(
        'Validation',
        `BMS has no contact ${target.contactId} in ${tenant.psaCustomerName ?? 'the tenant\u2019s account'}.`,
      );
    label = `BMS contact ${[contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.id}`;
    await store.saveLink(tenantId, { ...link, psaContactId: contact.id, psaPushed: null, psaOrigin: 'hand' });
  }
  // A create or ignore decision on that side gives way to the link, and the dispute, if any, is settled by it.
  await store.reopenDecisions(tenantId, userId, target.system);
  await store.settleConflicts(tenantId, userId, target.system, target.contactId);
  await record(store, person, actor, 'relink', `Linked to ${label} (${target.contactId}) by hand.`, {
    system: target.system,
    contact: target.contactId,
    previous: target.system === 'itglue' ? (link?.docContactId ?? null) : (link?.psaContactId ?? null),
  });
  return `${person.name} → ${label} (${target.contactId}). The next sync writes it from Microsoft 365.`;
}
