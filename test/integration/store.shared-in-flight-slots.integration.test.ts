import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedInFlightSlots } from '../../src/connectors/http/shared-in-flight-slots.ts';
import { openPostgres, type OpenDatabase } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { freshPostgres } from '../support/databases.ts';

let database: { url: string; dispose(): Promise<void> };
let opened: OpenDatabase;
let other: pg.Pool;

beforeAll(async () => {
  database = await freshPostgres();
  opened = openPostgres(database.url);
  await migrateToLatest(opened.db as Kysely<unknown>);
  // A second process's pool: its own connections to the same database.
  other = new pg.Pool({ connectionString: database.url, max: 4 });
}, 60_000);
afterAll(async () => {
  await other?.end();
  await opened?.db.destroy();
  await database?.dispose();
});

describe('requests in flight, capped across workers through PostgreSQL', () => {
  it('never lets two workers together hold more than the cap under a key', async () => {
    const workers = [new SharedInFlightSlots(opened.pool!), new SharedInFlightSlots(other)];
    let inFlight = 0;
    let most = 0;
    const request = async (slots: SharedInFlightSlots) => {
      const release = await slots.hold('autotask:code:Contacts', 3, 60_000);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight -= 1;
      await release();
    };
    await Promise.all(Array.from({ length: 24 }, (_, i) => request(workers[i % 2]!)));
    expect(most).toBe(3);
    // Another endpoint has slots of its own.
    const held = await Promise.all([1, 2, 3].map(() => workers[0]!.hold('autotask:code:Companies', 3, 60_000)));
    const contacts = await workers[1]!.hold('autotask:code:Contacts', 3, 60_000);
    await Promise.all([...held, contacts].map((release) => release()));
  });

  it("frees a slot whose holder died once its lease runs out, and the late release does not free the new holder's", async () => {
    const dead = new SharedInFlightSlots(opened.pool!);
    const releases = await Promise.all([1, 2].map(() => dead.hold('autotask:lease', 2, 300)));
    const started = Date.now();
    const next = await new SharedInFlightSlots(other).hold('autotask:lease', 2, 60_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    // The dead holder's late release leaves the new holder's lease alone: the cap still holds.
    await releases[0]!();
    await releases[1]!();
    const { rows } = await other.query<{ n: string }>(
      "SELECT count(*) AS n FROM in_flight_slots WHERE key = 'autotask:lease' AND expires_at > clock_timestamp()",
    );
    expect(Number(rows[0]!.n)).toBe(1);
    await next();
  });
});
