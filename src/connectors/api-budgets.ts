import { BMS_ENDPOINT_BUDGET } from './bms/bms-psa.ts';
import { GRAPH_TENANT_BUDGET } from './graph/graph-directory.ts';
import type pg from 'pg';
import { SharedWindowBudget } from './http/shared-budget.ts';
import { SlidingWindowBudget, type BudgetLimit, type RequestBudget } from './http/request-budget.ts';
import { ITGLUE_BUDGET } from './itglue/itglue-doc-store.ts';

/** Each API's documented limit, by the prefix of the budget keys its connector uses. */
const LIMITS: Readonly<Record<string, BudgetLimit>> = {
  graph: GRAPH_TENANT_BUDGET,
  itglue: ITGLUE_BUDGET,
  bms: BMS_ENDPOINT_BUDGET,
};

/** A budget for the three APIs in one process, each at its documented limit unless `overrides` says otherwise. */
export function createApiBudget(
  overrides: Partial<Record<'graph' | 'itglue' | 'bms', BudgetLimit>> = {},
  shared: pg.Pool | null = null,
): RequestBudget {
  const limits: Record<string, BudgetLimit> = { ...LIMITS, ...overrides };
  const limitOf = (key: string) => limits[key.slice(0, key.indexOf(':'))] ?? null;
  // With PostgreSQL, every process spends from one budget per credential.
  return shared === null ? new SlidingWindowBudget(limitOf) : new SharedWindowBudget(shared, limitOf);
}
