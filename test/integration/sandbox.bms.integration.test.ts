import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { smallSeed, started } from '../support/simulators.ts';

let sims: RunningSimulators;

function seedBms() {
  return {
    accounts: [
      {
        id: 1,
        name: 'Contoso Ltd',
        locations: [
          { id: 11, name: 'HQ', isMain: true },
          { id: 12, name: 'Annex' },
        ],
        contacts: Array.from({ length: 60 }, (_, i) => ({
          id: 500 + i,
          firstName: `F${i}`,
          lastName: 'Person',
          emailAddress: `p${i}@contoso.com`,
          emailTypeId: 1,
          phoneNumber: '+12065550100',
          phoneTypeId: 1,
          locationId: 11,
          isActive: i % 10 !== 0,
        })),
      },
      { id: 2, name: 'Fabrikam', locations: [{ id: 21, name: 'Main', isMain: true }], contacts: [] },
    ],
    emailTypes: [{ id: 1, name: 'Work' }],
    phoneTypes: [
      { id: 1, name: 'Office' },
      { id: 2, name: 'Mobile' },
    ],
  };
}

beforeEach(async () => {
  sims = await started(smallSeed(1, { bms: seedBms() }));
});
afterEach(async () => {
  await sims.close();
});

async function authenticate(overrides: Record<string, string> = {}) {
  const { userName, password, tenant } = sims.credentials.bms;
  const response = await fetch(`${sims.urls.bms!}/v2/security/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grantType: 'password', userName, password, tenant, ...overrides }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(`${sims.urls.bms!}${path}`, init);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function bearer(): Promise<string> {
  return (await authenticate()).body.result.accessToken as string;
}

const validContact = {
  accountId: 1,
  locationId: 11,
  firstName: 'Ann',
  lastName: 'Lee',
  jobTitle: 'CFO',
  emails: [{ emailAddress: 'ann@contoso.com', emailTypeId: 1 }],
  phones: [{ phoneNumber: '+12065550123', phoneTypeId: 1 }],
};

describe('BMS simulator: authentication', () => {
  it('authenticates with the password grant and answers in the envelope', async () => {
    const { status, body } = await authenticate();
    expect(status).toBe(200);
    // Expiry times come without a zone, as BMS gives them.
    const zoneless = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
    expect(body).toEqual({
      success: true,
      result: {
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        accessTokenExpireOn: zoneless,
        refreshTokenExpireOn: zoneless,
      },
    });
  });

  it('refuses wrong credentials and users without API access', async () => {
    const wrong = await authenticate({ password: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ success: false, error: { message: expect.stringMatching(/Invalid/) } });
    sims.bms.registerUser({ userName: 'clerk', password: 'pw', tenant: 'Sandbox MSP', apiAccess: false });
    const noAccess = await authenticate({ userName: 'clerk', password: 'pw' });
    expect(noAccess.status).toBe(403);
    expect(noAccess.body.error.message).toMatch(/API access/);
  });

  it('answers 401 once the access token expires, and refreshes it', async () => {
    const { body } = await authenticate();
    const { accessToken, refreshToken } = body.result;
    expect((await api(accessToken, 'GET', '/v2/system/emailtypes/lookup')).status).toBe(200);
    sims.clock.advance(3601 * 1000);
    const expired = await api(accessToken, 'GET', '/v2/system/emailtypes/lookup');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ success: false });
    const refreshed = await fetch(`${sims.urls.bms!}/v2/security/refreshtoken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ AccessToken: accessToken, RefreshToken: refreshToken }),
    });
    const fresh = (await refreshed.json()) as Record<string, any>;
    expect(refreshed.status).toBe(200);
    expect((await api(fresh.result.accessToken, 'GET', '/v2/system/emailtypes/lookup')).status).toBe(200);
  });
});

