import { GRAPH_TENANT_BUDGET } from './graph/graph-directory.ts';
import type pg from 'pg';
import { SharedWindowBudget } from './http/shared-budget.ts';
import { SlidingWindowBudget, type BudgetLimit, type RequestBudget } from './http/request-budget.ts';
import { TARGETS } from './registry.ts';
import type { TargetId } from '../domain/target-profile.ts';

/** An API contactsync spends a budget of: Microsoft Graph, or a target (by its id). */
export type Api = 'graph' | TargetId;

/** Each API's documented limit and default share, by the prefix of the budget keys its connector uses. */
const DOCUMENTED: ReadonlyMap<Api, BudgetLimit & { readonly defaultShare: number }> = new Map([
  ['graph', { ...GRAPH_TENANT_BUDGET, defaultShare: 1 }],
  ...TARGETS.map((target) => [target.id, target.budget] as const),
]);

/** A limit of the config: a limit of its own, or a share (0 to 1) of the documented one. */
export type ApiLimitSetting = BudgetLimit | { readonly share: number };

/** The limit contactsync keeps to for one API: the setting's, else its default share of the documented limit. */
export function apiLimitOf(api: Api, setting?: ApiLimitSetting): BudgetLimit {
  if (setting !== undefined && !('share' in setting)) return setting;
  const documented = DOCUMENTED.get(api);
  if (documented === undefined) throw new Error(`no API named ${api} has a budget`);
  const share = setting?.share ?? documented.defaultShare;
  return { limit: Math.max(1, Math.floor(documented.limit * share)), windowMs: documented.windowMs };
}

/** A budget for Graph and every target's API in one process, each at its default share unless `overrides` says otherwise. */
export function createApiBudget(
  overrides: Partial<Record<Api, ApiLimitSetting>> = {},
  shared: pg.Pool | null = null,
): RequestBudget {
  const limits: Record<string, BudgetLimit> = Object.fromEntries(
    [...DOCUMENTED.keys()].map((api) => [api, apiLimitOf(api, overrides[api])]),
  );
  const limitOf = (key: string) => limits[key.slice(0, key.indexOf(':'))] ?? null;
  // With PostgreSQL, every process spends from one budget per credential.
  return shared === null ? new SlidingWindowBudget(limitOf) : new SharedWindowBudget(shared, limitOf);
}
