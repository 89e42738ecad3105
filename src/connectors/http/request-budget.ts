import { LocalInFlightSlots, type InFlightSlots } from './in-flight-slots.ts';
import { isSmallRun } from './run-priority.ts';

/**
 * Keeps a client inside an API's rate limit by waiting before a request rather than being refused after it.
 * Implementations: in one process (`SlidingWindowBudget`); shared by workers on PostgreSQL (scale-out).
 */
export interface RequestBudget {
  /** Resolves when `cost` units may be spent under `key` without going over the limit. */
  acquire(key: string, cost?: number): Promise<void>;
  /** the limit kept under `key`, or null when none is */
  limitOf?(key: string): BudgetLimit | null;
  /** caps on requests in flight, shared as widely as the budget is (the process, or every worker) */
  readonly slots?: InFlightSlots;
}

export interface BudgetLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** The share of each budget that large runs leave to small ones (a new hire, Sync now, a runbook). */
export const SMALL_RUN_RESERVE = 0.03;

/** Units a large run may hold in a window of a limit, and units all runs may: the rest is kept for small runs. */
export function budgetCaps(
  limit: BudgetLimit,
  margin: number,
  reserve = SMALL_RUN_RESERVE,
): { all: number; large: number } {
  const all = Math.max(1, Math.floor(limit.limit * (1 - margin)));
  return { all, large: Math.max(1, Math.floor(all * (1 - reserve))) };
}

/**
 * At most `limit` units in any window of `windowMs` (a sliding log), so that neither a fixed nor a sliding window on
 * the server side is ever exceeded. `margin` keeps a few units spare for clock differences. Large runs may spend all
 * but `SMALL_RUN_RESERVE` of it, and wait while a small run waits, so that a small run gets its units at once.
 */
export class SlidingWindowBudget implements RequestBudget {
  private readonly spent = new Map<string, { at: number; cost: number }[]>();
  private readonly smallWaiting = new Map<string, number>();
  readonly slots: InFlightSlots = new LocalInFlightSlots();

  constructor(
    readonly limitOf: (key: string) => BudgetLimit | null,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly margin = 0.02,
  ) {}

  async acquire(key: string, cost = 1): Promise<void> {
    const limit = this.limitOf(key);
    if (limit === null) return;
    const caps = budgetCaps(limit, this.margin);
    const small = isSmallRun();
    const cap = small ? caps.all : caps.large;
    let log = this.spent.get(key);
    if (log === undefined) {
      log = [];
      this.spent.set(key, log);
    }
    let waiting = false;
    try {
      for (;;) {
        const now = this.now();
        while (log.length > 0 && log[0]!.at <= now - limit.windowMs) log.shift();
        const used = log.reduce((sum, entry) => sum + entry.cost, 0);
        const behindSmall = !small && (this.smallWaiting.get(key) ?? 0) > 0;
        if (!behindSmall && used + cost <= cap) {
          log.push({ at: now, cost });
          return;
        }
        if (small && !waiting) {
          waiting = true;
          this.smallWaiting.set(key, (this.smallWaiting.get(key) ?? 0) + 1);
        }
        // Wait until enough of the oldest spending leaves the window.
        let freed = 0;
        let until = now;
        for (const entry of log) {
          freed += entry.cost;
          until = entry.at + limit.windowMs;
          if (used - freed + cost <= cap) break;
        }
        await this.sleep(Math.max(1, behindSmall && used + cost <= cap ? 5 : until - now));
      }
    } finally {
      if (waiting) this.smallWaiting.set(key, this.smallWaiting.get(key)! - 1);
    }
  }
}

/** No limit: for tests and for APIs whose limit is enforced elsewhere. */
export const UNLIMITED_BUDGET: RequestBudget = { acquire: async () => {} };
