import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry, runCli } from '../support/cli.ts';
import { smallSeed, TENANT_A, user } from '../support/simulators.ts';
import { freePorts, startSimulatorsCommand, type RunningCommand } from '../support/simulators-command.ts';

let running: RunningCommand | null = null;
afterEach(() => {
  if (running !== null && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = null;
});

beforeAll(() => {
  cliEntry();
}, 120_000);

describe('contactsync simulators --seed FILE --config-out CONFIG --port N --dump OUT', () => {
  it('runs the simulators for the product as real tenants: sync, a new hire through /_sim, the dump on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulators-'));
    const seed = smallSeed(3);
    writeFileSync(
      join(dir, 'seed.json'),
      JSON.stringify({
        ...seed,
        tenants: seed.tenants.map((t, i) => (i === 1 ? { ...t, settings: { pollSeconds: 30 } } : t)),
      }),
    );
    const port = await freePorts();
    running = await startSimulatorsCommand(
      ['--seed', 'seed.json', '--config-out', 'cs.json', '--port', String(port), '--dump', 'out.json'],
      dir,
    );
    // The tenant id the control routes take is printed beside the customer's name, not left to be dug out of the config.
    expect(running.output()).toContain(`\n  Contoso Ltd  ${TENANT_A}\n`);
    const config = JSON.parse(readFileSync(join(dir, 'cs.json'), 'utf8'));
    expect(config).toMatchObject({
      microsoft: { loginUrl: `http://127.0.0.1:${port}`, graphUrl: `http://127.0.0.1:${port + 1}` },
      itglue: { baseUrl: `http://127.0.0.1:${port + 2}` },
      bms: { baseUrl: `http://127.0.0.1:${port + 3}` },
      tenants: [
        { id: TENANT_A, displayName: 'Contoso Ltd' },
        { displayName: 'Fabrikam', settings: { pollSeconds: 30 } },
      ],
    });
    expect(config.microsoft.clientSecret).toEqual(expect.any(String));
    const graph = config.microsoft.graphUrl as string;
    const cs = (...args: string[]) =>
      runCli(['--config', join(dir, 'cs.json'), ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);

    const first = await cs('sync');
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Contoso Ltd\s+ok\s+3/);
    // The seed's own settings of a tenant came with the config.
    expect((await cs('tenants', 'settings', 'Fabrikam')).stdout).toMatch(/"pollSeconds": 30/);

    // As in the README: no displayName, as Graph often has none for an account a script made.
    const hire = user('nina', {
      displayName: undefined,
      userPrincipalName: 'nina.new@contoso.com',
      givenName: 'Nina',
      surname: 'New',
      mail: 'nina.new@contoso.com',
      proxyAddresses: ['SMTP:nina.new@contoso.com'],
      businessPhones: ['+1 206 555 0177'],
    });
    const added = await fetch(`${graph}/_sim/tenants/${TENANT_A}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hire),
    });
    expect(added.status).toBe(201);
    const second = await cs('sync', '--tenant', 'Contoso Ltd');
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const state = (await (await fetch(`${graph}/_sim/state`)).json()) as Record<string, any>;
    const inBms = state.bms.accounts[0].contacts.filter((c: any) => c.emailAddress === 'nina.new@contoso.com');
    expect(inBms).toEqual([
      expect.objectContaining({ firstName: 'Nina', lastName: 'New', phoneNumber: '+12065550177', isActive: true }),
    ]);
    expect(state.requests.itglue.POST).toBeGreaterThan(0);
    // Named by her given name and surname, not by her sign-in name twice.
    expect((await cs('contact', 'show', 'nina.new@contoso.com')).stdout.split('\n')[0]).toBe(
      'Nina New <nina.new@contoso.com> — Contoso Ltd',
    );

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const dump = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(Object.keys(dump).sort()).toEqual(['bms', 'itglue', 'requests', 'tenants']);
    expect(dump.tenants[0].users.map((u: any) => u.id)).toContain('nina');
    expect(dump.bms.accounts[0].contacts.map((c: any) => c.emailAddress)).toContain('nina.new@contoso.com');
    expect(dump.requests.bms.POST).toBe(state.requests.bms.POST);
  }, 180_000);

  it('says which port is taken, and runs on free ports without --port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulators-'));
    writeFileSync(join(dir, 'seed.json'), JSON.stringify(smallSeed(1)));
    const port = await freePorts();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port + 2, '127.0.0.1', resolve));
    try {
      const refused = await runCli(
        ['simulators', '--seed', 'seed.json', '--config-out', 'cs.json', '--port', String(port)],
        {},
        dir,
      );
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`port ${port + 2} of 127\\.0\\.0\\.1 \\(the itglue simulator\\) is in use`),
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    running = await startSimulatorsCommand(['--seed', 'seed.json', '--config-out', 'cs.json'], dir);
    const config = JSON.parse(readFileSync(join(dir, 'cs.json'), 'utf8'));
    const doctor = await runCli(['--config', 'cs.json', 'doctor'], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toMatch(/✓ GDAP customers: 2 customer tenants/);
    expect(
      new Set(Object.values(config.microsoft).concat(config.itglue.baseUrl, config.bms.baseUrl)).size,
    ).toBeGreaterThan(4);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  }, 180_000);

  it('starts the demo customers when no seed is given, as a technician trying it first does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simulators-'));
    running = await startSimulatorsCommand(['--config-out', 'cs.json'], dir);
    expect(running.output()).toMatch(/seeded from the demo seed \(three customers\)/);
    expect(running.output()).toMatch(/\n {2}Contoso Ltd {2}[0-9a-f-]{36}\n {2}Fabrikam GmbH {2}[0-9a-f-]{36}\n/);
    const config = JSON.parse(readFileSync(join(dir, 'cs.json'), 'utf8'));
    expect(config.tenants.map((t: { displayName: string }) => t.displayName)).toEqual([
      'Contoso Ltd',
      'Fabrikam GmbH',
      'Northwind Traders',
    ]);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  }, 180_000);
});
