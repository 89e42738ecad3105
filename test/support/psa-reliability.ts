import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators, ServerName } from '../../src/sandbox/running-simulators.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import { simulatorBlocks } from '../../src/sandbox/standalone-config.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from './cli.ts';
import { startCli, waitUntil, type CliProcess } from './cli-process.ts';
import { INSTALLS, type Install } from './sandbox-cases.ts';
import { TENANT_A } from './simulators.ts';
import { duplicates } from './visible-state.ts';

/**
 * Crash safety and one writer per tenant with a PSA, through `contactsync sync` as a person runs it: the simulators of
 * a case's seed, a config pointing at them, runs killed at the apply phase's crash points and run again.
 */

/** A distinct name part for each user: A, B, …, Z, BA, BB, … */
export const letters = (i: number): string =>
  (i >= 26 ? String.fromCharCode(65 + Math.floor(i / 26)) : '') + String.fromCharCode(65 + (i % 26));

/** A config that points `contactsync` at the simulators of the installation (IT Glue if the seed has it, the PSA). */
export function configFor(sims: RunningSimulators, dir: string, psa: string): string {
  const blocks = simulatorBlocks(sims);
  return simulatorConfig(sims, dir, {
    database: { sqlitePath: join(dir, 'state.db'), leaseSeconds: 3 },
    // Only the targets of this installation (a block present is a target the installation has).
    itglue: blocks.itglue,
    bms: undefined,
    [psa]: blocks[psa],
    tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
  });
}

/** The steps whose intent a killed run left in the journal, as `system operation`. */
function interruptedSteps(dir: string): string[] {
  const db = new Database(join(dir, 'state.db'), { readonly: true });
  try {
    return (
      db.prepare("SELECT system || ' ' || operation AS step FROM journal WHERE status = 'intent'").all() as {
        step: string;
      }[]
    ).map((row) => row.step);
  } finally {
    db.close();
  }
}

/** The runs a state database has open. */
function openRuns(dir: string): number {
  const db = new Database(join(dir, 'state.db'), { readonly: true });
  try {
    return Number((db.prepare('SELECT count(*) AS n FROM runs WHERE finished_at IS NULL').get() as { n: number }).n);
  } finally {
    db.close();
  }
}

export interface CrashCase<State> {
  readonly seed: () => Seed;
  /** the PSA's id (its config block) */
  readonly psa: string;
  /** what a person sees in the systems, without ids */
  readonly visible: (sims: RunningSimulators) => State;
  /** every email address of the PSA's contacts, lower-cased */
  readonly addresses: (sims: RunningSimulators) => readonly string[];
  /** the contacts of the customer, in the PSA */
  readonly contacts: (sims: RunningSimulators) => readonly unknown[];
}

/** Runs `sync` against fresh simulators, killed at `crashAt` (0: not killed), then again, then a third time. */
async function crashScenario<State>(c: CrashCase<State>, crashAt: number) {
  const sims = await startSimulators(c.seed());
  const dir = mkdtempSync(join(tmpdir(), `${c.psa}-crash-`));
  const config = configFor(sims, dir, c.psa);
  const env = { CONTACTSYNC_DATA_DIR: dir };
  const countFile = join(dir, 'crash-points');
  try {
    const first =
      crashAt === 0
        ? null
        : await runCli(['sync', '--config', config], { ...env, CONTACTSYNC_CRASH_AT: String(crashAt) });
    const interrupted = first === null ? [] : interruptedSteps(dir);
    const second = await runCli(['sync', '--config', config], { ...env, CONTACTSYNC_CRASH_COUNT_FILE: countFile });
    const crashPoints = first === null ? Number(readFileSync(countFile, 'utf8')) : 0;
    const state = c.visible(sims);
    const contacts = c.contacts(sims).length;
    const duplicated = duplicates([...c.addresses(sims)]);
    const before = sims.requests.length;
    const third = await runCli(['sync', '--config', config], env);
    const writesAfter = sims.requests
      .slice(before)
      .filter((r) => r.method !== 'GET' && !r.route.endsWith('/query') && !/authenticate|token/.test(r.route));
    return {
      killed: first?.signal === 'SIGKILL',
      interrupted,
      second,
      third,
      crashPoints,
      state,
      contacts,
      duplicated,
      writesAfter,
    };
  } finally {
    await sims.close();
  }
}

/**
 * The crash points to kill at, of the `total` an uninterrupted run passes: each write has four (before and after its
 * intent, after the write, after its record), so the third of each falls between a write and its record; every other
 * of those, the first and the last.
 */
function crashPointsOf(total: number): number[] {
  const between = Array.from({ length: Math.floor(total / 4) }, (_, i) => 4 * i + 3);
  return [...new Set([1, ...between.filter((_, i) => i % 2 === 0), total - 1])].filter((p) => p < total);
}

