import { afterEach, describe, expect, it } from 'vitest';
import { AutotaskPsa } from '../../src/connectors/autotask/autotask-psa.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { seedOf } from '../support/autotask-simulator.ts';

let sims: RunningSimulators | null = null;
afterEach(async () => {
  await sims?.close();
  sims = null;
});

const connect = (s: RunningSimulators) =>
  new AutotaskPsa({ credentials: s.credentials.autotask, baseUrl: `${s.urls.autotask!}/atservicesrest/` });

/** Contact 1003 of the seed (company 1, location 11) as the sync would write it. */
const fields: PsaContactFields = {
  firstName: 'First3',
  lastName: 'Person',
  jobTitle: null,
  emailAddress: 'p3@contoso.com',
  emailTypeId: null,
  phoneNumber: '+1 206 555 0100',
  phoneTypeId: null,
  mobilePhone: null,
  locationId: 11,
  isActive: true,
};

describe('writing Autotask contacts', () => {
  it('clears a phone, fills the mobile phone, and leaves the person’s other addresses alone', async () => {
    sims = await startSimulators(seedOf({}, 5));
    sims.autotask.editContact(1003, { emailAddress2: 'own@example.com' });
    const psa = connect(sims);
    const result = await psa.updateContact(1, 1003, { ...fields, phoneNumber: null, mobilePhone: '+12065550199' }, [
      'phoneNumber',
      'mobilePhone',
    ]);
    expect(result).toEqual({ ok: true, id: 1003 });
    const held = sims.autotask.contactsOf(1).find((c) => c.id === 1003)!;
    expect(held).toMatchObject({ phone: null, mobilePhone: '+12065550199', emailAddress2: 'own@example.com' });
    expect(await psa.readContact(1003)).toMatchObject({
      phoneNumber: null,
      mobilePhone: '+12065550199',
      otherEmails: ['own@example.com'],
    });
  });

  it('sends nothing when only a field Autotask does not hold changed', async () => {
    sims = await startSimulators(seedOf({}, 5));
    const before = sims.requestCounts().autotask;
    expect(await connect(sims).updateContact(1, 1003, fields, ['emailTypeId'])).toEqual({ ok: true, id: 1003 });
    expect(sims.requestCounts().autotask).toEqual(before);
  });

  it('reports a refused update as the contact’s reason, naming the field, and changes nothing', async () => {
    sims = await startSimulators(seedOf({}, 5));
    // Location 21 is Fabrikam's, not Contoso's.
    const result = await connect(sims).updateContact(1, 1003, { ...fields, locationId: 21 }, ['locationId']);
    expect(result.ok).toBe(false);
    const reasons = result.ok ? [] : result.reasons;
    expect(reasons).toEqual([expect.objectContaining({ code: 'autotask-refused', field: 'companyLocationID' })]);
    expect(reasons[0]!.message).toMatch(/^Autotask refused to update contact 1003: companyLocationID: /);
    expect(sims.autotask.contactsOf(1).find((c) => c.id === 1003)?.companyLocationID).toBe(11);
  });

  it('inactivates and reactivates through the company, isActive as an integer', async () => {
    sims = await startSimulators(seedOf({}, 5));
    const psa = connect(sims);
    expect(await psa.inactivateContact(1, 1003)).toEqual({ ok: true, id: 1003 });
    expect(sims.autotask.contactsOf(1).find((c) => c.id === 1003)?.isActive).toBe(0);
    expect(await psa.updateContact(1, 1003, fields, ['isActive'])).toEqual({ ok: true, id: 1003 });
    expect(sims.autotask.contactsOf(1).find((c) => c.id === 1003)?.isActive).toBe(1);
    expect(await psa.readContact(424242)).toBeNull();
  });
});
