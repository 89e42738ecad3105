import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/simulators.ts';
import { smallSeed, started } from '../support/simulators.ts';

let sims: RunningSimulators;
beforeEach(async () => {
  sims = await started(
    smallSeed(1, {
      bms: {
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
      },
    }),
  );
});
afterEach(async () => {
  await sims.close();
});

async function authenticate(overrides: Record<string, string> = {}) {
  const { userName, password, tenant } = sims.credentials.bms;
  const response = await fetch(`${sims.urls.bms}/v2/security/authenticate`, {
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
  const response = await fetch(`${sims.urls.bms}${path}`, init);
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
  defaultEmailTypeId: 1,
  defaultEmailAddress: 'ann@contoso.com',
  defaultPhoneTypeId: 1,
  defaultPhoneNumber: '+12065550123',
  isActive: true,
};

describe('BMS simulator: authentication', () => {
  it('authenticates with the password grant and answers in the envelope', async () => {
    const { status, body } = await authenticate();
    expect(status).toBe(200);
    expect(body).toEqual({
      success: true,
      result: {
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        accessTokenExpireOn: expect.any(String),
        refreshTokenExpireOn: expect.any(String),
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
    expect((await api(accessToken, 'GET', '/v2/system/emailtypes')).status).toBe(200);
    sims.clock.advance(3601 * 1000);
    const expired = await api(accessToken, 'GET', '/v2/system/emailtypes');
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ success: false });
    const refreshed = await fetch(`${sims.urls.bms}/v2/security/refreshtoken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ AccessToken: accessToken, RefreshToken: refreshToken }),
    });
    const fresh = (await refreshed.json()) as Record<string, any>;
    expect(refreshed.status).toBe(200);
    expect((await api(fresh.result.accessToken, 'GET', '/v2/system/emailtypes')).status).toBe(200);
  });
});

describe('BMS simulator: accounts and contacts', () => {
  it('lists accounts, an account summary and its locations', async () => {
    const t = await bearer();
    const accounts = await api(t, 'GET', '/v2/crm/accounts?PageSize=1&PageNumber=2');
    expect(accounts.body).toEqual({
      success: true,
      result: [expect.objectContaining({ id: 2, name: 'Fabrikam' })],
      totalRecords: 2,
    });
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
    expect(inactive.body.result[0]).toEqual({
      id: 500,
      accountId: 1,
      accountName: 'Contoso Ltd',
      firstName: 'F0',
      lastName: 'Person',
      emailAddress: 'p0@contoso.com',
      jobTitle: null,
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
    expect((await api(t, 'GET', '/v2/crm/contacts/summary/505')).body.result).toMatchObject({
      id: 505,
      phoneNumber: '+12065550100',
      phoneTypeId: 1,
      emailTypeId: 1,
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
    ['defaultEmailAddress', { defaultEmailAddress: undefined }],
    ['defaultEmailTypeId', { defaultEmailTypeId: 9 }],
    ['defaultPhoneNumber', { defaultPhoneNumber: ' ' }],
    ['defaultPhoneTypeId', { defaultPhoneTypeId: undefined }],
    ['accountId', { accountId: 77 }],
    ['locationId', { locationId: 21 }],
  ])('refuses a contact without a valid %s: 400 naming the field', async (field, change) => {
    const t = await bearer();
    const result = await api(t, 'POST', '/v2/crm/contacts/summary', { ...validContact, ...change });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      success: false,
      error: { message: expect.stringMatching(new RegExp(`^${field}: `)) },
    });
  });

  it('updates and inactivates a contact with PUT', async () => {
    const t = await bearer();
    const updated = await api(t, 'PUT', '/v2/crm/contacts/501', {
      ...validContact,
      firstName: 'Renamed',
      isActive: false,
    });
    expect(updated.status).toBe(200);
    expect(sims.bms.contactsOf(1).find((c) => c.id === 501)).toMatchObject({ firstName: 'Renamed', isActive: false });
    expect((await api(t, 'PUT', '/v2/crm/contacts/9999', validContact)).status).toBe(404);
  });

  it('lists email and phone types', async () => {
    const t = await bearer();
    expect((await api(t, 'GET', '/v2/system/phonetypes')).body.result).toEqual([
      { id: 1, name: 'Office' },
      { id: 2, name: 'Mobile' },
    ]);
  });

  it('answers 429 past the calls allowed per endpoint in the window, counting each endpoint apart', async () => {
    sims.bms.limiter.limit = 2;
    sims.bms.limiter.windowMs = 60_000;
    const t = await bearer();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(t, 'GET', '/v2/system/emailtypes')).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await api(t, 'GET', '/v2/system/phonetypes')).status).toBe(200);
    sims.clock.advance(60_000);
    expect((await api(t, 'GET', '/v2/system/emailtypes')).status).toBe(200);
  });
});
