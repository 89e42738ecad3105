import { describe, expect, it } from 'vitest';
import { apiLimitOf } from '../../src/connectors/api-budgets.ts';
import { SlidingWindowBudget, type BudgetLimit } from '../../src/connectors/http/request-budget.ts';
import { configSchema } from '../../src/config/config-file.ts';

/** How many requests a budget of this limit lets through before the first wait, on a fake clock. */
async function spentBeforeWaiting(limit: BudgetLimit): Promise<number> {
  let now = 0;
  const budget = new SlidingWindowBudget(
    () => limit,
    () => now,
    async (ms) => {
      now += ms;
    },
  );
  for (let spent = 0; ; spent++) {
    await budget.acquire('itglue:key');
    if (now > 0) return spent;
  }
}

describe("IT Glue's share of the account's budget", () => {
  it('is two thirds of the 3,000 requests per 5 minutes by default: the rest is left to the MSP’s other tools', async () => {
    expect(apiLimitOf('itglue')).toEqual({ limit: 2000, windowMs: 300_000 });
    const spent = await spentBeforeWaiting(apiLimitOf('itglue'));
    expect(spent).toBeLessThanOrEqual(2000);
    expect(spent).toBeGreaterThan(1800);
    // The other APIs are spent at their documented limit unless told otherwise.
    expect(apiLimitOf('bms')).toEqual({ limit: 1500, windowMs: 3_600_000 });
  });

  it('is configurable in apiLimits, as a share or as a limit of its own', () => {
    const limits = (apiLimits: unknown) => configSchema.shape.apiLimits.safeParse(apiLimits);
    const share = limits({ itglue: { share: 0.5 } });
    expect(share.success && apiLimitOf('itglue', share.data.itglue)).toEqual({ limit: 1500, windowMs: 300_000 });
    const whole = limits({ itglue: { share: 1 } });
    expect(whole.success && apiLimitOf('itglue', whole.data.itglue)).toEqual({ limit: 3000, windowMs: 300_000 });
    const own = limits({ itglue: { limit: 1000, windowMs: 300_000 } });
    expect(own.success && apiLimitOf('itglue', own.data.itglue)).toEqual({ limit: 1000, windowMs: 300_000 });
    expect(limits({ itglue: { share: 1.5 } }).success).toBe(false);
    expect(limits({ itglue: { share: 0 } }).success).toBe(false);
  });
});
