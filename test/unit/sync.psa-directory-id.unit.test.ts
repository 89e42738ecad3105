import { describe, expect, it } from 'vitest';
import { autotaskProfile } from '../../src/connectors/autotask/profile.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { haloProfile } from '../../src/connectors/halo/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { autoMapping } from '../../src/sync/auto-mapping.ts';
import { graphUser, link, planOne, psaContact } from '../support/builders.ts';

/** A PSA that keeps each contact's Microsoft 365 object id and tenant id (Halo's `azureoid`, `azure_tenant_id`). */
const ALONE = { doc: null, psa: haloProfile };
const BOTH = { doc: itglueProfile, psa: haloProfile };

const ann = graphUser('9f1c0b8e-0000-4000-8000-000000000001', {
  givenName: 'Ann',
  surname: 'Lee',
  userPrincipalName: 'ann.lee@contoso.com',
  mail: 'ann.lee@contoso.com',
});

describe('a PSA that keeps the Entra object id', () => {
  it('finds a user by the object id its contact holds, although every address and the name changed', () => {
    const renamed = psaContact(500, {
      firstName: 'Annie',
      lastName: 'Smith',
      emailAddress: 'annie.smith@old-contoso.com',
      directoryId: ann.id.toUpperCase(),
      directoryTenantId: 'tenant-1',
    });
    // Another contact has the user's address: the object id comes first.
    const sameAddress = psaContact(501, { firstName: 'Ann', lastName: 'Lee', emailAddress: 'ann.lee@contoso.com' });
    const action = planOne({ targets: ALONE, users: [ann], psaContacts: [sameAddress, renamed] }, ann.id);
    expect(action.psa).toMatchObject({ kind: 'link', contactId: 500, write: true });
    expect(action.rule).toBe('link');
    expect(action.reasons.map((r) => r.message).join(' ')).toContain("by the Microsoft 365 user's object id");
    const written = action.psa.kind === 'link' ? action.psa.diffs.map((d) => d.field) : [];
    expect(written).toEqual(expect.arrayContaining(['firstName', 'lastName', 'emailAddress']));
    expect(written).not.toContain('directoryId');
  });

  it('writes the object id and the tenant id on a contact it creates and on one it links by email', () => {
    const created = planOne({ targets: BOTH, users: [ann], psaContacts: [] }, ann.id);
    expect(created.psa).toMatchObject({
      kind: 'create',
      fields: { directoryId: ann.id, directoryTenantId: 'tenant-1' },
    });
    const byEmail = psaContact(502, { firstName: 'Ann', lastName: 'Lee', emailAddress: 'ann.lee@contoso.com' });
    const linked = planOne({ targets: ALONE, users: [ann], psaContacts: [byEmail] }, ann.id);
    expect(linked.psa).toMatchObject({ kind: 'link', contactId: 502, write: true });
    const diffs = linked.psa.kind === 'link' ? linked.psa.diffs : [];
    expect(diffs).toEqual(
      expect.arrayContaining([
        { field: 'directoryId', old: null, new: ann.id },
        { field: 'directoryTenantId', old: null, new: 'tenant-1' },
      ]),
    );
  });

  it('writes the object id on a contact linked before, once, and then nothing', () => {
    const held = psaContact(503, {
      firstName: 'Ann',
      lastName: 'Lee',
      jobTitle: 'Engineer',
      emailAddress: 'ann.lee@contoso.com',
      phoneNumber: '+14155550100',
    });
    const linked = [link(ann.id, '', { psaContactId: 503 })];
    const first = planOne({ targets: ALONE, users: [ann], psaContacts: [held], links: linked }, ann.id);
    expect(first.psa).toMatchObject({ kind: 'update', contactId: 503 });
    const fields = first.psa.kind === 'update' ? first.psa.diffs.map((d) => d.field) : [];
    expect(fields).toEqual(['directoryId', 'directoryTenantId']);
    const holding = { ...held, directoryId: ann.id, directoryTenantId: 'tenant-1' };
    const next = planOne({ targets: ALONE, users: [ann], psaContacts: [holding], links: linked }, ann.id);
    expect(next.psa.kind).toBe('unchanged');
  });

  it('disputes a contact found by an address or a name that holds another user’s object id, instead of taking it over', () => {
    const gone = psaContact(505, {
      firstName: 'Ann',
      lastName: 'Lee',
      emailAddress: 'ann.lee@contoso.com',
      directoryId: 'another-user',
      directoryTenantId: 'tenant-1',
    });
    for (const targets of [ALONE, BOTH]) {
      const action = planOne({ targets, users: [ann], psaContacts: [gone] }, ann.id);
      expect(action.psa).toEqual({ kind: 'disputed', candidateIds: [505] });
      expect(action.reasons.map((r) => r.message).join(' ')).toMatch(
        /contact .*505.* has the same email, but holds the Microsoft 365 object id of another user \(another-user\): .*a person must choose/,
      );
    }
    // Of a user of another tenant, by name: the tenant is named.
    const elsewhere = { ...gone, emailAddress: 'ann@fabrikam.com', directoryTenantId: 'tenant-9' };
    const byName = planOne({ targets: ALONE, users: [ann], psaContacts: [elsewhere] }, ann.id);
    expect(byName.psa).toEqual({ kind: 'disputed', candidateIds: [505] });
    expect(byName.rule).toBe('name');
    expect(byName.reasons.map((r) => r.message).join(' ')).toContain('(another-user of tenant tenant-9)');
    // Its own object id, in another case: linked as ever.
    const own = { ...gone, directoryId: ann.id.toUpperCase() };
    expect(planOne({ targets: ALONE, users: [ann], psaContacts: [own] }, ann.id).psa).toMatchObject({ kind: 'link' });
  });

  it('leaves BMS and Autotask as they were: no object id written, a contact holding one is not matched by it', () => {
    for (const psa of [bmsProfile, autotaskProfile]) {
      const created = planOne({ targets: { doc: null, psa }, users: [ann], psaContacts: [] }, ann.id);
      expect(created.psa.kind).toBe('create');
      expect(created.psa.kind === 'create' ? created.psa.fields : {}).not.toHaveProperty('directoryId');
      const other = psaContact(504, {
        firstName: 'Zed',
        lastName: 'Roe',
        emailAddress: 'z@x.com',
        directoryId: ann.id,
      });
      const action = planOne({ targets: { doc: null, psa }, users: [ann], psaContacts: [other] }, ann.id);
      expect(action.psa.kind).toBe('create');
      // An object id such a contact were given is not theirs to keep: found by the address, it is linked.
      const byEmail = {
        ...other,
        firstName: 'Ann',
        lastName: 'Lee',
        emailAddress: 'ann.lee@contoso.com',
        directoryId: 'x',
      };
      expect(planOne({ targets: { doc: null, psa }, users: [ann], psaContacts: [byEmail] }, ann.id).psa.kind).toBe(
        'link',
      );
    }
  });
});

describe('mapping a tenant to the customer record that lists its id', () => {
  const clients = [
    { id: 1, name: 'Contoso (old name)', directoryTenantIds: ['TENANT-1'] },
    { id: 2, name: 'Contoso Ltd', directoryTenantIds: [] },
  ];
  const none = { organizations: new Set<string>(), accounts: new Set<number>() };

  it('takes the client listing the tenant before the one of its name', () => {
    const mapped = autoMapping('Contoso Ltd', null, clients, none, ALONE, 'tenant-1');
    expect(mapped).toMatchObject({ kind: 'map', account: clients[0] });
  });

  it('takes the name when no client lists the tenant, and refuses two clients listing it', () => {
    expect(autoMapping('Contoso Ltd', null, clients, none, ALONE, 'tenant-2')).toMatchObject({ account: clients[1] });
    const twice = [...clients, { id: 3, name: 'Other', directoryTenantIds: ['tenant-1'] }];
    const refused = autoMapping('Contoso Ltd', null, twice, none, ALONE, 'tenant-1');
    expect(refused).toMatchObject({ kind: 'unmapped' });
    expect(refused.kind === 'unmapped' ? refused.note : '').toContain("2 clients that name the tenant's id");
  });
});
