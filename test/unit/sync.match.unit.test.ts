import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchUsersToContacts } from '../../src/sync/match.ts';
import { matchTiered, PositionIndex, type TieredMatch } from '../../src/sync/tiered-match.ts';
import { docContact, graphUser, link, tenantInput } from '../support/builders.ts';
import type { DirectoryUser } from '../../src/domain/directory-user.ts';
import type { DocContact } from '../../src/domain/doc-contact.ts';
import type { Link } from '../../src/domain/link.ts';

type Simple =
  | { kind: 'matched'; rule: string; candidateId: string }
  | { kind: 'disputed'; rule: string; candidateIds: readonly string[] }
  | { kind: 'unmatched' };

/** The match of each user by id, with the contact named by its id. */
function match(
  users: DirectoryUser[],
  contacts: DocContact[],
  links: Link[] = [],
  forceCreate: string[] = [],
): Map<string, Simple> {
  const input = tenantInput({ users, contacts, links });
  const results = matchUsersToContacts({
    users: input.users,
    contacts,
    links: new Map(links.map((l) => [l.userId, l])),
    forceCreate: new Set(forceCreate),
  });
  return new Map(
    input.users.map((user, i): [string, Simple] => {
      const result = results[i]!;
      return [
        user.id,
        result.kind === 'matched' ? { kind: 'matched', rule: result.rule, candidateId: result.contact.id } : result,
      ];
    }),
  );
}

const email = (value: string, primary = true) => ({ value, primary, label: 'Work' });

describe('matchUsersToContacts', () => {
  it('rule 0: a linked user keeps its contact through a rename and an email change', () => {
    const user = graphUser('u1', {
      givenName: 'Renamed',
      surname: 'Person',
      mail: 'new@contoso.com',
      proxyAddresses: ['SMTP:new@contoso.com'],
    });
    const result = match(
      [user],
      [docContact('c1', { firstName: 'Old', lastName: 'Name', emails: [email('old@contoso.com')] })],
      [link('u1', 'c1')],
    );
    expect(result.get('u1')).toEqual({ kind: 'matched', rule: 'link', candidateId: 'c1' });
  });

  it('rule 1: any mailbox address matches any email of the contact', () => {
    const user = graphUser('u1', {
      mail: 'ann@contoso.com',
      proxyAddresses: ['SMTP:ann@contoso.com', 'smtp:ann.lee@sales.contoso.com'],
    });
    const contact = docContact('c1', {
      emails: [email('personal@gmail.com'), email('Ann.Lee@Sales.Contoso.com', false)],
    });
    expect(match([user], [contact]).get('u1')).toEqual({ kind: 'matched', rule: 'alias', candidateId: 'c1' });
  });

  it('rule 1 never matches on otherMails', () => {
    const user = graphUser('u1', { givenName: 'X', surname: 'Y', otherMails: ['personal@gmail.com'] });
    const contact = docContact('c1', { firstName: 'Other', lastName: 'Person', emails: [email('personal@gmail.com')] });
    expect(match([user], [contact]).get('u1')).toEqual({ kind: 'unmatched' });
  });

  it('rule 2: the UPN matches an email of the contact', () => {
    const user = graphUser('u1', {
      userPrincipalName: 'ann@contoso.onmicrosoft.com',
      mail: 'ann@contoso.com',
      proxyAddresses: ['SMTP:ann@contoso.com'],
    });
    const contact = docContact('c1', { emails: [email('ann@contoso.onmicrosoft.com')] });
    expect(match([user], [contact]).get('u1')).toEqual({ kind: 'matched', rule: 'username', candidateId: 'c1' });
  });

  it('rule 3: first and last name, ignoring case, spaces and accents', () => {
    const user = graphUser('u1', { givenName: 'José', surname: 'de la  Peña' });
    const contact = docContact('c1', { firstName: 'JOSE', lastName: 'De La Pena' });
    expect(match([user], [contact]).get('u1')).toEqual({ kind: 'matched', rule: 'name', candidateId: 'c1' });
  });

  it('tries the rules in order: an alias match wins over a name match on another contact', () => {
    const user = graphUser('u1', {
      givenName: 'Ann',
      surname: 'Lee',
      mail: 'ann@contoso.com',
      proxyAddresses: ['SMTP:ann@contoso.com'],
    });
    const byName = docContact('c1', { firstName: 'Ann', lastName: 'Lee' });
    const byAlias = docContact('c2', { firstName: 'A.', lastName: 'Lee', emails: [email('ann@contoso.com')] });
    expect(match([user], [byName, byAlias]).get('u1')).toEqual({ kind: 'matched', rule: 'alias', candidateId: 'c2' });
  });

  it('disputes a user with two candidates at a tier and does not try later tiers', () => {
    const user = graphUser('u1', {
      givenName: 'Sam',
      surname: 'Ray',
      mail: 'sam@contoso.com',
      proxyAddresses: ['SMTP:sam@contoso.com'],
    });
    const a = docContact('c1', { firstName: 'Sam', lastName: 'Ray' });
    const b = docContact('c2', { firstName: 'sam', lastName: 'ray' });
    expect(match([user], [a, b]).get('u1')).toEqual({ kind: 'disputed', rule: 'name', candidateIds: ['c1', 'c2'] });
  });

  it('disputes two users who claim one contact at the same tier', () => {
    const u1 = graphUser('u1', { givenName: 'Sam', surname: 'Ray', mail: 'sam1@contoso.com', proxyAddresses: [] });
    const u2 = graphUser('u2', { givenName: 'Sam', surname: 'Ray', mail: 'sam2@contoso.com', proxyAddresses: [] });
    const result = match([u1, u2], [docContact('c1', { firstName: 'Sam', lastName: 'Ray' })]);
    expect(result.get('u1')).toEqual({ kind: 'disputed', rule: 'name', candidateIds: ['c1'] });
    expect(result.get('u2')).toEqual({ kind: 'disputed', rule: 'name', candidateIds: ['c1'] });
  });

  it('does not offer a contact claimed at an earlier tier to a later one', () => {
    const u1 = graphUser('u1', { givenName: 'Sam', surname: 'Ray', mail: 'sam@contoso.com', proxyAddresses: [] });
    const u2 = graphUser('u2', { givenName: 'Sam', surname: 'Ray', mail: 'samuel@contoso.com', proxyAddresses: [] });
    const result = match(
      [u1, u2],
      [docContact('c1', { firstName: 'Sam', lastName: 'Ray', emails: [email('sam@contoso.com')] })],
    );
    expect(result.get('u1')).toEqual({ kind: 'matched', rule: 'alias', candidateId: 'c1' });
    expect(result.get('u2')).toEqual({ kind: 'unmatched' });
  });

  it('decides a dispute again when a later tier gives one of its candidates to another user', () => {
    // Ben's mailbox address is on both contacts (dispute at "alias"); Ann's UPN then claims c1 at "username".
    const ann = graphUser('u1', {
      givenName: 'Ann',
      surname: 'Lee',
      userPrincipalName: 'ann@contoso.com',
      mail: null,
      proxyAddresses: [],
    });
    const ben = graphUser('u2', { givenName: 'Ben', surname: 'Ode', mail: 'ben@contoso.com', proxyAddresses: [] });
    const result = match(
      [ann, ben],
      [
        docContact('c1', { emails: [email('ann@contoso.com'), email('ben@contoso.com', false)] }),
        docContact('c2', { emails: [email('ben@contoso.com')] }),
      ],
    );
    expect(result.get('u1')).toEqual({ kind: 'matched', rule: 'username', candidateId: 'c1' });
    expect(result.get('u2')).toEqual({ kind: 'matched', rule: 'alias', candidateId: 'c2' });
  });

  it('keeps a contact linked to another user (even one out of scope) away from everyone else', () => {
    const user = graphUser('u1', { givenName: 'Ann', surname: 'Lee' });
    const result = match([user], [docContact('c1', { firstName: 'Ann', lastName: 'Lee' })], [link('gone-user', 'c1')]);
    expect(result.get('u1')).toEqual({ kind: 'unmatched' });
  });

  it('lets an operator force a new contact for a disputed user', () => {
    const user = graphUser('u1', { givenName: 'Ann', surname: 'Lee' });
    const result = match([user], [docContact('c1', { firstName: 'Ann', lastName: 'Lee' })], [], ['u1']);
    expect(result.get('u1')).toEqual({ kind: 'unmatched' });
  });
});

