import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DirectoryUser } from '../../src/domain/directory-user.ts';
import type { DocContact } from '../../src/domain/doc-contact.ts';
import type { Link } from '../../src/domain/link.ts';
import { actionWrites } from '../../src/domain/plan.ts';
import type { PsaContact } from '../../src/domain/psa-contact.ts';
import { planTenantSync, type TenantSyncInput } from '../../src/sync/plan.ts';
import { applyInMemory } from '../support/apply-in-memory.ts';
import { docContact, graphUser, psaContact, tenantInput } from '../support/builders.ts';

// Small pools, so that generated users and contacts collide on names, addresses and phones as real tenants do.
const FIRST = ['Ann', 'ann', 'José', 'Jose', 'Li', 'Sam'];
const LAST = ['Lee', 'LEE', 'Peña', 'Pena', 'Wu'];
const ADDRESSES = [
  'ann@contoso.com',
  'sam@contoso.com',
  'li@contoso.com',
  'x@contoso.com',
  'ANN@contoso.com',
  'ops@contoso.com',
];
const PHONES = ['+1 415 555 2671', '415-555-2671', '020 7946 0958', '555', '+49 30 901820', ''];

const user = fc.record({
  id: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6'),
  givenName: fc.option(fc.constantFrom(...FIRST)),
  surname: fc.option(fc.constantFrom(...LAST)),
  mail: fc.option(fc.constantFrom(...ADDRESSES)),
  aliases: fc.uniqueArray(fc.constantFrom(...ADDRESSES), { maxLength: 2 }),
  upn: fc.constantFrom(...ADDRESSES),
  phone: fc.constantFrom(...PHONES),
  mobile: fc.option(fc.constantFrom(...PHONES)),
  enabled: fc.boolean(),
  title: fc.option(fc.constantFrom('Engineer', 'CFO')),
});

const contact = fc.record({
  id: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5'),
  firstName: fc.option(fc.constantFrom(...FIRST)),
  lastName: fc.option(fc.constantFrom(...LAST)),
  emails: fc.uniqueArray(fc.constantFrom(...ADDRESSES), { maxLength: 2 }),
  phone: fc.option(fc.constantFrom('4155552671', '2025550143', '0000000000')),
});

const bmsContact = fc.record({
  id: fc.constantFrom(500, 501, 502, 503),
  firstName: fc.option(fc.constantFrom(...FIRST)),
  lastName: fc.option(fc.constantFrom(...LAST)),
  email: fc.option(fc.constantFrom(...ADDRESSES)),
  active: fc.boolean(),
});

const tenant = fc.record({
  users: fc.uniqueArray(user, { selector: (u) => u.id, maxLength: 6 }),
  contacts: fc.uniqueArray(contact, { selector: (c) => c.id, maxLength: 5 }),
  bms: fc.uniqueArray(bmsContact, { selector: (c) => c.id, maxLength: 4 }),
  links: fc.uniqueArray(
    fc.record({
      userId: fc.constantFrom('u1', 'u2', 'u3', 'u7'),
      contactId: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5'),
      psa: fc.option(fc.constantFrom(500, 501, 502, 503)),
    }),
    {
      selector: (l) => l.userId,
      maxLength: 3,
    },
  ),
  replacement: fc.constantFrom(null, '000-000-0000'),
  primaryType: fc.constantFrom('office' as const, 'mobile' as const),
});

type Tenant = typeof tenant extends fc.Arbitrary<infer T> ? T : never;

