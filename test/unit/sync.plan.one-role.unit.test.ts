import { describe, expect, it } from 'vitest';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { actionWrites, type Plan } from '../../src/domain/plan.ts';
import { planTenantSync, type TenantSyncInput } from '../../src/sync/plan.ts';
import { applyInMemory } from '../support/apply-in-memory.ts';
import { docContact, graphUser, link, psaContact, planOne, tenantInput } from '../support/builders.ts';

const PSA_ONLY = { doc: null, psa: bmsProfile };
const DOC_ONLY = { doc: itglueProfile, psa: null };

const ann = graphUser('u1', {
  givenName: 'Ann',
  surname: 'Lee',
  userPrincipalName: 'ann@contoso.com',
  mail: 'ann@contoso.com',
  proxyAddresses: ['SMTP:ann@contoso.com', 'smtp:ann.lee@contoso.com'],
  businessPhones: ['+1 (415) 555-2671'],
  jobTitle: 'Controller',
});

function messages(plan: Plan): string {
  return plan.actions.flatMap((a) => a.reasons.map((r) => r.message)).join('\n');
}

describe('a PSA alone', () => {
  it('creates the PSA contact of a new user and never a documentation contact', () => {
    // A documentation contact with the user's address is not looked at: the installation has no documentation platform.
    const stray = docContact('d1', {
      firstName: 'Ann',
      lastName: 'Lee',
      emails: [{ value: 'ann@contoso.com', primary: true, label: 'Work' }],
    });
    const action = planOne({ targets: PSA_ONLY, users: [ann], contacts: [stray] });
    expect(action.outcome).toBe('synced');
    expect(action.rule).toBeNull();
    expect(action.doc).toEqual({ kind: 'none', contactId: null });
    // The PSA contact is what it is beside a documentation platform: Microsoft's values, in the PSA's main location.
    expect(action.psa).toMatchObject({
      kind: 'create',
      fields: { firstName: 'Ann', emailAddress: 'ann@contoso.com', phoneNumber: '+14155552671', locationId: 11 },
    });
  });

  it('links the contact of the account with any of the user’s addresses instead of creating one', () => {
    const existing = psaContact(500, { firstName: 'Ann', lastName: 'Lee', emailAddress: 'ANN.LEE@contoso.com' });
    const action = planOne({ targets: PSA_ONLY, users: [ann], psaContacts: [existing] });
    expect(action.outcome).toBe('synced');
    expect(action.rule).toBe('alias');
    expect(action.psa).toMatchObject({ kind: 'link', contactId: 500 });
    expect(action.reasons.map((r) => r.message)).toContain(
      'Linked to the existing BMS contact Ann Lee <ANN.LEE@contoso.com> (500) by email instead of creating one.',
    );
  });

  it('links by first and last name when no address matches, and disputes two namesakes', () => {
    const one = psaContact(501, { firstName: 'Ann', lastName: 'Lee', emailAddress: 'a.lee@old.example' });
    expect(planOne({ targets: PSA_ONLY, users: [ann], psaContacts: [one] })).toMatchObject({
      rule: 'name',
      psa: { kind: 'link', contactId: 501 },
    });
    const two = psaContact(502, { firstName: 'ann', lastName: 'LEE', emailAddress: null });
    const disputed = planOne({ targets: PSA_ONLY, users: [ann], psaContacts: [one, two] });
    expect(disputed.outcome).toBe('disputed');
    expect(disputed.psa).toEqual({ kind: 'disputed', candidateIds: [501, 502] });
    expect(disputed.doc.kind).toBe('none');
  });

  it('updates the linked PSA contact, and writes nothing once the plan is applied', () => {
    const first = tenantInput({ targets: PSA_ONLY, users: [ann] });
    const applied = applyInMemory(first, planTenantSync(first));
    expect(applied.links).toMatchObject([{ userId: 'u1', psaContactId: 100_001 }]);
    expect(planTenantSync(applied).actions.filter(actionWrites)).toEqual([]);

    const promoted = tenantInput({ targets: PSA_ONLY, users: [{ ...ann, jobTitle: 'CFO' }] });
    const action = planTenantSync({ ...applied, users: promoted.users }).actions[0]!;
    expect(action.rule).toBe('link');
    expect(action.doc.kind).toBe('none');
    expect(action.psa).toMatchObject({
      kind: 'update',
      contactId: 100_001,
      diffs: [{ field: 'jobTitle', old: 'Controller', new: 'CFO' }],
    });
  });

  it('places the contact in the PSA location named by the user’s office', () => {
    const londoner = { ...ann, officeLocation: 'London Office' };
    const action = planOne({
      targets: PSA_ONLY,
      users: [londoner],
      settings: { location: { strategy: 'officeLocation' } },
    });
    expect(action.psa).toMatchObject({ kind: 'create', fields: { locationId: 21 } });
  });

  it('holds a user without a phone from the PSA, naming what it lacks, and writes nothing else', () => {
    const action = planOne({ targets: PSA_ONLY, users: [{ ...ann, businessPhones: [], mobilePhone: null }] });
    expect(action.outcome).toBe('held');
    expect(action.doc.kind).toBe('none');
    expect(action.reasons.map((r) => r.message)).toContain(
      'No primary phone: Microsoft 365 has no valid phone for this user and phones.blankReplacement is not set.',
    );
    expect(actionWrites(action)).toBe(false);
  });

  it('inactivates the PSA contact of a leaver', () => {
    const linked = link('u1', '', { psaContactId: 500, rule: 'alias' });
    const action = planOne({
      targets: PSA_ONLY,
      users: [{ ...ann, accountEnabled: false }],
      psaContacts: [psaContact(500, { firstName: 'Ann', lastName: 'Lee', emailAddress: 'ann@contoso.com' })],
      links: [linked],
    });
    expect(action.outcome).toBe('inactivated');
    expect(action.doc).toEqual({ kind: 'none', contactId: null });
    expect(action.psa).toMatchObject({ kind: 'inactivate', contactId: 500 });
  });

  it('never names a documentation platform to the user', () => {
    const input: TenantSyncInput = tenantInput({
      targets: PSA_ONLY,
      users: [ann, graphUser('u2', { businessPhones: [] }), graphUser('u3', { givenName: null, displayName: null })],
      settings: { contactType: 'Nobody', location: { default: 'Nowhere' } },
    });
    expect(messages(planTenantSync(input))).not.toMatch(/IT Glue|organization/);
  });
});

