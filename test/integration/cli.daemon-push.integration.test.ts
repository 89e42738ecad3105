import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { cliEntry, runCli, simulatorConfig } from '../support/cli.ts';
import { eventually } from '../support/push.ts';
import { graphUser, smallSeed, TENANT_A } from '../support/simulators.ts';

let sims: RunningSimulators;
beforeAll(async () => {
  cliEntry();
  sims = await startSimulators(smallSeed(3));
}, 60_000);
afterAll(async () => {
  await sims.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it('with web.publicUrl, the daemon subscribes, brings a new hire into BMS in seconds though polls are an hour apart, and doctor says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daemon-push-'));
  const port = await freePort();
  const config = simulatorConfig(sims, dir, {
    tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
    web: { host: '127.0.0.1', port, publicUrl: `http://127.0.0.1:${port}` },
  });
  const { DATABASE_URL: _shared, ...env } = process.env;
  const child = spawn(process.execPath, [cliEntry(), '--config', config, 'daemon', '--poll-seconds', '3600'], {
    env: { ...env, CONTACTSYNC_DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    await eventually(() => sims.subscriptions.describe().length === 1, 20_000, 'the subscription');
    // The first read of a new tenant comes with its first poll, somewhere in the hour: a notice brings it now.
    sims.graph.updateUser(TENANT_A, 'a00000', { jobTitle: 'Kick-off' });
    await eventually(() => sims.bms.contactsOf(1).length === 3, 20_000, 'the first sync');

    const hired = Date.now();
    sims.graph.addUser(TENANT_A, graphUser('pushhire', { businessPhones: ['+1 206 555 0177'] }));
    await eventually(
      () => sims.bms.contactsOf(1).some((c) => c.emailAddress === 'pushhire@contoso.com'),
      15_000,
      'the new hire in BMS',
    );
    expect(Date.now() - hired).toBeLessThan(5_000);

    const doctor = await runCli(['--config', config, 'doctor'], { CONTACTSYNC_DATA_DIR: dir });
    expect(doctor.stdout).toMatch(
      /✓ change notifications: .*\/graph\/notifications answers Graph's validation; 1 of 1 mapped tenants pushed/,
    );
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(stdout).toMatch(/Change notifications: Graph posts to http:\/\/127\.0\.0\.1:\d+\/graph\/notifications/);
}, 90_000);