function positionIndex(entries: Record<string, readonly number[]>, reverse: boolean): PositionIndex {
  const index = new PositionIndex();
  for (const [key, positions] of Object.entries(entries))
    for (const position of reverse ? [...positions].reverse() : positions) index.add(key, position);
  return index;
}

describe('PositionIndex', () => {
  it('gives one position as a number, several as a list, each position once', () => {
    const index = new PositionIndex();
    index.add('a', 3);
    index.add('b', 1);
    index.add('b', 1);
    index.add('b', 4);
    index.add('b', 4);
    index.add('b', 0);
    expect(index.get('a')).toBe(3);
    expect(index.get('b')).toEqual([1, 4, 0]);
    expect(index.get('c')).toBeUndefined();
  });
});

describe('matchTiered', () => {
  it('does not depend on the order of users or of candidates', () => {
    const arbitraryIndex = fc.dictionary(
      fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'), { minLength: 1 }),
        fc.dictionary(
          fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5'),
          fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e')),
        ),
        arbitraryIndex,
        arbitraryIndex,
        (users, keys, index1, index2) => {
          const run = (order: readonly string[], reverse: boolean) => {
            const tiers = [index1, index2].map((index, i) => ({
              rule: `t${i}`,
              keysOf: (id: string) => (reverse ? [...(keys[id] ?? [])].reverse() : (keys[id] ?? [])),
              index: positionIndex(index, reverse),
            }));
            const results: TieredMatch<string>[] = [];
            matchTiered(
              order,
              order.map((_, i) => i),
              tiers,
              new Uint8Array(6),
              results,
            );
            return new Map(order.map((id, i) => [id, results[i]]));
          };
          const forward = run(users, false);
          const backward = run([...users].reverse(), true);
          for (const user of users) expect(backward.get(user)).toEqual(forward.get(user));
          const matched = [...forward.values()].flatMap((r) => (r?.kind === 'matched' ? [r.candidate] : []));
          expect(new Set(matched).size).toBe(matched.length);
        },
      ),
    );
  });
});
