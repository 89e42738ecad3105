import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import { simulatorBlocks } from '../../src/sandbox/standalone-config.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig } from '../support/cli.ts';
import { startCli, waitUntil, type CliProcess } from '../support/cli-process.ts';
import { TENANT_A } from '../support/simulators.ts';
import { atContact, caseSeed, COMPANY, INSTALLS, person, type Install } from '../support/autotask-cases.ts';
import { duplicates } from '../support/visible-state.ts';

/**
 * Crash safety and one writer per tenant with Autotask, through `contactsync sync` as a person runs it (IT Glue +
 * Autotask, and Autotask alone): a process killed between a write and its record leaves no second contact once run
 * again, and a second run of a busy tenant is refused.
 */

/** A distinct name part for each user: A, B, …, Z, BA, BB, … */
const letters = (i: number): string =>
  (i >= 26 ? String.fromCharCode(65 + Math.floor(i / 26)) : '') + String.fromCharCode(65 + (i % 26));

/** New users, and two the company has by email: creates and updates to kill between. */
function seedOf(install: Install, users: number): Seed {
  return caseSeed({
    install,
    users: Array.from({ length: users }, (_, i) => person(`u${i}`, `User${letters(i)}`, 'Crash')),
    contacts: [
      atContact(501, 'Old', 'Name', { emailAddress: 'u0@contoso.com' }),
      atContact(502, 'UserB', 'Crash', { emailAddress: 'u1.home@example.com', emailAddress2: 'u1@contoso.com' }),
    ],
  });
}

/** A config that points `contactsync` at the simulators of this installation, with its own state database. */
function configFor(sims: RunningSimulators, dir: string): string {
  const blocks = simulatorBlocks(sims);
  return simulatorConfig(sims, dir, {
    database: { sqlitePath: join(dir, 'state.db'), leaseSeconds: 3 },
    // Only the targets of this installation (a block present is a target the installation has).
    itglue: blocks.itglue,
    bms: undefined,
    autotask: blocks.autotask,
    tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
  });
}

/** What a person sees in Autotask (and IT Glue): every contact's fields, without ids. */
function visible(sims: RunningSimulators) {
  const dump = sims.dump();
  return {
    autotask: dump
      .autotask!.companies.flatMap((c) => c.contacts)
      .map((c) =>
        JSON.stringify([
          c.firstName,
          c.lastName,
          c.emailAddress,
          c.emailAddress2,
          c.emailAddress3,
          c.phone,
          c.companyLocationID,
          c.isActive,
        ]),
      )
      .sort(),
    itglue: (dump.itglue?.organizations ?? [])
      .flatMap((o) => o.contacts)
      .map((c) => JSON.stringify([c['first-name'], c['last-name'], c['contact-emails']]))
      .sort(),
  };
}

/** Every address in any of the three email fields of the company, lower-cased. */
const addresses = (sims: RunningSimulators) =>
  sims.autotask
    .contactsOf(COMPANY)
    .flatMap((c) => [c.emailAddress, c.emailAddress2, c.emailAddress3])
    .flatMap((e) => (e === null ? [] : [e.toLowerCase()]));

/** Runs `sync` against fresh simulators, killed at `crashAt` (0: not killed), then again, then a third time. */
async function scenario(install: Install, crashAt: number) {
  const sims = await startSimulators(seedOf(install, 8));
  const dir = mkdtempSync(join(tmpdir(), 'autotask-crash-'));
  const config = configFor(sims, dir);
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
    const state = visible(sims);
    const duplicated = duplicates(addresses(sims));
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

beforeAll(() => buildCli(), 120_000);

describe.each(INSTALLS)('crash safety with Autotask (%s)', (install) => {
  it('killed between a write and its record, then run again: the state of a run never killed, no second contact', async () => {
    const reference = await scenario(install, 0);
    expect(reference.second.code, reference.second.stderr).toBe(0);
    expect(reference.duplicated).toEqual([]);
    expect(reference.state.autotask).toHaveLength(8);
    // Each write has four points: before and after its intent, after the write, after its record. The third of each
    // falls between a write and its record; a few others besides.
    const total = reference.crashPoints;
    const between = Array.from({ length: Math.floor(total / 4) }, (_, i) => 4 * i + 3);
    const points = [...new Set([1, ...between.filter((_, i) => i % 2 === 0), total - 1])].filter((p) => p < total);
    const interrupted = new Set<string>();
    let kills = 0;
    for (let i = 0; i < points.length; i += 2) {
      const outcomes = await Promise.all(points.slice(i, i + 2).map((point) => scenario(install, point)));
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
    // Kills fell between an Autotask create and its record, and between an update and its record.
    expect(interrupted).toContain('autotask create');
    expect([...interrupted].some((step) => step === 'autotask link' || step === 'autotask update')).toBe(true);
  }, 300_000);
});

describe.each(INSTALLS)('one writer per tenant with Autotask (%s)', (install) => {
  const processes: CliProcess[] = [];
  let sims: RunningSimulators | null = null;
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop()));
    await sims?.close();
    sims = null;
  });

  it('a second sync while the first writes is refused with who holds the tenant; each user once in Autotask', async () => {
    const users = 30;
    sims = await startSimulators(seedOf(install, users));
    // Slow enough writes that the first run lasts while the second starts.
    sims.setLatency('autotask', 60);
    const dir = mkdtempSync(join(tmpdir(), 'autotask-writer-'));
    const config = configFor(sims, dir);
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
    const contacts = sims.autotask.contactsOf(COMPANY);
    expect(duplicates(addresses(sims))).toEqual([]);
    // Two users were linked to the contacts the company had; the others created once each.
    expect(contacts).toHaveLength(users);
    expect(sims.requests.filter((r) => r.server === 'autotask' && r.status === 429)).toEqual([]);
  }, 180_000);
});
