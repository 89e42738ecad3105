import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedInFlightSlots } from '../../src/connectors/http/shared-in-flight-slots.ts';
import { openPostgres, type OpenDatabase } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { freshPostgres } from '../support/databases.ts';

/** A worker killed with SIGKILL while it holds every in-flight slot of an endpoint: the slots come back at its lease's end. */

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

describe('in-flight slots of a worker killed with SIGKILL', () => {
  it('come back when its leases run out, not before, and all of them', async () => {
    const module = resolve('src/connectors/http/shared-in-flight-slots.ts');
    const script = `
      import pg from 'pg';
      import { SharedInFlightSlots } from ${JSON.stringify(module)};
      const pool = new pg.Pool({ connectionString: ${JSON.stringify(database.url)} });
      const slots = new SharedInFlightSlots(pool);
      for (let i = 0; i < 3; i++) await slots.hold('autotask:kill9:Contacts', 3, 3000);
      console.log('held');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((done, fail) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('held')) done();
      });
      child.on('exit', (code) => fail(new Error(`the worker exited (${code}) before holding its slots`)));
    });
    const heldAt = Date.now();
    child.kill('SIGKILL');
    const slots = new SharedInFlightSlots(opened.pool!);
    const releases = await Promise.all([1, 2, 3].map(() => slots.hold('autotask:kill9:Contacts', 3, 60_000)));
    const waited = Date.now() - heldAt;
    expect(waited).toBeGreaterThanOrEqual(2_500);
    expect(waited).toBeLessThan(6_000);
    await Promise.all(releases.map((release) => release()));
  }, 30_000);
});
