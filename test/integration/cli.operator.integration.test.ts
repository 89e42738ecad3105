import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, initEnvOf, runCli, type CliRun } from '../support/cli.ts';

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const dir = mkdtempSync(join(tmpdir(), 'operator-'));
const config = join(dir, 'contactsync.json');
let sims: RunningSimulators;
const outputs: string[] = [];

/** `contactsync ARGS` as the technician runs it, with the config in their directory. */
async function cs(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const run = await runCli(
    ['--config', config, ...args],
    { CONTACTSYNC_DATA_DIR: join(dir, 'data'), CONTACTSYNC_ACTOR: 'tech@msp', ...env },
    dir,
  );
  outputs.push(run.stdout, run.stderr);
  return run;
}

beforeAll(async () => {
  buildCli();
  sims = await startSimulators(seed);
}, 60_000);
afterAll(async () => {
  await sims.close();
});

function initEnv(): Record<string, string> {
  return initEnvOf(sims);
}

describe("the operator's CLI, from nothing to a synced tenant", () => {
  it('init writes a commented config with encrypted secrets and creates the database', async () => {
    const run = await cs(['init'], initEnv());
    expect(run.code, run.stderr).toBe(0);
    const text = readFileSync(config, 'utf8');
    expect(text).toMatch(/^\/\/ contactsync configuration/);
    expect(text.match(/"enc:v1:/g)).toHaveLength(3);
    for (const secret of [
      sims.credentials.graph.clientSecret,
      sims.credentials.itglueApiKey,
      sims.credentials.bms.password,
    ])
      expect(text).not.toContain(secret);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.contactsync-secret.key')).mode & 0o777).toBe(0o600);
    expect(run.stdout).toMatch(/secret ••••\S{4}/);
    expect((await cs(['init'], initEnv())).stderr).toMatch(/exists already: use --force/);
  });

  it('init says what is missing when the environment lacks answers', async () => {
    const run = await runCli(
      ['--config', join(dir, 'other.json'), 'init'],
      { CONTACTSYNC_DATA_DIR: join(dir, 'data') },
      dir,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Microsoft app \(client\) id[\s\S]*client secret[\s\S]*IT Glue API key[\s\S]*BMS API user name/,
    );
  });

  it('doctor checks every connection', async () => {
    const run = await cs(['doctor']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/✓ Microsoft 365: partner tenant/);
    expect(run.stdout).toMatch(/✓ IT Glue/);
    expect(run.stdout).toMatch(/✓ Kaseya BMS/);
    expect(run.stdout).toMatch(/✓ clock/);
    // No web.publicUrl and no alert link address: links in alerts and exports would not open from another desk.
    expect(run.stdout).toMatch(
      /! alert links: Links in alerts and exports point at http:\/\/127\.0\.0\.1:\d+.*will not open from another desk/,
    );
    // doctor serves nothing: the address is the config's, which a serve --port elsewhere does not listen on.
    expect(run.stdout).toMatch(
      /point at http:\/\/127\.0\.0\.1:\d+, the address web\.host and web\.port of the config name/,
    );
    expect(run.stdout).toMatch(
      /! IT Glue links: none yet: add "subdomain": "sandbox-msp" under itglue in the config \(IT Glue says the account is https:\/\/sandbox-msp\.itglue\.com\)/,
    );
  });

  it('doctor says what is wrong and how to fix it', async () => {
    const run = await cs(['doctor'], {
      CONTACTSYNC_MS_CLIENT_SECRET: 'W-r0ng~secret-value',
      CONTACTSYNC_ITGLUE_API_KEY: 'ITG.bad-key-value',
      CONTACTSYNC_BMS_PASSWORD: 'bad-password-value',
    });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(run.stdout).toMatch(/✗ Microsoft 365: partner tenant: .*client secret is wrong/);
    expect(run.stdout).toMatch(/✗ IT Glue: .*region/);
    expect(run.stdout).toMatch(/✗ Kaseya BMS: .*user name, the password and the tenant/);
    expect(run.stdout).toMatch(/4 problems to fix/); // the GDAP check fails with the same wrong secret
    for (const wrong of ['W-r0ng~secret-value', 'ITG.bad-key-value', 'bad-password-value'])
      expect(run.stdout + run.stderr).not.toContain(wrong);
  });

  it('doctor names the permission GDAP listing needs when the partner tenant refuses it', async () => {
    sims.graph.gdapPermission = false;
    try {
      const run = await cs(['doctor']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/✗ GDAP customers: .*DelegatedAdminRelationship\.Read\.All.*partner tenant/);
    } finally {
      sims.graph.gdapPermission = true;
    }
  });

  it('tenants discover finds the GDAP customers and maps them by name', async () => {
    const run = await cs(['tenants', 'discover']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/3 tenants found; 3 mapped, 0 unmapped/);
    // What it found, each tenant with where it is mapped.
    for (const name of ['Contoso Ltd', 'Fabrikam GmbH', 'Northwind Traders'])
      expect(run.stdout).toMatch(new RegExp(`${name}\\s+${name}\\s+${name}\\s+by name\\s+ok`));
    const list = await cs(['tenants', 'list']);
    expect(list.stdout).toMatch(/Contoso Ltd\s+Contoso Ltd\s+Contoso Ltd\s+by name\s+ok/);
  });

  it('tenants map and unmap, with clear errors', async () => {
    expect((await cs(['tenants', 'unmap', 'Fabrikam GmbH'])).stdout).toMatch(/is unmapped/);
    expect((await cs(['tenants', 'map', 'Fabrikam GmbH', '--itglue', '99', '--bms', 'none'])).stderr).toMatch(
      /There is no IT Glue organization "99"\. The closest to "Fabrikam GmbH": "Fabrikam GmbH"/,
    );
    const mapped = await cs(['tenants', 'map', 'Fabrikam GmbH', '--itglue', '2', '--bms', 'fabrikam gmbh']);
    expect(mapped.stdout).toMatch(/Fabrikam GmbH → IT Glue "Fabrikam GmbH", BMS "Fabrikam GmbH"\./);
    expect((await cs(['tenants', 'map', 'Nowhere Inc', '--itglue', '2'])).stderr).toMatch(
      /No tenant "Nowhere Inc"\. The tenants are: Contoso Ltd, Fabrikam GmbH/,
    );
  });

  it('tenants settings validates every key of the sync settings', async () => {
    const ok = await cs([
      'tenants',
      'settings',
      'Contoso Ltd',
      '--set',
      'phones.blankReplacement=000-000-0000',
      '--set',
      'psa.leaverContactType=Former Employee',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Saved the settings of Contoso Ltd \(version \d+\)/);
    expect(JSON.parse(ok.stdout.slice(ok.stdout.indexOf('{'))).phones.blankReplacement).toBe('000-000-0000');
    const bad = await cs([
      'tenants',
      'settings',
      'Contoso Ltd',
      '--set',
      'phones.primaryType=fax',
      '--set',
      'pollSecond=5',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/phones\.primaryType/);
    expect(bad.stderr).toMatch(/pollSecond: is not a setting/);
  });

  it('plan previews with field diffs and reasons, and writes nothing', async () => {
    const before = sims.requests.length;
    const run = await cs(['plan', '--tenant', 'Contoso Ltd']);
    expect(run.code, run.stderr).toBe(0);
    // The summary first, then one line per user with something to do (and why anything waits), no field lists.
    expect(run.stdout.split('\n')[1]).toMatch(/^tenant\s+status\s+/);
    expect(run.stdout).toMatch(/synced\s+\S+@contoso\.com\s+\(rule: alias\)\s+IT Glue: updated, BMS: created/);
    expect(run.stdout).not.toMatch(/title: ∅ → /);
    expect(run.stdout).toMatch(/disputed[\s\S]*why: Rule "name" finds 2 IT Glue contacts/);
    expect(run.stdout).toMatch(/Plan only: nothing was written\. Each field change old → new: --verbose/);
    const lines = run.stdout.split('\n').length;
    const verbose = await cs(['plan', '--tenant', 'Contoso Ltd', '--verbose']);
    expect(verbose.stdout).toMatch(/title: ∅ → /);
    expect(lines).toBeLessThan(verbose.stdout.split('\n').length / 2);
    expect(
      sims.requests
        .slice(before)
        .filter((r) => r.method !== 'GET' && !r.route.includes('token') && !r.route.includes('authenticate')),
    ).toEqual([]);
  });

  it('sync applies, with the exit code telling how it went', async () => {
    const run = await cs(['sync']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Contoso Ltd\s+ok\s+\d+/);
    expect(sims.itglue.contactsOf('1').length).toBeGreaterThan(100);
  });

  it('conflicts list and resolve, including a conflict that no longer exists', async () => {
    const list = await cs(['conflicts', 'list', '--tenant', 'Contoso Ltd', '--json']);
    const open = (
      JSON.parse(list.stdout) as {
        id: string;
        side: string;
        candidates: { id: string }[];
        user: { userPrincipalName: string };
      }[]
    ).map((c) => ({ ...c, userPrincipalName: c.user.userPrincipalName, candidates: c.candidates.map((x) => x.id) }));
    expect(open.length).toBeGreaterThan(3);
    const [first, second] = open.filter((c) => c.side === 'itglue');
    expect((await cs(['conflicts', 'resolve', first!.id, '--create'])).stdout).toMatch(
      /→ create: a new IT Glue contact/,
    );
    expect((await cs(['conflicts', 'resolve', first!.id, '--create'])).stderr).toMatch(
      /No open conflict .*: it was resolved already/,
    );
    expect((await cs(['conflicts', 'resolve', second!.id, '--link', 'nope'])).stderr).toMatch(/is not a candidate/);
    // Which system's contact it is linked to, not a bare number.
    expect((await cs(['conflicts', 'resolve', second!.id, '--link', second!.candidates[0]!])).stdout).toContain(
      `linked to IT Glue contact ${second!.candidates[0]!}.`,
    );
    const run = await cs(['sync', '--tenant', 'Contoso Ltd', '--json']);
    const users = JSON.parse(run.stdout).tenants[0].users as {
      userPrincipalName: string;
      itglue: string;
      rule: string | null;
    }[];
    expect(users.find((u) => u.userPrincipalName === first!.userPrincipalName)?.itglue).toBe('created');
    expect(users.find((u) => u.userPrincipalName === second!.userPrincipalName)?.rule).toBe('link');
    // The contact linked by hand had no email: the run shows that as nothing (∅), not as a blank before the arrow.
    const runs = JSON.parse((await cs(['runs', 'list', '--limit', '1', '--json'])).stdout) as { id: string }[];
    const shown = (await cs(['runs', 'show', runs[0]!.id])).stdout;
    expect(shown).toContain(`IT Glue · Emails: ∅ → ${second!.userPrincipalName} (Work, primary)`);
    expect(shown).not.toMatch(/: {2}→/);
  });

  it('contact disable leaves BMS alone; show is the Manage view; sync-now prints each step; enable again', async () => {
    const upn = 'james.smith@contoso.com';
    expect((await cs(['contact', 'disable', upn])).stdout).toMatch(
      /Sync disabled for james\.smith@contoso\.com \(BMS is left alone\)/,
    );
    const user = sims.graph.users(seed.tenants[0]!.id).find((u) => u.userPrincipalName === upn)!;
    sims.graph.updateUser(seed.tenants[0]!.id, user.id, { jobTitle: 'Chief of Staff' });
    const before = sims.requests.length;
    const now = await cs(['contact', 'sync-now', upn]);
    expect(now.code, now.stderr).toBe(0);
    expect(now.stdout).toMatch(
      /^read\s+james\.smith@contoso\.com[\s\S]*^scope\s+in scope[\s\S]*^match\s+matched by rule "link"[\s\S]*^plan\s+IT Glue: updated, BMS: disabled; IT Glue · Title: .* → Chief of Staff[\s\S]*^apply\s+IT Glue updated/m,
    );
    expect(sims.requests.slice(before).filter((r) => r.server === 'bms' && r.method === 'PUT')).toEqual([]);
    const show = await cs(['contact', 'show', upn]);
    expect(show.stdout).toMatch(/IT Glue contact: \d+/);
    expect(show.stdout).toMatch(/BMS contact: \d+/);
    expect(show.stdout).toMatch(/sync: disabled with BMS/);
    expect(show.stdout).toMatch(/IT Glue: Set itglue\.subdomain in the config/);
    expect(show.stdout).toMatch(/BMS: https:\/\/bms\.kaseya\.com\/react\/crm\/contacts\/\d+/);
    expect(show.stdout).toMatch(/History:/);
    expect((await cs(['contact', 'enable', upn])).stdout).toMatch(/Sync enabled/);
    expect((await cs(['contact', 'show', 'nobody@nowhere.example'])).stderr).toMatch(/No user nobody@nowhere\.example/);
  });

  it('approve refuses a tenant that is not waiting, and accepts one that is', async () => {
    expect((await cs(['approve', 'Contoso Ltd'])).stderr).toMatch(/is not waiting for approval/);
    const tenant = seed.tenants[1]!;
    for (const user of sims.graph.users(tenant.id).slice(0, 40)) sims.graph.deleteUser(tenant.id, user.id);
    const halted = await cs(['sync', '--tenant', tenant.displayName]);
    expect(halted.code).toBe(2);
    // The next step, not just "needs approval": which command shows who, which approves.
    const steps = new RegExp(
      `${tenant.displayName}: the deletion guard held back (\\d+) inactivations: see who: contactsync runs show ([0-9a-f]{8}); approve: contactsync approve "${tenant.displayName}"`,
    ).exec(halted.stdout);
    expect(steps, halted.stdout).not.toBeNull();
    const count = Number(steps![1]);
    expect(count).toBeGreaterThan(3);
    const shown = await cs(['runs', 'show', steps![2]!]);
    // Each leaver as runs show names them: "Name <address>".
    const people = [...shown.stdout.matchAll(/^ {2}pending-approval +(.+? <[^>]+>)/gm)].map((m) => m[1]!);
    expect(people).toHaveLength(count);
    // attention names the first few and points to the run.
    const attention = await cs(['attention', '--kind', 'guard-halt']);
    expect(people.filter((person) => attention.stdout.includes(person))).toHaveLength(3);
    expect(attention.stdout).toContain(`and ${count - 3} more`);
    expect(attention.stdout).toContain(`see who: contactsync runs show ${steps![2]}`);
    // approve shows whom it inactivates, and without --yes (no terminal) does nothing.
    const asked = await cs(['approve', tenant.displayName]);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toBe('');
    expect(asked.stdout).toContain(`${tenant.displayName}: the deletion guard held back ${count} inactivations`);
    // It says what approving does as the held rows do: this tenant names no leaver type, so IT Glue is left alone.
    expect(asked.stdout).toContain('approving inactivates their BMS contacts at the next sync:');
    for (const person of people) expect(asked.stdout).toContain(`  ${person}\n`);
    expect(asked.stdout).toContain(`Nothing done yet: add --yes to approve these ${count} inactivations.`);
    expect(asked.stdout).not.toMatch(/Approved/);
    // The bulk approval names every one of them as well, and without --yes does nothing either.
    const bulk = await cs(['attention', 'act', 'approve', '--all', '--kind', 'guard-halt']);
    expect(bulk.code).toBe(1);
    for (const person of people) expect(bulk.stdout).toContain(`      ${person}\n`);
    // Still waiting, as it was.
    expect((await cs(['attention', '--kind', 'guard-halt'])).stdout).toContain(
      `see who: contactsync runs show ${steps![2]}`,
    );
    expect((await cs(['approve', tenant.displayName, '--yes'])).stdout).toMatch(/Approved/);
    const applied = await cs(['sync', '--tenant', tenant.displayName]);
    expect(applied.code, applied.stdout).toBe(0);
    expect(applied.stdout).toMatch(/Fabrikam GmbH\s+ok/);
  });

  it('runs, audit, migrate and user add', async () => {
    const runs = await cs(['runs', 'list', '--json']);
    const list = JSON.parse(runs.stdout) as { id: string }[];
    expect(list.length).toBeGreaterThan(3);
    expect((await cs(['runs', 'show', list[0]!.id])).stdout).toMatch(
      /^Run of (Contoso Ltd|Fabrikam GmbH|Northwind Traders): /,
    );
    expect((await cs(['runs', 'show', 'nope'])).stderr).toMatch(/No run nope/);
    // The first 8 characters of an id name the run, as the technician copies them from the list.
    const short = await cs(['runs', 'show', list[0]!.id.slice(0, 8)]);
    expect(short.code, short.stderr).toBe(0);
    expect(short.stdout).toBe((await cs(['runs', 'show', list[0]!.id])).stdout);
    // A wildcard is a character, not a pattern: "%" names no run.
    expect((await cs(['runs', 'show', '%%%%'])).stderr).toMatch(/No run %%%%/);
    expect((await cs(['migrate'])).stdout).toMatch(/Database up to date/);
    expect(
      (await cs(['user', 'add', 'alice', '--role', 'admin'], { CONTACTSYNC_USER_PASSWORD: 'correct horse battery' }))
        .stdout,
    ).toMatch(/Added alice \(admin\)/);
    expect((await cs(['user', 'add', 'alice'], { CONTACTSYNC_USER_PASSWORD: 'correct horse battery' })).stderr).toMatch(
      /already/,
    );
    expect((await cs(['user', 'add', 'bob'], { CONTACTSYNC_USER_PASSWORD: 'short' })).stderr).toMatch(
      /at least 12 characters/,
    );
    const audit = await cs(['audit', '--json']);
    const actions = (JSON.parse(audit.stdout) as { action: string; actor: string }[]).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'tenants.discover',
        'tenant.map',
        'tenant.unmap',
        'tenant.settings',
        'conflict.resolve',
        'contact.disable',
        'contact.enable',
        'contact.sync-now',
        'tenant.approve',
        'user.add',
      ]),
    );
  });

  it('never printed or logged a secret', () => {
    const logs = readdirSync(join(dir, 'data'))
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(join(dir, 'data', f), 'utf8'));
    const everything = [...outputs, ...logs, readFileSync(config, 'utf8')].join('\n');
    for (const secret of [
      sims.credentials.graph.clientSecret,
      sims.credentials.itglueApiKey,
      sims.credentials.bms.password,
      'correct horse battery',
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});
