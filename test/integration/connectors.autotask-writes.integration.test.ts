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

  it('makes a new primary without losing the older one: into the field that held the new address, else a free one, else kept', async () => {
    sims = await startSimulators(seedOf({}, 5));
    const psa = connect(sims);
    const emails = (id: number) => {
      const c = sims!.autotask.contactsOf(1).find((contact) => contact.id === id)!;
      return [c.emailAddress, c.emailAddress2, c.emailAddress3];
    };
    // Contact 1001 has second@contoso.com as its second address.
    expect(
      await psa.updateContact(1, 1001, { ...fields, emailAddress: 'second@contoso.com' }, ['emailAddress']),
    ).toEqual({ ok: true, id: 1001 });
    expect(emails(1001)).toEqual(['second@contoso.com', 'p1@contoso.com', null]);
    // Contact 1003 has none: the older primary takes the second field.
    await psa.updateContact(1, 1003, { ...fields, emailAddress: 'new3@contoso.com' }, ['emailAddress', 'jobTitle']);
    expect(emails(1003)).toEqual(['new3@contoso.com', 'p3@contoso.com', null]);
    // Both taken: the primary stays, the other changes are written, and the result says why.
    sims.autotask.editContact(1003, { emailAddress3: 'third3@example.com' });
    const full = await psa.updateContact(1, 1003, { ...fields, emailAddress: 'newer@contoso.com', jobTitle: 'Cook' }, [
      'emailAddress',
      'jobTitle',
    ]);
    expect(full).toMatchObject({ ok: true, id: 1003, notes: [{ code: 'autotask-email-kept', field: 'emailAddress' }] });
    expect(emails(1003)).toEqual(['new3@contoso.com', 'p3@contoso.com', 'third3@example.com']);
    expect(sims.autotask.contactsOf(1).find((c) => c.id === 1003)?.title).toBe('Cook');
  });

  it('after listing the company, changes a primary without reading the contact again: one PATCH', async () => {
    sims = await startSimulators(seedOf({}, 5));
    const psa = connect(sims);
    await psa.listContacts(1);
    const before = sims.requests.length;
    await psa.updateContact(1, 1001, { ...fields, emailAddress: 'second@contoso.com' }, ['emailAddress']);
    expect(sims.requests.slice(before).map((r) => r.method)).toEqual(['PATCH']);
    const c = sims.autotask.contactsOf(1).find((contact) => contact.id === 1001)!;
    expect([c.emailAddress, c.emailAddress2]).toEqual(['second@contoso.com', 'p1@contoso.com']);
    // What it wrote is what it goes on from: back again, the older primary returns to the field it left.
    await psa.updateContact(1, 1001, { ...fields, emailAddress: 'p1@contoso.com' }, ['emailAddress']);
    const back = sims.autotask.contactsOf(1).find((contact) => contact.id === 1001)!;
    expect([back.emailAddress, back.emailAddress2]).toEqual(['p1@contoso.com', 'second@contoso.com']);
  });

  it('names the fields the instance requires beyond the names, and reads them again after ten minutes', async () => {
    sims = await startSimulators(seedOf({ requiredFields: ['title', 'alternatePhone'] }, 5));
    let now = 1_000_000;
    const psa = new AutotaskPsa({
      credentials: sims.credentials.autotask,
      baseUrl: `${sims.urls.autotask!}/atservicesrest/`,
      now: () => now,
    });
    expect(await psa.requiredFields()).toEqual([
      { field: 'jobTitle', label: 'title' },
      expect.objectContaining({
        field: 'alternatePhone',
        fix: expect.stringMatching(/make "alternatePhone" optional/),
      }),
    ]);
    // An administrator makes them optional: seen once the ten minutes are over, without a restart.
    (sims.autotask.simulate as { requiredFields: string[] }).requiredFields = [];
    now += 9 * 60_000;
    expect(await psa.requiredFields()).toHaveLength(2);
    now += 2 * 60_000;
    expect(await psa.requiredFields()).toEqual([]);
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
