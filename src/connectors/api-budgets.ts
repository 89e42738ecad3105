import { BMS_ENDPOINT_BUDGET } from './bms/bms-psa.ts';
import { GRAPH_TENANT_BUDGET } from './graph/graph-directory.ts';
import type pg from 'pg';
import { SharedWindowBudget } from './http/shared-budget.ts';
import { SlidingWindowBudget, type BudgetLimit, type RequestBudget } from './http/request-budget.ts';
import { ITGLUE_ACCOUNT_LIMIT, ITGLUE_DEFAULT_SHARE } from './itglue/itglue-doc-store.ts';

export type Api = 'graph' | 'itglue' | 'bms';

/** Each API's documented limit, by the prefix of the budget keys its connector uses. */
const DOCUMENTED: Readonly<Record<Api, BudgetLimit>> = {
  graph: GRAPH_TENANT_BUDGET,
  itglue: ITGLUE_ACCOUNT_LIMIT,
  bms: BMS_ENDPOINT_BUDGET,
};

/** The share of each documented limit spent unless the config says otherwise (IT Glue's account is shared). */
const DEFAULT_SHARES: Readonly<Record<Api, number>> = { graph: 1, itglue: ITGLUE_DEFAULT_SHARE, bms: 1 };

/** A limit of the config: a limit of its own, or a share (0 to 1) of the documented one. */
export type ApiLimitSetting = BudgetLimit | { readonly share: number };

/** The limit contactsync keeps to for one API: the setting's, else its default share of the documented limit. */
export function apiLimitOf(api: Api, setting?: ApiLimitSetting): BudgetLimit {
  if (setting !== undefined && !('share' in setting)) return setting;
  const share = setting?.share ?? DEFAULT_SHARES[api];
  return { limit: Math.max(1, Math.floor(DOCUMENTED[api].limit * share)), windowMs: DOCUMENTED[api].windowMs };
}

/** A budget for the three APIs in one process, each at its default share unless `overrides` says otherwise. */
export function createApiBudget(
  overrides: Partial<Record<Api, ApiLimitSetting>> = {},
  shared: pg.Pool | null = null,
): RequestBudget {
  const limits: Record<string, BudgetLimit> = Object.fromEntries(
    (Object.keys(DOCUMENTED) as Api[]).map((api) => [api, apiLimitOf(api, overrides[api])]),
  );
  const limitOf = (key: string) => limits[key.slice(0, key.indexOf(':'))] ?? null;
  // With PostgreSQL, every process spends from one budget per credential.
  return shared === null ? new SlidingWindowBudget(limitOf) : new SharedWindowBudget(shared, limitOf);
}
