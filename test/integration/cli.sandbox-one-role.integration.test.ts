import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../support/cli.ts';
import { freePorts, startSimulatorsCommand, type RunningCommand } from '../support/simulators-command.ts';

/** The seeds of an MSP that runs a PSA alone, and of one that runs a documentation platform alone. */
const SEEDS = join(import.meta.dirname, '..', 'fixtures', 'seeds');
const PSA_ONLY = join(SEEDS, 'psa-only.json');
const DOCUMENTATION_ONLY = join(SEEDS, 'documentation-only.json');
const CONTOSO = '33333333-3333-4333-8333-333333333333';
const FABRIKAM = '44444444-4444-4444-8444-444444444444';

const dir = mkdtempSync(join(tmpdir(), 'cli-one-role-'));
const env = { CONTACTSYNC_DATA_DIR: dir };

beforeAll(() => buildCli(), 60_000);

interface ReportedUser {
  readonly userPrincipalName: string;
  readonly outcome: string;
  readonly [key: string]: unknown;
}
interface Dump {
  readonly report: { readonly tenants: { id: string; status: string; users: ReportedUser[] }[] };
  readonly requests: Record<string, Record<string, number>>;
  readonly [key: string]: any;
}

async function sandboxOnce(seed: string, name: string): Promise<{ dump: Dump; stdout: string }> {
  const out = join(dir, `${name}.json`);
  const run = await runCli(['sandbox', '--seed', seed, '--once', '--dump', out], env);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return { dump: JSON.parse(readFileSync(out, 'utf8')) as Dump, stdout: run.stdout };
}

function tenantOf(dump: Dump, id: string) {
  return dump.report.tenants.find((t) => t.id === id)!;
}

describe('contactsync sandbox --seed FILE --once --dump OUT with one role', () => {
  it('syncs a PSA alone: the dump, the report and the request counts speak of BMS only', async () => {
    const { dump, stdout } = await sandboxOnce(PSA_ONLY, 'psa-only');
    expect(stdout).toMatch(/into the BMS simulator\./);
    expect(Object.keys(dump).sort()).toEqual(['bms', 'report', 'requests', 'tenants']);
    expect(Object.keys(dump.requests).sort()).toEqual(['bms', 'graph']);
    // A sign-in and one create per new contact.
    expect(dump.requests.bms!.POST).toBeGreaterThanOrEqual(3);

    const contoso = tenantOf(dump, CONTOSO);
    expect(contoso.status).toBe('ok');
    for (const user of contoso.users)
      expect(Object.keys(user).sort()).toEqual([
        'bms',
        'bmsContactId',
        'outcome',
        'reasons',
        'rule',
        'userId',
        'userPrincipalName',
      ]);
    const byName = new Map(contoso.users.map((u) => [u.userPrincipalName, u]));
    expect(byName.get('ada@contoso.com')).toMatchObject({ outcome: 'synced', bms: 'created' });
    expect(byName.get('alan@contoso.com')).toMatchObject({ outcome: 'synced', bms: 'created' });
    // The contact BMS already had is found by her address and kept, not made twice.
    expect(byName.get('grace@contoso.com')).toMatchObject({ bmsContactId: 500 });
    expect(['linked', 'updated', 'unchanged']).toContain(byName.get('grace@contoso.com')!.bms);
    const contacts = dump.bms.accounts[0].contacts as { id: number; emailAddress: string }[];
    expect(contacts.map((c) => c.emailAddress).sort()).toEqual([
      'ada@contoso.com',
      'alan@contoso.com',
      'grace@contoso.com',
    ]);
    expect(contoso.users.map((u) => u.bmsContactId).sort()).toEqual(contacts.map((c) => c.id).sort());

    // No BMS account of Fabrikam's name: nothing to write it to.
    expect(tenantOf(dump, FABRIKAM).status).toBe('unmapped');
    expect(dump.tenants.map((t: { id: string }) => t.id)).toEqual([CONTOSO, FABRIKAM]);
  }, 180_000);

  it('syncs a documentation platform alone: the dump, the report and the request counts speak of IT Glue only', async () => {
    const { dump, stdout } = await sandboxOnce(DOCUMENTATION_ONLY, 'documentation-only');
    expect(stdout).toMatch(/into the IT Glue simulator\./);
    expect(Object.keys(dump).sort()).toEqual(['itglue', 'report', 'requests', 'tenants']);
    expect(Object.keys(dump.requests).sort()).toEqual(['graph', 'itglue']);
    expect(dump.requests.itglue!.POST).toBeGreaterThanOrEqual(1);

    const contoso = tenantOf(dump, CONTOSO);
    expect(contoso.status).toBe('ok');
    for (const user of contoso.users)
      expect(Object.keys(user).sort()).toEqual([
        'itglue',
        'itglueContactId',
        'outcome',
        'reasons',
        'rule',
        'userId',
        'userPrincipalName',
      ]);
    const byName = new Map(contoso.users.map((u) => [u.userPrincipalName, u]));
    expect(byName.get('ada@contoso.com')).toMatchObject({ outcome: 'synced', itglue: 'created' });
    expect(byName.get('alan@contoso.com')).toMatchObject({ outcome: 'synced', itglue: 'created' });
    expect(byName.get('grace@contoso.com')).toMatchObject({ itglueContactId: '100' });
    const contacts = dump.itglue.organizations[0].contacts as { id: string }[];
    expect(contacts).toHaveLength(3);
    expect(contoso.users.map((u) => u.itglueContactId).sort()).toEqual(contacts.map((c) => c.id).sort());

    expect(tenantOf(dump, FABRIKAM).status).toBe('unmapped');
  }, 180_000);
});

