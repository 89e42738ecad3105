import PgBoss from 'pg-boss';
import plans from 'pg-boss/src/plans.js';
import type pg from 'pg';
import { advisoryLockKey, tryAdvisoryLock, type AdvisoryLock } from '../store/advisory-lock.ts';

/** The queue of per-tenant sync jobs in scale-out: PostgreSQL only, through pg-boss. */
const TENANT_SYNC_QUEUE = 'contactsync-tenant-sync';
/** Small runs (polls, notices): their own queue, so that a new hire never waits for a backfill's worker slot. */
const TENANT_EXPRESS_QUEUE = 'contactsync-tenant-express';
const QUEUES = { bulk: TENANT_SYNC_QUEUE, express: TENANT_EXPRESS_QUEUE } as const;
type JobLane = keyof typeof QUEUES;
const SCHEMA = 'contactsync_jobs';
/**
 * The statements that record a job's end. pg-boss starts them without waiting (its worker calls `complete` and `fail`
 * unawaited): one that fails, a connection terminated under it, would be an unhandled rejection that takes the
 * process down. Both only touch a job still active, so they are tried again; one that still fails is reported and the
 * job, left active, is expired and run again.
 */
const JOB_END_STATEMENTS = new Set([plans.completeJobs(SCHEMA), plans.failJobsById(SCHEMA)]);
const JOB_END_TRIES = [0, 250, 1000, 3000];

interface TenantJob {
  readonly tenantId: string;
}

interface QueueOptions {
  /** a job still running after this long is taken as lost (its worker died) and given to another worker */
  readonly jobTimeoutSeconds?: number;
  /** tries after the first, with exponential backoff from `retryDelaySeconds` */
  readonly retryLimit?: number;
  readonly retryDelaySeconds?: number;
  readonly onError?: (error: Error) => void;
}

interface FailedJob {
  readonly id: string;
  readonly tenantId: string;
  readonly failedAt: string;
  readonly retries: number;
  readonly error: string;
}

/** A job for a tenant that another process is syncing is run again this many seconds later (plus jitter). */
const DEFER_SECONDS = 5;

/**
 * Per-tenant sync jobs. At most one job waits per tenant (pg-boss's `short` policy dedupes the scheduler's
 * repeats), and at most one runs per tenant anywhere: the run holds the tenant's advisory lock (the sync runner takes
 * it, whoever starts the run), and a job that finds the tenant busy is deferred — done, and queued again a little
 * later — never failed: a job fails only when its sync does. A worker that dies releases its lock with its
 * connection, and its job expires after `jobTimeoutSeconds` and is run again by another worker; the write journal
 * makes that safe.
 */
export class TenantJobQueue {
  /** The handlers running now: stopping waits for them, so that none meets a closed pool. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;

  private constructor(
    private readonly boss: PgBoss,
    private readonly pool: pg.Pool,
    private readonly options: QueueOptions,
    private readonly statements: ReadonlySet<Promise<unknown>>,
  ) {}

  static async open(pool: pg.Pool, options: QueueOptions = {}): Promise<TenantJobQueue> {
    const timeout = options.jobTimeoutSeconds ?? 30 * 60;
    // pg-boss records a job's end without waiting for it: stopping waits for these statements too, so that the pool
    // is not closed under them (a statement on a closed pool fails, unhandled, and takes the process down).
    const statements = new Set<Promise<unknown>>();
    const boss = new PgBoss({
      db: {
        executeSql: (text: string, values?: unknown[]) => {
          const statement = JOB_END_STATEMENTS.has(text)
            ? recordJobEnd(pool, text, values, options.onError)
            : pool.query(text, values);
          statements.add(statement);
          void statement.then(
            () => statements.delete(statement),
            () => statements.delete(statement),
          );
          return statement;
        },
      },
      schema: SCHEMA,
      // Lost jobs are found by maintenance: often enough that one comes back soon after its timeout.
      maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(timeout / 4))),
    });
    boss.on('error', (error: Error) => options.onError?.(error));
    await boss.start();
    // Creating a queue is DDL: processes starting together take turns, or PostgreSQL finds them deadlocked.
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [advisoryLockKey('contactsync:create-queue')]);
      for (const name of Object.values(QUEUES))
        if ((await boss.getQueue(name)) === null) await boss.createQueue(name, { name, policy: 'short' });
    } finally {
      await client
        .query('SELECT pg_advisory_unlock($1)', [advisoryLockKey('contactsync:create-queue')])
        .catch(() => {});
      client.release();
    }
    return new TenantJobQueue(boss, pool, options, statements);
  }

  /**
   * Queues a sync of the tenant in a lane (after `delaySeconds`), unless one is already waiting there: `express` for a
   * run expected small (a poll, a notice), `bulk` for a large one (a first sync, a reconciliation).
   */
  async enqueue(tenantId: string, lane: JobLane = 'bulk', delaySeconds = 0): Promise<boolean> {
    const id = await this.boss.send(QUEUES[lane], { tenantId } satisfies TenantJob, {
      singletonKey: tenantId,
      ...(delaySeconds > 0 ? { startAfter: delaySeconds } : {}),
      retryLimit: this.options.retryLimit ?? 8,
      retryDelay: this.options.retryDelaySeconds ?? 2,
      retryBackoff: true,
      expireInSeconds: this.options.jobTimeoutSeconds ?? 30 * 60,
    });
    return id !== null;
  }

