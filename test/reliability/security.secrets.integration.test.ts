import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { cliEntry, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';

/**
 * No secret in any output or log: every command that touches a credential runs here with debug logging, against APIs
 * that fail in every way (and with wrong credentials), and everything it printed or logged is searched for them.
 */
let sims: RunningSimulators;
let dir: string;
let config: string;
const outputs: string[] = [];
const WEB_PASSWORD = 'web login pass phrase';
const WRONG = {
  CONTACTSYNC_MS_CLIENT_SECRET: 'Wr0ng~client-secret-value',
  CONTACTSYNC_ITGLUE_API_KEY: 'ITG.wrong-key-value-123',
  CONTACTSYNC_BMS_PASSWORD: 'wrong-bms-password-value',
};

async function cs(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCli(
    ['--config', config, ...args],
    { CONTACTSYNC_DATA_DIR: join(dir, 'data'), CONTACTSYNC_LOG_LEVEL: 'debug', ...env },
    dir,
  );
  outputs.push(run.stdout, run.stderr);
  return run;
}

beforeAll(async () => {
  cliEntry();
  const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
  sims = await startSimulators({ ...seed, tenants: seed.tenants.slice(0, 1) });
  dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  config = simulatorConfig(sims, dir, {
    tenants: [{ id: seed.tenants[0]!.id, displayName: seed.tenants[0]!.displayName }],
  });
}, 60_000);
afterAll(async () => {
  await sims.close();
});

describe('secrets', () => {
  it('appear in no output, log, API answer or page, whatever fails', async () => {
    // Wrong credentials, one at a time: the errors name what is wrong, never the value.
    for (const [name, value] of Object.entries(WRONG)) {
      const doctor = await cs(['doctor'], { [name]: value });
      expect(doctor.code).not.toBe(0);
    }
    expect((await cs(['sync'], { CONTACTSYNC_BMS_PASSWORD: WRONG.CONTACTSYNC_BMS_PASSWORD })).code).not.toBe(0);
    // Every API failing in every way while syncing and planning.
    for (const server of ['login', 'graph', 'itglue', 'bms'] as const)
      sims.setFaults(server, { error500: 0.1, throttle429: 0.05, reset: 0.02, malformedJson: 0.02 });
    await cs(['sync']);
    await cs(['plan', '--json']);
    for (const server of ['login', 'graph', 'itglue', 'bms'] as const) sims.setFaults(server, {});
    await cs(['sync']);
    await cs(['runs', 'list']);
    await cs(['contact', 'show', sims.graph.dumpTenants()[0]!.users[0]!.userPrincipalName]);

    // The web UI and the REST API: a login, a token, failed sign-ins, every page an admin sees.
    expect(
      (await cs(['user', 'add', 'admin', '--role', 'admin'], { CONTACTSYNC_USER_PASSWORD: WEB_PASSWORD })).code,
    ).toBe(0);
    // `token add` shows its token once, by design: that output is the only one left out of the search.
    const made = await cs(['token', 'add', 'ci', '--role', 'admin']);
    outputs.splice(outputs.indexOf(made.stdout), 1);
    const token = /^cs_\S+$/m.exec(made.stdout)![0];
    const { DATABASE_URL: _outer, ...env } = process.env;
    const child = spawn(process.execPath, [cliEntry(), '--config', config, 'serve', '--port', '0'], {
      cwd: dir,
      env: { ...env, CONTACTSYNC_DATA_DIR: join(dir, 'data'), CONTACTSYNC_LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let served = '';
    child.stdout.on('data', (chunk: Buffer) => (served += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (served += chunk.toString()));
    const exited = new Promise((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 30_000;
    while (!/web UI: (http:\/\/\S+)\//.test(served) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const url = /web UI: (http:\/\/\S+?)\//.exec(served)![1]!;
    const page = await fetch(`${url}/login`);
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    for (const password of ['not the password', WEB_PASSWORD]) {
      await fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, username: 'admin', password }).toString(),
      });
    }
    const answers: string[] = [];
    for (const path of ['/api/tenants', '/api/audit?limit=1000', '/api/runs', '/api/conflicts', '/metrics'])
      answers.push(await (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).text());
    child.kill('SIGTERM');
    await exited;
    outputs.push(served, ...answers);

    const logs = readdirSync(join(dir, 'data'))
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(dir, 'data', f), 'utf8'));
    expect(logs.join('').length).toBeGreaterThan(10_000);
    const everything = [...outputs, ...logs].join('\n');
    const secrets = [
      sims.credentials.graph.clientSecret,
      sims.credentials.itglueApiKey,
      sims.credentials.bms.password,
      ...Object.values(WRONG),
      WEB_PASSWORD,
      token,
    ];
    for (const secret of secrets)
      expect(everything.includes(secret), `a secret (${secret.slice(0, 4)}…) was printed or logged`).toBe(false);
  }, 180_000);
});
