import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedWindowBudget } from '../../src/connectors/http/shared-budget.ts';
import { runAs } from '../../src/connectors/http/run-priority.ts';
import { openPostgres, type OpenDatabase } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { freshPostgres } from '../support/databases.ts';

let database: { url: string; dispose(): Promise<void> };
let opened: OpenDatabase;

beforeAll(async () => {
  database = await freshPostgres();
  opened = openPostgres(database.url);
  await migrateToLatest(opened.db as Kysely<unknown>);
}, 60_000);
afterAll(async () => {
  await opened?.db.destroy();
  await database?.dispose();
});

/** A budget of `limit` calls per window whose length the caller may change, and the waits it asked for. */
function budget(limit: number, window: { ms: number }) {
  const waits: number[] = [];
  const shared = new SharedWindowBudget(
    opened.pool!,
    () => ({ limit, windowMs: window.ms }),
    0,
    async (ms) => {
      waits.push(ms);
      await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50)));
    },
  );
  return { shared, waits };
}

describe('the request budget shared through PostgreSQL', () => {
  it('makes a large run wait once its share of the window is spent, until the window moves on', async () => {
    const window = { ms: 2_000 };
    const { shared, waits } = budget(10, window);
    const started = Date.now();
    await runAs(false, async () => {
      for (let i = 0; i < 9; i++) await shared.acquire('bms:full');
    });
    expect(waits).toEqual([]);
    // 9 of 10 is a large run's share (3% stays for small runs): the tenth waits for the window.
    await runAs(false, () => shared.acquire('bms:full'));
    expect(waits.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it('forgets what was spent under another window length: a longer window after a shorter one is not shut for ever', async () => {
    // Spent under a 1 s window (a benchmark compressing time, or limits set lower in the config)...
    const window = { ms: 1_000 };
    const { shared, waits } = budget(10, window);
    await runAs(false, async () => {
      for (let i = 0; i < 9; i++) await shared.acquire('bms:changed');
    });
    // ...then the documented hour: nothing of it was spent in this hour's hundredths.
    window.ms = 3_600_000;
    await runAs(false, async () => {
      for (let i = 0; i < 9; i++) await shared.acquire('bms:changed');
    });
    expect(waits).toEqual([]);
  });
});
