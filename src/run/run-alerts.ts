import type { TenantRecord } from '../domain/tenant-record.ts';
import type { UserResult } from '../domain/user-result.ts';

/** What a finished tenant run tells the alerts (a TenantRunResult, or the result of one user's Sync now). */
export interface RunFacts {
  readonly status: string;
  readonly runId: string | null;
  readonly users: readonly UserResult[];
  readonly error: string | null;
  /** the whole tenant was planned: held contacts, conflicts and halts are known as they are now */
  readonly complete: boolean;
}

/** The alerts' side of a run: what it left waiting is recorded inside the run, and sent after it, outside its turn. */
export interface RunAlerts {
  record(tenant: TenantRecord, facts: RunFacts): Promise<void>;
  dispatch(): Promise<unknown>;
}
