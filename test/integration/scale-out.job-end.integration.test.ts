import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantJobQueue } from '../../src/jobs/tenant-job-queue.ts';
import { waitUntil } from '../support/cli-process.ts';
import { freshPostgres } from '../support/databases.ts';

/**
 * pg-boss records a job's end without waiting for it. When the database connection is terminated under that
 * statement, a worker must stay up and the job must still end as done (not run twice, not left active).
 */
describe('a job whose end is recorded on a connection the server terminates', () => {
  let database: { url: string; dispose(): Promise<void> };
  beforeAll(async () => {
    database = await freshPostgres();
  }, 60_000);
  afterAll(async () => {
    await database.dispose();
  });

  it('is recorded as done on a new connection, with no unhandled failure in the worker', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const pool = new pg.Pool({ connectionString: database.url, application_name: 'queue-under-test' });
    // Idle connections the server terminates are dropped by the pool; the test does not care about those.
    pool.on('error', () => {});
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    let queue: TenantJobQueue | null = null;
    try {
      const errors: string[] = [];
      queue = await TenantJobQueue.open(pool, { onError: (error) => errors.push(error.message) });
      let runs = 0;
      await queue.work({ bulk: 1, express: 0 }, async (job) => {
        runs += 1;
        // Hold the job's row so that the statement recording its end waits on it, there to be terminated.
        await admin.query('BEGIN');
        await admin.query(
          `SELECT id FROM contactsync_jobs.job WHERE data->>'tenantId' = $1 AND state = 'active' FOR UPDATE`,
          [job.tenantId],
        );
        return undefined;
      });
      await queue.enqueue('tenant-1', 'bulk');
      let terminated = 0;
      await waitUntil(
        'the job end statement, waiting on the row, to be terminated',
        async () => {
          const { rows } = await admin.query<{ n: string }>(
            `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
              WHERE application_name = 'queue-under-test' AND wait_event_type = 'Lock' AND query LIKE '%completed_on%'`,
          );
          terminated += Number(rows[0]!.n);
          return terminated > 0;
        },
        30_000,
      );
      await admin.query('COMMIT');
      await waitUntil(
        'the job to be recorded as completed',
        async () =>
          (
            await admin.query(
              `SELECT 1 FROM contactsync_jobs.job WHERE data->>'tenantId' = 'tenant-1' AND state = 'completed'`,
            )
          ).rowCount === 1,
        30_000,
      );
      expect(runs).toBe(1);
      expect(unhandled).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await admin.query('ROLLBACK').catch(() => {});
      await queue?.stop(1_000);
      process.off('unhandledRejection', onUnhandled);
      await admin.end();
      await pool.end().catch(() => {});
    }
  }, 90_000);
});
