import type pg from 'pg';
import { budgetCaps, type BudgetLimit, type RequestBudget } from './request-budget.ts';
import { SharedInFlightSlots } from './shared-in-flight-slots.ts';
import { isSmallRun } from './run-priority.ts';

/**
 * A request budget shared by every worker, kept in PostgreSQL, so that N workers together stay inside each API's
 * limit. Each take is one call of `contactsync_budget_take` (migration 0007), which under a per-key lock sums what was
 * spent in the last 101 hundredths of the window: any window of the API meets at most those, so it never holds more
 * than the limit, and a long backlog uses 99% of it. Large runs leave `SMALL_RUN_RESERVE` of it to small runs; the
 * function answers how long to wait when there is no room, from the database's clock, the same for every machine.
 */
export class SharedWindowBudget implements RequestBudget {
  readonly slots: SharedInFlightSlots;

  constructor(
    private readonly pool: pg.Pool,
    readonly limitOf: (key: string) => BudgetLimit | null,
    private readonly margin = 0.02,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    // Caps on requests in flight hold across workers as the budget does.
    this.slots = new SharedInFlightSlots(pool);
  }

  async acquire(key: string, cost = 1): Promise<void> {
    const limit = this.limitOf(key);
    if (limit === null) return;
    const caps = budgetCaps(limit, this.margin);
    const small = isSmallRun();
    for (;;) {
      const { rows } = await this.pool.query<{ wait: string }>(
        'SELECT contactsync_budget_take($1, $2, $3, $4, $5, $6) AS wait',
        [key, limit.windowMs, caps.all, caps.large, cost, small],
      );
      const waitMs = Number(rows[0]?.wait ?? 1);
      if (waitMs === 0) return;
      // A little jitter, so that waiting workers do not all ask at the same moment.
      await this.sleep(waitMs + Math.floor(Math.random() * Math.min(25, 1 + waitMs / 10)));
    }
  }
}
