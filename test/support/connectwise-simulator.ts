import { afterEach } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { TENANT_A, user } from './simulators.ts';

/** Raw HTTP against the ConnectWise simulator, as a client speaks to ConnectWise: companyinfo, then the API base. */

export const EMAIL = 1;
export const DIRECT = 2;
export const CELL = 4;

function contact(i: number): Record<string, unknown> {
  return {
    id: 1000 + i,
    firstName: i === 0 ? 'Ann' : `First${i}`,
    lastName: i === 0 ? 'Lee' : 'Person',
    title: i % 2 === 0 ? 'Engineer' : null,
    site: { id: 11 },
    inactiveFlag: i % 10 === 9,
    communicationItems: [
      {
        type: { id: EMAIL },
        communicationType: 'Email',
        value: i === 0 ? 'Ann.Lee@Contoso.com' : `p${i}@contoso.com`,
        defaultFlag: true,
      },
      ...(i === 1 ? [{ type: { id: EMAIL }, communicationType: 'Email', value: 'second@contoso.com' }] : []),
      { type: { id: DIRECT }, communicationType: 'Phone', value: '+12065550100', defaultFlag: true },
    ],
  };
}

export function seedOf(contacts: number, simulate: Record<string, unknown> = {}) {
  return parseSeed({
    tenants: [
      { id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users: [user('a1')] },
    ],
    connectwise: {
      communicationTypes: [
        { id: EMAIL, description: 'Email', emailFlag: true, defaultFlag: true },
        { id: DIRECT, description: 'Direct', phoneFlag: true, defaultFlag: true },
        { id: 3, description: 'Fax', faxFlag: true },
        { id: CELL, description: 'Cell', phoneFlag: true },
        { id: 5, description: 'Home', phoneFlag: true },
      ],
      companies: [
        {
          id: 1,
          identifier: 'ContosoLtd',
          name: 'Contoso Ltd',
          sites: [
            { id: 11, name: 'Main', primaryAddressFlag: true },
            { id: 12, name: 'Annex' },
          ],
          contacts: Array.from({ length: contacts }, (_, i) => contact(i)),
        },
        {
          id: 2,
          identifier: 'Fabrikam',
          name: 'Fabrikam',
          sites: [{ id: 21, name: 'Main', primaryAddressFlag: true }],
        },
      ],
    },
    simulate: { connectwise: simulate },
  });
}

/** Starts the simulators seeded with `seedOf` for each test that asks, and closes them after it. */
export function useConnectwiseSimulator(): (
  contacts?: number,
  simulate?: Record<string, unknown>,
) => Promise<RunningSimulators> {
  let sims: RunningSimulators | null = null;
  afterEach(async () => {
    await sims?.close();
    sims = null;
  });
  return async (contacts = 3, simulate = {}) => {
    sims = await startSimulators(seedOf(contacts, simulate));
    return sims;
  };
}

export interface Answer {
  readonly status: number;
  readonly body: any;
  readonly link: string | null;
}

export function headersOf(s: RunningSimulators, overrides: Record<string, string | null> = {}): Record<string, string> {
  const { company, publicKey, privateKey, clientId } = s.credentials.connectwise;
  const all: Record<string, string | null> = {
    authorization: `Basic ${Buffer.from(`${company}+${publicKey}:${privateKey}`).toString('base64')}`,
    clientId,
    'content-type': 'application/json',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null));
}

/** The API base as a client finds it: the site's companyinfo, its `SiteUrl` and `Codebase`. */
export async function apiBase(s: RunningSimulators): Promise<string> {
  const info = (await (
    await fetch(`${s.urls.connectwise!}/login/companyinfo/${s.credentials.connectwise.company}`)
  ).json()) as { SiteUrl: string; Codebase: string };
  return `http://${info.SiteUrl}/${info.Codebase}apis/3.0/`;
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
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? null : (JSON.parse(text) as unknown),
    link: response.headers.get('link'),
  };
}

/** The `rel="next"` address of a Link header. */
export function nextOf(link: string | null): string | null {
  return /<([^>]+)>;\s*rel="next"/.exec(link ?? '')?.[1] ?? null;
}
