import { describe, expect, it } from 'vitest';
import { actionWrites } from '../../src/domain/plan.ts';
import { planTenantSync } from '../../src/sync/plan.ts';
import { applyInMemory } from '../support/apply-in-memory.ts';
import { docContact, graphUser, link, psaContact, planOne, tenantInput } from '../support/builders.ts';

const ann = graphUser('u1', {
  givenName: 'Ann',
  surname: 'Lee',
  userPrincipalName: 'ann@contoso.com',
  mail: 'ann@contoso.com',
  proxyAddresses: ['SMTP:ann@contoso.com', 'smtp:ann.lee@contoso.com'],
  businessPhones: ['+1 (415) 555-2671'],
  mobilePhone: '415 555 0000',
  jobTitle: 'Controller',
});
const work = (value: string, primary = true, label = 'Work') => ({ value, primary, label });

describe('Scenario 1: no match', () => {
  it('creates a complete IT Glue contact and pushes it to BMS', () => {
    const action = planOne({ users: [ann], settings: { contactType: 'Employee' } });
    expect(action.outcome).toBe('synced');
    expect(action.rule).toBeNull();
    expect(action.doc.kind).toBe('create');
    if (action.doc.kind !== 'create') return;
    expect(action.doc.fields).toEqual({
      firstName: 'Ann',
      lastName: 'Lee',
      title: 'Controller',
      contactTypeId: '1',
      locationId: '10',
      emails: [work('ann@contoso.com'), { value: 'ann.lee@contoso.com', primary: false, label: 'Alias' }],
      phones: [
        { value: '4155552671', extension: null, primary: true, label: 'Work' },
        { value: '4155550000', extension: null, primary: false, label: 'Mobile' },
      ],
    });
    expect(action.psa).toMatchObject({
      kind: 'create',
      fields: {
        firstName: 'Ann',
        lastName: 'Lee',
        jobTitle: 'Controller',
        emailAddress: 'ann@contoso.com',
        emailTypeId: 1,
        phoneNumber: '+14155552671',
        phoneTypeId: 1,
        locationId: 11,
        isActive: true,
      },
    });
  });

  it('takes the UPN as primary email when the setting says so', () => {
    const user = graphUser('u1', {
      userPrincipalName: 'ann@contoso.onmicrosoft.com',
      mail: 'ann@contoso.com',
      proxyAddresses: ['SMTP:ann@contoso.com'],
    });
    const action = planOne({ users: [user], settings: { primaryEmail: 'upn' } });
    expect(action.doc.kind === 'create' && action.doc.fields.emails).toEqual([
      work('ann@contoso.onmicrosoft.com'),
      { value: 'ann@contoso.com', primary: false, label: 'Alias' },
    ]);
  });

  it('does not push to BMS when the tenant has no BMS account', () => {
    const action = planOne({ users: [ann], psaContacts: null });
    expect(action.doc.kind).toBe('create');
    expect(action.psa.kind).toBe('none');
  });
});

