import { describe, expect, it } from 'vitest';
import { ConnectwisePsa, type ItemTypeNames } from '../../src/connectors/connectwise/connectwise-psa.ts';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { CELL, EMAIL, useConnectwiseSimulator } from '../support/connectwise-simulator.ts';

/**
 * The ConnectWise client against the strict ConnectWise simulator over real HTTP: the codebase found from the site,
 * emails and phones written item by item so that what a person added stays, the configured communication types.
 */

const start = useConnectwiseSimulator();
const HOME = 5;

function client(s: RunningSimulators, options: { site?: string; typeNames?: ItemTypeNames } = {}): ConnectwisePsa {
  const { credentials } = s;
  return new ConnectwisePsa({
    credentials: credentials.connectwise,
    ...(options.site === undefined
      ? { baseUrl: `${s.urls.connectwise!}/v4_6_release/apis/3.0/` }
      : { site: options.site }),
    ...(options.typeNames === undefined ? {} : { typeNames: options.typeNames }),
  });
}

const items = (s: RunningSimulators, id: number) =>
  s.connectwise.contactsWithIds([id])[0]!.communicationItems.map((i) => [i.type.id, i.value, i.defaultFlag]);

async function fieldsNow(psa: ConnectwisePsa, id: number): Promise<PsaContactFields> {
  const c = (await psa.readContact(id))!;
  return {
    firstName: c.firstName!,
    lastName: c.lastName,
    jobTitle: c.jobTitle,
    emailAddress: c.emailAddress!,
    emailTypeId: null,
    phoneNumber: c.phoneNumber,
    phoneTypeId: null,
    mobilePhone: c.mobilePhone,
    locationId: c.locationId,
    isActive: c.isActive,
  };
}

describe('the ConnectWise client', () => {
  it('finds the codebase at the site from companyinfo, and says to check the company when the site knows none', async () => {
    const s = await start(3);
    const contacts = await client(s, { site: s.urls.connectwise! }).listContacts(1);
    expect(contacts.map((c) => c.emailAddress)).toEqual(['Ann.Lee@Contoso.com', 'p1@contoso.com', 'p2@contoso.com']);
    expect(contacts[1]).toMatchObject({
      otherEmails: ['second@contoso.com'],
      phoneNumber: '+12065550100',
      locationId: 11,
    });
    const wrong = new ConnectwisePsa({
      credentials: { ...s.credentials.connectwise, company: 'nobody' },
      site: s.urls.connectwise!,
    });
    const error = await wrong.listContacts(1).catch((e: unknown) => e);
    expect(isConnectorError(error, 'Auth')).toBe(true);
    expect((error as Error).message).toMatch(/knows no company "nobody".*company id typed at login/);
  });

  it('makes the new primary email the default item, keeping the older primary and what a person added', async () => {
    const s = await start(2);
    s.connectwise.addItem(1000, { typeId: EMAIL, value: 'ann.personal@example.com' });
    s.connectwise.addItem(1000, { typeId: HOME, value: '+12065550142' });
    const psa = client(s);
    const fields = { ...(await fieldsNow(psa, 1000)), emailAddress: 'ann.lee@fabrikam.com' };
    expect(await psa.updateContact(1, 1000, fields, ['emailAddress'])).toEqual({ ok: true, id: 1000 });
    // DESIGN.md, field rules: the older primary is kept as a non-primary email.
    expect(items(s, 1000)).toEqual([
      [EMAIL, 'Ann.Lee@Contoso.com', false],
      [2, '+12065550100', true],
      [EMAIL, 'ann.personal@example.com', false],
      [HOME, '+12065550142', false],
      [EMAIL, 'ann.lee@fabrikam.com', true],
    ]);
    // An address the contact has already becomes its default; no item is added.
    const again = { ...fields, emailAddress: 'Ann.Personal@example.com' };
    expect(await psa.updateContact(1, 1000, again, ['emailAddress'])).toEqual({ ok: true, id: 1000 });
    expect(items(s, 1000).filter(([type]) => type === EMAIL)).toEqual([
      [EMAIL, 'Ann.Lee@Contoso.com', false],
      [EMAIL, 'ann.personal@example.com', true],
      [EMAIL, 'ann.lee@fabrikam.com', false],
    ]);
  });

  it('adds a mobile phone as a Cell item and removes an office phone Microsoft 365 no longer has, alone', async () => {
    const s = await start(1);
    s.connectwise.addItem(1000, { typeId: HOME, value: '+12065550142' });
    const psa = client(s);
    const fields = { ...(await fieldsNow(psa, 1000)), phoneNumber: null, mobilePhone: '+12065550177' };
    expect(await psa.updateContact(1, 1000, fields, ['phoneNumber', 'mobilePhone'])).toEqual({ ok: true, id: 1000 });
    expect(items(s, 1000)).toEqual([
      [EMAIL, 'Ann.Lee@Contoso.com', true],
      [HOME, '+12065550142', false],
      [CELL, '+12065550177', false],
    ]);
    expect(await psa.readContact(1000)).toMatchObject({ phoneNumber: null, mobilePhone: '+12065550177' });
  });

  it('creates with items of the configured types, and refuses a record whose type the database lacks, naming the setting', async () => {
    const s = await start(0);
    const hire: PsaContactFields = {
      firstName: 'Bo',
      lastName: 'Ng',
      jobTitle: null,
      emailAddress: 'bo@fabrikam.com',
      emailTypeId: null,
      phoneNumber: '+12065550111',
      phoneTypeId: null,
      mobilePhone: '+12065550112',
      locationId: 21,
      isActive: true,
    };
    const created = await client(s).createContact(2, hire);
    expect(created.ok).toBe(true);
    const id = created.ok ? created.id : 0;
    expect(items(s, id)).toEqual([
      [EMAIL, 'bo@fabrikam.com', true],
      [2, '+12065550111', true],
      [CELL, '+12065550112', false],
    ]);
    const typeNames = { emailType: 'Email', phoneType: 'Office', mobileType: 'Cell' };
    const refused = await client(s, { typeNames }).createContact(2, { ...hire, emailAddress: 'cy@fabrikam.com' });
    expect(refused).toEqual({
      ok: false,
      reasons: [
        expect.objectContaining({
          field: 'phoneNumber',
          message: expect.stringMatching(/"Office".*connectwise\.phoneType/),
        }),
      ],
    });
    expect(s.connectwise.contactsOf(2)).toHaveLength(1);
  });

  it('makes a leaver inactive with one patch, and never deletes', async () => {
    const s = await start(1);
    const from = s.requests.length;
    expect(await client(s).inactivateContact(1, 1000)).toEqual({ ok: true, id: 1000 });
    expect(s.requests.slice(from).map((r) => `${r.method} ${r.route}`)).toEqual([
      'PATCH /v4_6_release/apis/3.0/company/contacts/{id}',
    ]);
    expect(s.connectwise.contactsWithIds([1000])[0]!.inactiveFlag).toBe(true);
  });
});
