import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { initEnvOf, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const dir = mkdtempSync(join(tmpdir(), 'cli-one-role-'));
let sims: RunningSimulators;
let config: string;

function cs(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data'), ...env }, dir);
}

beforeAll(async () => {
  sims = await startSimulators(seed);
  // A documentation platform alone: the config has no PSA block.
  config = simulatorConfig(sims, dir, {
    bms: null,
    tenants: seed.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
  });
}, 60_000);
afterAll(async () => {
  await sims.close();
});

describe('the CLI with a documentation platform and no PSA', () => {
  it('doctor checks the documentation platform alone, and says nothing of a PSA', async () => {
    await cs(['tenants', 'discover']);
    const run = await cs(['doctor']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/✓ IT Glue: API key accepted/);
    expect(run.stdout).toMatch(/✓ IT Glue locations of Contoso Ltd/);
    expect(run.stdout).not.toMatch(/BMS|Kaseya/);
  });

  it('tenants, contact show and tenants map show the documentation platform only', async () => {
    const list = await cs(['tenants', 'list']);
    expect(list.stdout).toMatch(/tenant\s+IT Glue organization\s+mapped\s+status/);
    expect(list.stdout).not.toMatch(/BMS account/);
    const json = JSON.parse((await cs(['tenants', 'list', '--json'])).stdout) as Record<string, unknown>[];
    expect(json[0]).toHaveProperty('itglueOrganizationId');
    expect(json[0]).not.toHaveProperty('bmsAccountId');
    await cs(['sync']);
    const user = seed.tenants[0]!.users[0]!.userPrincipalName;
    const shown = await cs(['contact', 'show', user]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^IT Glue contact: /m);
    expect(shown.stdout).toMatch(/^Last sync: .* \(IT Glue [a-z-]+\)$/m);
    expect(shown.stdout).not.toMatch(/^BMS contact: |^BMS: |, BMS /m);
    const candidates = await cs(['tenants', 'map', 'Contoso Ltd']);
    expect(candidates.stdout).toMatch(/^IT Glue organizations:$/m);
    expect(candidates.stdout).toMatch(/Map with: contactsync tenants map "Contoso Ltd" --itglue "NAME"\n/);
    expect(candidates.stdout).not.toMatch(/BMS|--bms/);
  });

  it('init --targets writes the config of the targets named, and asks only for theirs', async () => {
    const env = initEnvOf(sims);
    const docOnly = join(dir, 'doc-only', 'contactsync.json');
    const doc = await runCli(['--config', docOnly, 'init', '--targets', 'itglue', '--no-check'], env, dir);
    expect(doc.code, doc.stderr).toBe(0);
    expect(readFileSync(docOnly, 'utf8')).toMatch(/"itglue": \{/);
    expect(readFileSync(docOnly, 'utf8')).not.toMatch(/"bms"|Kaseya/);
    expect(doc.stdout).not.toMatch(/BMS/);
    const { CONTACTSYNC_ITGLUE_API_KEY: _key, ...withoutDoc } = env;
    const psaOnly = join(dir, 'psa-only', 'contactsync.json');
    const psa = await runCli(['--config', psaOnly, 'init', '--targets', 'bms', '--no-check'], withoutDoc, dir);
    expect(psa.code, psa.stderr).toBe(0);
    expect(readFileSync(psaOnly, 'utf8')).toMatch(/"bms": \{/);
    expect(readFileSync(psaOnly, 'utf8')).not.toMatch(/"itglue"|IT Glue/);
    const unknown = await runCli(
      ['--config', join(dir, 'x.json'), 'init', '--targets', 'nope', '--no-check'],
      env,
      dir,
    );
    expect(unknown.stderr).toMatch(
      /--targets takes the ids of the targets, comma-separated \(itglue, hudu, bms, autotask, connectwise, halo\), not nope/,
    );
  });
});

describe('the CLI with a PSA and no documentation platform', () => {
  it('tenants map maps a tenant to a PSA account alone, and refuses the option of a target the install lacks', async () => {
    const psaDir = join(dir, 'psa-alone');
    mkdirSync(psaDir, { recursive: true });
    const path = simulatorConfig(sims, psaDir, {
      tenants: seed.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
    });
    const { itglue: _none, ...psaAlone } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    writeFileSync(path, JSON.stringify(psaAlone));
    const run = (args: readonly string[]) =>
      runCli(['--config', path, ...args], { CONTACTSYNC_DATA_DIR: join(psaDir, 'data') }, psaDir);
    await run(['tenants', 'discover']);
    const tenant = seed.tenants[0]!.displayName;
    const account = seed.bms!.accounts[1]!;

    const refused = await run(['tenants', 'map', tenant, '--itglue', 'Anything']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/has no IT Glue: drop --itglue\./);

    const mapped = await run(['tenants', 'map', tenant, '--bms', account.name, '--confirm', '--force', 'a test']);
    expect(mapped.code, mapped.stderr).toBe(0);
    const rows = JSON.parse((await run(['tenants', 'list', '--json'])).stdout) as Record<string, unknown>[];
    const row = rows.find((r) => r.displayName === tenant)!;
    expect(row).toMatchObject({ bmsAccountId: account.id, mapping: 'manual', openConflicts: 0 });
    expect(row).not.toHaveProperty('itglueOrganizationId');
  });
});