function build(t: Tenant): TenantSyncInput {
  const users: DirectoryUser[] = t.users.map((u) =>
    graphUser(u.id, {
      givenName: u.givenName,
      surname: u.surname,
      displayName: null,
      mail: u.mail,
      userPrincipalName: u.upn,
      proxyAddresses: u.aliases.map((a, i) => `${i === 0 ? 'SMTP' : 'smtp'}:${a}`),
      businessPhones: u.phone === '' ? [] : [u.phone],
      mobilePhone: u.mobile,
      accountEnabled: u.enabled,
      jobTitle: u.title,
    }),
  );
  const contacts: DocContact[] = t.contacts.map((c) =>
    docContact(c.id, {
      firstName: c.firstName,
      lastName: c.lastName,
      emails: c.emails.map((value, i) => ({ value, primary: i === 0, label: 'Work' })),
      phones: c.phone === null ? [] : [{ value: c.phone, extension: null, primary: true, label: 'Work' }],
    }),
  );
  const psa: PsaContact[] = t.bms.map((c) =>
    psaContact(c.id, { firstName: c.firstName, lastName: c.lastName, emailAddress: c.email, isActive: c.active }),
  );
  // Links are one-to-one, as the store keeps them.
  const usedContacts = new Set<string>();
  const usedPsa = new Set<number>();
  const links: Link[] = [];
  for (const l of t.links) {
    if (usedContacts.has(l.contactId) || (l.psa !== null && usedPsa.has(l.psa))) continue;
    usedContacts.add(l.contactId);
    if (l.psa !== null) usedPsa.add(l.psa);
    links.push({
      userId: l.userId,
      docContactId: l.contactId,
      psaContactId: l.psa,
      rule: 'alias',
      syncDisabled: 'none',
      ownedEmails: [],
      ownedPhones: [],
      psaPushed: null,
    });
  }
  return tenantInput({
    users,
    contacts,
    psaContacts: psa,
    links,
    settings: {
      phones: { blankReplacement: t.replacement, primaryType: t.primaryType },
      deletionGuard: { minCount: 100 },
    },
  });
}

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let s = seed;
  for (let i = result.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

describe('planTenantSync properties', () => {
  it('gives the same plan whatever the order of users, contacts and links', () => {
    fc.assert(
      fc.property(tenant, fc.integer({ min: 1, max: 1_000_000 }), (t, seed) => {
        const input = build(t);
        const permuted: TenantSyncInput = {
          ...input,
          users: shuffle(input.users, seed),
          links: shuffle(input.links, seed + 1),
          doc: {
            ...input.doc,
            contacts: shuffle(input.doc.contacts, seed + 2),
            locations: shuffle(input.doc.locations, seed + 3),
          },
          psa: input.psa === null ? null : { ...input.psa, contacts: shuffle(input.psa.contacts, seed + 4) },
        };
        expect(planTenantSync(permuted)).toEqual(planTenantSync(input));
      }),
      { numRuns: 300 },
    );
  });

  it('gives every user exactly one action, and every linked user who is gone one too', () => {
    fc.assert(
      fc.property(tenant, (t) => {
        const input = build(t);
        const plan = planTenantSync(input);
        const expected = new Set([...input.users.map((u) => u.id), ...input.links.map((l) => l.userId)]);
        expect(plan.actions.map((a) => a.userId).sort()).toEqual([...expected].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('never targets one contact with two actions, in IT Glue or in BMS', () => {
    fc.assert(
      fc.property(tenant, (t) => {
        const plan = planTenantSync(build(t));
        const docTargets = plan.actions.flatMap((a) =>
          a.doc.kind === 'update' || a.doc.kind === 'unchanged' || a.doc.kind === 'inactivate' ? [a.doc.contactId] : [],
        );
        const psaTargets = plan.actions.flatMap((a) =>
          a.psa.kind === 'link' || a.psa.kind === 'update' || a.psa.kind === 'unchanged' || a.psa.kind === 'inactivate'
            ? [a.psa.contactId]
            : [],
        );
        expect(new Set(docTargets).size).toBe(docTargets.length);
        expect(new Set(psaTargets).size).toBe(psaTargets.length);
      }),
      { numRuns: 300 },
    );
  });

  it('plans no write against the state its own plan produced', () => {
    fc.assert(
      fc.property(tenant, (t) => {
        const input = build(t);
        const after = applyInMemory(input, planTenantSync(input));
        const again = planTenantSync(after);
        expect(again.actions.filter(actionWrites)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
