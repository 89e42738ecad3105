import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { cliEntry, runCli, simulatorConfig } from '../support/cli.ts';
import { smallSeed, TENANT_A, TENANT_B } from '../support/simulators.ts';

let sims: RunningSimulators;
const dir = mkdtempSync(join(tmpdir(), 'contactsync-edges-'));
let config: string;
const env = () => ({ CONTACTSYNC_DATA_DIR: join(dir, 'data') });
const cs = (args: readonly string[]) => runCli(['--config', config, ...args], env(), dir);

/** A config file made of `text`, for the commands that read it. */
function configFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  sims = await startSimulators(smallSeed(2500));
  config = simulatorConfig(sims, dir, {
    tenants: [
      { id: TENANT_A, displayName: 'Contoso Ltd' },
      { id: TENANT_B, displayName: 'Fabrikam' },
    ],
  });
}, 120_000);
afterAll(async () => {
  await sims?.close();
});

describe('the CLI at its edges', () => {
  it('plan | head ends quietly: no EPIPE, no stack trace', async () => {
    await cs(['tenants', 'discover']);
    const result = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        'sh',
        ['-c', `"${process.execPath}" "${cliEntry()}" --config "${config}" plan --all | head -n 3`],
        { cwd: dir, env: { ...process.env, ...env(), DATABASE_URL: '' } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', () => resolve({ stdout, stderr }));
    });
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect(result.stderr).toBe('');
  });

  it('reports bad JSON in the config by line and column, with the line', async () => {
    const text = readFileSync(config, 'utf8');
    const broken = configFile(
      'broken.json',
      `// a comment\n${JSON.stringify(JSON.parse(text), null, 2).replace('"itglue": {', '"itglue" {')}`,
    );
    const run = await runCli(['--config', broken, 'tenants', 'list'], env(), dir);
    expect(run.code).toBe(1);
    const line =
      readFileSync(broken, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('"itglue" {')) + 1;
    expect(run.stderr).toBe(
      `contactsync: ${broken} is not valid JSON: a colon (:) is missing after the key at line ${line}, column 12:\n    "itglue" {\n             ^\n`,
    );
  });

  it('reports bad JSON in a seed the same way', async () => {
    const seed = configFile('seed.json', '{\n  "tenants": [\n    { "id": "x" }\n    { "id": "y" }\n  ]\n}\n');
    const run = await runCli(['sandbox', '--seed', seed, '--once'], env(), dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /is not valid JSON: a comma is missing between two list items at line 4, column 5:\n {6}\{ "id": "y" \}\n {6}\^/,
    );
  });

  it('says what is wrong with a config in words, and guesses a mistyped key', async () => {
    const value = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown>;
    const wrong = configFile(
      'wrong.json',
      JSON.stringify({ ...value, webb: { port: 80 }, web: { port: '8080', sessionHours: 5000 } }),
    );
    const run = await runCli(['--config', wrong, 'tenants', 'list'], env(), dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('  - web.port: must be a number\n');
    expect(run.stderr).toContain('  - web.sessionHours: must be at most 720\n');
    expect(run.stderr).toContain('  - (root): "webb" is not a key here (did you mean "web"?)\n');
    expect(run.stderr).not.toMatch(/Too big|Invalid input|expected number/);
  });

  it('checks a setting typed on the command line in words, with a guess for a mistyped key', async () => {
    const typo = await cs(['tenants', 'settings', 'contoso ltd', '--set', 'phones.setPrimry=true']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/phones\.setPrimry: is not a setting \(did you mean phones\.setPrimary\?\)/);
    const big = await cs([
      'tenants',
      'settings',
      'Contoso Ltd',
      '--set',
      'deletionGuard.maxFraction=5',
      '--set',
      'phones.setPrimary=1',
    ]);
    expect(big.stderr).toMatch(/deletionGuard\.maxFraction: must be at most 1/);
    expect(big.stderr).toMatch(/phones\.setPrimary: must be true or false/);
    expect(big.stderr).not.toMatch(/Too big|Invalid input/);
  });

  it('says each default once in --help', async () => {
    for (const command of ['sync', 'serve', 'sandbox', 'daemon', 'plan']) {
      const help = (await cs([command, '--help'])).stdout.replace(/\n\s+/g, ' ');
      expect(help.match(/\(default: [^)]*\)[^-]*\(default: /), command).toBeNull();
    }
  });

  it('guesses a mistyped command', async () => {
    const run = await cs(['sinc']);
    expect(run.stderr).toMatch(/unknown command 'sinc'\n\(Did you mean sync\?\)/);
  });

  it('says why an unmapped tenant cannot be synced, and how to map it, exiting 1', async () => {
    const run = await cs(['sync', '--tenant', 'fabrikam']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'contactsync: Fabrikam is not mapped, so it cannot be synced or planned (IT Glue has no organization named "Fabrikam", and BMS has no account of that name). Map it: contactsync tenants map "Fabrikam" lists the candidates by name; then contactsync tenants map "Fabrikam" --itglue "ORGANIZATION" --bms "ACCOUNT" (or --bms none), or on its page in the web UI; then run this again.\n',
    );
    expect((await cs(['plan', '--tenant', 'Fabrikam'])).code).toBe(1);
  });

  it('serve on a busy port says which port and how to choose another, and exits', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const run = await cs(['serve', '--port', String(port)]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `contactsync: Port ${port} on 127.0.0.1 is already in use (another contactsync, or another program). Stop that program, or choose another port: --port ${port + 1} (or web.port in the config).\n`,
      );
    } finally {
      busy.close();
    }
  });
});
