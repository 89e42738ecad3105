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

/** Ten staff of one surname, `s0` to `s9`, each with a first name of their own. */
export const staff = (n: number): Record<string, unknown>[] =>
  Array.from({ length: n }, (_, i) => person(`s${i}`, `Staff${String.fromCharCode(65 + i)}`, 'Member'));

/**
 * The deletion guard on a box seeded with `staff(10)`: six leavers at once, and a stayer changed. What the halted run
 * and the run after an approval did, and how many of the leavers' contacts were active after each.
 */
export async function deletionGuardCase(
  box: Sandbox,
  psa: { readonly isActive: (contactId: number | null) => boolean; readonly count: () => number },
) {
  const first = await box.syncAll({ force: true });
  const leaving = ['s0', 's1', 's2', 's3', 's4', 's5'];
  for (const id of leaving) box.sims.graph.deleteUser(TENANT_A, id);
  box.sims.graph.updateUser(TENANT_A, 's9', { jobTitle: 'Stayer' });
  const active = () => leaving.filter((id) => psa.isActive(resultOf(first, id).psaContactId)).length;
  const [halted] = await box.syncAll();
  const whenHalted = active();
  await box.store.setApproval(TENANT_A, true);
  const [approved] = await box.syncAll();
  return {
    halted: {
      status: halted!.status,
      pending: halted!.users
        .filter((u) => u.outcome === 'pending-approval')
        .map((u) => u.userId)
        .sort(),
      stayer: resultOf([halted!], 's9').psa,
      active: whenHalted,
    },
    approved: {
      status: approved!.status,
      inactivated: approved!.users.filter((u) => u.outcome === 'inactivated').length,
      active: active(),
    },
    contacts: psa.count(),
  };
}

/** What the deletion guard case must show: six halted, then made inactive once approved, none deleted. */
export const GUARDED = {
  halted: { status: 'needs approval', pending: ['s0', 's1', 's2', 's3', 's4', 's5'], stayer: 'updated', active: 6 },
  approved: { status: 'ok', inactivated: 6, active: 0 },
  contacts: 10,
};

/**
 * A second run of a synced box, then a quiet poll: the writes the second run sent, whether the systems changed, the
 * users it did not find unchanged (`[userId, outcome]`), and the servers the quiet poll asked.
 */
export async function secondRunCase(box: Sandbox) {
  await box.syncAll({ force: true });
  const state = JSON.stringify(box.sims.dump());
  const before = box.sims.requests.length;
  const again = await box.syncAll({ force: true });
  const writes = writesSince(box, before);
  const changed = JSON.stringify(box.sims.dump()) !== state;
  const waiting = again
    .flatMap((r) => r.users)
    .filter((u) => u.outcome !== 'unchanged')
    .map((u) => [u.userId, u.outcome]);
  const quiet = box.sims.requests.length;
  const poll = (await box.syncAll()).map((r) => r.status);
  return { writes, changed, waiting, poll, asked: box.sims.requests.slice(quiet).map((r) => r.server) };
}

/** The one open dispute of a synced box settled by create: the conflict, what the next run did, and the namesakes. */
export async function disputeCreateCase(box: Sandbox, namesakes: () => number) {
  await box.syncAll({ force: true });
  const [conflict] = await box.store.listConflicts({ status: 'open' });
  await box.store.resolveConflict(conflict!.id, 'create', null);
  const created = resultOf(await box.syncAll({ force: true }), conflict!.userId).psa;
  await box.syncAll({ force: true });
  return { user: conflict!.userId, side: conflict!.side, created, namesakes: namesakes() };
}