/** A PSA's reliability cases: its installs' seeds, and what a person sees in it. */
export interface ReliabilityCase<State> extends Omit<CrashCase<State>, 'seed'> {
  /** the PSA as users read it, in the cases' names */
  readonly name: string;
  readonly psa: ServerName;
  /** `users` new users, two of whom the PSA's customer has by email */
  readonly seedOf: (install: Install, users: number) => Seed;
}

/**
 * Crash safety and one writer per tenant, for IT Glue + the PSA and the PSA alone: killed between a write and its
 * record, then run again, the state of a run never killed with no second contact; a second `sync` of a busy tenant
 * refused with who holds it.
 */
export function describeReliability<State>(c: ReliabilityCase<State>): void {
  beforeAll(() => buildCli(), 120_000);

  describe.each(INSTALLS)(`crash safety with ${c.name} (%s)`, (install) => {
    it('killed between a write and its record, then run again: the state of a run never killed, no second contact', async () => {
      const { reference, interrupted } = await expectCrashSafe({ ...c, seed: () => c.seedOf(install, 8) });
      expect(reference.contacts).toBe(8);
      // Kills fell between a create and its record, and between an update and its record.
      expect(interrupted).toContain(`${c.psa} create`);
      expect([...interrupted].some((step) => step === `${c.psa} link` || step === `${c.psa} update`)).toBe(true);
    }, 300_000);
  });

  describe.each(INSTALLS)(`one writer per tenant with ${c.name} (%s)`, (install) => {
    const processes: CliProcess[] = [];
    let sims: RunningSimulators | null = null;
    afterEach(async () => {
      await Promise.all(processes.splice(0).map((p) => p.stop()));
      await sims?.close();
      sims = null;
    });

    it(`a second sync while the first writes is refused with who holds the tenant; each user once in ${c.name}`, async () => {
      const users = 30;
      sims = await startSimulators(c.seedOf(install, users));
      const second = await secondSyncWhileFirstWrites(sims, c.psa, (p) => processes.push(p));
      expect(second.code, second.stderr).toBe(4);
      expect(second.stderr).toMatch(/Contoso Ltd is being synced by cli:\S+ \(process \d+\) since \d\d:\d\d UTC/);
      expect(duplicates([...c.addresses(sims)])).toEqual([]);
      // Two users were linked to the contacts the customer had; the others created once each.
      expect(c.contacts(sims)).toHaveLength(users);
      expect(sims.requests.filter((r) => r.server === c.psa && r.status === 429)).toEqual([]);
    }, 180_000);
  });
}

/**
 * A run never killed, then a run killed at each crash point and run again: each ends in the state of the one never
 * killed, with no duplicate, and a third run writes nothing. Returns the reference and the steps the kills
 * interrupted (`connectwise create`, ...).
 */
async function expectCrashSafe<State>(c: CrashCase<State>) {
  const reference = await crashScenario(c, 0);
  expect(reference.second.code, reference.second.stderr).toBe(0);
  expect(reference.duplicated).toEqual([]);
  const points = crashPointsOf(reference.crashPoints);
  const interrupted = new Set<string>();
  let kills = 0;
  for (let i = 0; i < points.length; i += 2) {
    const outcomes = await Promise.all(points.slice(i, i + 2).map((point) => crashScenario(c, point)));
    for (const [j, outcome] of outcomes.entries()) {
      const point = points[i + j]!;
      if (outcome.killed) kills += 1;
      for (const step of outcome.interrupted) interrupted.add(step);
      expect(outcome.second.code, `restart after a kill at point ${point}: ${outcome.second.stderr}`).toBe(0);
      expect(outcome.duplicated, `duplicates after a kill at point ${point}`).toEqual([]);
      expect(outcome.state, `final state after a kill at point ${point}`).toEqual(reference.state);
      expect(outcome.writesAfter, `a third run after a kill at point ${point} still wrote`).toEqual([]);
    }
  }
  expect(kills).toBeGreaterThanOrEqual(points.length - 1);
  return { reference, interrupted };
}

/**
 * `contactsync sync` started on the simulators with slow PSA answers, and a second `sync` while the first writes:
 * the second's run, once the first has ended (its exit code checked).
 */
async function secondSyncWhileFirstWrites(
  sims: RunningSimulators,
  psa: ServerName,
  started: (process: CliProcess) => void,
): Promise<CliRun> {
  // Slow enough writes that the first run lasts while the second starts.
  sims.setLatency(psa, 60);
  const dir = mkdtempSync(join(tmpdir(), `${psa}-writer-`));
  const config = configFor(sims, dir, psa);
  const env = { CONTACTSYNC_DATA_DIR: dir };
  const migrated = await runCli(['--config', config, 'migrate'], env);
  expect(migrated.code, migrated.stderr).toBe(0);
  const first = startCli(['--config', config, 'sync'], env);
  started(first);
  await waitUntil('a run in progress', () => openRuns(dir) > 0, 60_000);
  const second = await runCli(['--config', config, 'sync'], env);
  expect(await first.exited, first.output()).toBe(0);
  return second;
}