describe('Scenario 2: matched, not yet in BMS', () => {
  const existing = docContact('c1', {
    firstName: 'Ann',
    lastName: 'Lee',
    title: null,
    notes: 'VIP, call before visiting',
    important: true,
    emails: [work('ann@contoso.com')],
    phones: [{ value: '2025550143', extension: null, primary: false, label: 'Home' }],
  });

  it('updates the IT Glue contact with Microsoft data, keeps what a person added, then creates the BMS contact', () => {
    const action = planOne({ users: [ann], contacts: [existing] });
    expect(action.rule).toBe('alias');
    expect(action.doc.kind).toBe('update');
    if (action.doc.kind !== 'update') return;
    expect(action.doc.patch.title).toBe('Controller');
    expect(action.doc.patch.phones).toEqual([
      { value: '2025550143', extension: null, primary: false, label: 'Home' },
      { value: '4155552671', extension: null, primary: true, label: 'Work' },
      { value: '4155550000', extension: null, primary: false, label: 'Mobile' },
    ]);
    expect(action.doc.diffs.map((d) => d.field)).toEqual(['title', 'location-id', 'contact-emails', 'contact-phones']);
    expect(action.doc.diffs.find((d) => d.field === 'title')).toEqual({
      field: 'title',
      old: null,
      new: 'Controller',
    });
    expect(action.psa.kind).toBe('create');
  });

  it('links an existing BMS contact with the same email instead of creating a duplicate', () => {
    const action = planOne({
      users: [ann],
      contacts: [existing],
      psaContacts: [psaContact(500, { firstName: 'Ann', lastName: 'Lee', emailAddress: 'ANN.LEE@contoso.com' })],
    });
    expect(action.psa).toMatchObject({ kind: 'link', contactId: 500, write: true });
    expect(action.outcome).toBe('synced');
    // Named as a technician finds it in BMS, the id in parentheses.
    expect(action.reasons.find((r) => r.code === 'psa-linked')?.message).toBe(
      'Linked to the existing BMS contact Ann Lee <ANN.LEE@contoso.com> (500) by email instead of creating one.',
    );
  });

  it('links an inactive BMS contact with the same name and reactivates it', () => {
    const action = planOne({
      users: [ann],
      psaContacts: [
        psaContact(501, { firstName: 'ann', lastName: 'LEE', emailAddress: 'old@fabrikam.com', isActive: false }),
      ],
    });
    expect(action.psa.kind).toBe('link');
    if (action.psa.kind !== 'link') return;
    expect(action.psa.contactId).toBe(501);
    expect(action.psa.diffs).toContainEqual({ field: 'isActive', old: 'false', new: 'true' });
  });

  it('disputes on the BMS side when two BMS contacts share the name, and still writes IT Glue', () => {
    const action = planOne({
      users: [ann],
      contacts: [existing],
      psaContacts: [
        psaContact(500, { firstName: 'Ann', lastName: 'Lee' }),
        psaContact(501, { firstName: 'Ann', lastName: 'Lee' }),
      ],
    });
    expect(action.outcome).toBe('disputed');
    expect(action.doc.kind).toBe('update');
    expect(action.psa).toEqual({ kind: 'disputed', candidateIds: [500, 501] });
    expect(action.reasons.find((r) => r.code === 'psa-disputed')?.message).toBe(
      'BMS has 2 contacts with the same name: Ann Lee (500), Ann Lee (501); a person must choose.',
    );
  });

  it('creates in BMS when an operator chose create for a BMS dispute', () => {
    const action = planOne({
      users: [ann],
      psaContacts: [
        psaContact(500, { firstName: 'Ann', lastName: 'Lee' }),
        psaContact(501, { firstName: 'Ann', lastName: 'Lee' }),
      ],
      decisions: [{ userId: 'u1', side: 'bms', choice: 'create' }],
    });
    expect(action.psa.kind).toBe('create');
  });
});

/** Ann synced and linked as Controller, now holding `jobTitle` in Microsoft 365. */
function linkedState(jobTitle: string) {
  const first = tenantInput({ users: [graphUser('u1', { ...ann, jobTitle: 'Controller' })] });
  const applied = applyInMemory(first, planTenantSync(first));
  return { ...applied, users: tenantInput({ users: [{ ...ann, jobTitle }] }).users };
}