describe('BMS simulator: accounts and contacts', () => {
  it('lists accounts, an account summary and its locations', async () => {
    const t = await bearer();
    // The lookup serves the whole list (as public clients read it); the unconfirmed summary list is not served.
    const accounts = await api(t, 'GET', '/v2/crm/accounts/lookup?PageSize=1&PageNumber=2');
    expect(accounts.body).toEqual({
      success: true,
      result: [
        { id: 1, name: 'Contoso Ltd' },
        { id: 2, name: 'Fabrikam' },
      ],
    });
    expect((await api(t, 'GET', '/v2/crm/accounts/summary')).status).toBe(404);
    expect((await api(t, 'GET', '/v2/crm/accounts/1/summaryinfo')).body.result).toMatchObject({
      id: 1,
      name: 'Contoso Ltd',
    });
    expect((await api(t, 'GET', '/v2/crm/accounts/1/locations/lookup')).body.result).toEqual([
      { id: 11, name: 'HQ', isMain: true },
      { id: 12, name: 'Annex', isMain: false },
    ]);
    expect((await api(t, 'GET', '/v2/crm/accounts/99/summaryinfo')).status).toBe(404);
  });

  it('pages the contacts of an account to the end, active or inactive', async () => {
    const t = await bearer();
    const ids: number[] = [];
    for (let page = 1; ; page++) {
      const { body } = await api(
        t,
        'GET',
        `/v2/crm/contacts/summary?Filter.AccountId=1&PageSize=25&PageNumber=${page}`,
      );
      expect(body.totalRecords).toBe(60);
      ids.push(...body.result.map((c: any) => c.id));
      if (body.result.length < 25) break;
    }
    expect(ids).toHaveLength(60);
    const inactive = await api(
      t,
      'GET',
      '/v2/crm/contacts/summary?Filter.AccountId=1&Filter.IsActive=false&PageSize=100',
    );
    expect(inactive.body.totalRecords).toBe(6);
    // A summary item carries its emails as a list, and not its account (the query names it).
    expect(inactive.body.result[0]).toEqual({
      id: 500,
      firstName: 'F0',
      lastName: 'Person',
      jobTitle: null,
      emails: [{ emailAddress: 'p0@contoso.com', emailTypeId: 1, isPrimary: true }],
      locationId: 11,
      locationName: 'HQ',
      isPoc: false,
      isActive: false,
    });
  });

  it('searches by email and by name, and reads one contact', async () => {
    const t = await bearer();
    expect(
      (await api(t, 'GET', '/v2/crm/contacts/search?Filter.EmailAddress=P3@Contoso.com')).body.result.map(
        (c: any) => c.id,
      ),
    ).toEqual([503]);
    expect(
      (await api(t, 'GET', '/v2/crm/contacts/search?Filter.FirstName=f4&Filter.LastName=person')).body.result.map(
        (c: any) => c.id,
      ),
    ).toEqual([504]);
    expect((await api(t, 'GET', '/v2/crm/contacts/search')).status).toBe(400);
    // A search item is flat and names its account; the search takes no account filter.
    expect(
      (await api(t, 'GET', '/v2/crm/contacts/search?Filter.EmailAddress=p3@contoso.com&Filter.AccountId=2')).body
        .result,
    ).toEqual([
      {
        id: 503,
        accountId: 1,
        accountName: 'Contoso Ltd',
        firstName: 'F3',
        lastName: 'Person',
        emailAddress: 'p3@contoso.com',
        jobTitle: null,
        locationId: 11,
        locationName: 'HQ',
      },
    ]);
    expect((await api(t, 'GET', '/v2/crm/contacts/summary/505')).body.result).toMatchObject({
      id: 505,
      accountId: 1,
      emails: [{ emailAddress: 'p5@contoso.com', emailTypeId: 1 }],
      phones: [{ phoneNumber: '+12065550100', phoneTypeId: 1 }],
    });
  });

  it('creates a contact and answers with its id', async () => {
    const t = await bearer();
    const created = await api(t, 'POST', '/v2/crm/contacts/summary', validContact);
    expect(created.body).toEqual({ success: true, result: { id: expect.any(Number) } });
    expect(sims.bms.contactsOf(1).find((c) => c.id === created.body.result.id)).toMatchObject({
      firstName: 'Ann',
      phoneNumber: '+12065550123',
      locationId: 11,
    });
  });

  it.each([
    ['firstName', { firstName: '' }],
    ['emails', { emails: [] }],
    ['emails[0].emailAddress', { emails: [{ emailTypeId: 1 }] }],
    ['emails[0].emailTypeId', { emails: [{ emailAddress: 'ann@contoso.com', emailTypeId: 9 }] }],
    ['phones', { phones: undefined }],
    ['phones[0].phoneNumber', { phones: [{ phoneNumber: ' ', phoneTypeId: 1 }] }],
    ['phones[0].phoneTypeId', { phones: [{ phoneNumber: '+12065550123' }] }],
    ['accountId', { accountId: 77 }],
    ['locationId', { locationId: 21 }],
  ])("refuses a contact without a valid %s, in BMS's error envelope naming the field", async (field, change) => {
    const t = await bearer();
    const result = await api(t, 'POST', '/v2/crm/contacts/summary', { ...validContact, ...change });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      success: false,
      error: { message: expect.stringMatching(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: `)) },
    });
    expect(sims.bms.contactsOf(1)).toHaveLength(60);
  });

  it('drops the default* fields as unknown: a contact given only them has no email and is refused', async () => {
    const t = await bearer();
    const { emails: _e, phones: _p, ...rest } = validContact;
    const old = {
      ...rest,
      defaultEmailAddress: 'ann@contoso.com',
      defaultEmailTypeId: 1,
      defaultPhoneNumber: '+12065550123',
      defaultPhoneTypeId: 1,
    };
    const result = await api(t, 'POST', '/v2/crm/contacts/summary', old);
    expect(result.body).toEqual({ success: false, error: { message: expect.stringMatching(/^emails: /) } });
    const both = await api(t, 'POST', '/v2/crm/contacts/summary', { ...validContact, defaultEmailAddress: 'x@y.z' });
    const created = (await api(t, 'GET', `/v2/crm/contacts/summary/${both.body.result.id}`)).body.result;
    expect(created.emails).toEqual([{ emailAddress: 'ann@contoso.com', emailTypeId: 1, isPrimary: true }]);
    expect(created).not.toHaveProperty('defaultEmailAddress');
  });

  it('reads body keys in any case, and answers a refusal inside a 200 when told to', async () => {
    const t = await bearer();
    const pascal = await api(t, 'POST', '/v2/crm/contacts/summary', {
      AccountId: 1,
      LocationId: 11,
      FirstName: 'Bo',
      Emails: [{ EmailAddress: 'bo@contoso.com', EmailTypeId: 1 }],
      Phones: [{ PhoneNumber: '+12065550124', PhoneTypeId: 1 }],
    });
    expect(sims.bms.contactsOf(1).find((c) => c.id === pascal.body.result.id)).toMatchObject({
      firstName: 'Bo',
      emailAddress: 'bo@contoso.com',
    });
    sims.bms.refusalStatus = 200;
    const refused = await api(t, 'POST', '/v2/crm/contacts/summary', { ...validContact, firstName: '' });
    expect(refused.status).toBe(200);
    expect(refused.body).toEqual({ success: false, error: { message: expect.stringMatching(/^firstName: /) } });
  });

  it('updates and inactivates a contact with PUT', async () => {
    const t = await bearer();
    const updated = await api(t, 'PUT', '/v2/crm/contacts/501', {
      ...validContact,
      firstName: 'Renamed',
      isActive: false,
    });
    expect(updated.body).toEqual({ success: true, result: { id: 501 } });
    expect(updated.status).toBe(200);
    expect(sims.bms.contactsOf(1).find((c) => c.id === 501)).toMatchObject({ firstName: 'Renamed', isActive: false });
    expect((await api(t, 'PUT', '/v2/crm/contacts/9999', validContact)).status).toBe(404);
  });

  it('keeps every email and phone it is given, shows the first as the contact, and replaces the lists on PUT', async () => {
    const t = await bearer();
    const twoOfEach = {
      ...validContact,
      emails: [...validContact.emails, { emailAddress: 'ann.home@example.com', emailTypeId: 1 }],
      phones: [...validContact.phones, { phoneNumber: '+12065550999', phoneTypeId: 2 }],
    };
    const id = (await api(t, 'POST', '/v2/crm/contacts/summary', twoOfEach)).body.result.id as number;
    const read = async () => (await api(t, 'GET', `/v2/crm/contacts/summary/${id}`)).body.result;
    expect(await read()).toMatchObject({
      emails: [
        { emailAddress: 'ann@contoso.com', emailTypeId: 1, isPrimary: true },
        { emailAddress: 'ann.home@example.com', emailTypeId: 1, isPrimary: false },
      ],
      phones: [
        { phoneNumber: '+12065550123', phoneTypeId: 1, isPrimary: true },
        { phoneNumber: '+12065550999', phoneTypeId: 2, isPrimary: false },
      ],
    });
    const listed = await api(t, 'GET', '/v2/crm/contacts/summary?Filter.AccountId=1&PageSize=100');
    expect(listed.body.result.find((c: any) => c.id === id).emails).toEqual([
      { emailAddress: 'ann@contoso.com', emailTypeId: 1, isPrimary: true },
    ]);
    expect(
      (await api(t, 'GET', '/v2/crm/contacts/search?Filter.EmailAddress=ann@contoso.com')).body.result.map(
        (c: any) => c.id,
      ),
    ).toEqual([id]);

    // An extra entry must be as valid as the first.
    const refused = await api(t, 'PUT', `/v2/crm/contacts/${id}`, {
      ...twoOfEach,
      phones: [...twoOfEach.phones, { phoneNumber: '+12065550998', phoneTypeId: 9 }],
    });
    expect(refused.body.error.message).toMatch(/^phones\[2\]\.phoneTypeId: /);

    // Whether BMS's PUT replaces the lists is not published: this BMS does, the cautious reading.
    await api(t, 'PUT', `/v2/crm/contacts/${id}`, { ...validContact, jobTitle: 'CEO' });
    expect(sims.bms.entriesOf(id)).toEqual({
      emails: [{ emailAddress: 'ann@contoso.com', emailTypeId: 1 }],
      phones: [{ phoneNumber: '+12065550123', phoneTypeId: 1 }],
    });
  });

  it('lists email and phone types, and answers 404 for them when told to', async () => {
    const t = await bearer();
    expect((await api(t, 'GET', '/v2/system/phonetypes/lookup')).body.result).toEqual([
      { id: 1, name: 'Office' },
      { id: 2, name: 'Mobile' },
    ]);
    // The path an earlier reading guessed: no such operation in BMS's list.
    expect((await api(t, 'GET', '/v2/system/phonetypes')).status).toBe(404);
    sims.bms.typeListsReadable = false;
    expect((await api(t, 'GET', '/v2/system/emailtypes/lookup')).status).toBe(404);
  });

  it('answers 429 past the calls allowed per endpoint in the window, counting each endpoint apart', async () => {
    sims.bms.limiter.limit = 2;
    sims.bms.limiter.windowMs = 60_000;
    const t = await bearer();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(t, 'GET', '/v2/system/emailtypes/lookup')).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await api(t, 'GET', '/v2/system/phonetypes/lookup')).status).toBe(200);
    sims.clock.advance(60_000);
    expect((await api(t, 'GET', '/v2/system/emailtypes/lookup')).status).toBe(200);
  });
});

describe("BMS simulator: the seed's simulate block and the Swagger document", () => {
  it('caps pages silently at pageSizeCap, counting pages at the size served', async () => {
    await sims.close();
    sims = await started(parseSeed({ ...smallSeed(), bms: seedBms(), simulate: { bms: { pageSizeCap: 37 } } }));
    const t = await bearer();
    const first = await api(t, 'GET', '/v2/crm/contacts/summary?Filter.AccountId=1&PageSize=100&PageNumber=1');
    expect(first.status).toBe(200);
    expect(first.body.totalRecords).toBe(60);
    expect(first.body.result.map((c: any) => c.id)).toEqual(Array.from({ length: 37 }, (_, i) => 500 + i));
    const second = await api(t, 'GET', '/v2/crm/contacts/summary?Filter.AccountId=1&PageSize=100&PageNumber=2');
    expect(second.body.result.map((c: any) => c.id)).toEqual(Array.from({ length: 23 }, (_, i) => 537 + i));
  });

  it('answers in PascalCase when told to, errors included', async () => {
    await sims.close();
    sims = await started(parseSeed({ ...smallSeed(), bms: seedBms(), simulate: { bms: { keyCase: 'pascal' } } }));
    const { body } = await authenticate();
    expect(Object.keys(body.Result)).toEqual([
      'AccessToken',
      'RefreshToken',
      'AccessTokenExpireOn',
      'RefreshTokenExpireOn',
    ]);
    const page = await api(body.Result.AccessToken, 'GET', '/v2/crm/contacts/summary?Filter.AccountId=1&PageSize=1');
    expect(page.body).toEqual({
      Success: true,
      Result: [
        expect.objectContaining({
          Id: 500,
          FirstName: 'F0',
          Emails: [expect.objectContaining({ EmailAddress: 'p0@contoso.com' })],
        }),
      ],
      TotalRecords: 60,
    });
    const refused = await api(body.Result.AccessToken, 'POST', '/v2/crm/contacts/summary', {});
    expect(refused.body).toEqual({ Success: false, Error: { Message: expect.any(String) } });
  });

  it('accepts creates and updates but drops the ignoreFields, requiring them no more', async () => {
    await sims.close();
    sims = await started(
      parseSeed({ ...smallSeed(), bms: seedBms(), simulate: { bms: { ignoreFields: ['phones'] } } }),
    );
    const t = await bearer();
    const created = await api(t, 'POST', '/v2/crm/contacts/summary', validContact);
    expect(created.body.success).toBe(true);
    expect(sims.bms.contactsOf(1).find((c) => c.id === created.body.result.id)).toMatchObject({
      emailAddress: 'ann@contoso.com',
      phoneNumber: null,
    });
    await api(t, 'PUT', '/v2/crm/contacts/501', {
      ...validContact,
      phones: [{ phoneNumber: '+1999', phoneTypeId: 2 }],
    });
    expect(sims.bms.contactsOf(1).find((c) => c.id === 501)).toMatchObject({
      firstName: 'Ann',
      phoneNumber: '+12065550100',
      phoneTypeId: 1,
    });
  });

  it('publishes a Swagger document of its paths and contact body, without what it is told to leave out', async () => {
    const document = async () => (await fetch(`${sims.urls.bms!}/swagger/v2/swagger.json`)).json() as Promise<any>;
    const full = await document();
    expect(full.swagger).toBe('2.0');
    expect(Object.keys(full.paths['/v2/crm/contacts/summary'])).toEqual(['get', 'post']);
    expect(Object.keys(full.definitions.ContactWrite.properties)).toContain('emails');
    sims.bms.swaggerOmits = ['PUT /v2/crm/contacts/{id}', 'phones[].phoneTypeId'];
    const less = await document();
    expect(less.paths['/v2/crm/contacts/{id}']).toBeUndefined();
    expect(Object.keys(less.definitions.ContactPhone.properties)).toEqual(['phoneNumber']);
  });
});
