import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import { simulatorBlocks } from '../../src/sandbox/standalone-config.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { INSTALLS, type Install } from './autotask-cases.ts';
import { buildCli, runCli, simulatorConfig } from './cli.ts';
import { startCli, waitUntil, type CliProcess } from './cli-process.ts';
import { TENANT_A } from './simulators.ts';
import { duplicates } from './visible-state.ts';

/**
 * Crash safety and one writer per tenant with a PSA, through `contactsync sync` as a person runs it (IT Glue + the
 * PSA, and the PSA alone): a process killed between a write and its record leaves no second contact once run again,
 * and a second run of a busy tenant is refused.
 */

export interface ReliabilityCase {
  /** the PSA's target id: its config block, its simulator's requests and its journal entries are named by it */
  readonly psa: 'autotask' | 'halo';
  /** its name, as the headings read it */
  readonly name: string;
  /** `users` new users, and two the customer has by email: creates and updates to kill between */
  readonly seedOf: (install: Install, users: number) => Seed;
  /** the customer's contacts in the PSA as a person sees them, each as a string without its id */
  readonly visible: (sims: RunningSimulators) => string[];
  /** every address of the customer's contacts in the PSA, in any field, lower-cased */
  readonly addresses: (sims: RunningSimulators) => string[];
}

/** A distinct name part for each user: A, B, …, Z, BA, BB, … */
export const letters = (i: number): string =>
  (i >= 26 ? String.fromCharCode(65 + Math.floor(i / 26)) : '') + String.fromCharCode(65 + (i % 26));

/** A config that points `contactsync` at the simulators of this installation, with its own state database. */
function configFor(c: ReliabilityCase, sims: RunningSimulators, dir: string): string {
  const blocks = simulatorBlocks(sims);
  return simulatorConfig(sims, dir, {
    database: { sqlitePath: join(dir, 'state.db'), leaseSeconds: 3 },
    // Only the targets of this installation (a block present is a target the installation has).
    itglue: blocks.itglue,
    bms: undefined,
    [c.psa]: blocks[c.psa],
    tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
  });
}

/** What a person sees in the PSA (and IT Glue): every contact's fields, without ids. */
function visible(c: ReliabilityCase, sims: RunningSimulators) {
  return {
    psa: c.visible(sims).sort(),
    itglue: (sims.dump().itglue?.organizations ?? [])
      .flatMap((o) => o.contacts)
      .map((contact) => JSON.stringify([contact['first-name'], contact['last-name'], contact['contact-emails']]))
      .sort(),
  };
}

/** Runs `sync` against fresh simulators, killed at `crashAt` (0: not killed), then again, then a third time. */
async function scenario(c: ReliabilityCase, install: Install, crashAt: number) {
  const sims = await startSimulators(c.seedOf(install, 8));
  const dir = mkdtempSync(join(tmpdir(), `${c.psa}-crash-`));
  const config = configFor(c, sims, dir);
  const env = { CONTACTSYNC_DATA_DIR: dir };
  const countFile = join(dir, 'crash-points');
  try {
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
    const second = await runCli(['sync', '--config', config], { ...env, CONTACTSYNC_CRASH_COUNT_FILE: countFile });
    const crashPoints = first === null ? Number(readFileSync(countFile, 'utf8')) : 0;
    const state = visible(c, sims);
    const duplicated = duplicates(c.addresses(sims));
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
      duplicated,
      writesAfter,
    };
  } finally {
    await sims.close();
  }
}

/** The crash-safety and one-writer cases of a PSA, for IT Glue + the PSA and the PSA alone. */
export function describeReliability(c: ReliabilityCase): void {
  beforeAll(() => buildCli(), 120_000);

  describe.each(INSTALLS)(`crash safety with ${c.name} (%s)`, (install) => {
    it('killed between a write and its record, then run again: the state of a run never killed, no second contact', async () => {
      const reference = await scenario(c, install, 0);
      expect(reference.second.code, reference.second.stderr).toBe(0);
      expect(reference.duplicated).toEqual([]);
      expect(reference.state.psa).toHaveLength(8);
      // Each write has four points: before and after its intent, after the write, after its record. The third of each
      // falls between a write and its record; a few others besides.
      const total = reference.crashPoints;
      const between = Array.from({ length: Math.floor(total / 4) }, (_, i) => 4 * i + 3);
      const points = [...new Set([1, ...between.filter((_, i) => i % 2 === 0), total - 1])].filter((p) => p < total);
      const interrupted = new Set<string>();
      let kills = 0;
      for (let i = 0; i < points.length; i += 2) {
        const outcomes = await Promise.all(points.slice(i, i + 2).map((point) => scenario(c, install, point)));
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
      // Slow enough writes that the first run lasts while the second starts.
      sims.setLatency(c.psa, 60);
      const dir = mkdtempSync(join(tmpdir(), `${c.psa}-writer-`));
      const config = configFor(c, sims, dir);
      const env = { CONTACTSYNC_DATA_DIR: dir };
      const migrated = await runCli(['--config', config, 'migrate'], env);
      expect(migrated.code, migrated.stderr).toBe(0);
      const openRuns = () => {
        const db = new Database(join(dir, 'state.db'), { readonly: true });
        try {
          return Number(
            (db.prepare('SELECT count(*) AS n FROM runs WHERE finished_at IS NULL').get() as { n: number }).n,
          );
        } finally {
          db.close();
        }
      };
      const first = startCli(['--config', config, 'sync'], env);
      processes.push(first);
      await waitUntil('a run in progress', () => openRuns() > 0, 60_000);
      const second = await runCli(['--config', config, 'sync'], env);
      expect(second.code, second.stderr).toBe(4);
      expect(second.stderr).toMatch(/Contoso Ltd is being synced by cli:\S+ \(process \d+\) since \d\d:\d\d UTC/);
      expect(await first.exited, first.output()).toBe(0);
      expect(duplicates(c.addresses(sims))).toEqual([]);
      // Two users were linked to the contacts the customer had; the others created once each.
      expect(c.visible(sims)).toHaveLength(users);
      expect(sims.requests.filter((r) => r.server === c.psa && r.status === 429)).toEqual([]);
    }, 180_000);
  });
}
