import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig } from '../support/cli.ts';
import { duplicates, visibleState } from '../support/visible-state.ts';

/** The first customer of the demo with 40 of its users: every scenario, and few enough writes to crash at each step. */
const demo = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const seed: Seed = { ...demo, tenants: [{ ...demo.tenants[0]!, users: demo.tenants[0]!.users.slice(0, 40) }] };

/** A config that points `contactsync sync` at the simulators, with its own state database. */
function configFor(sims: RunningSimulators, dir: string): string {
  return simulatorConfig(sims, dir, {
    tenants: seed.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
    settings: seed.settings,
  });
}

/** Runs the sync against fresh simulators and a fresh state database, killed at `crashAt` (0: not killed), then again. */
async function scenario(crashAt: number) {
  const sims = await startSimulators(seed);
  const dir = mkdtempSync(join(tmpdir(), 'crash-'));
  const config = configFor(sims, dir);
  const env = { CONTACTSYNC_DATA_DIR: dir };
  const countFile = join(dir, 'crash-points');
  const first =
    crashAt === 0
      ? null
      : await runCli(['sync', '--config', config], { ...env, CONTACTSYNC_CRASH_AT: String(crashAt) });
  let interrupted: string[] = [];
  if (first !== null) {
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    interrupted = (
      db.prepare("SELECT system || ' ' || operation AS step FROM journal WHERE status = 'intent'").all() as {
        step: string;
      }[]
    ).map((row) => row.step);
    db.close();
  }
  // The run that is never killed counts the crash points it passes.
  const second = await runCli(['sync', '--config', config], { ...env, CONTACTSYNC_CRASH_COUNT_FILE: countFile });
  const crashPoints = first === null ? Number(readFileSync(countFile, 'utf8')) : 0;
  const state = visibleState(sims);
  const dump = sims.dump();
  const before = sims.requests.length;
  const third = await runCli(['sync', '--config', config], env);
  const writesAfter = sims.requests
    .slice(before)
    .filter((r) => r.method !== 'GET' && !r.route.includes('authenticate') && !r.route.includes('token')).length;
  await sims.close();
  return {
    killed: first?.signal === 'SIGKILL',
    firstError: first?.stderr ?? '',
    second,
    third,
    interrupted,
    state,
    dump,
    writesAfter,
    crashPoints,
  };
}

/**
 * 36 distinct points over the apply phase of a first sync, which has `total` crash points: the first few one by
 * one (the first journal records and writes), the rest spread evenly up to the last.
 */
function killPoints(total: number): number[] {
  const first = [1, 2, 3, 5, 8, 13, 21, 34];
  const rest = Array.from({ length: 28 }, (_, i) => Math.round(40 + ((total - 41) * i) / 27));
  return [...new Set([...first, ...rest])].filter((point) => point < total);
}

describe('crash safety', () => {
  beforeAll(() => buildCli(), 60_000);

  it('killed with SIGKILL at 36 points of the apply phase and restarted, every run ends as an uninterrupted one, with no duplicate', async () => {
    const reference = await scenario(0);
    expect(reference.second.code, reference.second.stderr).toBe(0);
    // 40 users, each BMS write with its journal records, IT Glue's in batches with theirs: over a hundred points.
    expect(reference.crashPoints).toBeGreaterThan(100);
    const KILL_POINTS = killPoints(reference.crashPoints);
    expect(KILL_POINTS).toHaveLength(36);
    let kills = 0;
    const interrupted = new Set<string>();
    // Two scenarios at a time: each spends most of its time starting processes.
    for (let i = 0; i < KILL_POINTS.length; i += 2) {
      const outcomes = await Promise.all(KILL_POINTS.slice(i, i + 2).map((point) => scenario(point)));
      for (const [j, outcome] of outcomes.entries()) {
        const point = KILL_POINTS[i + j]!;
        if (outcome.killed) kills += 1;
        for (const step of outcome.interrupted) interrupted.add(step);
        expect(outcome.second.code, `restart after a kill at point ${point}: ${outcome.second.stderr}`).toBe(0);
        expect(outcome.state, `final state after a kill at point ${point}`).toEqual(reference.state);
        for (const organization of outcome.dump.itglue!.organizations) {
          expect(
            duplicates(
              organization.contacts.flatMap((c) =>
                c['contact-emails'].filter((e) => e.primary).map((e) => e.value.toLowerCase()),
              ),
            ),
          ).toEqual([]);
        }
        for (const account of outcome.dump.bms!.accounts)
          expect(
            duplicates(
              account.contacts.flatMap((c) => (c.emailAddress === null ? [] : [c.emailAddress.toLowerCase()])),
            ),
          ).toEqual([]);
        expect(outcome.writesAfter, `a third run after a kill at point ${point} still wrote`).toBe(0);
      }
    }
    // Every point lies inside the run; a point or two may fall past its end when retries change the count.
    expect(kills).toBeGreaterThanOrEqual(34);
    // Kills fell between a write and its record, in IT Glue and in BMS.
    expect([...interrupted].some((step) => step.startsWith('itglue'))).toBe(true);
    expect([...interrupted].some((step) => step.startsWith('bms'))).toBe(true);
  }, 300_000);
});
