import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const dir = mkdtempSync(join(tmpdir(), 'counts-'));
let sims: RunningSimulators;
let config: string;
let firstHeld = -1;

function cs(args: readonly string[]): Promise<CliRun> {
  return runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);
}

const ITGLUE = ['created', 'updated', 'unchanged', 'mirrored', 'inactivated'];
const BMS = ['created', 'linked', 'updated', 'inactivated'];
type Figures = Record<string, number>;

/** The figures the detail lines of one tenant say: `  outcome  user  ...  IT Glue: updated, BMS: created`. */
function figuresOfLines(lines: readonly string[]): Figures {
  const figures: Figures = { held: 0, disputed: 0, excluded: 0, failed: 0 };
  for (const c of ITGLUE) figures[`itglue.${c}`] = 0;
  for (const c of BMS) figures[`bms.${c}`] = 0;
  for (const line of lines) {
    const m = /^ {2}(\S+)\s+\S+.*IT Glue:? (\w+), BMS:? (\w+)/.exec(line);
    if (m === null) continue;
    const [, outcome, itglue, bms] = m;
    if (`itglue.${itglue}` in figures) figures[`itglue.${itglue}`]! += 1;
    if (`bms.${bms}` in figures) figures[`bms.${bms}`]! += 1;
    if ((outcome as string) in figures) figures[outcome as string]! += 1;
  }
  return figures;
}

/** The status each tenant's row of the last summary read showed. */
const statuses = new Map<string, string>();

/** The figures of the summary table: one row per tenant, the IT Glue columns, then BMS's, then the rest. */
function figuresOfSummary(output: string): Map<string, Figures> {
  const rows = new Map<string, Figures>();
  for (const line of output.split('\n')) {
    const m = /^(Contoso Ltd|Fabrikam GmbH|Northwind Traders)\s+(\S+)\s+(.*)$/.exec(line);
    // A plan's per-tenant heading ("Contoso Ltd — ok") is not a row of the summary.
    if (m === null || m[2] === '—') continue;
    const numbers = m[3]!
      .replace(/ \(\d+ new\)/g, '')
      .trim()
      .split(/\s+/)
      .map(Number);
    const figures: Figures = {};
    ITGLUE.forEach((c, i) => (figures[`itglue.${c}`] = numbers[i]!));
    BMS.forEach((c, i) => (figures[`bms.${c}`] = numbers[ITGLUE.length + i]!));
    ['held', 'disputed', 'excluded', 'failed'].forEach(
      (c, i) => (figures[c] = numbers[ITGLUE.length + BMS.length + i]!),
    );
    rows.set(m[1]!, figures);
    statuses.set(m[1]!, m[2]!);
  }
  return rows;
}

/** The detail lines of each tenant in `plan` output (the tenant's header line starts them). */
function linesByTenant(output: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of output.split('\n')) {
    const header = /^(Contoso Ltd|Fabrikam GmbH|Northwind Traders) — /.exec(line);
    if (header !== null) sections.set(header[1]!, (current = []));
    else if (line.trim() === '' || line.startsWith('tenant ')) current = null;
    else current?.push(line);
  }
  return sections;
}

beforeAll(async () => {
  buildCli();
  sims = await startSimulators(seed);
  config = simulatorConfig(sims, dir, {
    // Each customer with its own settings (Fabrikam's phones are German, Northwind's British).
    tenants: seed.tenants.map((t) => ({
      id: t.id,
      displayName: t.displayName,
      ...(t.settings === undefined ? {} : { settings: t.settings }),
    })),
  });
}, 60_000);
afterAll(async () => {
  await sims.close();
});

