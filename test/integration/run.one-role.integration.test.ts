import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import type { Targets } from '../../src/domain/target-profile.ts';
import { SyncRunner } from '../../src/run/sync-runner.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import type { TenantLocks } from '../../src/store/tenant-locks.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';

/** One process alone runs these tenants: the lock is always free. */
const freeLocks: TenantLocks = {
  tryAcquire: () => Promise.resolve({ lease: { lost: () => null, release: () => Promise.resolve() } }),
};

/**
 * An installation with one role alone: the run reads, plans and writes only the target it has, and never asks the
 * other's API.
 */
describe('a run with one role alone', () => {
  let box: Sandbox;
  beforeEach(async () => {
    box = await startSandbox({
      seed: smallSeed(3),
      dbPath: join(mkdtempSync(join(tmpdir(), 'run-one-role-')), 'state.db'),
      logger: pino({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    await box.close();
  });

  function runnerOf(targets: Targets): SyncRunner {
    const directory = box.webServices().apis().directory!;
    return new SyncRunner({
      store: box.store,
      directory,
      targets,
      doc: targets.doc === null ? null : box.clients.doc,
      psa: targets.psa === null ? null : box.clients.psa,
      locks: freeLocks,
    });
  }

  const requestsTo = (server: 'itglue' | 'bms') => box.sims.requests.filter((r) => r.server === server).length;

  it('PSA only: maps the tenant to its PSA customer, creates the contacts there, and nothing else', async () => {
    const runner = runnerOf({ doc: null, psa: bmsProfile });
    await runner.mapTenants();
    expect(await box.store.getTenant(TENANT_A)).toMatchObject({ docCustomerId: null, psaCustomerId: 1 });
    const result = await runner.runTenant(TENANT_A, { force: true });
    expect(result).toMatchObject({ status: 'ok', error: null });
    expect(result.users.map((u) => [u.psa, u.doc])).toEqual([
      ['created', 'none'],
      ['created', 'none'],
      ['created', 'none'],
    ]);
    expect(box.sims.dump().bms!.accounts[0]!.contacts).toHaveLength(3);
    expect(requestsTo('itglue')).toBe(0);
    const again = await runner.runTenant(TENANT_A, { force: true });
    expect(again.users.map((u) => u.psa)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(box.sims.dump().bms!.accounts[0]!.contacts).toHaveLength(3);
  });

  it('documentation only: writes the documentation platform alone, with no word of a PSA', async () => {
    const runner = runnerOf({ doc: itglueProfile, psa: null });
    await runner.mapTenants();
    expect(await box.store.getTenant(TENANT_A)).toMatchObject({ docCustomerId: '1', psaCustomerId: null });
    const result = await runner.runTenant(TENANT_A, { force: true });
    expect(result).toMatchObject({ status: 'ok', error: null });
    expect(result.users.map((u) => u.doc)).toEqual(['created', 'created', 'created']);
    expect(result.users.flatMap((u) => u.reasons.map((r) => r.message)).join(' ')).not.toMatch(/BMS|PSA/);
    expect(requestsTo('bms')).toBe(0);
  });
});