describe('a documentation platform alone', () => {
  it('creates the documentation contact of a new user and plans nothing for a PSA', () => {
    const plan = planTenantSync(tenantInput({ targets: DOC_ONLY, users: [ann], psaContacts: [psaContact(500)] }));
    const action = plan.actions[0]!;
    expect(action.outcome).toBe('synced');
    expect(action.doc.kind).toBe('create');
    expect(action.psa).toEqual({ kind: 'none', contactId: null });
    expect(messages(plan)).not.toMatch(/BMS|PSA/);
  });

  it('plans nothing more once applied, and gives a leaver the leaver type', () => {
    const first = tenantInput({
      targets: DOC_ONLY,
      users: [ann],
      settings: { psa: { leaverContactType: 'Former Employee' } },
    });
    const applied = applyInMemory(first, planTenantSync(first));
    expect(planTenantSync(applied).actions.filter(actionWrites)).toEqual([]);
    const left = tenantInput({ targets: DOC_ONLY, users: [{ ...ann, accountEnabled: false }] });
    const action = planTenantSync({ ...applied, users: left.users }).actions[0]!;
    expect(action.outcome).toBe('inactivated');
    expect(action.doc).toMatchObject({ kind: 'inactivate', patch: { contactTypeId: '2' } });
    expect(action.psa).toEqual({ kind: 'none', contactId: null });
  });

  it('leaves a contact the platform’s PSA integration mirrors alone, and says why', () => {
    const mirrored = docContact('d1', {
      firstName: 'Ann',
      lastName: 'Lee',
      mirroredPsaContactId: 500,
      emails: [{ value: 'ann@contoso.com', primary: true, label: 'Work' }],
    });
    const action = planOne({ targets: DOC_ONLY, users: [ann], contacts: [mirrored] });
    expect(action.doc).toEqual({ kind: 'mirrored', contactId: 'd1', psaContactId: 500 });
    expect(action.psa).toEqual({ kind: 'none', contactId: null });
    expect(actionWrites(action)).toBe(false);
    expect(action.reasons.map((r) => r.code)).toContain('psa-mirrored');
  });
});
