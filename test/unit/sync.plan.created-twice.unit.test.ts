import { describe, expect, it } from 'vitest';
import type { CreatedContactFacts } from '../../src/sync/created-twice.ts';
import { planTenantSync } from '../../src/sync/plan.ts';
import { docContact, graphUser, link, psaContact, tenantInput } from '../support/builders.ts';

const user = graphUser('u1', { givenName: 'Ada', surname: 'Lovelace' });
const email = user.mail!;
const contacts = ['c1', 'c2'].map((id) =>
  docContact(id, { firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: email, label: 'Work', primary: true }] }),
);

function planWith(facts: Partial<CreatedContactFacts>, parts: Parameters<typeof tenantInput>[0] = {}) {
  const input = tenantInput({ users: [user], contacts, links: [link('u1', 'c2', { rule: null })], ...parts });
  return planTenantSync({ ...input, createdContacts: { created: [], settled: [], ...facts } });
}

const createdBoth = [
  { userId: 'u1', role: 'doc' as const, contactId: 'c1' },
  { userId: 'u1', role: 'doc' as const, contactId: 'c2' },
];

describe('planning a user contactsync created two contacts for', () => {
  it('disputes the user, naming the target and both contacts, when both are still there', () => {
    const action = planWith({ created: createdBoth }).actions[0]!;
    expect(action.outcome).toBe('disputed');
    expect(action.doc).toEqual({ kind: 'disputed', candidateIds: ['c1', 'c2'] });
    expect(action.reasons.map((r) => r.message)).toEqual([
      'contactsync created 2 IT Glue contacts for this user (c1, c2), and all are still there; a person must choose the one to keep (the others are left as they are).',
    ]);
  });

  it('leaves the user alone once a person settled the dispute of those contacts', () => {
    const settled = [{ userId: 'u1', role: 'doc' as const, candidates: ['c1', 'c2'] }];
    expect(planWith({ created: createdBoth, settled }).actions[0]!.outcome).not.toBe('disputed');
  });

  it('leaves the user alone when one of the contacts is gone', () => {
    const plan = planWith({ created: createdBoth }, { contacts: [contacts[1]!] });
    expect(plan.actions[0]!.outcome).not.toBe('disputed');
  });

  it('disputes the PSA side with the PSA named, keeping the documentation contact', () => {
    const created = [
      { userId: 'u1', role: 'psa' as const, contactId: '7' },
      { userId: 'u1', role: 'psa' as const, contactId: '5' },
    ];
    const psaContacts = [5, 7].map((id) =>
      psaContact(id, { firstName: 'Ada', lastName: 'Lovelace', emailAddress: email }),
    );
    const linked = [link('u1', 'c2', { rule: null, psaContactId: 7 })];
    const action = planWith({ created }, { contacts: [contacts[1]!], psaContacts, links: linked }).actions[0]!;
    expect(action.outcome).toBe('disputed');
    expect(action.psa).toEqual({ kind: 'disputed', candidateIds: [5, 7] });
    expect(action.reasons.at(-1)?.message).toMatch(/^contactsync created 2 BMS contacts for this user \(5, 7\)/);
  });
});
