import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../support/cli.ts';
import { freePorts, startSimulatorsCommand, type RunningCommand } from '../support/simulators-command.ts';
import { TENANT_A, user } from '../support/simulators.ts';

/** The CLI with ConnectWise PSA: the demo on it, and the simulators on their own with init, sync and doctor. */

const dir = mkdtempSync(join(tmpdir(), 'cli-connectwise-'));

beforeAll(() => buildCli(), 60_000);

let running: RunningCommand | null = null;
afterEach(() => {
  if (running !== null && running.child.exitCode === null) running.child.kill('SIGKILL');
  running = null;
});

/** What `init` is given in the environment to sign in at the simulators that `sims` (their config) describes. */
function initEnvOf(
  sims: { microsoft: Record<string, string>; connectwise: Record<string, string> },
  port: number,
  data: Record<string, string>,
): Record<string, string> {
  const cw = sims.connectwise;
  return {
    ...data,
    CONTACTSYNC_MS_CLIENT_ID: sims.microsoft.clientId!,
    CONTACTSYNC_MS_CLIENT_SECRET: sims.microsoft.clientSecret!,
    CONTACTSYNC_PARTNER_TENANT_ID: sims.microsoft.partnerTenantId!,
    CONTACTSYNC_MS_LOGIN_URL: sims.microsoft.loginUrl!,
    CONTACTSYNC_GRAPH_URL: sims.microsoft.graphUrl!,
    CONTACTSYNC_CONNECTWISE_SITE: 'na.myconnectwise.net',
    CONTACTSYNC_CONNECTWISE_COMPANY: cw.company!,
    CONTACTSYNC_CONNECTWISE_PUBLIC_KEY: cw.publicKey!,
    CONTACTSYNC_CONNECTWISE_PRIVATE_KEY: cw.privateKey!,
    CONTACTSYNC_CONNECTWISE_CLIENT_ID: cw.clientId!,
    // A bare address is a site of its own: the codebase is found there.
    CONTACTSYNC_CONNECTWISE_URL: `http://127.0.0.1:${port + 5}`,
  };
}

