import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach } from 'vitest';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import { TENANT_A, user } from './simulators.ts';

/**
 * What the sandbox cases of every PSA share: the two installations each case runs in (with IT Glue, and the PSA
 * alone), a named Microsoft 365 user, a sandbox per test, one user's result, and the writes since a point.
 */

/** How the installation is made: IT Glue + the PSA, or the PSA alone. */
export type Install = 'itglue' | 'alone';
export const INSTALLS: readonly Install[] = ['itglue', 'alone'];

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

/** A case's Microsoft 365 side, and the IT Glue side of an installation with IT Glue. */
export interface CaseBase {
  readonly install: Install;
  readonly users: readonly Record<string, unknown>[];
  /** IT Glue contacts of the organization (IT Glue + the PSA only) */
  readonly itglueContacts?: readonly Record<string, unknown>[];
  /** IT Glue contact id → the PSA contact id IT Glue's PSA integration keeps it in step with */
  readonly psaSynced?: Readonly<Record<string, number>>;
  readonly settings?: Record<string, unknown>;
}

/** IT Glue's locations of the organization unless a case names others: HQ, its primary. */
const ITGLUE_LOCATIONS = [{ id: '10', name: 'HQ', primary: true }];

/**
 * A case's seed: one tenant (Contoso Ltd) with the case's users, with IT Glue an organization of that name, and the
 * PSA's records under its own key (`psa`) played as `simulate` says.
 */
export function caseSeedOf(
  c: CaseBase,
  psa: Record<string, unknown>,
  simulate: Record<string, unknown> = {},
  itglueLocations: readonly Record<string, unknown>[] = ITGLUE_LOCATIONS,
): Seed {
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
              { id: '1', name: 'Contoso Ltd', locations: itglueLocations, contacts: c.itglueContacts ?? [] },
            ],
            contactTypes: [{ id: '1', name: 'Employee' }],
          },
        }
      : {}),
    ...psa,
    simulate: { ...(c.psaSynced === undefined ? {} : { itglue: { psaSynced: c.psaSynced } }), ...simulate },
  });
}

/** Starts a sandbox on the seed for each test that asks, and closes it after the test. */
export function useCaseBox(prefix: string): (seed: Seed) => Promise<Sandbox> {
  let box: Sandbox | null = null;
  afterEach(async () => {
    await box?.close();
    box = null;
  });
  return async (seed) => {
    box = await startSandbox({
      seed,
      dbPath: join(mkdtempSync(join(tmpdir(), `${prefix}-`)), 'state.db'),
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

/** The writes sent since the request at `from`, on every API but sign-in and token requests. */
export function writesSince(box: Pick<Sandbox, 'sims'>, from: number) {
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
