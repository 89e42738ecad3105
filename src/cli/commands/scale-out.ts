import type { Command } from 'commander';
import { nonNegativeInteger, positiveInteger } from '../option-parsers.ts';
import { startAlertTimer } from '../../alerts/alert-timer.ts';
import { Daemon, type TenantDispatcher } from '../../jobs/daemon.ts';
import { TenantJobQueue, tryBecomeScheduler } from '../../jobs/tenant-job-queue.ts';
import type { AdvisoryLock } from '../../store/advisory-lock.ts';
import { pollSecondsOf, registerConfiguredTenantsOrCarryOn, withContext, type CliContext } from '../context.ts';
import { formatTable, runLine, untilStopped } from '../output.ts';
import { printable, writeErr, writeOut } from '../terminal-text.ts';
import { pushServices } from '../push.ts';

function poolOf(context: CliContext) {
  if (context.pool === null)
    throw new Error(
      'Scale-out keeps its jobs in PostgreSQL: set DATABASE_URL=postgres://USER@HOST:5432/DATABASE for every process.',
    );
  return context.pool;
}

function stamp(): string {
  return new Date().toISOString();
}

/** The scheduler's half of the daemon: a tenant that is due goes into the queue; a reconciliation marks it for a full plan. */
function queueingDispatcher(context: CliContext, queue: TenantJobQueue): TenantDispatcher {
  return {
    mapTenants: () => context.apis().runner.mapTenants(),
    async runTenant(tenantId, { force }) {
      // A poll is expected small: the express lane; a reconciliation plans every user: the bulk lane.
      if (force) await context.store.markDirty(tenantId);
      await queue.enqueue(tenantId, force ? 'bulk' : 'express');
      return null;
    },
  };
}

/**
 * Runs the scheduler in this process as soon as no other process does: one leader at a time, chosen by a PostgreSQL
 * advisory lock held while it lives; when it dies another process takes over within `retryMs`.
 */
function scheduleWhenLeader(
  context: CliContext,
  queue: TenantJobQueue,
  options: { pollSeconds: number; reconcileHours: number },
  retryMs = 5_000,
) {
  let stopped = false;
  let daemon: Daemon | null = null;
  let push: ReturnType<typeof pushServices> | null = null;
  let lock: AdvisoryLock | null = null;
  let timer: NodeJS.Timeout | null = null;
  const later = () => {
    if (!stopped) timer = setTimeout(() => void attempt(), retryMs);
  };
  // The scheduler's connection dropped: its lock is gone and another process may lead now; this one steps down and
  // tries to lead again.
  const stepDown = (error: Error) => {
    writeErr(`${printable(`${stamp()} scheduling stopped: its database connection was lost (${error.message})`)}\n`);
    const [stoppingDaemon, stoppingPush] = [daemon, push];
    daemon = null;
    push = null;
    void Promise.all([stoppingDaemon?.stop(), stoppingPush?.stop()])
      .then(() => lock?.release())
      .then(later);
  };
  const attempt = async () => {
    if (stopped) return;
    lock = await tryBecomeScheduler(poolOf(context), stepDown).catch(() => null);
    if (lock === null) {
      later();
      return;
    }
    writeOut(
      `${stamp()} scheduling: every mapped tenant every ${options.pollSeconds} s, a full reconciliation every ${options.reconcileHours} h\n`,
    );
    // The leader keeps the subscriptions to Graph's notices too; the web processes receive the notices.
    push = pushServices(context, (tenantIds) => {
      for (const id of tenantIds) void queue.enqueue(id, 'express').catch(() => {});
    });
    if (push.publicUrl !== null) {
      await context
        .apis()
        .runner.mapTenants()
        .catch(() => {});
      push.keeper.start();
    }
    const modes = push;
    daemon = new Daemon({
      store: context.store,
      runner: queueingDispatcher(context, queue),
      pollSeconds: options.pollSeconds,
      modes: () => modes.deliveryModes(),
      reconcileHours: options.reconcileHours,
      onError: (tenantId, error) => writeErr(`${printable(`${stamp()} scheduler ${tenantId}: ${error.message}`)}\n`),
    });
    void daemon.start();
  };
  void attempt();
  return async () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    await daemon?.stop();
    await push?.stop();
    await lock?.release();
  };
}

