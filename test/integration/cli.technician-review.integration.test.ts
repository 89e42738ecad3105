import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttentionItem } from '../../src/operations/attention.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators, type RunningSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const dir = mkdtempSync(join(tmpdir(), 'technician-review-'));
let sims: RunningSimulators;
let config: string;

const cs = (args: readonly string[]): Promise<CliRun> =>
  runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);

beforeAll(async () => {
  buildCli();
  sims = await startSimulators(seed);
  config = simulatorConfig(sims, dir, {
    tenants: seed.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
  });
  const discovered = await cs(['tenants', 'discover']);
  if (discovered.code !== 0) throw new Error(discovered.stderr);
  await cs(['sync']);
}, 240_000);
afterAll(async () => {
  await sims?.close();
});

describe('the command line, as a technician reads it', () => {
  it('attention says since when each contact is held', async () => {
    const json = await cs(['attention', '--kind', 'held', '--json']);
    const held = (JSON.parse(json.stdout) as { items: AttentionItem[] }).items;
    expect(held.length).toBeGreaterThan(0);
    const listing = await cs(['attention', '--kind', 'held']);
    expect(listing.code, listing.stderr).toBe(0);
    const line = listing.stdout.split('\n').find((l) => l.includes(held[0]!.id))!;
    expect(line).toContain(`(held since ${held[0]!.since.replace('T', ' ').slice(0, 16)})`);
  });

  it('a plan with nothing to write says so first', async () => {
    await cs(['sync']);
    const plan = await cs(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout.startsWith('Nothing to change.\n')).toBe(true);
  });
});
