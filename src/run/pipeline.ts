import type { DirectoryUser } from '../domain/directory-user.ts';
import type { Plan, PlannedAction } from '../domain/plan.ts';
import type { Settings } from '../domain/settings.ts';
import { presentTargets, type Targets } from '../domain/target-profile.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { UserResult } from '../domain/user-result.ts';
import type { TenantLease } from '../store/tenant-locks.ts';
import { applyPlan } from '../sync/apply.ts';
import type { TenantSyncInput } from '../sync/plan.ts';
import { leasedWrites } from './leased-writes.ts';
import { planTenant } from './plan-tenant.ts';
import type { RunnerDependencies } from './run-dependencies.ts';
import type { TargetLists } from './target-lists.ts';
import { readTenantState } from './tenant-state.ts';
import { resultNames, toResult, type ResultNames } from './user-results.ts';

/** What every run of the process shares: its dependencies, and the targets' lists read once. */
export interface RunContext {
  readonly deps: RunnerDependencies;
  readonly lists: TargetLists;
}

/** A tenant's state read and planned: what the apply step and the record of the outcome work from. */
export interface PlannedTenant {
  readonly tenant: TenantRecord;
  readonly input: TenantSyncInput;
  readonly plan: Plan;
  readonly named: ResultNames;
}

/** "read" and the names of the targets present: the phase that reads them. */
export function readTargetsPhase(targets: Targets): string {
  return `read ${presentTargets(targets)
    .map((target) => target.words.name)
    .join(' and ')}`;
}

/** Read → plan: the tenant's state with `users` as the directory has them now, and the plan made from it. */
export async function readAndPlan(
  context: RunContext,
  tenant: TenantRecord,
  users: readonly DirectoryUser[],
  options: {
    readonly settings: Settings;
    readonly recover: boolean;
    readonly onTargets?: () => void;
    readonly onPlan?: () => void;
  },
): Promise<PlannedTenant> {
  const { deps, lists } = context;
  const input = await readTenantState(deps, lists, tenant, {
    users,
    settings: options.settings,
    recover: options.recover,
    ...(options.onTargets === undefined ? {} : { onTargets: options.onTargets }),
  });
  options.onPlan?.();
  const plan = await planTenant(input, deps.psa);
  return { tenant, input, plan, named: resultNames(input) };
}

/**
 * Apply: writes `actions` to the targets under the run's lease, journalled under `runId`. Writes stop when the lease
 * is lost, and the run fails: its next run (holding the lock) finishes it from the journal.
 */
export async function applyActions(
  context: RunContext,
  planned: PlannedTenant,
  actions: readonly PlannedAction[],
  run: {
    readonly runId: string;
    readonly lease: TenantLease;
    readonly onProgress?: (done: number, total: number) => void;
  },
): Promise<UserResult[]> {
  const { deps } = context;
  const { tenant, input } = planned;
  const applied = await applyPlan(actions, {
    tenantId: tenant.id,
    runId: run.runId,
    organizationId: tenant.docCustomerId ?? '',
    accountId: tenant.psaCustomerId,
    store: deps.store,
    targets: deps.targets,
    ...leasedWrites(run.lease, deps),
    links: new Map(input.links.map((link) => [link.userId, link])),
    ...(run.onProgress === undefined ? {} : { onProgress: run.onProgress }),
  });
  const lost = run.lease.lost();
  if (lost !== null) throw lost;
  return applied.map((one) => toResult(one, planned.named));
}
