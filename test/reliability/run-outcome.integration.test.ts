import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';

/**
 * A run's outcome (its users' results, conflicts, the tenant's status, the directory's checkpoint, the run's end) is
 * recorded in one transaction: a run whose record fails part way keeps none of it, and its next run reads the same
 * changes again. SQLite alone: the fault is a trigger, and the recording code is the same on PostgreSQL.
 */
describe('the outcome of a run', () => {
  let box: Sandbox;
  beforeEach(async () => {
    box = await startSandbox({
      seed: smallSeed(3),
      dbPath: join(mkdtempSync(join(tmpdir(), 'run-outcome-')), 'state.db'),
      logger: pino({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    await box.close();
  });

  it('is kept whole or not at all: a run whose end cannot be written keeps no result and no checkpoint', async () => {
    // The last write of the record fails, as a disk that fills up at that moment would make it.
    await sql`CREATE TRIGGER refuse_run_end BEFORE UPDATE OF status ON runs
      WHEN NEW.status NOT IN ('failed', 'interrupted')
      BEGIN SELECT RAISE(ABORT, 'the disk is full'); END`.execute(box.store.db);
    const [failed] = await box.syncAll({ force: true });
    expect(failed).toMatchObject({ status: 'failed', error: 'the disk is full' });
    const [run] = await box.store.listRuns(TENANT_A);
    expect(run).toMatchObject({ id: failed!.runId, status: 'failed' });
    expect(await box.store.resultsOfRun(run!.id)).toEqual([]);
    expect(await box.store.deltaLink(TENANT_A)).toBeNull();
    expect((await box.store.getTenant(TENANT_A))?.status).toBe('failed');

    await sql`DROP TRIGGER refuse_run_end`.execute(box.store.db);
    const [next] = await box.syncAll();
    expect(next).toMatchObject({ status: 'ok', error: null });
    expect(next!.users.map((u) => u.userId)).toHaveLength(3);
    expect(await box.store.resultsOfRun(next!.runId!)).toHaveLength(3);
    expect(await box.store.deltaLink(TENANT_A)).not.toBeNull();
  });
});
