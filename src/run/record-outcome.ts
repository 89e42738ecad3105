import type { DirectoryChanges } from '../domain/ports.ts';
import type { StateStore, UserResult } from '../store/state-store.ts';
import { countRun, type RunCounts } from '../sync/run-counts.ts';
import type { TenantRunStatus } from './run-result.ts';
import type { Dispute } from './user-results.ts';

/** What a run that applied its plan leaves: recorded together, or not at all. */
export interface RunOutcome {
  readonly tenantId: string;
  readonly runId: string;
  readonly status: TenantRunStatus;
  readonly results: readonly UserResult[];
  readonly disputes: readonly Dispute[];
  /** what the directory reported: kept, with the link to read from next, once the run applied it */
  readonly changes: DirectoryChanges;
  /** the run used an approval of inactivations, which covers only the ones it was given for */
  readonly approvalUsed: boolean;
}

/**
 * Records the outcome of a run: its users' results, the disputes it found, the tenant's status and the directory's
 * checkpoint, and the run's end with its figures. Returns the figures (counted against what was open before).
 */
export async function recordOutcome(store: StateStore, outcome: RunOutcome): Promise<RunCounts> {
  const { tenantId, runId, status } = outcome;
  const before = await store.openUsers(tenantId);
  const counts = countRun(outcome.results, before);
  await store.saveResults(runId, tenantId, outcome.results);
  await store.syncConflicts(tenantId, outcome.disputes);
  await store.setTenantStatus(tenantId, status);
  if (outcome.approvalUsed) await store.setApproval(tenantId, false);
  await store.saveDirectory(tenantId, outcome.changes);
  await store.markDirty(tenantId, false);
  await store.finishRun(runId, counts.failed! > 0 ? 'failed-users' : status, counts);
  return counts;
}

/**
 * Records a run that failed: the run ends failed, and so does the tenant. A run that failed before it started (before
 * it looked at contacts) is recorded all the same, unless it was a dry run: the failure is news.
 */
export async function recordFailure(
  store: StateStore,
  failed: {
    readonly tenantId: string;
    readonly runId: string | null;
    readonly error: string;
    readonly dryRun: boolean;
  },
): Promise<string | null> {
  const { tenantId, runId, error } = failed;
  const failedRun = runId ?? (failed.dryRun ? null : await store.startRun(tenantId).catch(() => null));
  if (failedRun !== null) await store.finishRun(failedRun, 'failed', {}, error);
  await store.setTenantStatus(tenantId, 'failed');
  return failedRun;
}
