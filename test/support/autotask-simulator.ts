import { afterEach, expect } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { TENANT_A, user } from './simulators.ts';

/** Raw HTTP against the Autotask simulator, as a client speaks to Autotask: the zone first, then the API base. */

export const CONTACTS = 1203;

function contact(i: number): Record<string, unknown> {
  return {
    id: 1000 + i,
    firstName: i === 0 ? 'Ann' : `First${i}`,
    lastName: i === 0 ? 'Lee' : 'Person',
    title: i % 2 === 0 ? 'Engineer' : null,
    emailAddress: i === 0 ? 'Ann.Lee@Contoso.com' : `p${i}@contoso.com`,
    emailAddress2: i === 1 ? 'second@contoso.com' : null,
    emailAddress3: i === 2 ? 'third@contoso.com' : null,
    phone: '+1 206 555 0100',
    mobilePhone: null,
    companyLocationID: 11,
    isActive: i % 10 === 9 ? 0 : 1,
  };
}

export function seedOf(simulate: Record<string, unknown> = {}, contacts = CONTACTS) {
  return parseSeed({
    tenants: [
      { id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users: [user('a1')] },
    ],
    autotask: {
      companies: [
        {
          id: 1,
          companyName: 'Contoso Ltd',
          locations: [
            { id: 11, name: 'HQ', isPrimary: true },
            { id: 12, name: 'Annex', city: 'Seattle' },
          ],
          contacts: Array.from({ length: contacts }, (_, i) => contact(i)),
        },
        { id: 2, companyName: 'Fabrikam', locations: [{ id: 21, name: 'Main', isPrimary: true }], contacts: [] },
      ],
    },
    simulate: { autotask: simulate },
  });
}

/**
 * Starts the simulators seeded with `seedOf` for each test that asks, and closes them after it (call at the top of a
 * test file).
 */
export function useAutotaskSimulator(): (
  simulate?: Record<string, unknown>,
  contacts?: number,
) => Promise<RunningSimulators> {
  let sims: RunningSimulators | null = null;
  afterEach(async () => {
    await sims?.close();
    sims = null;
  });
  return async (simulate = {}, contacts = CONTACTS) => {
    sims = await startSimulators(seedOf(simulate, contacts));
    return sims;
  };
}

export type Answer = { status: number; body: any };

export async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

export function headersOf(s: RunningSimulators, overrides: Record<string, string | null> = {}): Record<string, string> {
  const { userName, secret, integrationCode } = s.credentials.autotask;
  const all: Record<string, string | null> = {
    ApiIntegrationCode: integrationCode,
    UserName: userName,
    Secret: secret,
    'content-type': 'application/json',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
}

/** The API base as a client finds it: the zone's `url` + `v1.0/`. */
export async function apiBase(s: RunningSimulators): Promise<string> {
  const zone = await fetch(
    `${s.urls.autotask!}/atservicesrest/v1.0/zoneInformation?user=${encodeURIComponent(s.credentials.autotask.userName)}`,
  );
  return `${((await zone.json()) as { url: string }).url}v1.0/`;
}

export async function call(
  s: RunningSimulators,
  method: string,
  path: string,
  body?: unknown,
  overrides: Record<string, string | null> = {},
): Promise<Answer> {
  const url = path.startsWith('http') ? path : `${await apiBase(s)}${path}`;
  const init: RequestInit = { method, headers: headersOf(s, overrides) };
  if (body !== undefined) init.body = JSON.stringify(body);
  return answer(await fetch(url, init));
}

export const byCompany = (companyId = 1) => ({ op: 'eq', field: 'companyID', value: companyId });

export async function ids(s: RunningSimulators, filter: unknown[]): Promise<number[]> {
  const { status, body } = await call(s, 'POST', 'Contacts/query', { Filter: filter, IncludeFields: ['id'] });
  expect(status, JSON.stringify(body)).toBe(200);
  return (body.items as { id: number }[]).map((c) => c.id);
}

export const newContact = {
  companyID: 2,
  firstName: 'Bo',
  lastName: 'Ng',
  title: 'CFO',
  emailAddress: 'bo@fabrikam.com',
  phone: '+1 206 555 0101',
  mobilePhone: '+1 206 555 0199',
  companyLocationID: 21,
  isActive: 1,
};