describe('Scenario 3: linked to BMS', () => {
  it('propagates only the changed mapped fields', () => {
    const action = planTenantSync(linkedState('CFO')).actions[0]!;
    expect(action.rule).toBe('link');
    expect(action.doc).toMatchObject({ kind: 'update', diffs: [{ field: 'title', old: 'Controller', new: 'CFO' }] });
    expect(action.psa).toMatchObject({ kind: 'update', diffs: [{ field: 'jobTitle', old: 'Controller', new: 'CFO' }] });
  });

  it('writes nothing when nothing changed', () => {
    const action = planTenantSync(linkedState('Controller')).actions[0]!;
    expect(action.outcome).toBe('unchanged');
    expect(actionWrites(action)).toBe(false);
  });

  it('leaves BMS alone when sync with BMS is disabled for the contact', () => {
    const state = linkedState('CFO');
    const action = planTenantSync({ ...state, links: state.links.map((l) => ({ ...l, syncDisabled: 'psa' as const })) })
      .actions[0]!;
    expect(action.doc.kind).toBe('update');
    expect(action.psa.kind).toBe('disabled');
  });

  it('leaves the contact alone entirely when sync is disabled on every leg', () => {
    const state = linkedState('CFO');
    const action = planTenantSync({ ...state, links: state.links.map((l) => ({ ...l, syncDisabled: 'all' as const })) })
      .actions[0]!;
    expect(action.outcome).toBe('disabled');
    expect(actionWrites(action)).toBe(false);
  });

  it('matches again when the linked BMS contact was deleted in BMS', () => {
    const state = linkedState('Controller');
    const action = planTenantSync({ ...state, psa: { ...state.psa!, contacts: [] } }).actions[0]!;
    expect(action.psa.kind).toBe('create');
    expect(action.reasons.map((r) => r.code)).toContain('psa-contact-gone');
  });
});

describe("mirrored by IT Glue's PSA sync", () => {
  // Ann's IT Glue contact is kept in step with BMS contact 500 by IT Glue's own PSA integration.
  const mirrored = docContact('c1', {
    firstName: 'Ann',
    lastName: 'Lee',
    title: 'Clerk',
    locationId: '10',
    emails: [work('ann.lee@contoso.com')],
    phones: [{ value: '4155552671', extension: null, primary: true, label: 'Work' }],
    mirroredPsaContactId: 500,
  });
  const bms500 = psaContact(500, {
    firstName: 'Ann',
    lastName: 'Lee',
    jobTitle: 'Clerk',
    emailAddress: 'ann.lee@contoso.com',
  });

  it('links the BMS contact it mirrors and writes the change there alone, reporting IT Glue as mirrored', () => {
    const action = planOne({
      users: [ann],
      contacts: [mirrored],
      // Another BMS contact with Ann's address is not linked: the mirror decides.
      psaContacts: [bms500, psaContact(501, { firstName: 'Ann', lastName: 'Lee', emailAddress: 'ann@contoso.com' })],
    });
    expect(action.doc).toEqual({ kind: 'mirrored', contactId: 'c1', psaContactId: 500 });
    expect(action.psa).toMatchObject({
      kind: 'update',
      contactId: 500,
      fields: { jobTitle: 'Controller', emailAddress: 'ann@contoso.com' },
    });
    expect(action.outcome).toBe('synced');
    expect(action.reasons.map((r) => r.code)).toContain('psa-mirrored');
    expect(actionWrites(action)).toBe(true);
  });

  it('writes nothing again once IT Glue took the change from BMS', () => {
    const first = tenantInput({ users: [ann], contacts: [mirrored], psaContacts: [bms500] });
    const applied = applyInMemory(first, planTenantSync(first));
    const action = planTenantSync(applied).actions[0]!;
    expect(action).toMatchObject({ outcome: 'unchanged', rule: 'link', doc: { kind: 'mirrored' } });
    expect(action.psa).toEqual({ kind: 'unchanged', contactId: 500 });
    expect(action.reasons.map((r) => r.code)).not.toContain('psa-mirrored');
  });

  it('never gives the mirrored BMS contact to another user of the same name', () => {
    const namesake = graphUser('u2', {
      givenName: 'Ann',
      surname: 'Lee',
      userPrincipalName: 'ann.lee.2@contoso.com',
      mail: 'ann.lee.2@contoso.com',
      proxyAddresses: ['SMTP:ann.lee.2@contoso.com'],
    });
    const plan = planTenantSync(tenantInput({ users: [ann, namesake], contacts: [mirrored], psaContacts: [bms500] }));
    const [first, second] = plan.actions;
    expect(first).toMatchObject({ doc: { kind: 'mirrored' }, psa: { kind: 'update', contactId: 500 } });
    expect(second).toMatchObject({ doc: { kind: 'create' }, psa: { kind: 'create' } });
  });

  it('writes nothing to BMS, saying why, when the account lacks the mirrored BMS contact', () => {
    const action = planOne({ users: [ann], contacts: [mirrored], psaContacts: [] });
    expect(action.doc.kind).toBe('mirrored');
    expect(action.psa).toEqual({ kind: 'none', contactId: 500 });
    expect(action.reasons.map((r) => r.code)).toContain('psa-mirror-missing');
    expect(actionWrites(action)).toBe(false);
  });

  it('inactivates a leaver in BMS without touching the mirrored IT Glue contact', () => {
    const first = tenantInput({ users: [ann], contacts: [mirrored], psaContacts: [bms500] });
    const applied = applyInMemory(first, planTenantSync(first));
    const action = planTenantSync({
      ...applied,
      settings: tenantInput({ settings: { psa: { leaverContactType: 'Former Employee' } } }).settings,
      users: tenantInput({ users: [{ ...ann, accountEnabled: false }] }).users,
    }).actions[0]!;
    expect(action.outcome).toBe('inactivated');
    expect(action.doc).toEqual({ kind: 'mirrored', contactId: 'c1', psaContactId: 500 });
    expect(action.psa).toMatchObject({ kind: 'inactivate', contactId: 500 });
  });
});