describe('contactsync with ConnectWise', () => {
  it('sandbox --targets itglue,connectwise plays the demo into ConnectWise, never deleting or replacing a contact', async () => {
    const out = join(dir, 'itglue-connectwise.json');
    const run = await runCli(['sandbox', '--targets', 'itglue,connectwise', '--once', '--dump', out], {
      CONTACTSYNC_DATA_DIR: dir,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/into the IT Glue and ConnectWise simulators\./);
    const dump = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(dump).sort()).toEqual(['connectwise', 'itglue', 'report', 'requests', 'tenants']);
    const users = dump.report.tenants.flatMap((t: { users: Record<string, unknown>[] }) => t.users);
    expect(users.filter((u: Record<string, unknown>) => u.connectwise === 'created').length).toBeGreaterThan(100);
    expect(users.some((u: Record<string, unknown>) => typeof u.connectwiseContactId === 'number')).toBe(true);
    expect(dump.requests.connectwise).not.toHaveProperty('PUT');
    expect(dump.requests.connectwise.PATCH).toBeGreaterThan(0);
  }, 180_000);

  it('simulators --targets connectwise: ConnectWise on N+5, init signs in at it and writes its block, sync and doctor work', async () => {
    const work = mkdtempSync(join(tmpdir(), 'simulators-connectwise-'));
    const port = await freePorts(8);
    running = await startSimulatorsCommand(
      ['--targets', 'connectwise', '--config-out', 'sims.json', '--port', String(port), '--dump', 'out.json'],
      work,
    );
    const sims = JSON.parse(readFileSync(join(work, 'sims.json'), 'utf8'));
    expect(sims.connectwise.baseUrl).toBe(`http://127.0.0.1:${port + 5}/v4_6_release/apis/3.0/`);
    expect(sims.itglue).toBeUndefined();
    const data = { CONTACTSYNC_DATA_DIR: join(work, 'data') };

    const initEnv = initEnvOf(sims, port, data);
    const init = (extra: Record<string, string> = {}) =>
      runCli(['init', '--targets', 'connectwise', '--config', 'cs.json'], { ...initEnv, ...extra }, work);
    const refused = await init({ CONTACTSYNC_CONNECTWISE_PRIVATE_KEY: 'cw-not-the-key' });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/ConnectWise PSA refused the API member .*public and private keys/);
    expect(refused.stdout + refused.stderr).not.toContain('cw-not-the-key');
    const done = await init();
    expect(done.code, done.stdout + done.stderr).toBe(0);
    const written = readFileSync(join(work, 'cs.json'), 'utf8');
    expect(written).toMatch(/"codebase":"v4_6_release\/","baseUrl":"http:\/\/127\.0\.0\.1:\d+"/);
    expect(written).not.toContain(sims.connectwise.privateKey);

    const sync = await runCli(['--config', 'sims.json', 'sync'], data, work);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/Contoso Ltd\s+ok/);
    const shown = await runCli(
      ['--config', 'sims.json', 'contact', 'show', 'elizabeth.martinez@contoso.com'],
      data,
      work,
    );
    // the simulator answers plain http: a link into it opens only with that scheme
    expect(shown.stdout).toContain(
      `ConnectWise: http://127.0.0.1:${port + 5}/v4_6_release/services/system_io/router/openrecord.rails?`,
    );
    const conflicts = await runCli(
      ['--config', 'sims.json', 'conflicts', 'list', '--tenant', 'Contoso Ltd'],
      data,
      work,
    );
    // ConnectWise's candidates with their state and link, and no dates ConnectWise's contacts do not carry
    expect(conflicts.stdout).toMatch(/ConnectWise contact 502 \(active\)  http:\/\/127\.0\.0\.1:\d+\/v4_6_release\//);
    expect(conflicts.stdout).not.toContain('made –');
    const doctor = await runCli(['--config', 'sims.json', 'doctor', '--capture', 'captures'], data, work);
    const captured = readdirSync(join(work, 'captures')).map((f) => readFileSync(join(work, 'captures', f), 'utf8'));
    expect(captured.join('\n')).toContain('"identifier": "<name>"');
    // neither the customers' names nor the short names ConnectWise builds from them are handed over
    expect(captured.join('\n')).not.toMatch(/contoso/i);
    expect(doctor.stdout).toMatch(
      /ConnectWise communication types.*email "Email" \(id 1\), phone "Direct" \(id 2\), mobile "Cell" \(id 4\)/,
    );

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const dump = JSON.parse(readFileSync(join(work, 'out.json'), 'utf8'));
    expect(Object.keys(dump).sort()).toEqual(['connectwise', 'requests', 'tenants']);
    expect(dump.requests.connectwise.POST).toBeGreaterThan(0);
  }, 240_000);

  /** `simulators --targets connectwise` on a database of these communication types, then `init` against it. */
  async function initOnTypes(types: readonly Record<string, unknown>[]) {
    const work = mkdtempSync(join(tmpdir(), 'init-connectwise-types-'));
    const seed = {
      tenants: [
        { id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users: [user('a1')] },
      ],
      connectwise: {
        communicationTypes: types,
        companies: [
          {
            id: 1,
            identifier: 'ContosoLtd',
            name: 'Contoso Ltd',
            sites: [{ id: 11, name: 'Main', primaryAddressFlag: true }],
          },
        ],
      },
    };
    writeFileSync(join(work, 'seed.json'), JSON.stringify(seed));
    const port = await freePorts(8);
    running = await startSimulatorsCommand(
      ['--seed', 'seed.json', '--config-out', 'sims.json', '--port', String(port)],
      work,
    );
    const sims = JSON.parse(readFileSync(join(work, 'sims.json'), 'utf8'));
    const run = await runCli(
      ['init', '--targets', 'connectwise', '--config', 'cs.json'],
      initEnvOf(sims, port, { CONTACTSYNC_DATA_DIR: join(work, 'data') }),
      work,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const written = readFileSync(join(work, 'cs.json'), 'utf8');
    return { said: run.stdout + run.stderr, written };
  }

  it('init writes the communication types this ConnectWise has, and says which and how to change them', async () => {
    const { said, written } = await initOnTypes([
      { id: 21, description: 'Work Email', emailFlag: true, defaultFlag: true },
      { id: 22, description: 'Private Email', emailFlag: true },
      { id: 23, description: 'Fax', faxFlag: true },
      { id: 24, description: 'Main', phoneFlag: true },
      { id: 25, description: 'Office', phoneFlag: true, defaultFlag: true },
      { id: 26, description: 'Mobile', phoneFlag: true },
    ]);
    expect(written).toMatch(/"emailType":"Work Email","phoneType":"Office","mobileType":"Mobile"/);
    expect(said).toMatch(
      /Communication types written: email "Work Email", office phone "Office", mobile phone "Mobile" \(this ConnectWise's email types: "Work Email", "Private Email"; its phone types: "Main", "Office", "Mobile"\); change connectwise\.emailType, phoneType or mobileType in the config/,
    );
    expect(said).not.toMatch(/Warning/);
  }, 120_000);

  it('init says plainly when this ConnectWise has no email type, and still writes the config', async () => {
    const { said, written } = await initOnTypes([
      { id: 2, description: 'Direct', phoneFlag: true, defaultFlag: true },
      { id: 4, description: 'Cell', phoneFlag: true },
    ]);
    expect(written).toMatch(/"emailType":"Email","phoneType":"Direct","mobileType":"Cell"/);
    expect(said).toMatch(
      /Warning: this ConnectWise has no email communication type: new contacts are held until one is added/,
    );
  }, 120_000);
});
