import { describe, expect, it } from 'vitest';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import type { Link } from '../../src/domain/link.ts';
import type { Psa } from '../../src/domain/ports.ts';
import type { PsaContact, PsaContactFields } from '../../src/domain/psa-contact.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { applyPlan } from '../../src/sync/apply.ts';
import { NO_DOC_CONTACT } from '../../src/domain/link.ts';
import { planTenantSync } from '../../src/sync/plan.ts';
import { graphUser, psaContact, tenantInput } from '../support/builders.ts';

const PSA_ONLY = { doc: null, psa: bmsProfile };

/** The journal and the links as the state store keeps them, in memory. */
function memoryStore() {
  const links = new Map<string, Link>();
  const journal: { system: string; operation: string; status: string }[] = [];
  const keep = (link: Link | null) => {
    if (link !== null) links.set(link.userId, link);
  };
  const store = {
    journalIntent: async (entry: { system: string; operation: string }) => {
      journal.push({ system: entry.system, operation: entry.operation, status: 'intent' });
      return String(journal.length - 1);
    },
    journalIntents: async (entries: readonly { system: string; operation: string }[]) =>
      entries.map((entry) => {
        journal.push({ system: entry.system, operation: entry.operation, status: 'intent' });
        return String(journal.length - 1);
      }),
    journalDone: async (id: string, _target: string, settled: { link: Link } | null) => {
      journal[Number(id)]!.status = 'done';
      keep(settled?.link ?? null);
    },
    journalFailed: async (id: string) => {
      journal[Number(id)]!.status = 'failed';
    },
    journalSettled: async () => undefined,
    saveLinks: async (_tenant: string, saved: readonly Link[]) => saved.forEach(keep),
  };
  return { store: store as unknown as StateStore, links, journal };
}

/** A PSA that keeps every write and numbers new contacts from 900. */
function memoryPsa(contacts: PsaContact[]): Psa {
  let next = 900;
  const fake: Partial<Psa> = {
    createContact: async (accountId: number, fields: PsaContactFields) => {
      const id = next++;
      contacts.push({ id, accountId, ...fields, otherEmails: [] });
      return { ok: true, id };
    },
    updateContact: async (accountId: number, id: number, fields: PsaContactFields) => {
      const at = contacts.findIndex((c) => c.id === id);
      contacts[at] = { id, accountId, ...fields, otherEmails: [] };
      return { ok: true, id };
    },
    inactivateContact: async (_accountId: number, id: number) => ({ ok: true, id }),
    readContact: async (id: number) => contacts.find((c) => c.id === id) ?? null,
  };
  return fake as Psa;
}

describe('applying a plan with a PSA alone', () => {
  it('creates and links PSA contacts, and writes no documentation contact', async () => {
    const existing = psaContact(500, { firstName: 'Bo', lastName: 'Ray', emailAddress: 'bo@contoso.com' });
    const input = tenantInput({
      targets: PSA_ONLY,
      users: [
        graphUser('u1', { givenName: 'Ann', surname: 'Lee' }),
        graphUser('u2', {
          givenName: 'Bo',
          surname: 'Ray',
          userPrincipalName: 'bo@contoso.com',
          mail: 'bo@contoso.com',
          proxyAddresses: ['SMTP:bo@contoso.com'],
        }),
      ],
      psaContacts: [existing],
    });
    const plan = planTenantSync(input);
    const { store, links, journal } = memoryStore();
    const psaContacts = [existing];
    const applied = await applyPlan(plan.actions, {
      tenantId: 'tenant-1',
      runId: 'run-1',
      organizationId: '',
      accountId: 1,
      store,
      targets: PSA_ONLY,
      doc: null,
      psa: memoryPsa(psaContacts),
      links: new Map(),
    });
    expect(applied.map((a) => [a.action.userId, a.doc, a.psa, a.docContactId, a.psaContactId])).toEqual([
      ['u1', 'none', 'created', null, 900],
      ['u2', 'none', 'linked', null, 500],
    ]);
    expect(journal.every((entry) => entry.system === 'bms' && entry.status === 'done')).toBe(true);
    expect([...links.values()].map((l) => [l.userId, l.docContactId, l.psaContactId])).toEqual([
      ['u1', NO_DOC_CONTACT, 900],
      ['u2', NO_DOC_CONTACT, 500],
    ]);
    expect(psaContacts.map((c) => c.emailAddress)).toEqual(['bo@contoso.com', 'ann.lee@contoso.com']);
  });
});