describe('field ownership', () => {
  it('never erases a value with a blank Microsoft value', () => {
    const contact = docContact('c1', {
      firstName: 'Ann',
      lastName: 'Lee',
      title: 'Controller',
      emails: [work('ann@contoso.com')],
    });
    const action = planOne({ users: [{ ...ann, jobTitle: null }], contacts: [contact] });
    expect(action.doc.kind === 'update' && action.doc.patch.title).toBeUndefined();
  });

  it('erases it when blankNeverOverwrites is off', () => {
    const contact = docContact('c1', {
      firstName: 'Ann',
      lastName: 'Lee',
      title: 'Controller',
      emails: [work('ann@contoso.com')],
    });
    const action = planOne({
      users: [{ ...ann, jobTitle: null }],
      contacts: [contact],
      settings: { blankNeverOverwrites: false },
    });
    expect(action.doc.kind === 'update' && action.doc.patch.title).toBeNull();
  });

  it('keeps the older primary email as a non-primary email', () => {
    const contact = docContact('c1', {
      firstName: 'Ann',
      lastName: 'Lee',
      emails: [work('ann.lee@contoso.com'), work('ann@contoso.com', false, 'Home')],
    });
    const action = planOne({ users: [ann], contacts: [contact] });
    expect(action.doc.kind === 'update' && action.doc.patch.emails).toEqual([
      { value: 'ann.lee@contoso.com', primary: false, label: 'Work' },
      { value: 'ann@contoso.com', primary: true, label: 'Home' },
    ]);
  });

  it('replaces the phones and emails it wrote, and keeps those added by hand', () => {
    const first = tenantInput({ users: [ann] });
    const applied = applyInMemory(first, planTenantSync(first));
    // A technician adds a phone and an email by hand.
    const withHandEdits = {
      ...applied,
      doc: {
        ...applied.doc,
        contacts: applied.doc.contacts.map((c) => ({
          ...c,
          phones: [...c.phones, { value: '2025550143', extension: null, primary: false, label: 'Home' }],
          emails: [...c.emails, { value: 'ann.private@gmail.com', primary: false, label: 'Home' }],
        })),
      },
    };
    const changed = tenantInput({
      users: [{ ...ann, businessPhones: ['+1 415 555 9999'], proxyAddresses: ['SMTP:ann@contoso.com'] }],
    }).users;
    const action = planTenantSync({ ...withHandEdits, users: changed }).actions[0]!;
    expect(action.doc.kind).toBe('update');
    if (action.doc.kind !== 'update') return;
    expect(action.doc.patch.phones?.map((p) => `${p.value}:${p.label}:${p.primary}`)).toEqual([
      '4155550000:Mobile:false',
      '2025550143:Home:false',
      '4155559999:Work:true',
    ]);
    expect(action.doc.patch.emails?.map((e) => e.value)).toEqual(['ann@contoso.com', 'ann.private@gmail.com']);
  });

  it('recognizes a phone stored in national digits as the same number', () => {
    const contact = docContact('c1', {
      firstName: 'Ann',
      lastName: 'Lee',
      title: 'Controller',
      locationId: '10',
      emails: [work('ann@contoso.com'), { value: 'ann.lee@contoso.com', primary: false, label: 'Alias' }],
      phones: [{ value: '4155552671', extension: null, primary: true, label: 'Work' }],
    });
    const action = planOne({ users: [{ ...ann, mobilePhone: null }], contacts: [contact] });
    expect(action.doc).toEqual({ kind: 'unchanged', contactId: 'c1' });
  });
});

