import type { DocContact } from '../domain/doc-contact.ts';
import type { Link, MatchRule } from '../domain/link.ts';
import type { NormalizedUser } from '../domain/normalized-user.ts';
import { normalizeEmail } from '../normalize/email.ts';
import { normalizeName, personNameKey } from '../normalize/name.ts';
import { matchTiered, PositionIndex, UNMATCHED, type MatchKeys, type TieredMatch } from './tiered-match.ts';
import { byCodeUnits, sortShort } from './trimmed-list.ts';

export type ContactMatch =
  | {
      readonly kind: 'matched';
      readonly rule: MatchRule;
      readonly contact: DocContact;
      readonly emailKeys: readonly string[];
    }
  | { readonly kind: 'disputed'; readonly rule: MatchRule; readonly candidateIds: readonly string[] }
  | { readonly kind: 'unmatched' };

export interface MatchInput {
  readonly users: readonly NormalizedUser[];
  readonly contacts: readonly DocContact[];
  /** every link of the tenant, including those of users who are out of scope or gone: their contacts stay claimed */
  readonly links: ReadonlyMap<string, Link>;
  /** users an operator chose to create a new contact for: they skip rules 1–3 */
  readonly forceCreate: ReadonlySet<string>;
}

/** The comparison form of an email stored on a contact (normalized, or as-is lower-cased when it is not valid). */
export function storedEmailKey(value: string): string {
  return normalizeEmail(value) ?? value.trim().toLowerCase();
}

const aliasKeys = (user: NormalizedUser): MatchKeys => user.mailboxAddresses;
const usernameKeys = (user: NormalizedUser): MatchKeys => user.userPrincipalName;
const nameKeys = (user: NormalizedUser): MatchKeys => user.nameKey;

/**
 * Matches each user to at most one documentation contact of the customer by the rules of DESIGN.md, in order:
 * link (the Entra object id already linked), alias (any mailbox address equals any email of the contact),
 * username (the UPN equals any email of the contact), name (first + last name folded).
 * The result is aligned with `input.users`; a matched contact comes with the comparison keys of its emails.
 */
export function matchUsersToContacts(input: MatchInput): ContactMatch[] {
  const { users, contacts } = input;
  // Contacts are looked up by id only through links: positions are kept for the linked ids alone.
  const linkedIds = new Set<string>();
  for (const link of input.links.values()) linkedIds.add(link.docContactId);
  const positionOf = new Map<string, number>();
  const claimed = new Uint8Array(contacts.length);
  if (linkedIds.size > 0) {
    for (let c = 0; c < contacts.length; c++) {
      if (!linkedIds.has(contacts[c]!.id)) continue;
      positionOf.set(contacts[c]!.id, c);
      claimed[c] = 1;
    }
  }

  // The comparison keys of a matched contact's emails; the index reads them without keeping a list per contact.
  const keysOf = (c: number): readonly string[] => contacts[c]!.emails.map((email) => storedEmailKey(email.value));

  const results: ContactMatch[] = new Array(users.length);
  const open: number[] = [];
  for (let u = 0; u < users.length; u++) {
    const user = users[u]!;
    const link = input.links.get(user.id);
    const linked = link === undefined ? undefined : positionOf.get(link.docContactId);
    if (linked !== undefined)
      results[u] = { kind: 'matched', rule: 'link', contact: contacts[linked]!, emailKeys: keysOf(linked) };
    else if (input.forceCreate.has(user.id)) results[u] = UNMATCHED;
    else open.push(u);
  }
  if (open.length === 0) return results;

  const byEmail = new PositionIndex();
  const byName = new PositionIndex();
  for (let c = 0; c < contacts.length; c++) {
    if (claimed[c] === 1) continue;
    const contact = contacts[c]!;
    for (let e = 0; e < contact.emails.length; e++) byEmail.add(storedEmailKey(contact.emails[e]!.value), c);
    const nameKey = personNameKey(normalizeName(contact.firstName), normalizeName(contact.lastName));
    if (nameKey !== null) byName.add(nameKey, c);
  }
  const tiered: TieredMatch<MatchRule>[] = new Array(users.length);
  matchTiered<NormalizedUser, MatchRule>(
    users,
    open,
    [
      { rule: 'alias', keysOf: aliasKeys, index: byEmail },
      { rule: 'username', keysOf: usernameKeys, index: byEmail },
      { rule: 'name', keysOf: nameKeys, index: byName },
    ],
    claimed,
    tiered,
  );
  for (let o = 0; o < open.length; o++) {
    const u = open[o]!;
    const match = tiered[u]!;
    results[u] =
      match.kind === 'matched'
        ? { kind: 'matched', rule: match.rule, contact: contacts[match.candidate]!, emailKeys: keysOf(match.candidate) }
        : match.kind === 'disputed'
          ? {
              kind: 'disputed',
              rule: match.rule,
              candidateIds: sortShort(
                match.candidates.map((c) => contacts[c]!.id),
                byCodeUnits,
              ),
            }
          : UNMATCHED;
  }
  return results;
}