export function registerScaleOut(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('worker')
    .description(
      'Scale-out (DATABASE_URL): take per-tenant sync jobs from the PostgreSQL queue, at most one per tenant across all workers; one worker also schedules them. Run as many as you like, on any machines.',
    )
    .option('--concurrency <n>', 'large runs (first syncs, reconciliations) at once in this worker', positiveInteger, 2)
    .option(
      '--express-concurrency <n>',
      'small runs (polls, notices: a few users) at once in this worker, beside the large ones',
      positiveInteger,
      2,
    )
    .option(
      '--job-timeout <seconds>',
      'a job running this long is taken as lost (its worker died) and run by another',
      positiveInteger,
      1800,
    )
    .option(
      '--retries <n>',
      'tries after a failed run, with exponential backoff from 2 s, before the job is listed as failed',
      nonNegativeInteger,
      8,
    )
    .option('--poll-seconds <seconds>', 'override the pollSeconds setting for the scheduler', positiveInteger)
    .option('--reconcile-hours <hours>', 'how often each tenant is planned in full', positiveInteger, 24)
    .option('--no-scheduler', 'never schedule in this process (run contactsync scheduler elsewhere)')
    .action(
      (
        options: {
          concurrency: number;
          expressConcurrency: number;
          jobTimeout: number;
          retries: number;
          pollSeconds?: number;
          reconcileHours: number;
          scheduler: boolean;
        },
        command: Command,
      ) =>
        withContext(configOf(command), async (context) => {
          const pool = poolOf(context);
          const { runner } = context.apis();
          await registerConfiguredTenantsOrCarryOn(context, (line) => writeErr(`${printable(line)}\n`));
          const queue = await TenantJobQueue.open(pool, {
            jobTimeoutSeconds: options.jobTimeout,
            retryLimit: options.retries,
            onError: (error) => context.logger.error({ error: error.message }, 'job queue'),
          });
          await queue.work(
            { bulk: options.concurrency, express: options.expressConcurrency },
            async ({ tenantId }, lane) => {
              // An express job that reads many changes hands the tenant to the bulk lane instead of holding its slot.
              const result = await runner.runTenant(
                tenantId,
                lane === 'express'
                  ? {
                      by: 'worker',
                      lane,
                      onLarge: async () => {
                        await queue.enqueue(tenantId, 'bulk');
                        return 'stop';
                      },
                    }
                  : { by: 'worker', lane },
              );
              await context.metrics.flush().catch(() => {});
              const name = async () => (await context.store.getTenant(tenantId))?.displayName ?? tenantId;
              if (result.status === 'deferred')
                writeOut(
                  runLine(
                    await name(),
                    { ...result, error: 'many changes: handed to the queue of large runs' },
                    context.targets,
                  ),
                );
              else if (result.status !== 'unchanged') writeOut(runLine(await name(), result, context.targets));
              // Another process holds the tenant: the job waits for it, and is not a failure.
              if (result.status === 'busy') return { deferred: result.error ?? 'the tenant is busy' };
              // A failed run fails the job: pg-boss tries it again with backoff, and keeps it among the failed jobs at the end.
              if (result.status === 'failed') throw new Error(result.error ?? 'the run failed');
              return undefined;
            },
          );
          const stopScheduling = options.scheduler
            ? scheduleWhenLeader(context, queue, {
                pollSeconds: pollSecondsOf(context, options.pollSeconds),
                reconcileHours: options.reconcileHours,
              })
            : async () => {};
          writeOut(
            `${stamp()} worker ${process.pid}: up to ${options.concurrency} large and ${options.expressConcurrency} small run${options.expressConcurrency === 1 ? '' : 's'} at once, on ${context.databaseLocation}. SIGTERM or Ctrl-C stops after the jobs in flight.\n`,
          );
          const stopAlerts = startAlertTimer(context.alerts);
          await untilStopped();
          stopAlerts();
          await stopScheduling();
          await queue.stop();
          writeOut('Stopped.\n');
        }),
    );

  cli
    .command('scheduler')
    .description(
      'Scale-out (DATABASE_URL): only schedule the per-tenant jobs (every pollSeconds, and a daily full reconciliation); one scheduler leads at a time, the others wait to take over.',
    )
    .option('--poll-seconds <seconds>', 'override the pollSeconds setting', positiveInteger)
    .option('--reconcile-hours <hours>', 'how often each tenant is planned in full', positiveInteger, 24)
    .action((options: { pollSeconds?: number; reconcileHours: number }, command: Command) =>
      withContext(configOf(command), async (context) => {
        const queue = await TenantJobQueue.open(poolOf(context), {
          onError: (error) => context.logger.error({ error: error.message }, 'job queue'),
        });
        await registerConfiguredTenantsOrCarryOn(context, (line) => writeErr(`${printable(line)}\n`));
        const stop = scheduleWhenLeader(context, queue, {
          pollSeconds: pollSecondsOf(context, options.pollSeconds),
          reconcileHours: options.reconcileHours,
        });
        writeOut(`${stamp()} scheduler ${process.pid} started; it schedules while it leads.\n`);
        await untilStopped();
        await stop();
        await queue.stop();
        writeOut('Stopped.\n');
      }),
    );

  cli
    .command('jobs')
    .description('Scale-out: the queue of sync jobs by state, and the jobs that failed for good with why.')
    .option('--json', 'as JSON')
    .action((options: { json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async (context) => {
          const queue = await TenantJobQueue.open(poolOf(context));
          try {
            const { counts, failed } = await queue.snapshot();
            if (options.json === true) {
              writeOut(`${JSON.stringify({ counts, failed })}\n`);
              return;
            }
            const names = new Map((await context.store.listTenants()).map((t) => [t.id, t.displayName]));
            writeOut(`Jobs: ${counts.map((c) => `${c.state} ${c.n}`).join(', ') || 'none yet'}\n`);
            writeOut(
              failed.length === 0
                ? 'No failed jobs.\n'
                : `${formatTable(
                    ['failed', 'tenant', 'retries', 'why'],
                    failed.map((f) => [f.failedAt, names.get(f.tenantId) ?? f.tenantId, String(f.retries), f.error]),
                  )}\n`,
            );
          } finally {
            await queue.stop();
          }
        },
        { requireSecrets: false },
      ),
    );
}
