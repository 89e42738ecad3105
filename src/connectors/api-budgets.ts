import { BMS_ENDPOINT_BUDGET } from './bms/bms-psa.ts';
import { GRAPH_TENANT_BUDGET } from './graph/graph-directory.ts';
import { SlidingWindowBudget, type BudgetLimit } from './http/request-budget.ts';
import { ITGLUE_BUDGET } from './itglue/itglue-doc-store.ts';

/** Each API's documented limit, by the prefix of the budget keys its connector uses. */
const LIMITS: Readonly<Record<string, BudgetLimit>> = {
  graph: GRAPH_TENANT_BUDGET,
  itglue: ITGLUE_BUDGET,
  bms: BMS_ENDPOINT_BUDGET,
};

/** A budget for the three APIs in one process, each at its documented limit unless `overrides` says otherwise. */
export function createApiBudget(overrides: Partial<Record<'graph' | 'itglue' | 'bms', BudgetLimit>> = {}): SlidingWindowBudget {
  const limits: Record<string, BudgetLimit> = { ...LIMITS, ...overrides };
  return new SlidingWindowBudget((key) => limits[key.slice(0, key.indexOf(':'))] ?? null);
}
