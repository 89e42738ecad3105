import type { Plan } from '../domain/plan.ts';
import type { UserResult } from '../domain/user-result.ts';

/** `busy`: another run holds the tenant; this one wrote nothing (the error says who holds it). */
export type TenantRunStatus = 'ok' | 'needs approval' | 'failed' | 'unmapped' | 'unchanged' | 'busy' | 'deferred';

export interface TenantRunResult {
  readonly tenantId: string;
  readonly status: TenantRunStatus;
  readonly runId: string | null;
  /** the plan, when one was made (a dry run stops there) */
  readonly plan: Plan | null;
  readonly users: readonly UserResult[];
  readonly counts: Readonly<Record<string, number>>;
  readonly error: string | null;
}

/** A run that ends before it looks at contacts: nothing planned, nothing written. */
export function runWithoutPlan(
  tenantId: string,
  status: TenantRunStatus,
  fields: {
    readonly counts?: Readonly<Record<string, number>>;
    readonly error?: string;
    readonly runId?: string | null;
  } = {},
): TenantRunResult {
  return {
    tenantId,
    status,
    runId: fields.runId ?? null,
    plan: null,
    users: [],
    counts: fields.counts ?? {},
    error: fields.error ?? null,
  };
}

/** The steps of Sync now, each reported as it ends. */
export type SyncStep = 'read' | 'scope' | 'match' | 'plan' | 'apply';

/** Sync now was asked for a user that Microsoft 365 does not have (nor had, at the last read). */
export class UnknownUserError extends Error {
  readonly code = 'NotFound';
}