describe('primary phone', () => {
  const noPhones = { ...ann, businessPhones: [], mobilePhone: null };

  it('makes the mobile primary when primaryType is mobile', () => {
    const action = planOne({ users: [ann], settings: { phones: { primaryType: 'mobile' } } });
    expect(action.psa.kind === 'create' && action.psa.fields.phoneNumber).toBe('+14155550000');
  });

  it('falls back to the other type when the preferred one is blank', () => {
    const action = planOne({ users: [{ ...ann, businessPhones: [] }] });
    expect(action.psa.kind === 'create' && action.psa.fields.phoneNumber).toBe('+14155550000');
  });

  it('keeps the primary phone the contact has when setPrimary is off', () => {
    const contact = docContact('c1', {
      firstName: 'Ann',
      lastName: 'Lee',
      emails: [work('ann@contoso.com')],
      phones: [{ value: '2025550143', extension: null, primary: true, label: 'Main' }],
    });
    const action = planOne({ users: [ann], contacts: [contact], settings: { phones: { setPrimary: false } } });
    expect(action.doc.kind === 'update' && action.doc.patch.phones?.filter((p) => p.primary)).toEqual([
      { value: '2025550143', extension: null, primary: true, label: 'Main' },
    ]);
    expect(action.psa.kind === 'create' && action.psa.fields.phoneNumber).toBe('+12025550143');
  });

  it('holds the contact from BMS, with the reason, when there is no phone and no replacement', () => {
    const action = planOne({ users: [noPhones] });
    expect(action.outcome).toBe('held');
    expect(action.doc.kind).toBe('create');
    expect(action.psa.kind).toBe('held');
    expect(action.reasons).toContainEqual(expect.objectContaining({ code: 'no-primary-phone' }));
  });

  it('writes the literal replacement to BMS only: IT Glue keeps no phone', () => {
    const first = tenantInput({ users: [noPhones], settings: { phones: { blankReplacement: '000-000-0000' } } });
    const action = planTenantSync(first).actions[0]!;
    expect(action.doc.kind === 'create' && action.doc.fields.phones).toEqual([]);
    expect(action.psa.kind === 'create' && action.psa.fields.phoneNumber).toBe('000-000-0000');
    expect(action.outcome).toBe('synced');
    // Re-planning what was written changes nothing, and a matched contact without a phone gets none either.
    const applied = applyInMemory(first, planTenantSync(first));
    const again = planTenantSync(applied).actions[0]!;
    expect([again.doc.kind, again.psa.kind]).toEqual(['unchanged', 'unchanged']);
    const matched = planOne({
      users: [noPhones],
      contacts: [docContact('c1', { firstName: 'Ann', lastName: 'Lee', emails: [work('ann@contoso.com')] })],
      settings: { phones: { blankReplacement: '000-000-0000' } },
    });
    expect(matched.doc.kind === 'update' && matched.doc.patch.phones).toBeFalsy();
    expect(matched.psa.kind === 'create' && matched.psa.fields.phoneNumber).toBe('000-000-0000');
  });

  it('adds the literal replacement as the primary Work phone of IT Glue too with blankReplacementEverywhere', () => {
    const action = planOne({
      users: [noPhones],
      settings: { phones: { blankReplacement: '000-000-0000', blankReplacementEverywhere: true } },
    });
    expect(action.doc.kind === 'create' && action.doc.fields.phones).toEqual([
      { value: '0000000000', extension: null, primary: true, label: 'Work' },
    ]);
    expect(action.psa.kind === 'create' && action.psa.fields.phoneNumber).toBe('000-000-0000');
  });

  it('leaves a placeholder IT Glue holds from before where it is, once the setting no longer says everywhere', () => {
    const everywhere = { phones: { blankReplacement: '000-000-0000', blankReplacementEverywhere: true } };
    const first = tenantInput({ users: [noPhones], settings: everywhere });
    const applied = applyInMemory(first, planTenantSync(first));
    const later = planTenantSync({
      ...applied,
      settings: { ...applied.settings, phones: { ...applied.settings.phones, blankReplacementEverywhere: false } },
    }).actions[0]!;
    expect([later.doc.kind, later.psa.kind]).toEqual(['unchanged', 'unchanged']);
  });

  it('uses the tenant main number for "tenantMain", and drops it once Microsoft has a phone', () => {
    const first = tenantInput({
      users: [noPhones],
      settings: { phones: { blankReplacement: 'tenantMain' } },
      organizationPhone: '+1 206 555 0100',
    });
    const plan = planTenantSync(first);
    expect(plan.actions[0]!.psa.kind === 'create' && plan.actions[0]!.psa.fields.phoneNumber).toBe('+12065550100');
    const applied = applyInMemory(first, plan);
    const next = planTenantSync({
      ...applied,
      users: tenantInput({ users: [{ ...noPhones, businessPhones: ['415 555 2671'] }] }).users,
    }).actions[0]!;
    expect(next.doc.kind === 'update' && next.doc.patch.phones).toEqual([
      { value: '4155552671', extension: null, primary: true, label: 'Work' },
    ]);
  });

  it('writes the tenant main number in its national form, and re-planning what was written changes nothing', () => {
    const first = tenantInput({
      users: [noPhones],
      settings: { phones: { blankReplacement: 'tenantMain', blankReplacementEverywhere: true } },
      organizationPhone: '+1 206 555 0100',
    });
    const plan = planTenantSync(first);
    expect(plan.actions[0]!.doc.kind === 'create' && plan.actions[0]!.doc.fields.phones).toEqual([
      { value: '2065550100', extension: null, primary: true, label: 'Work' },
    ]);
    const applied = applyInMemory(first, plan);
    expect(planTenantSync(applied).actions[0]!.doc.kind).toBe('unchanged');
  });

  it('writes a number of another country with its calling code, and re-planning changes nothing', () => {
    const first = tenantInput({ users: [{ ...ann, businessPhones: ['+44 20 7946 0000'], mobilePhone: null }] });
    const plan = planTenantSync(first);
    expect(plan.actions[0]!.doc.kind === 'create' && plan.actions[0]!.doc.fields.phones).toEqual([
      { value: '442079460000', extension: null, primary: true, label: 'Work' },
    ]);
    expect(plan.actions[0]!.psa.kind === 'create' && plan.actions[0]!.psa.fields.phoneNumber).toBe('+442079460000');
    const applied = applyInMemory(first, plan);
    expect(planTenantSync(applied).actions.every((a) => a.doc.kind === 'unchanged')).toBe(true);
  });

  it("writes a GB tenant's GB number in its national form with the trunk prefix, and re-planning changes nothing", () => {
    const first = tenantInput({
      users: [{ ...ann, businessPhones: ['020 7946 0000'], mobilePhone: null, usageLocation: 'GB' }],
      settings: { phones: { defaultRegion: 'GB' } },
    });
    const plan = planTenantSync(first);
    expect(plan.actions[0]!.doc.kind === 'create' && plan.actions[0]!.doc.fields.phones).toEqual([
      { value: '02079460000', extension: null, primary: true, label: 'Work' },
    ]);
    const applied = applyInMemory(first, plan);
    expect(planTenantSync(applied).actions.every((a) => a.doc.kind === 'unchanged')).toBe(true);
  });

  it('reports an invalid Microsoft phone and does not write it', () => {
    const action = planOne({ users: [{ ...ann, businessPhones: ['555'], mobilePhone: null }] });
    expect(action.reasons).toContainEqual(expect.objectContaining({ code: 'invalid-phone', field: 'businessPhones' }));
    expect(action.psa.kind).toBe('held');
  });

  it.each([
    ['GB', '020 7946 0958', '+442079460958'],
    ['DE', '030 901820', '+4930901820'],
    ['AU', '(02) 9374 4000', '+61293744000'],
    ['US', '(415) 555-2671 x12', '+14155552671 x12'],
  ])('pushes a %s number to BMS in E.164', (usageLocation, raw, expected) => {
    const action = planOne({ users: [{ ...ann, usageLocation, businessPhones: [raw] }] });
    expect(action.psa.kind === 'create' && action.psa.fields.phoneNumber).toBe(expected);
  });
});

