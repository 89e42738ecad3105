import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiBudget } from '../../src/connectors/api-budgets.ts';
import { AutotaskPsa } from '../../src/connectors/autotask/autotask-psa.ts';
import type { AttemptLog } from '../../src/connectors/http/http-client.ts';
import { SlidingWindowBudget } from '../../src/connectors/http/request-budget.ts';
import { runAs } from '../../src/connectors/http/run-priority.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { openPostgres } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { seedOf } from '../support/autotask-simulator.ts';
import { freshPostgres } from '../support/databases.ts';

const HOUR = 3_600_000;
let sims: RunningSimulators | null = null;
afterEach(async () => {
  await sims?.close();
  sims = null;
});

/** The client of the Autotask simulator, on a budget of `share` of the hour, with every attempt and spend noted. */
function client(running: RunningSimulators, share = 5_000) {
  const attempts: AttemptLog[] = [];
  const costs: number[] = [];
  const budget = new SlidingWindowBudget(() => ({ limit: share, windowMs: HOUR }));
  const acquire = budget.acquire.bind(budget);
  budget.acquire = async (key, cost = 1) => {
    costs.push(cost);
    await acquire(key, cost);
  };
  const psa = new AutotaskPsa({
    credentials: running.credentials.autotask,
    baseUrl: `${running.urls.autotask!}/atservicesrest/`,
    budget,
    log: (entry) => attempts.push(entry),
  });
  return { psa, attempts, costs };
}

describe("Autotask's limits, as contactsync keeps inside them", () => {
  it('never has more than 3 requests at once on an endpoint, however many the sync asks for', async () => {
    // Each answer takes a while, so that requests would overlap.
    sims = await startSimulators(seedOf({ serviceMs: 30 }, 40));
    const { psa, attempts } = client(sims);
    const reads = Array.from({ length: 12 }, (_, i) => psa.findContactsByEmail(1, `p${i + 1}@contoso.com`));
    const found = await Promise.all(reads);
    expect(found.map((contacts) => contacts.length)).toEqual(Array.from({ length: 12 }, () => 1));
    expect(attempts.filter((a) => a.status === 429)).toEqual([]);
  });

  it('keeps to 3 at once across workers too, with the budgets shared through PostgreSQL', async () => {
    sims = await startSimulators(seedOf({ serviceMs: 30 }, 40));
    const database = await freshPostgres();
    const workers = [openPostgres(database.url), openPostgres(database.url)];
    try {
      await migrateToLatest(workers[0]!.db as Kysely<unknown>);
      const attempts: AttemptLog[] = [];
      // Two processes: each its own pool, budget and client.
      const clients = workers.map(
        (worker) =>
          new AutotaskPsa({
            credentials: sims!.credentials.autotask,
            baseUrl: `${sims!.urls.autotask!}/atservicesrest/`,
            budget: createApiBudget({}, worker.pool),
            log: (entry) => attempts.push(entry),
          }),
      );
      const reads = clients.flatMap((psa) =>
        Array.from({ length: 8 }, (_, i) => psa.findContactsByEmail(1, `p${i + 1}@contoso.com`)),
      );
      expect((await Promise.all(reads)).every((found) => found.length === 1)).toBe(true);
      expect(attempts.filter((a) => a.status === 429)).toEqual([]);
    } finally {
      await Promise.all(workers.map((worker) => worker.db.destroy()));
      await database.dispose();
    }
  }, 60_000);

  it('reads the database’s use before a large run, and spends less of its share when other integrations are busy', async () => {
    // The MSP's other integrations spent 6,000 of the hour's 10,000: 3,000 are left under the 10% kept free.
    sims = await startSimulators(seedOf({ otherIntegrationsPerHour: 6_000 }, 40));
    const { psa, attempts, costs } = client(sims);
    await runAs(false, () => psa.listContacts(1));
    expect(attempts.map((a) => new URL(a.url).pathname.split('/v1.0/')[1])).toEqual([
      'ThresholdInformation',
      'Contacts/query',
    ]);
    // Each request now counts twice against a share of 5,000: contactsync spends at most 2,500 of the hour.
    expect(costs).toEqual([1, 2]);
  });

  it('spends its whole share while the others leave room, and a small run reads no threshold', async () => {
    sims = await startSimulators(seedOf({ otherIntegrationsPerHour: 1_000 }, 40));
    const large = client(sims);
    await runAs(false, () => large.psa.listContacts(1));
    expect(large.costs).toEqual([1, 1]);
    const small = client(sims);
    await runAs(true, () => small.psa.listContacts(1));
    expect(small.attempts.map((a) => new URL(a.url).pathname.endsWith('/Contacts/query'))).toEqual([true]);
  });
});
