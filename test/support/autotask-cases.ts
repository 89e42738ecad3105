import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach } from 'vitest';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import type { AutotaskContactSeed } from '../../src/sandbox/autotask/autotask-seed.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import { TENANT_A, user } from './simulators.ts';

/**
 * The sandbox cases on Autotask: a seed built per test (Microsoft 365 users of one tenant, an Autotask company of the
 * tenant's name, and with `itglue: true` an IT Glue organization of that name too), the real pipeline run against the
 * simulators.
 */

/** How the installation is made: IT Glue + Autotask, or Autotask alone. */
export type Install = 'itglue' | 'alone';
export const INSTALLS: readonly Install[] = ['itglue', 'alone'];

export const COMPANY = 1;
export const HQ = 11;

/** A Microsoft 365 user with a name of its own (`user` of the shared support, named). */
export function person(
  id: string,
  givenName: string | null,
  surname: string | null,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return user(id, {
    givenName,
    surname,
    displayName: [givenName, surname].filter((n) => n !== null).join(' '),
    ...more,
  });
}

/** An Autotask contact as a seed gives it: no emails or phones unless given. */
export function atContact(id: number, firstName: string, lastName: string, more: Partial<AutotaskContactSeed> = {}) {
  return {
    id,
    firstName,
    lastName,
    emailAddress: null,
    emailAddress2: null,
    emailAddress3: null,
    phone: null,
    mobilePhone: null,
    companyLocationID: HQ,
    isActive: 1,
    ...more,
  };
}

export interface CaseSeed {
  readonly install: Install;
  readonly users: readonly Record<string, unknown>[];
  readonly contacts?: readonly Record<string, unknown>[];
  /** IT Glue contacts of the organization (IT Glue + Autotask only) */
  readonly itglueContacts?: readonly Record<string, unknown>[];
  /** IT Glue contact id → the Autotask contact id IT Glue's Autotask integration keeps it in step with */
  readonly psaSynced?: Readonly<Record<string, number>>;
  readonly settings?: Record<string, unknown>;
  /** further contact fields this Autotask requires (`simulate.autotask.requiredFields`) */
  readonly requiredFields?: readonly string[];
}

export function caseSeed(c: CaseSeed): Seed {
  return parseSeed({
    settings: c.settings ?? {},
    tenants: [
      {
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        initialDomain: 'contoso.onmicrosoft.com',
        organization: { countryLetterCode: 'US', businessPhones: ['+1 206 555 0100'] },
        users: c.users,
      },
    ],
    ...(c.install === 'itglue'
      ? {
          itglue: {
            organizations: [
              {
                id: '1',
                name: 'Contoso Ltd',
                locations: [{ id: '10', name: 'HQ', primary: true }],
                contacts: c.itglueContacts ?? [],
              },
            ],
            contactTypes: [{ id: '1', name: 'Employee' }],
          },
        }
      : {}),
    autotask: {
      companies: [
        {
          id: COMPANY,
          companyName: 'Contoso Ltd',
          locations: [
            { id: HQ, name: 'HQ', isPrimary: true },
            { id: 12, name: 'Annex' },
          ],
          contacts: c.contacts ?? [],
        },
        { id: 2, companyName: 'Fabrikam', locations: [{ id: 21, name: 'Main', isPrimary: true }] },
      ],
    },
    simulate: {
      ...(c.psaSynced === undefined ? {} : { itglue: { psaSynced: c.psaSynced } }),
      autotask: { requiredFields: c.requiredFields ?? [] },
    },
  });
}

/** Starts a sandbox on the seed for each test that asks, and closes it after the test. */
export function useAutotaskBox(): (seed: Seed) => Promise<Sandbox> {
  let box: Sandbox | null = null;
  afterEach(async () => {
    await box?.close();
    box = null;
  });
  return async (seed) => {
    box = await startSandbox({
      seed,
      dbPath: join(mkdtempSync(join(tmpdir(), 'autotask-cases-')), 'state.db'),
      logger: pino({ level: 'silent' }),
    });
    return box;
  };
}

export type UserOf = (results: readonly TenantRunResult[], id: string) => TenantRunResult['users'][number];

/** One user's result in a run. */
export const resultOf: UserOf = (results, id) => {
  const found = results.flatMap((r) => r.users).find((u) => u.userId === id);
  if (found === undefined) throw new Error(`no result for user ${id}`);
  return found;
};

/** The company's contacts as Autotask holds them. */
export const contactsOf = (box: Sandbox) => box.sims.autotask.contactsOf(COMPANY);

/** One Autotask contact by id. */
export function contactOf(box: Sandbox, id: number | null) {
  const found = contactsOf(box).find((c) => c.id === id);
  if (found === undefined) throw new Error(`Autotask has no contact ${id}`);
  return found;
}

/** The writes sent since the request at `from`, on every API but sign-in and token requests. */
export function writesSince(box: Sandbox, from: number) {
  return box.sims.requests
    .slice(from)
    .filter(
      (r) =>
        r.method !== 'GET' &&
        !r.route.endsWith('/query') &&
        !r.route.includes('authenticate') &&
        !r.route.includes('token'),
    );
}