describe('location', () => {
  it('defaults to the organization primary location, and the BMS location of the same name', () => {
    const action = planOne({ users: [ann] });
    expect(action.doc.kind === 'create' && action.doc.fields.locationId).toBe('10');
    expect(action.psa.kind === 'create' && action.psa.fields.locationId).toBe(11);
  });

  it('uses the location named by location.default', () => {
    const action = planOne({ users: [ann], settings: { location: { default: 'london office' } } });
    expect(action.doc.kind === 'create' && action.doc.fields.locationId).toBe('20');
    expect(action.psa.kind === 'create' && action.psa.fields.locationId).toBe(21);
  });

  it('uses the user officeLocation under the officeLocation strategy, else the default', () => {
    const settings = { location: { strategy: 'officeLocation' as const } };
    expect(planOne({ users: [{ ...ann, officeLocation: 'London  Office' }], settings }).doc).toMatchObject({
      fields: { locationId: '20' },
    });
    expect(planOne({ users: [{ ...ann, officeLocation: 'Paris' }], settings }).doc).toMatchObject({
      fields: { locationId: '10' },
    });
  });

  it('keeps a location set by hand under the default strategy', () => {
    const contact = docContact('c1', {
      firstName: 'Ann',
      lastName: 'Lee',
      emails: [work('ann@contoso.com')],
      locationId: '20',
    });
    const action = planOne({ users: [ann], contacts: [contact] });
    expect(action.doc.kind === 'update' && action.doc.patch.locationId).toBeUndefined();
  });

  it('holds the contact when the organization has no location; locations are never created', () => {
    const action = planOne({ users: [ann], docLocations: [] });
    expect(action.outcome).toBe('held');
    expect(action.reasons).toContainEqual(expect.objectContaining({ code: 'no-location' }));
  });

  it('falls back to the BMS main location when no BMS location has the IT Glue name', () => {
    const action = planOne({ users: [ann], docLocations: [{ id: '30', name: 'Warehouse', primary: true }] });
    expect(action.psa.kind === 'create' && action.psa.fields.locationId).toBe(11);
  });
});

