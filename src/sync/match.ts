import type { DocContact } from '../domain/doc-contact.ts';
import type { Link, MatchRule } from '../domain/link.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import { personNameKey, normalizeName } from '../normalize/name.ts';
import { storedEmailKey } from './doc-fields.ts';
import { addToIndex, matchTiered, type TieredMatch } from './tiered-match.ts';

export type ContactMatch = TieredMatch<MatchRule, string>;

export interface MatchInput {
  readonly users: readonly NormalizedUser[];
  readonly contacts: readonly DocContact[];
  /** every link of the tenant, including those of users who are out of scope or gone: their contacts stay claimed */
  readonly links: ReadonlyMap<string, Link>;
  /** users an operator chose to create a new contact for: they skip rules 1–3 */
  readonly forceCreate: ReadonlySet<string>;
  /** the comparison form of a stored email (`storedEmailKey`, possibly memoized) */
  readonly emailKey?: (value: string) => string;
}

export function contactNameKey(contact: DocContact): string | null {
  return personNameKey(normalizeName(contact.firstName), normalizeName(contact.lastName));
}

/**
 * Matches each user to at most one IT Glue contact of the organization by the rules of DESIGN.md, in order:
 * link (the Entra object id already linked), alias (any mailbox address equals any email of the contact),
 * username (the UPN equals any email of the contact), name (first + last name folded).
 */
export function matchUsersToContacts(input: MatchInput): Map<string, ContactMatch> {
  const contactIds = new Set(input.contacts.map((contact) => contact.id));
  const claimed = new Set<string>();
  for (const link of input.links.values()) {
    if (contactIds.has(link.docContactId)) claimed.add(link.docContactId);
  }

  const results = new Map<string, ContactMatch>();
  const toMatch: string[] = [];
  const usersById = new Map<string, NormalizedUser>();
  for (const user of input.users) {
    usersById.set(user.id, user);
    const link = input.links.get(user.id);
    if (link !== undefined && contactIds.has(link.docContactId)) {
      results.set(user.id, { kind: 'matched', rule: 'link', candidateId: link.docContactId });
    } else if (input.forceCreate.has(user.id)) {
      results.set(user.id, { kind: 'unmatched' });
    } else {
      toMatch.push(user.id);
    }
  }
  if (toMatch.length === 0) return results;

  const byEmail = new Map<string, string[]>();
  const byName = new Map<string, string[]>();
  const emailKey = input.emailKey ?? storedEmailKey;
  for (const contact of input.contacts) {
    if (claimed.has(contact.id)) continue;
    for (const email of contact.emails) addToIndex(byEmail, emailKey(email.value), contact.id);
    const nameKey = contactNameKey(contact);
    if (nameKey !== null) addToIndex(byName, nameKey, contact.id);
  }
  const userOf = (id: string): NormalizedUser => usersById.get(id)!;
  const tiered = matchTiered<MatchRule, string>(
    toMatch,
    [
      { rule: 'alias', keysOf: (id) => userOf(id).mailboxAddresses, index: byEmail },
      { rule: 'username', keysOf: (id) => [userOf(id).userPrincipalName], index: byEmail },
      { rule: 'name', keysOf: (id) => { const key = userOf(id).nameKey; return key === null ? [] : [key]; }, index: byName },
    ],
    claimed,
  );
  for (const [userId, match] of tiered) results.set(userId, match);
  return results;
}
