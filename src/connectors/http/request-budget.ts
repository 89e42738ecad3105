/**
 * Keeps a client inside an API's rate limit by waiting before a request rather than being refused after it.
 * Implementations: in one process (`SlidingWindowBudget`); shared by workers on PostgreSQL (scale-out).
 */
export interface RequestBudget {
  /** Resolves when `cost` units may be spent under `key` without going over the limit. */
  acquire(key: string, cost?: number): Promise<void>;
}

export interface BudgetLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/**
 * At most `limit` units in any window of `windowMs` (a sliding log), so that neither a fixed nor a sliding window on
 * the server side is ever exceeded. `margin` keeps a few units spare for clock differences.
 */
export class SlidingWindowBudget implements RequestBudget {
  private readonly spent = new Map<string, { at: number; cost: number }[]>();

  constructor(
    private readonly limitOf: (key: string) => BudgetLimit | null,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly margin = 0.02,
  ) {}

  async acquire(key: string, cost = 1): Promise<void> {
    const limit = this.limitOf(key);
    if (limit === null) return;
    const allowed = Math.max(1, Math.floor(limit.limit * (1 - this.margin)));
    let log = this.spent.get(key);
    if (log === undefined) {
      log = [];
      this.spent.set(key, log);
    }
    for (;;) {
      const now = this.now();
      while (log.length > 0 && log[0]!.at <= now - limit.windowMs) log.shift();
      const used = log.reduce((sum, entry) => sum + entry.cost, 0);
      if (used + cost <= allowed) {
        log.push({ at: now, cost });
        return;
      }
      // Wait until enough of the oldest spending leaves the window.
      let freed = 0;
      let until = now;
      for (const entry of log) {
        freed += entry.cost;
        until = entry.at + limit.windowMs;
        if (used - freed + cost <= allowed) break;
      }
      await this.sleep(Math.max(1, until - now));
    }
  }
}

/** No limit: for tests and for APIs whose limit is enforced elsewhere. */
export const UNLIMITED_BUDGET: RequestBudget = { acquire: async () => {} };
