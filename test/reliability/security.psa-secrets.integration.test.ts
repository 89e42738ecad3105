import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../support/cli.ts';
import { freePorts, startSimulatorsCommand, type RunningCommand } from '../support/simulators-command.ts';

/**
 * The Autotask secret, the ConnectWise private key, the Halo client secret and the Hudu API key appear in no output,
 * log, or simulator request log, whatever fails: doctor, sync and plan run with debug logging against an API failing
 * in every way, and with a wrong secret.
 */

beforeAll(() => buildCli(), 60_000);

let running: RunningCommand | null = null;
afterEach(() => {
  if (running !== null && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = null;
});

const SECRET_KEY = /secret|privatekey|apikey|password/i;

/** Every secret value in a config, with the path to it. */
function secretsOf(value: unknown, path: string[] = []): { path: string[]; value: string }[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    typeof v === 'string' && SECRET_KEY.test(key) && v.length >= 6
      ? [{ path: [...path, key], value: v }]
      : secretsOf(v, [...path, key]),
  );
}

function withValue(config: Record<string, unknown>, path: string[], value: string): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path.at(-1)!] = value;
  return copy;
}

describe.each([
  ['autotask', 'autotask'],
  ['halo', 'halo'],
  ['connectwise', 'connectwise'],
  ['hudu,autotask', 'hudu'],
])('secrets with %s', (targets, api) => {
  it('appear nowhere, whatever fails', async () => {
    const work = mkdtempSync(join(tmpdir(), `psa-secrets-${api}-`));
    const port = await freePorts(8);
    running = await startSimulatorsCommand(
      ['--targets', targets, '--config-out', 'sims.json', '--port', String(port), '--dump', 'out.json'],
      work,
    );
    const config = JSON.parse(readFileSync(join(work, 'sims.json'), 'utf8')) as Record<string, unknown>;
    const secrets = secretsOf(config).filter((s) => s.path[0] === api);
    expect(secrets.length, JSON.stringify(Object.keys(config))).toBeGreaterThan(0);
    const env = { CONTACTSYNC_DATA_DIR: join(work, 'data'), CONTACTSYNC_LOG_LEVEL: 'debug' };
    const outputs: string[] = [];
    const cs = async (file: string, args: string[]) => {
      const run = await runCli(['--config', file, ...args], env, work);
      outputs.push(run.stdout, run.stderr);
      return run;
    };
    const wrong = `wrong-${api}-value-0123456789`;
    for (const secret of secrets)
      writeFileSync(join(work, 'wrong.json'), JSON.stringify(withValue(config, secret.path, wrong)));
    // Halo's simulator keeps to 300 requests per rolling 5 minutes: the demo's sync lasts longer than a test, so Halo
    // is checked by doctor alone.
    const syncs = api !== 'halo';
    await cs('sims.json', ['doctor']);
    if (syncs) await cs('sims.json', ['sync']);
    const graphUrl = (config.microsoft as { graphUrl: string }).graphUrl;
    const faults = await fetch(`${graphUrl}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api, error500: 0.25, throttle429: 0.05 }),
    });
    expect(faults.status, await faults.text()).toBe(200);
    if (syncs) await cs('sims.json', ['sync', '--force']);
    if (syncs) await cs('sims.json', ['plan', '--json']);
    await cs('sims.json', ['doctor']);
    await fetch(`${graphUrl}/_sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api }),
    });
    const refused = await cs('wrong.json', ['doctor']);
    expect(refused.code).not.toBe(0);
    if (syncs) await cs('wrong.json', ['sync', '--force']);
    running.child.kill('SIGTERM');
    await running.exited;
    const data = join(work, 'data');
    const logs = readdirSync(data)
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(data, f), 'utf8'));
    const dump = readFileSync(join(work, 'out.json'), 'utf8');
    const everything = [...outputs, ...logs, dump, running.output()].join('\n');
    expect(everything.length).toBeGreaterThan(1_000);
    const cw = config.connectwise as { company: string; publicKey: string; privateKey: string } | undefined;
    // ConnectWise's Basic header carries the private key in base64.
    const basic =
      cw === undefined ? [] : [Buffer.from(`${cw.company}+${cw.publicKey}:${cw.privateKey}`).toString('base64')];
    for (const value of [...secrets.map((s) => s.value), wrong, ...basic])
      expect(everything.includes(value), `${value} found`).toBe(false);
  }, 240_000);
});