describe('held for BMS types', () => {
  it('holds with the setting named when the email type is unknown', () => {
    const action = planOne({ users: [ann], settings: { psa: { emailType: 'Business' } } });
    expect(action.psa.kind).toBe('held');
    expect(action.reasons).toContainEqual(
      expect.objectContaining({ code: 'unknown-email-type', message: expect.stringContaining('psa.emailType') }),
    );
  });
});

describe('disputes and operator decisions', () => {
  const twins = [
    docContact('c1', { firstName: 'Ann', lastName: 'Lee' }),
    docContact('c2', { firstName: 'Ann', lastName: 'Lee' }),
  ];
  const plain = graphUser('u1', { givenName: 'Ann', surname: 'Lee' });

  it('writes nothing for a disputed user and names the candidates', () => {
    const action = planOne({ users: [plain], contacts: twins });
    expect(action.outcome).toBe('disputed');
    expect(action.doc).toEqual({ kind: 'disputed', candidateIds: ['c1', 'c2'] });
    expect(actionWrites(action)).toBe(false);
    // By name, with the id that tells them apart: a person reads who, not only "(c1, c2)".
    expect(action.reasons[0]?.message).toBe(
      'Rule "name" finds 2 IT Glue contacts: Ann Lee (c1), Ann Lee (c2); a person must choose.',
    );
  });

  it('creates a new contact when an operator chose create', () => {
    expect(
      planOne({ users: [plain], contacts: twins, decisions: [{ userId: 'u1', side: 'itglue', choice: 'create' }] }).doc
        .kind,
    ).toBe('create');
  });

  it('excludes the user when an operator chose ignore', () => {
    const action = planOne({
      users: [plain],
      contacts: twins,
      decisions: [{ userId: 'u1', side: 'itglue', choice: 'ignore' }],
    });
    expect(action.outcome).toBe('excluded');
    expect(action.reasons[0]?.code).toBe('ignored');
  });

  it('links to the contact an operator chose', () => {
    const action = planOne({ users: [plain], contacts: twins, links: [link('u1', 'c2')] });
    expect(action.rule).toBe('link');
    expect(action.doc.kind === 'update' && action.doc.contactId).toBe('c2');
  });
});

