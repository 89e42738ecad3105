import type { DirectoryChanges } from '../domain/ports.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { UserResult } from '../domain/user-result.ts';
import type { StateStore } from '../store/state-store.ts';
import { countRun, type RunCounts } from '../sync/run-counts.ts';
import type { TenantRunStatus } from './run-result.ts';
import type { Dispute } from './user-results.ts';

/** What a run that applied its plan leaves: recorded together, or not at all. */
interface RunOutcome {
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
 * Records the outcome of a run in one transaction: its users' results, the disputes it found, the tenant's status,
 * approval and checkpoint, and the run's end with its figures. All of it is kept, or none: a run cut off while
 * recording stays unfinished, and its next run reads the same changes again. (The links are kept by the apply step,
 * each with the journal record of its write.) Returns the figures, counted against what was open before the run.
 */
export function recordOutcome(store: StateStore, targets: Targets, outcome: RunOutcome): Promise<RunCounts> {
  const { tenantId, runId, status } = outcome;
  return store.transaction(async (tx) => {
    const counts = countRun(outcome.results, await tx.openUsers(tenantId), targets);
    await tx.saveResults(runId, tenantId, outcome.results);
    await tx.syncConflicts(tenantId, outcome.disputes);
    await tx.setTenantStatus(tenantId, status);
    if (outcome.approvalUsed) await tx.setApproval(tenantId, false);
    await tx.saveDirectory(tenantId, outcome.changes);
    await tx.markDirty(tenantId, false);
    await tx.finishRun(runId, counts.failed! > 0 ? 'failed-users' : status, counts);
    return counts;
  });
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
  return store.transaction(async (tx) => {
    const failedRun = runId ?? (failed.dryRun ? null : await tx.startRun(tenantId));
    if (failedRun !== null) await tx.finishRun(failedRun, 'failed', {}, error);
    await tx.setTenantStatus(tenantId, 'failed');
    return failedRun;
  });
}
