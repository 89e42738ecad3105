import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { cliEntry, runCli, simulatorConfig } from '../support/cli.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';

let sims: RunningSimulators;
beforeAll(async () => {
  cliEntry();
  sims = await startSimulators(smallSeed(3));
}, 60_000);
afterAll(async () => {
  await sims.close();
});

/** What the process logged to its data directory (empty when it logged nothing). */
function readLog(dir: string): string {
  const path = join(dir, 'contactsync.log');
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Starts a long-running command and waits for the line that gives the web UI's address. */
async function startServing(
  args: readonly string[],
  env: Record<string, string>,
  address = /(?:Web UI|web UI): (http:\/\/127\.0\.0\.1:\d+)\//,
): Promise<{
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}> {
  const { DATABASE_URL: _shared, ...inherited } = process.env;
  const child = spawn(process.execPath, [cliEntry(), ...args], {
    env: { ...inherited, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const url = address.exec(stdout)?.[1];
    if (url !== undefined) return { child, url, output: () => stdout, exited };
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no web UI address; output:\n${stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Signs in with a real HTTP client: the sign-in page's CSRF token and cookie, then the form. */
async function signIn(url: string, username: string, password: string): Promise<{ status: number; cookie: string }> {
  const page = await fetch(`${url}/login`);
  const csrfCookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, username, password }).toString(),
  });
  return {
    status: response.status,
    cookie: response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
  };
}

describe('contactsync serve', () => {
  it('serves the UI to a login made with user add, and the REST API to a token made with token add', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-'));
    const config = simulatorConfig(sims, dir, {
      tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
      settings: { pollSeconds: 5 },
    });
    const env = { CONTACTSYNC_DATA_DIR: dir, CONTACTSYNC_USER_PASSWORD: 'a long enough password' };
    expect((await runCli(['--config', config, 'user', 'add', 'tech', '--role', 'admin'], env)).stdout).toMatch(
      /Added tech \(admin\)/,
    );
    const added = await runCli(['--config', config, 'token', 'add', 'psa-bot', '--role', 'viewer'], env);
    const token = /^cs_\S+$/m.exec(added.stdout)![0];
    const listed = await runCli(['--config', config, 'token', 'list'], env);
    expect(listed.stdout).toMatch(/psa-bot\s+viewer/);
    expect(listed.stdout).not.toContain(token);

    const served = await startServing(['--config', config, 'serve', '--port', '0', '--daemon'], env);
    try {
      const wrong = await signIn(served.url, 'tech', 'not it');
      expect(wrong.status).toBe(401);
      const right = await signIn(served.url, 'tech', 'a long enough password');
      expect(right.status).toBe(303);
      // The daemon synced the tenant; the dashboard shows it.
      const deadline = Date.now() + 20_000;
      let dashboard = '';
      while (!/created 3/.test(dashboard) && Date.now() < deadline) {
        dashboard = await (await fetch(`${served.url}/`, { headers: { cookie: right.cookie } })).text();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(dashboard).toMatch(/Contoso Ltd/);
      expect(dashboard).toMatch(/created 3/);
      // Without web.publicUrl, links in alerts and exports start with the address serve listens on (--port), not
      // the config's port.
      const alertsPage = await (await fetch(`${served.url}/alerts`, { headers: { cookie: right.cookie } })).text();
      expect(alertsPage).toContain(
        `Links in alerts and exports point at ${served.url}, the address this web UI listens on`,
      );
      expect(alertsPage).not.toContain(':8080');
      const api = await fetch(`${served.url}/api/tenants`, { headers: { authorization: `Bearer ${token}` } });
      expect(api.status).toBe(200);
      expect(((await api.json()) as { displayName: string }[]).map((t) => t.displayName)).toEqual(['Contoso Ltd']);
      const refused = await fetch(`${served.url}/api/tenants/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(refused.status).toBe(403);
      expect(
        (await runCli(['--config', config, 'token', 'revoke', /^Token (\w+)/m.exec(added.stdout)![1]!], env)).stdout,
      ).toMatch(/Revoked/);
      expect((await fetch(`${served.url}/api/tenants`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
        401,
      );
    } finally {
      served.child.kill('SIGTERM');
    }
    expect(await served.exited).toBe(0);
    // With --daemon, a line per run: when, which tenant, how it went.
    expect(served.output()).toMatch(/^\S+Z Contoso Ltd: ok \(IT Glue: created 3; BMS: created 3\)$/m);
    expect(served.output()).toMatch(/Stopped\.\n$/);
  }, 90_000);

  it('stopped while a run waits on an API budget, waits for it to end before closing the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-stop-'));
    // BMS allows 2 requests each 2 s here: a first sync of 3 people waits on the budget several times.
    const config = simulatorConfig(sims, dir, {
      tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
      apiLimits: { bms: { limit: 2, windowMs: 2_000 } },
    });
    const env = { CONTACTSYNC_DATA_DIR: dir };
    const added = await runCli(['--config', config, 'token', 'add', 'runbook', '--role', 'admin'], env);
    const token = /^cs_\S+$/m.exec(added.stdout)![0];
    expect((await runCli(['--config', config, 'tenants', 'discover'], env)).code).toBe(0);
    const served = await startServing(['--config', config, 'serve', '--port', '0'], env);
    const bmsBefore = sims.requests.filter((r) => r.server === 'bms').length;
    // The caller gives up after a second, its connection cut (a laptop closed, a proxy's timeout): the run it
    // started goes on in the server.
    const { port } = new URL(served.url);
    const caller = connect(Number(port), '127.0.0.1');
    caller.on('error', () => {});
    caller.write(
      `POST /api/tenants/Contoso%20Ltd/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Length: 0\r\n\r\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    caller.resetAndDestroy();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(sims.requests.filter((r) => r.server === 'bms').length - bmsBefore).toBeGreaterThan(0);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    expect(served.output()).toMatch(/Stopping: waiting up to 60 s for the runs in flight \(Contoso Ltd\) to end/);
    expect(served.output()).toMatch(/Stopped\.\n$/);
    expect(served.output() + readLog(dir)).not.toMatch(/destroyed|lock could not be released/);
    // The run finished and was recorded; the tenant is free for the next one.
    const runs = await runCli(['--config', config, 'runs', 'list', '--json'], env);
    expect(JSON.parse(runs.stdout).map((r: { status: string }) => r.status)).toEqual(['ok']);
    expect(sims.bms.contactsOf(1)).toHaveLength(3);
  }, 90_000);

  it('waits no longer than --stop-wait, and the tenant is free for the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-stop-wait-'));
    const config = simulatorConfig(sims, dir, {
      tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
      apiLimits: { bms: { limit: 1, windowMs: 5_000 } },
    });
    const env = { CONTACTSYNC_DATA_DIR: dir };
    const token = /^cs_\S+$/m.exec(
      (await runCli(['--config', config, 'token', 'add', 'runbook', '--role', 'admin'], env)).stdout,
    )![0];
    expect((await runCli(['--config', config, 'tenants', 'discover'], env)).code).toBe(0);
    const served = await startServing(['--config', config, 'serve', '--port', '0', '--stop-wait', '1'], env);
    void fetch(`${served.url}/api/tenants/Contoso%20Ltd/sync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    }).catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stopping = Date.now();
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(1);
    expect(Date.now() - stopping).toBeLessThan(4_000);
    expect(served.output()).toMatch(/1 run did not end within 1 s; stopped without waiting longer/);
    expect(served.output() + readLog(dir)).not.toMatch(/destroyed/);
    // Its process is gone: the next run takes the tenant at once.
    const next = await runCli(['--config', config, 'sync', '--tenant', 'Contoso Ltd'], env);
    expect(next.code, next.stdout + next.stderr).not.toBe(4);
  }, 90_000);
});

describe('contactsync serve --host 0.0.0.0', () => {
  it('says it listens on every interface, and gives the addresses of this machine that answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-all-'));
    const config = simulatorConfig(sims, dir, { tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }] });
    const served = await startServing(
      ['--config', config, 'serve', '--host', '0.0.0.0', '--port', '0'],
      { CONTACTSYNC_DATA_DIR: dir },
      /web UI: (http:\/\/\S+?)\//,
    );
    try {
      const network = Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((i) => i.family === 'IPv4');
      expect(
        network.some((i) => !i.internal),
        'this test needs a machine with a network address',
      ).toBe(true);
      // The first address is one another machine can use, never loopback.
      expect(served.url).not.toMatch(/127\.0\.0\.1/);
      const listed = /Listening on all interfaces \(0\.0\.0\.0\), port (\d+): (.+)$/m.exec(served.output())!;
      const port = Number(listed[1]);
      const urls = listed[2]!.split(', ');
      expect(urls.toSorted()).toEqual(network.map((i) => `http://${i.address}:${port}/`).toSorted());
      expect(urls[0]).toBe(`${served.url}/`);
      for (const url of urls) expect((await fetch(`${url}login`)).status, url).toBe(200);
    } finally {
      served.child.kill('SIGTERM');
    }
    expect(await served.exited).toBe(0);
  }, 90_000);
});

describe('contactsync sandbox without --once', () => {
  it('prints the web UI address and a demo login that works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-web-'));
    const served = await startServing(['sandbox', '--port', '0'], { CONTACTSYNC_DATA_DIR: dir });
    try {
      const login = /sign in as (\S+) \/ (\S+) /.exec(served.output());
      expect(login).not.toBeNull();
      const session = await signIn(served.url, login![1]!, login![2]!);
      expect(session.status).toBe(303);
      const page = await (await fetch(`${served.url}/conflicts`, { headers: { cookie: session.cookie } })).text();
      expect(page).toMatch(/data-conflict="/);
      expect(served.output()).toMatch(/REST API: http:\/\/127\.0\.0\.1:\d+\/api\/openapi\.json/);
    } finally {
      served.child.kill('SIGTERM');
    }
    expect(await served.exited).toBe(0);
  }, 90_000);
});

describe('contactsync sandbox stopped with Ctrl-C', () => {
  it('during its first sync says so and "Stopped.", and keeps its log beside --db, not in the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-stop-'));
    const cwd = mkdtempSync(join(tmpdir(), 'sandbox-cwd-'));
    const db = join(dir, 'kept.db');
    const { DATABASE_URL: _shared, CONTACTSYNC_DATA_DIR: _data, ...env } = process.env;
    const child = spawn(process.execPath, [cliEntry(), 'sandbox', '--db', db, '--port', '0'], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!existsSync(db) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    expect(await exited, output).toBe(0);
    expect(output).toMatch(/Ctrl-C: stopping once the work in flight is done\./);
    expect(output).toMatch(/Stopped\.\n$/);
    expect(existsSync(join(dir, 'sandbox.log'))).toBe(true);
    expect(existsSync(join(cwd, 'data'))).toBe(false);
  }, 90_000);
});