describe('input IT Glue or BMS would refuse', () => {
  it('holds a user without any valid address and writes nothing', () => {
    const user = graphUser('u1', {
      userPrincipalName: `${'x'.repeat(70)}@contoso.com`,
      mail: null,
      proxyAddresses: [],
    });
    const action = planTenantSync(tenantInput({ users: [user] })).actions[0]!;
    expect(action).toMatchObject({ outcome: 'held', doc: { kind: 'none' }, psa: { kind: 'none' } });
    expect(action.reasons.at(-1)).toMatchObject({ code: 'no-valid-email', field: 'mail' });
  });

  it('shortens names and titles to what each system takes, the same way every time', () => {
    const input = {
      ...tenantInput({ users: [{ ...ann, jobTitle: 'T'.repeat(300), surname: `${'L'.repeat(99)}😀tail` }] }),
      textLimits: { doc: 255, psa: 100 },
    };
    const plan = planTenantSync(input);
    const action = plan.actions[0]!;
    expect(action.doc.kind === 'create' && action.doc.fields.title).toBe('T'.repeat(255));
    expect(action.psa.kind === 'create' && action.psa.fields.lastName).toBe('L'.repeat(99));
    expect(action.reasons).toContainEqual(expect.objectContaining({ code: 'shortened', field: 'title' }));
    expect(planTenantSync(applyInMemory(input, plan)).actions.filter(actionWrites)).toEqual([]);
  });

  it('says which names the PSA shortens, as it says for the documentation platform', () => {
    const input = {
      ...tenantInput({ users: [{ ...ann, givenName: 'G'.repeat(40), surname: 'Short', jobTitle: 'T'.repeat(60) }] }),
      textLimits: { doc: 255, psa: 30, psaTitle: 50 },
    };
    const action = planTenantSync(input).actions[0]!;
    expect(action.psa.kind === 'create' && action.psa.fields.firstName).toBe('G'.repeat(30));
    const shortened = action.reasons.filter((r) => r.code === 'shortened');
    // The documentation platform takes both whole: only the PSA's limits are named, with the PSA.
    expect(shortened.map((r) => r.field)).toEqual(['firstName', 'jobTitle']);
    expect(shortened[0]!.message).toMatch(/^First name is longer than BMS takes \(30 characters\): it is shortened\.$/);
    expect(shortened[1]!.message).toMatch(/longer than BMS takes \(50 characters\)/);
  });
});

describe('excluded users', () => {
  it('gets an action with the scope reasons and no write', () => {
    const action = planOne({ users: [{ ...ann, userType: 'Guest' }] });
    expect(action.outcome).toBe('excluded');
    expect(action.reasons.map((r) => r.code)).toEqual(['guest']);
    expect(actionWrites(action)).toBe(false);
  });
});
