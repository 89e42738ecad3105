import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { cliEntry, runCli, simulatorConfig } from '../support/cli.ts';
import { graphUser, smallSeed, TENANT_A, TENANT_B } from '../support/simulators.ts';

let sims: RunningSimulators;
beforeAll(async () => {
  cliEntry();
  sims = await startSimulators(smallSeed(5));
}, 60_000);
afterAll(async () => {
  await sims.close();
});

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `contactsync daemon --poll-seconds 2` with this config, its state in `dir`; what it printed so far. */
function startDaemon(config: string, dir: string) {
  const { DATABASE_URL: _shared, ...env } = process.env;
  const child = spawn(process.execPath, [cliEntry(), '--config', config, 'daemon', '--poll-seconds', '2'], {
    env: { ...env, CONTACTSYNC_DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, exited };
}

describe('contactsync daemon', () => {
  it('brings a new hire into BMS within the poll interval, costs one Graph request per quiet poll, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemon-'));
    const config = simulatorConfig(sims, dir, { tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }] });
    const { child, stdout, exited } = startDaemon(config, dir);

    await waitFor('the first sync', () => (sims.bms.contactsOf(1).length === 5 ? true : undefined), 20_000);
    // Quiet polls: only the delta request of the tenant.
    const quietFrom = sims.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const quiet = sims.requests.slice(quietFrom).filter((r) => r.server !== 'login');
    expect(quiet.length).toBeGreaterThanOrEqual(1);
    expect(new Set(quiet.map((r) => `${r.server} ${r.route}`))).toEqual(new Set(['graph /v1.0/users/delta']));
    // A quiet poll is not a run: the runs are still the first sync alone.
    const runs = await runCli(['--config', config, 'runs', 'list', '--json'], { CONTACTSYNC_DATA_DIR: dir });
    expect(JSON.parse(runs.stdout).map((r: { status: string }) => r.status)).toEqual(['ok']);

    const hired = Date.now();
    sims.graph.addUser(TENANT_A, graphUser('newhire', { businessPhones: ['+1 206 555 0142'] }));
    const contact = await waitFor(
      'the new hire in BMS',
      () => sims.bms.contactsOf(1).find((c) => c.emailAddress === 'newhire@contoso.com'),
      15_000,
    );
    const latencyMs = Date.now() - hired;
    expect(contact).toMatchObject({ firstName: 'User', phoneNumber: '+12065550142', isActive: true });
    expect(latencyMs).toBeLessThan(2_000 + 3_000); // the poll interval plus the run

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout()).toMatch(/Watching 1 tenant: changes every 2 s/);
    expect(stdout()).toMatch(/Contoso Ltd: ok \(IT Glue: created 1, unchanged 5; BMS: created 1\)/);
    expect(stdout()).toMatch(/Stopped\.\n$/);
  }, 60_000);

  it('polls a tenant at its own pollSeconds, says so at start, and says when the first pass starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'daemon-own-'));
    const config = simulatorConfig(sims, dir, {
      tenants: [
        { id: TENANT_A, displayName: 'Contoso Ltd' },
        { id: TENANT_B, displayName: 'Fabrikam', settings: { pollSeconds: 3600 } },
      ],
    });
    const { child, stdout, exited } = startDaemon(config, dir);
    const ranFor = async () => {
      const runs = await runCli(['--config', config, 'runs', 'list', '--json'], { CONTACTSYNC_DATA_DIR: dir });
      return new Set((JSON.parse(runs.stdout || '[]') as { tenantId: string }[]).map((r) => r.tenantId));
    };
    try {
      const deadline = Date.now() + 30_000;
      while (!(await ranFor()).has(TENANT_A) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await ranFor()).toContain(TENANT_A);
      // Two more of Contoso's intervals: Fabrikam, at its own hour, is not read yet.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(await ranFor()).not.toContain(TENANT_B);
      expect(stdout()).toMatch(/Watching 2 tenants: changes every 2 s \(Fabrikam: 3600 s\)/);
      expect(stdout()).toMatch(/First pass started: each of the 2 tenants is read within its interval/);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