describe('figures that add up', () => {
  it("a plan's summary equals what its detail lines say, per system", async () => {
    const run = await cs(['plan', '--all']);
    expect(run.code, run.stderr).toBe(0);
    const summary = figuresOfSummary(run.stdout);
    const sections = linesByTenant(run.stdout);
    expect(summary.size).toBe(3);
    for (const [tenant, figures] of summary) {
      expect(figures, tenant).toEqual(figuresOfLines(sections.get(tenant)!));
    }
    // Contoso updates existing IT Glue contacts and creates BMS contacts: both show, in their own columns.
    expect(summary.get('Contoso Ltd')!['itglue.updated']).toBeGreaterThan(20);
    expect(summary.get('Contoso Ltd')!['bms.created']).toBeGreaterThan(50);
    // The headings span exactly their system's columns, a space between them; held and the others come after.
    const [groups, header] = run.stdout.split('\n');
    const itglueFrom = header!.indexOf(' created') + 1;
    const bmsFrom = header!.indexOf(' created', itglueFrom) + 1;
    const bmsTo = header!.indexOf('inactivated', bmsFrom) + 'inactivated'.length;
    expect(groups!.indexOf('IT Glue -')).toBe(itglueFrom);
    expect(groups!.slice(bmsFrom - 3, bmsFrom + 4)).toBe('-  BMS ');
    expect(groups!.trimEnd().length).toBe(bmsTo);
    expect(header!.indexOf(' held')).toBeGreaterThan(bmsTo);
  });

  it("a sync's summary equals its run's lines and the runs list", async () => {
    const run = await cs(['sync']);
    expect(run.code, run.stderr).toBe(0);
    const summary = figuresOfSummary(run.stdout);
    const runs = JSON.parse((await cs(['runs', 'list', '--json'])).stdout) as {
      id: string;
      tenantId: string;
      counts: Figures;
    }[];
    expect(runs).toHaveLength(3);
    for (const tenant of seed.tenants) {
      const stored = runs.find((r) => r.tenantId === tenant.id)!;
      const shown = await cs(['runs', 'show', stored.id, '--all']);
      const figures = summary.get(tenant.displayName)!;
      expect(figuresOfLines(shown.stdout.split('\n')), tenant.displayName).toEqual(figures);
      expect(stored.counts).toMatchObject(figures);
    }
    expect(summary.get('Contoso Ltd')!.disputed).toBe(10);
    firstHeld = summary.get('Contoso Ltd')!.held!;
  }, 180_000);

  it('a sync that finds nothing writes no run, and still says what is held and disputed now', async () => {
    const run = await cs(['sync']);
    expect(run.code, run.stderr).toBe(0);
    const summary = figuresOfSummary(run.stdout);
    const open = JSON.parse((await cs(['conflicts', 'list', '--json'])).stdout) as { tenantId: string }[];
    for (const tenant of seed.tenants) {
      const figures = summary.get(tenant.displayName)!;
      expect(statuses.get(tenant.displayName)).toBe('unchanged');
      expect(figures.disputed).toBe(open.filter((c) => c.tenantId === tenant.id).length);
    }
    expect(summary.get('Contoso Ltd')!.held).toBe(firstHeld);
    expect(summary.get('Contoso Ltd')!.disputed).toBe(10);
    expect(run.stdout).not.toMatch(/new\)/);
    expect(JSON.parse((await cs(['runs', 'list', '--json'])).stdout)).toHaveLength(3);
  });

  it('writes phones to IT Glue in the national digits IT Glue shows, and re-planning what was written writes nothing', async () => {
    const plan = JSON.parse((await cs(['plan', '--json'])).stdout) as {
      tenants: { id: string; users: { userPrincipalName: string; itglue: string; bms: string }[] }[];
    };
    for (const tenant of plan.tenants) {
      const writes = tenant.users.filter(
        (u) => ['created', 'updated'].includes(u.itglue) || ['created', 'updated'].includes(u.bms),
      );
      expect(writes, tenant.id).toEqual([]);
    }
    const contoso = sims.itglue.contactsOf('1').flatMap((c) => c['contact-phones'].map((p) => p.value));
    expect(contoso.some((v) => /^206555\d{4}$/.test(v))).toBe(true);
    expect(contoso.filter((v) => v.startsWith('1206') || v.startsWith('1425'))).toEqual([]);
    const fabrikam = sims.itglue.contactsOf('2').flatMap((c) => c['contact-phones'].map((p) => p.value));
    expect(fabrikam.some((v) => v.startsWith('030'))).toBe(true);
    expect(fabrikam.filter((v) => v.startsWith('49'))).toEqual([]);
    const northwind = sims.itglue.contactsOf('3').flatMap((c) => c['contact-phones'].map((p) => p.value));
    // A Sydney office of a UK customer: Australian numbers keep their country code, British ones are national.
    expect(northwind.some((v) => v.startsWith('612'))).toBe(true);
    expect(northwind.some((v) => v.startsWith('020'))).toBe(true);
  });
});