  /**
   * Takes jobs, as many at a time per lane as `sizes` says. A throw fails the job (it is retried with backoff); a
   * handler that answers `{ deferred: why }` found the tenant busy: the job is queued again in its lane a few seconds
   * later, and this one is done.
   */
  async work(
    sizes: { readonly bulk: number; readonly express: number },
    handle: (job: TenantJob, lane: JobLane) => Promise<{ readonly deferred: string } | undefined>,
  ): Promise<void> {
    for (const lane of ['express', 'bulk'] as const) {
      for (let i = 0; i < sizes[lane]; i++) {
        await this.boss.work<TenantJob>(QUEUES[lane], { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
          if (job === undefined) return undefined;
          const handling = (async () => {
            // Fetched as this worker stops: queued again for another worker, never started here.
            const outcome = this.stopping ? { deferred: 'the worker is stopping' } : await handle(job.data, lane);
            if (outcome === undefined) return undefined;
            // A job already waiting for the tenant (pg-boss keeps one) does as well as this one.
            await this.enqueue(job.data.tenantId, lane, DEFER_SECONDS + Math.floor(Math.random() * DEFER_SECONDS));
            return outcome;
          })();
          this.inFlight.add(handling);
          return await handling.finally(() => this.inFlight.delete(handling));
        });
      }
    }
  }

  /** Jobs by state: waiting (created, retry), active, and the failed and completed ones kept. */
  async counts(): Promise<{ state: string; n: number }[]> {
    return countJobs(this.pool);
  }

  /** The latest jobs that failed for good (every retry used), with why. */
  async failed(limit = 50): Promise<FailedJob[]> {
    return failedJobs(this.pool, limit);
  }

  /** The counts and the failed jobs read at one moment, so that a job failing in between is in both or neither. */
  async snapshot(limit = 50): Promise<{ counts: { state: string; n: number }[]; failed: FailedJob[] }> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const counts = await countJobs(client);
      const failed = await failedJobs(client, limit);
      await client.query('COMMIT');
      return { counts, failed };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Stops taking jobs and returns once the jobs in flight have ended. pg-boss gives up waiting after `graceMs` and marks
   * what still runs as failed (to be retried elsewhere); the handlers themselves are waited for all the same, or the
   * pool closed under them would crash the process with their last writes unrecorded.
   */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    await this.boss.stop({ graceful: true, wait: true, close: false, timeout: graceMs });
    // Until no handler of ours runs and pg-boss has recorded every job's end: it starts those writes without waiting
    // once a handler returns, and a fetch still answering when it stopped hands over one more job.
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.inFlight.size === 0 && this.statements.size === 0) return;
      await Promise.allSettled([...this.inFlight, ...this.statements]);
    }
  }
}

/** A job end's statement, tried again on failure; never rejects (nobody waits for it), reporting what it gave up on. */
async function recordJobEnd(
  pool: pg.Pool,
  text: string,
  values: unknown[] | undefined,
  onError: ((error: Error) => void) | undefined,
): Promise<{ rows: { count: string }[] }> {
  let last: unknown;
  for (const delay of JOB_END_TRIES) {
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    try {
      return await pool.query<{ count: string }>(text, values);
    } catch (error) {
      last = error;
    }
  }
  onError?.(
    new Error(
      `the end of a sync job could not be recorded (${(last as Error).message}); the job is run again when it expires`,
      { cause: last },
    ),
  );
  // What pg-boss reads of the answer: no job ended.
  return { rows: [{ count: '0' }] };
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

async function countJobs(db: Queryable): Promise<{ state: string; n: number }[]> {
  const { rows } = await db.query<{ state: string; n: string }>(
    `SELECT state::text AS state, count(*) AS n FROM ${SCHEMA}.job WHERE name = ANY($1) GROUP BY state ORDER BY state`,
    [Object.values(QUEUES)],
  );
  return rows.map((r) => ({ state: r.state, n: Number(r.n) }));
}

async function failedJobs(db: Queryable, limit: number): Promise<FailedJob[]> {
  const { rows } = await db.query<{
    id: string;
    data: TenantJob;
    completed_on: Date;
    retry_count: number;
    output: unknown;
  }>(
    `SELECT id, data, completed_on, retry_count, output FROM ${SCHEMA}.job WHERE name = ANY($1) AND state = 'failed' ORDER BY completed_on DESC LIMIT $2`,
    [Object.values(QUEUES), limit],
  );
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.data.tenantId,
    failedAt: r.completed_on.toISOString(),
    retries: r.retry_count,
    error: errorText(r.output),
  }));
}

function errorText(output: unknown): string {
  if (typeof output === 'object' && output !== null && 'message' in output)
    return String((output as { message: unknown }).message);
  return output === null || output === undefined ? 'no reason recorded' : JSON.stringify(output);
}

/**
 * Whether this process is the scheduler: one among all, chosen by an advisory lock held while it lives. A dropped
 * connection loses the lock (another process may lead now): `onLost` hears it.
 */
export function tryBecomeScheduler(pool: pg.Pool, onLost: (error: Error) => void): Promise<AdvisoryLock | null> {
  return tryAdvisoryLock(pool, 'contactsync:scheduler', onLost);
}
