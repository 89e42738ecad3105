import { runAs } from '../connectors/http/run-priority.ts';
import type { UserResult } from '../domain/user-result.ts';
import { TenantBusyError } from '../store/tenant-locks.ts';
import { mapTenants } from './map-tenants.ts';
import type { RunContext } from './pipeline.ts';
import type { RunnerDependencies } from './run-dependencies.ts';
import type { LockOptions, RunOptions } from './run-options.ts';
import { runWithoutPlan, type SyncStep, type TenantRunResult } from './run-result.ts';
import { syncUserNow } from './sync-now.ts';
import { TargetLists } from './target-lists.ts';
import { holdingTenant } from './tenant-lock.ts';
import { runTenantOnce } from './tenant-run.ts';

/**
 * Runs tenants, whoever asks (CLI, web, REST, daemon, worker): each run holds its tenant's lock, goes read → plan →
 * apply → record (see `runTenantOnce`; Sync now is the same pipeline for one user), and the alerts that are due are
 * sent after it, outside the tenant's turn.
 */
export class SyncRunner {
  private readonly context: RunContext;

  constructor(private readonly deps: RunnerDependencies) {
    this.context = { deps, lists: new TargetLists() };
  }

  /** Maps the unmapped tenants by name (see `mapTenants`). */
  mapTenants(): Promise<void> {
    return mapTenants(this.deps);
  }

  /** Sync now of one user (see `syncUserNow`), holding the tenant's lock. */
  async runUser(
    tenantId: string,
    userId: string,
    onStep: (step: SyncStep, detail: string) => void,
    options: LockOptions = {},
  ): Promise<UserResult> {
    const result = await holdingTenant(this.deps, tenantId, options, (lease) =>
      runAs(true, () => syncUserNow(this.context, tenantId, userId, onStep, lease)),
    );
    await this.sendAlerts();
    return result;
  }

  /**
   * One tenant: read, plan and (unless a dry run) apply, holding the tenant's lock. When another run holds it (and does
   * not end within `waitSeconds`), nothing is done and the result is `busy`, its error naming the holder.
   */
  async runTenant(tenantId: string, options: RunOptions = {}): Promise<TenantRunResult> {
    const result = await this.runTenantLocked(tenantId, options);
    if (!options.dryRun && result.status !== 'busy') await this.sendAlerts();
    return result;
  }

  /** Every tenant, one after another. */
  async runAll(options: RunOptions = {}): Promise<TenantRunResult[]> {
    const results: TenantRunResult[] = [];
    // One round of alerts after every tenant ran: a full sync's items of one kind go out in one message.
    for (const tenant of await this.deps.store.listTenants())
      results.push(await this.runTenantLocked(tenant.id, options));
    if (!options.dryRun) await this.sendAlerts();
    return results;
  }

  private async runTenantLocked(tenantId: string, options: RunOptions): Promise<TenantRunResult> {
    // A dry run writes nothing: it needs no lock, and runs beside a sync.
    if (options.dryRun === true) return runTenantOnce(this.context, tenantId, options, null);
    try {
      return await holdingTenant(this.deps, tenantId, options, (lease) =>
        runAs(options.lane === 'express', () => runTenantOnce(this.context, tenantId, options, lease)),
      );
    } catch (error) {
      if (!(error instanceof TenantBusyError)) throw error;
      return runWithoutPlan(tenantId, 'busy', { error: error.message });
    }
  }

  /** Sends the alerts that are due, outside any tenant's turn; an alert problem never fails a sync. */
  private async sendAlerts(): Promise<void> {
    await this.deps.alerts?.dispatch().catch((error: unknown) => {
      this.deps.log?.('error', 'alerts: sending failed', { error: (error as Error).message });
    });
  }
}
