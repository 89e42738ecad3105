import type { DirectoryUser } from '../domain/directory-user.ts';
import type { DirectoryChanges } from '../domain/ports.ts';
import { isSmallRun, markLargeRun } from '../connectors/http/run-priority.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { UserResult } from '../domain/user-result.ts';
import type { TenantLease } from '../store/tenant-locks.ts';
import { countRun, countSamples, quietCounts } from '../sync/run-counts.ts';
import { applyActions, readAndPlan, readTargetsPhase, type PlannedTenant, type RunContext } from './pipeline.ts';
import { settingsOf } from './tenant-state.ts';
import { isMapped, unmappedMessage } from './tenant-mapped.ts';
import { recordFailure, recordOutcome } from './record-outcome.ts';
import type { RunOptions } from './run-options.ts';
import { runWithoutPlan, type TenantRunResult, type TenantRunStatus } from './run-result.ts';
import { disputesOf, plannedResult } from './user-results.ts';

/** A read with more changed users than this makes a large run (a backfill), which yields to small ones. */
const SMALL_RUN_USERS = 25;

/** Applies a delta round to the snapshot it was taken against. */
function mergeChanges(snapshot: readonly DirectoryUser[], changes: DirectoryChanges): DirectoryUser[] {
  if (changes.kind === 'full') return [...changes.users];
  const users = new Map(snapshot.map((user) => [user.id, user]));
  for (const removed of changes.removed) users.delete(removed.id);
  for (const user of changes.changed) users.set(user.id, user);
  return [...users.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A dry run's result: the plan, and the writes it would make as results. */
async function dryRunResult(context: RunContext, planned: PlannedTenant): Promise<TenantRunResult> {
  const { tenant, plan } = planned;
  const users = plan.actions.map((action) => plannedResult(action, planned.named));
  return {
    tenantId: tenant.id,
    status: plan.status === 'needs approval' ? 'needs approval' : 'ok',
    runId: null,
    plan,
    users,
    counts: countRun(users, await context.deps.store.openUsers(tenant.id), context.deps.targets),
    error: null,
  };
}

/** A change seen by a delta round happened after the previous read: the time since then bounds its latency. */
function observeLatency(
  context: RunContext,
  changes: DirectoryChanges,
  previousRead: string | null,
  results: readonly UserResult[],
): void {
  const { metrics, targets } = context.deps;
  if (changes.kind !== 'delta' || previousRead === null || targets.psa === null) return;
  const seconds = (Date.now() - Date.parse(previousRead)) / 1000;
  for (const result of results)
    if (result.psa === 'created' || result.psa === 'updated')
      metrics?.observe(`contactsync_change_to_${targets.psa.id}_seconds`, seconds);
}

/**
 * One run of a tenant: read the directory's changes → read the tenant's state → plan → (unless a dry run) apply →
 * record the outcome. A poll that finds nothing is counted, not run; a large run an express caller does not take on
 * is deferred. The checkpoint (the delta link) is saved only with the outcome of a run that applied what it read.
 */
export async function runTenantOnce(
  context: RunContext,
  tenantId: string,
  options: RunOptions,
  lease: TenantLease | null,
): Promise<TenantRunResult> {
  const { store, directory, metrics, alerts, targets } = context.deps;
  const tenant = await store.getTenant(tenantId);
  if (tenant === null) throw new Error(`No tenant ${tenantId}: add or discover it first.`);
  const phase = (name: string) => options.onPhase?.(tenantId, name);
  if (!isMapped(tenant, targets)) {
    await store.setTenantStatus(tenantId, 'unmapped');
    return runWithoutPlan(tenantId, 'unmapped', { error: unmappedMessage(tenant) });
  }
  const dryRun = options.dryRun === true;
  let runId: string | null = null;
  try {
    const settings = await settingsOf(store, tenant);
    const previousRead = await store.lastReadAt(tenantId);
    phase('read');
    const changes = await directory.readChanges(tenantId, await store.deltaLink(tenantId));
    const nothingChanged = changes.kind === 'delta' && changes.changed.length === 0 && changes.removed.length === 0;
    if (nothingChanged && !tenant.dirty && !options.force && !dryRun) {
      // A poll that finds nothing is counted, not written as a run: the runs are the ones that looked at contacts.
      await store.saveDirectory(tenantId, changes);
      metrics?.increment('contactsync_quiet_polls_total');
      const open = await store.openUsers(tenantId);
      const counts = quietCounts({ held: open.held.size, disputed: open.disputed.size });
      return runWithoutPlan(tenantId, 'unchanged', { counts });
    }
    const large =
      changes.kind === 'full' ||
      tenant.dirty ||
      options.force === true ||
      changes.changed.length + changes.removed.length > SMALL_RUN_USERS;
    if (large && isSmallRun() && !dryRun) {
      // Nothing applied, and the delta link not kept: the large run reads the same changes again.
      if ((await options.onLarge?.()) === 'stop') return runWithoutPlan(tenantId, 'deferred');
      markLargeRun();
    }
    if (!dryRun) runId = await store.startRun(tenantId);
    const snapshot = changes.kind === 'full' ? [] : await store.loadUsers(tenantId);
    const planned = await readAndPlan(context, tenant, mergeChanges(snapshot, changes), {
      settings,
      recover: !dryRun,
      onTargets: () => phase(readTargetsPhase(targets)),
      onPlan: () => phase('plan'),
    });
    if (dryRun) return await dryRunResult(context, planned);
    phase('apply');
    const results = await applyActions(context, planned, planned.plan.actions, {
      runId: runId!,
      lease: lease!,
      onProgress: (done, total) => options.onProgress?.(tenantId, done, total),
    });
    observeLatency(context, changes, previousRead, results);
    const { plan, input } = planned;
    const status: TenantRunStatus = plan.status === 'needs approval' ? 'needs approval' : 'ok';
    const counts = await recordOutcome(store, targets, {
      tenantId,
      runId: runId!,
      status,
      results,
      disputes: disputesOf(plan, input),
      changes,
      approvalUsed: tenant.approveInactivations && plan.guard.inactivations > 0,
    });
    for (const sample of countSamples(counts, targets))
      metrics?.increment('contactsync_sync_results_total', sample.labels, sample.n);
    await alerts?.record(tenant, { status, runId, users: results, error: null, complete: true });
    phase('done');
    return { tenantId, status, runId, plan, users: results, counts, error: null };
  } catch (error) {
    return failedRun(context, tenant, runId, (error as Error).message, dryRun);
  }
}

async function failedRun(
  context: RunContext,
  tenant: TenantRecord,
  runId: string | null,
  error: string,
  dryRun: boolean,
): Promise<TenantRunResult> {
  const { store, alerts, log } = context.deps;
  log?.('error', 'tenant run failed', { tenantId: tenant.id, error });
  const failed = await recordFailure(store, { tenantId: tenant.id, runId, error, dryRun });
  await alerts?.record(tenant, { status: 'failed', runId, users: [], error, complete: false });
  return runWithoutPlan(tenant.id, 'failed', { runId: failed, error });
}
