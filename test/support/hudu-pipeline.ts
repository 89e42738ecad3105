import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createHuduClient } from '../../src/connectors/hudu/client-from-config.ts';
import type { RunOptions } from '../../src/run/run-options.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { SyncRunner } from '../../src/run/sync-runner.ts';
import type { HuduSimulator } from '../../src/sandbox/hudu/hudu-simulator.ts';
import type { HuduSeed } from '../../src/sandbox/hudu/seed-schema.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { TenantLocks } from '../../src/store/tenant-locks.ts';
import { TENANT_A } from './simulators.ts';

/** The PSA beside Hudu in a case, or none (Hudu alone). */
export type HuduPartner = 'bms' | 'autotask' | null;

/** One process alone runs these tenants: the lock is always free. */
const freeLocks: TenantLocks = {
  tryAcquire: () => Promise.resolve({ lease: { lost: () => null, release: () => Promise.resolve() } }),
};

/** A person of the PSA, as a technician reads it there. */
export interface PsaPerson {
  readonly id: number;
  readonly email: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly active: boolean;
}

export interface HuduPipeline {
  readonly box: Sandbox;
  readonly hudu: HuduSimulator;
  /** one forced run of tenant A through the real pipeline: read, plan, apply, record */
  run(options?: RunOptions): Promise<TenantRunResult>;
  /** the requests Hudu's simulator answered, in order */
  huduRequests(): { readonly method: string; readonly status: number }[];
  /** the PSA's contacts of Contoso Ltd; empty when Hudu runs alone */
  psaPeople(): PsaPerson[];
  close(): Promise<void>;
}

/** The PSA's customer records for Contoso Ltd, in the PSA's own seed shape; none when Hudu runs alone. */
function psaSeed(partner: HuduPartner): Record<string, unknown> {
  if (partner === 'autotask')
    return {
      autotask: {
        companies: [
          { id: 1, companyName: 'Contoso Ltd', locations: [{ id: 11, name: 'HQ', isPrimary: true }], contacts: [] },
        ],
      },
    };
  if (partner === 'bms')
    return {
      bms: {
        accounts: [{ id: 1, name: 'Contoso Ltd', locations: [{ id: 11, name: 'HQ', isMain: true }], contacts: [] }],
        emailTypes: [{ id: 1, name: 'Work' }],
        phoneTypes: [{ id: 1, name: 'Office' }],
      },
    };
  return {};
}

/**
 * The sandbox with Hudu as the documentation platform, beside `partner`: tenant A's `users` in the Graph simulator,
 * the Hudu simulator seeded with `hudu`, a fresh state database, and the sandbox's runner over the real clients. A
 * `config` (the `hudu` block's `layout` and `fields`) runs the sandbox's state with a Hudu client made from it.
 */
export async function startHuduPipeline(
  partner: HuduPartner,
  users: readonly Record<string, unknown>[],
  hudu: HuduSeed | Record<string, unknown>,
  config: Record<string, unknown> | null = null,
): Promise<HuduPipeline> {
  const seed = parseSeed({
    tenants: [
      {
        id: TENANT_A,
        displayName: 'Contoso Ltd',
        initialDomain: 'contoso.onmicrosoft.com',
        organization: { countryLetterCode: 'US', businessPhones: ['+1 206 555 0100'] },
        // Hudu has no location records, so none is primary: the place new people get is named, as the demo does.
        settings: { location: { default: 'HQ' } },
        users,
      },
    ],
    hudu,
    ...psaSeed(partner),
  });
  const box = await startSandbox({
    seed,
    dbPath: join(mkdtempSync(join(tmpdir(), 'hudu-pipeline-')), 'state.db'),
    logger: pino({ level: 'silent' }),
  });
  const { sims } = box;
  const runner =
    config === null
      ? box.runner
      : new SyncRunner({
          store: box.store,
          directory: box.webServices().apis().directory!,
          targets: box.targets,
          doc: createHuduClient({ baseUrl: sims.urls.hudu!, apiKey: sims.credentials.huduApiKey, ...config }, {}),
          psa: box.clients.psa,
          locks: freeLocks,
        });
  await runner.mapTenants();
  return {
    box,
    hudu: sims.hudu,
    run: (options = {}) => runner.runTenant(TENANT_A, { force: true, ...options }),
    huduRequests: () => sims.requests.filter((r) => r.server === 'hudu'),
    psaPeople: () => {
      if (partner === 'bms')
        return sims.bms.dump().accounts[0]!.contacts.map((c) => ({
          id: c.id,
          email: c.emailAddress,
          firstName: c.firstName,
          lastName: c.lastName,
          active: c.isActive,
        }));
      if (partner === 'autotask')
        return sims.autotask.dump().companies[0]!.contacts.map((c) => ({
          id: c.id,
          email: c.emailAddress,
          firstName: c.firstName,
          lastName: c.lastName,
          active: c.isActive === 1,
        }));
      return [];
    },
    close: () => box.close(),
  };
}
