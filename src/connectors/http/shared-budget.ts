import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { BudgetLimit, RequestBudget } from './request-budget.ts';

/**
 * A request budget shared by every worker, kept in PostgreSQL with rate-limiter-flexible, so that N workers together
 * stay inside each API's limit. The store counts fixed windows; a sliding limit of L per W is kept by slicing W into
 * `slices` windows of L / (slices + 1) each: any span of W meets at most slices + 1 of them, so never more than L.
 */
export class SharedWindowBudget implements RequestBudget {
  private readonly limiters = new Map<string, RateLimiterPostgres>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly limitOf: (key: string) => BudgetLimit | null,
    private readonly slices = 20,
    private readonly margin = 0.02,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  private limiterFor(limit: BudgetLimit): RateLimiterPostgres {
    const id = `${limit.limit}/${limit.windowMs}`;
    let limiter = this.limiters.get(id);
    if (limiter === undefined) {
      const points = Math.max(1, Math.floor((limit.limit * (1 - this.margin)) / (this.slices + 1)));
      limiter = new RateLimiterPostgres({
        storeClient: this.pool,
        storeType: 'pool',
        tableName: 'rate_limits',
        tableCreated: true,
        points,
        duration: limit.windowMs / this.slices / 1000,
        keyPrefix: `w${id}`,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  async acquire(key: string, cost = 1): Promise<void> {
    const limit = this.limitOf(key);
    if (limit === null) return;
    const limiter = this.limiterFor(limit);
    for (;;) {
      try {
        await limiter.consume(key, cost);
        return;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        // Wait for the next window, with a little jitter so that waiting workers do not all ask at once.
        await this.sleep(Math.max(1, rejection.msBeforeNext) + Math.floor(Math.random() * 25));
      }
    }
  }
}
