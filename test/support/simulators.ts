import { graphUserSeedSchema, parseSeed, type GraphUserSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';

export const TENANT_A = '11111111-1111-4111-8111-111111111111';
export const TENANT_B = '22222222-2222-4222-8222-222222222222';

export function user(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    userPrincipalName: `${id}@contoso.com`,
    displayName: `User ${id}`,
    givenName: 'User',
    surname: id,
    mail: `${id}@contoso.com`,
    proxyAddresses: [`SMTP:${id}@contoso.com`],
    businessPhones: ['+1 206 555 0100'],
    accountEnabled: true,
    userType: 'Member',
    assignedLicenses: [{ skuId: 'sku' }],
    usageLocation: 'US',
    ...fields,
  };
}

/** A user as the Graph simulator holds it (the seed's defaults filled in), for `addUser`. */
export function graphUser(id: string, fields: Record<string, unknown> = {}): GraphUserSeed {
  return graphUserSeedSchema.parse(user(id, fields));
}

/** A small seed: tenant A with `count` users, tenant B with two, an IT Glue organization and a BMS account. */
export function smallSeed(count = 3, extra: Partial<Record<'itglue' | 'bms', unknown>> = {}): Seed {
  return parseSeed({
    tenants: [
      {
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        initialDomain: 'contoso.onmicrosoft.com',
        organization: { countryLetterCode: 'US', businessPhones: ['+1 206 555 0100'] },
        users: Array.from({ length: count }, (_, i) => user(`a${String(i).padStart(5, '0')}`)),
        groups: [
          { id: 'g-staff', displayName: 'Staff', members: ['a00000', 'g-nested'] },
          { id: 'g-nested', displayName: 'Nested', members: ['a00001'] },
        ],
      },
      {
        id: TENANT_B,
        displayName: 'Fabrikam',
        initialDomain: 'fabrikam.onmicrosoft.com',
        users: [user('b1'), user('b2')],
      },
    ],
    itglue: extra.itglue ?? {
      organizations: [
        { id: '1', name: 'Contoso Ltd', locations: [{ id: '10', name: 'HQ', primary: true }], contacts: [] },
      ],
      contactTypes: [{ id: '1', name: 'Employee' }],
    },
    bms: extra.bms ?? {
      accounts: [{ id: 1, name: 'Contoso Ltd', locations: [{ id: 11, name: 'HQ', isMain: true }], contacts: [] }],
      emailTypes: [{ id: 1, name: 'Work' }],
      phoneTypes: [{ id: 1, name: 'Office' }],
    },
  });
}

/** A bearer token for the Graph simulator, obtained the plain way (client credentials over fetch). */
export async function graphToken(sims: RunningSimulators, tenantId = TENANT_A): Promise<string> {
  const response = await fetch(`${sims.urls.login}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: sims.credentials.graph.clientId,
      client_secret: sims.credentials.graph.clientSecret,
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
    }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

export async function started(seed: Seed = smallSeed()): Promise<RunningSimulators> {
  return startSimulators(seed);
}

/**
 * A technician adds an email and a phone to a BMS contact by hand, through BMS's API: an update carrying the contact's
 * emails and phones as they are, plus the new ones.
 */
export async function addInBmsByHand(
  sims: RunningSimulators,
  contactId: number,
  added: {
    readonly email: { readonly emailAddress: string; readonly emailTypeId: number };
    readonly phone: { readonly phoneNumber: string; readonly phoneTypeId: number };
  },
): Promise<void> {
  const { userName, password, tenant } = sims.credentials.bms;
  const login = await fetch(`${sims.urls.bms!}/v2/security/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grantType: 'password', userName, password, tenant }),
  });
  // The simulator may answer in PascalCase.
  const answer = (await login.json()) as Record<string, Record<string, string>>;
  const result = answer.result ?? answer.Result!;
  const token = result.accessToken ?? result.AccessToken!;
  const account = sims.bms.dump().accounts.find((a) => a.contacts.some((c) => c.id === contactId))!;
  const contact = account.contacts.find((c) => c.id === contactId)!;
  const { emails, phones } = sims.bms.entriesOf(contactId);
  const response = await fetch(`${sims.urls.bms!}/v2/crm/contacts/${contactId}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      accountId: account.id,
      locationId: contact.locationId,
      firstName: contact.firstName,
      lastName: contact.lastName,
      jobTitle: contact.jobTitle,
      emails: [...emails, added.email],
      phones: [...phones, added.phone],
      isActive: contact.isActive,
    }),
  });
  if (response.status !== 200) throw new Error(`BMS refused the hand edit: ${await response.text()}`);
}
