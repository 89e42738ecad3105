import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildWebApp } from '../../src/web/web-app.ts';
import { runCli, simulatorConfig } from '../support/cli.ts';
import { startCli, waitUntil } from '../support/cli-process.ts';
import { openTestDatabase } from '../support/databases.ts';
import { smallSeed } from '../support/simulators.ts';
import { stateOnlyServices } from '../support/web.ts';

let sims: RunningSimulators;
let dir: string;
beforeAll(async () => {
  sims = await startSimulators(smallSeed(3));
  dir = mkdtempSync(join(tmpdir(), 'contactsync-health-'));
}, 60_000);
afterAll(async () => {
  await sims.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a monitor or a load balancer asks how contactsync is, without signing in', () => {
  it('serve --daemon answers /healthz and /readyz with 200, and stops on SIGTERM saying so', async () => {
    const config = simulatorConfig(sims, dir);
    const served = startCli(['--config', config, 'serve', '--port', '0', '--daemon'], {
      CONTACTSYNC_DATA_DIR: join(dir, 'data'),
    });
    try {
      const url = (await served.waitFor(/web UI: (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;
      const health = await fetch(`${url}/healthz`, { redirect: 'manual' });
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      let ready: Response | null = null;
      await waitUntil('the scheduler to go round once', async () => {
        ready = await fetch(`${url}/readyz`, { redirect: 'manual' });
        return ready.status === 200;
      });
      expect(await ready!.json()).toEqual({ status: 'ready' });
    } finally {
      expect(await served.stop()).toBe(0);
    }
    expect(served.output()).toMatch(/SIGTERM: stopping once the work in flight is done\.\n[^]*Stopped\.\n$/);
  });

  it('serve --daemon stays up when the GDAP customers cannot be listed at start, saying so, and serves its health checks', async () => {
    const sub = mkdtempSync(join(dir, 'unreachable-'));
    // The partner's customers are listed from Graph at start; here Microsoft's login is out of reach.
    const config = simulatorConfig(sims, sub, {
      microsoft: {
        clientId: sims.credentials.graph.clientId,
        clientSecret: sims.credentials.graph.clientSecret,
        loginUrl: 'http://127.0.0.1:9/',
        graphUrl: sims.urls.graph,
        partnerTenantId: sims.credentials.partnerTenantId,
      },
      tenants: [],
    });
    const served = startCli(['--config', config, 'serve', '--port', '0', '--daemon'], {
      CONTACTSYNC_DATA_DIR: join(sub, 'data'),
    });
    try {
      const url = (await served.waitFor(/web UI: (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;
      await served.waitFor(/Could not list the tenants to serve: .* Carrying on with the 0 tenants already known/);
      expect((await fetch(`${url}/healthz`, { redirect: 'manual' })).status).toBe(200);
      await waitUntil('the scheduler to go round once', async () => {
        return (await fetch(`${url}/readyz`, { redirect: 'manual' })).status === 200;
      });
    } finally {
      expect(await served.stop()).toBe(0);
    }
  });

  it('/readyz answers 503 naming what fails: a scheduler that stopped turning, a database that does not answer', async () => {
    const { store, dispose } = await openTestDatabase('sqlite');
    let beat: number | null = Date.now() - 10 * 60_000;
    const app = await buildWebApp({
      services: { ...stateOnlyServices(store), heartbeat: { lastBeatAt: () => beat, maxAgeMs: 180_000 } },
    });
    try {
      const stale = await app.inject({ url: '/readyz' });
      expect(stale.statusCode).toBe(503);
      expect(stale.json()).toEqual({ status: 'not ready', failing: ['scheduler'] });
      beat = Date.now();
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      await dispose();
      const closed = await app.inject({ url: '/readyz' });
      expect(closed.statusCode).toBe(503);
      expect(closed.json()).toEqual({ status: 'not ready', failing: ['database'] });
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('a command that fails', () => {
  it('ends with its error even when it had started servers (the sandbox with a database it cannot open)', async () => {
    const run = await runCli(['sandbox', '--once', '--db', '/dev/null/sandbox.db'], {
      CONTACTSYNC_DATA_DIR: join(dir, 'data'),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^contactsync: .*\/dev\/null/m);
  });
});
