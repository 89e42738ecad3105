import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantJobQueue } from '../../src/jobs/tenant-job-queue.ts';
import { freshPostgres } from '../support/databases.ts';

describe('a worker stopping with a job in flight', () => {
  let database: { url: string; dispose(): Promise<void> };
  beforeAll(async () => {
    database = await freshPostgres();
  }, 60_000);
  afterAll(async () => {
    await database.dispose();
  });

  it('waits for the job past pg-boss’s grace, then closes its pool without crashing on the job’s late end', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const pool = new pg.Pool({ connectionString: database.url });
    const errors: string[] = [];
    try {
      const queue = await TenantJobQueue.open(pool, { onError: (error) => errors.push(error.message) });
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      let ended = 0;
      await queue.work({ bulk: 1, express: 0 }, async () => {
        started();
        // A run that outlasts the grace pg-boss gives it (1 s here, 30 s in a worker).
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        // Its last write, through the same pool: it must still find the pool open.
        await pool.query('SELECT 1');
        ended = Date.now();
        return undefined;
      });
      await queue.enqueue('tenant-1', 'bulk');
      await running;
      await queue.stop(1_000);
      const stopped = Date.now();
      expect(ended, 'the job ended before stop returned').toBeGreaterThan(0);
      expect(ended).toBeLessThanOrEqual(stopped);
      await pool.end();
      // pg-boss records the job's end without waiting; give it the moment it takes.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await pool.end().catch(() => {});
    }
  }, 60_000);
});