describe('contactsync simulators with a PSA alone', () => {
  let running: RunningCommand | null = null;
  afterEach(() => {
    if (running !== null && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = null;
  });

  it('starts BMS on its usual port and no IT Glue; the config, /_sim and the dump name BMS alone', async () => {
    const work = mkdtempSync(join(tmpdir(), 'simulators-psa-'));
    const port = await freePorts();
    running = await startSimulatorsCommand(
      ['--seed', PSA_ONLY, '--config-out', 'cs.json', '--port', String(port), '--dump', 'out.json'],
      work,
    );
    expect(running.output()).toContain(`\n  Kaseya BMS       http://127.0.0.1:${port + 3}\n`);
    expect(running.output()).not.toMatch(/IT Glue/);
    const config = JSON.parse(readFileSync(join(work, 'cs.json'), 'utf8'));
    expect(config).toMatchObject({
      microsoft: { loginUrl: `http://127.0.0.1:${port}`, graphUrl: `http://127.0.0.1:${port + 1}` },
      bms: { baseUrl: `http://127.0.0.1:${port + 3}` },
    });
    expect(config.itglue).toBeUndefined();
    // Nothing listens where IT Glue's simulator would.
    await expect(fetch(`http://127.0.0.1:${port + 2}/organizations`)).rejects.toThrow('fetch failed');

    const graph = `http://127.0.0.1:${port + 1}`;
    const state = (await (await fetch(`${graph}/_sim/state`)).json()) as Record<string, any>;
    expect(Object.keys(state).sort()).toEqual(['bms', 'requests', 'tenants']);
    expect(Object.keys(state.requests).sort()).toEqual(['bms', 'graph']);
    const fault = (api: string) =>
      fetch(`${graph}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ api, error500: 0 }),
      });
    expect((await fault('bms')).status).toBe(200);
    const refused = await fault('itglue');
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({ error: 'The seed has no itglue: its simulator is not running.' });

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const dump = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8'));
    expect(Object.keys(dump).sort()).toEqual(['bms', 'requests', 'tenants']);
    expect(dump.bms.accounts[0].contacts).toEqual([
      expect.objectContaining({ id: 500, emailAddress: 'grace@contoso.com' }),
    ]);
  }, 180_000);
});
