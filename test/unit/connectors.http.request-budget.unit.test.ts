import { describe, expect, it } from 'vitest';
import { SlidingWindowBudget } from '../../src/connectors/http/request-budget.ts';

/** A budget on a fake clock: sleeping moves the clock. */
function fakeBudget(limit: number, windowMs: number) {
  let now = 0;
  const budget = new SlidingWindowBudget(
    () => ({ limit, windowMs }),
    () => now,
    async (ms) => {
      now += ms;
    },
    0,
  );
  return { budget, clock: () => now };
}

describe('SlidingWindowBudget', () => {
  it('lets the limit through at once, then waits for the window to slide', async () => {
    const { budget, clock } = fakeBudget(3, 1000);
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      await budget.acquire('k');
      times.push(clock());
    }
    expect(times).toEqual([0, 0, 0, 1000, 1000, 1000, 2000]);
  });

  it('never spends more than the limit in any window', async () => {
    const { budget, clock } = fakeBudget(10, 1000);
    const times: number[] = [];
    for (let i = 0; i < 95; i++) {
      await budget.acquire('k', 1 + (i % 3 === 0 ? 1 : 0));
      times.push(clock());
    }
    for (const start of times)
      expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(10);
  });

  it('keeps keys apart', async () => {
    const { budget, clock } = fakeBudget(1, 1000);
    await budget.acquire('a');
    await budget.acquire('b');
    expect(clock()).toBe(0);
  });

  it('keeps a margin below the limit', async () => {
    let now = 0;
    const budget = new SlidingWindowBudget(
      () => ({ limit: 100, windowMs: 1000 }),
      () => now,
      async (ms) => {
        now += ms;
      },
      0.05,
    );
    for (let i = 0; i < 95; i++) await budget.acquire('k');
    expect(now).toBe(0);
    await budget.acquire('k');
    expect(now).toBe(1000);
  });
});

describe('SlidingWindowBudget and small runs', () => {
  it('keeps a share of the window that large runs cannot spend, for small runs to take at once', async () => {
    const { budget, clock } = fakeBudget(100, 1000);
    const { runAs } = await import('../../src/connectors/http/run-priority.ts');
    await runAs(false, async () => {
      for (let i = 0; i < 97; i++) await budget.acquire('k');
    });
    expect(clock()).toBe(0);
    // A small run finds the reserved share free: no wait.
    await runAs(true, () => budget.acquire('k'));
    expect(clock()).toBe(0);
    // A large run has spent its part of the window: it waits for the window to slide.
    await runAs(false, () => budget.acquire('k'));
    expect(clock()).toBe(1000);
  });
});
