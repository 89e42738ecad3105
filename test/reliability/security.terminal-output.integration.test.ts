import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { openSqlite } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { StateStore } from '../../src/store/state-store.ts';
import { buildWebApp } from '../../src/web/web-app.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';
import { TENANT_A, TENANT_B, user } from '../support/simulators.ts';
import { Browser, stateOnlyServices } from '../support/web.ts';

/**
 * Text from Microsoft 365, IT Glue and the sign-in form carrying terminal escape sequences: a title that clears the
 * screen, one that renames the terminal window, colours, a bell. Every command shows them escaped.
 */
const ESC = '\u001b';
const EVE_DISPLAY = `Eve ${ESC}]0;owned\u0007Mallory${ESC}[2J`;
const EVE_MAIL = `eve${ESC}[31m@contoso.com`;
const DUP_UPN = `dup${ESC}[7m@contoso.com`;
const HOSTILE_TENANT = `Fabrikam${ESC}[8m hidden`;
const HOSTILE_LOGIN = `root${ESC}]0;owned\u0007${ESC}[2J`;

const seed = parseSeed({
  tenants: [
    {
      id: TENANT_A,
      displayName: 'Contoso Ltd',
      initialDomain: 'contoso.onmicrosoft.com',
      organization: { countryLetterCode: 'US', businessPhones: ['+1 206 555 0100'] },
      users: [
        user('eve', {
          displayName: EVE_DISPLAY,
          givenName: null,
          surname: null,
          mail: EVE_MAIL,
          proxyAddresses: ['SMTP:eve@contoso.com'],
          jobTitle: `Boss${ESC}[0m`,
        }),
        user('dup', { userPrincipalName: DUP_UPN, givenName: 'Dana', surname: 'Dupe', mail: null, proxyAddresses: [] }),
        // Microsoft 365 has no first name for Iris: the IT Glue contact's own is kept, and copied to BMS.
        user('iris', { givenName: null, surname: 'Glue', displayName: null }),
      ],
    },
    { id: TENANT_B, displayName: 'Fabrikam', initialDomain: 'fabrikam.onmicrosoft.com', users: [user('b1')] },
  ],
  itglue: {
    organizations: [
      {
        id: '1',
        name: 'Contoso Ltd',
        locations: [{ id: '10', name: 'HQ', primary: true }],
        contacts: [
          { id: '100', 'first-name': 'Dana', 'last-name': 'Dupe', 'contact-emails': [], 'contact-phones': [] },
          { id: '101', 'first-name': 'Dana', 'last-name': 'Dupe', 'contact-emails': [], 'contact-phones': [] },
          {
            id: '102',
            'first-name': `Iris${ESC}[31m`,
            'last-name': 'Glue',
            'location-id': '10',
            'contact-emails': [{ value: 'iris@contoso.com', primary: true, 'label-name': 'Work' }],
            'contact-phones': [],
          },
        ],
      },
    ],
    contactTypes: [{ id: '1', name: 'Employee' }],
  },
  bms: {
    accounts: [{ id: 1, name: 'Contoso Ltd', locations: [{ id: 11, name: 'HQ', isMain: true }], contacts: [] }],
    emailTypes: [{ id: 1, name: 'Work' }],
    phoneTypes: [{ id: 1, name: 'Office' }],
  },
});

const dir = mkdtempSync(join(tmpdir(), 'terminal-'));
let sims: RunningSimulators;
let config: string;
let refusedSignIn = 0;

async function cs(args: readonly string[]): Promise<CliRun> {
  return runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);
}

/** What a terminal would obey: ESC, BEL, CSI and the other controls; a line break alone is allowed. */
function expectNothingObeyed(run: CliRun): void {
  for (const [stream, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ] as const)
    for (const c of text.replace(/\n/g, ''))
      expect(c.charCodeAt(0) >= 0x20 && (c.charCodeAt(0) < 0x7f || c.charCodeAt(0) > 0x9f), `${stream}: ${text}`).toBe(
        true,
      );
}

beforeAll(async () => {
  buildCli();
  sims = await startSimulators(seed);
  config = simulatorConfig(sims, dir, {
    tenants: [
      { id: TENANT_A, displayName: 'Contoso Ltd' },
      { id: TENANT_B, displayName: HOSTILE_TENANT },
    ],
  });
  // A stranger's sign-in attempt, made through the web UI on the same state database.
  const { db } = openSqlite(join(dir, 'state.db'));
  await migrateToLatest(db as Kysely<unknown>);
  const store = new StateStore(db);
  const app = await buildWebApp({ services: stateOnlyServices(store) });
  const browser = new Browser(app);
  await browser.get('/login');
  refusedSignIn = (await browser.post('/login', { username: HOSTILE_LOGIN, password: 'guess' })).statusCode;
  await app.close();
  await store.close();
}, 120_000);
afterAll(async () => {
  await sims?.close();
});

describe('escape sequences from outside, shown escaped by every command', () => {
  it('tenants discover and plan', async () => {
    const discover = await cs(['tenants', 'discover']);
    expect(discover.code, discover.stderr).toBe(0);
    expectNothingObeyed(discover);
    const run = await cs(['plan']);
    expect(run.code, run.stderr).toBe(0);
    expectNothingObeyed(run);
    expect(run.stdout).toContain('mail: "eve\\u001b[31m@contoso.com" is not a valid address');
    expect(run.stdout).toContain('dup\\u001b[7m@contoso.com');
  });

  it('sync', async () => {
    const run = await cs(['sync']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectNothingObeyed(run);
    expect(run.stdout).toContain('Fabrikam\\u001b[8m hidden');
  });

  it('runs list and runs show', async () => {
    const list = await cs(['runs', 'list', '--tenant', TENANT_A]);
    expectNothingObeyed(list);
    const runId = /^([0-9a-f]{8}-[0-9a-f-]{27})\s/m.exec(list.stdout)![1]!;
    const show = await cs(['runs', 'show', runId]);
    expect(show.code, show.stderr).toBe(0);
    expectNothingObeyed(show);
    expect(show.stdout).toContain('eve\\u001b[31m@contoso.com');
  });

  it('contact show, as text and as JSON', async () => {
    const run = await cs(['contact', 'show', 'eve']);
    expect(run.code, run.stderr).toBe(0);
    expectNothingObeyed(run);
    expect(run.stdout).toContain('Eve \\u001b]0;owned\\u0007Mallory\\u001b[2J <eve@contoso.com>');
    const json = await cs(['contact', 'show', 'eve', '--json']);
    expectNothingObeyed(json);
    expect(JSON.parse(json.stdout).user.displayName).toBe(EVE_DISPLAY);
  });

  it('contact sync-now', async () => {
    const run = await cs(['contact', 'sync-now', 'eve']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expectNothingObeyed(run);
    expect(run.stdout).toMatch(/^read {3}eve@contoso\.com \(Eve \\u001b\]0;owned\\u0007Mallory\\u001b\[2J\)$/m);
  });

  it('conflicts list', async () => {
    const run = await cs(['conflicts', 'list']);
    expect(run.code, run.stderr).toBe(0);
    expectNothingObeyed(run);
    expect(run.stdout).toContain('dup\\u001b[7m@contoso.com');
  });

  it('tenants list', async () => {
    const run = await cs(['tenants', 'list']);
    expectNothingObeyed(run);
    expect(run.stdout).toContain('Fabrikam\\u001b[8m hidden');
  });

  it('an error message naming a tenant', async () => {
    const run = await cs(['tenants', 'unmap', 'Nowhere']);
    expect(run.code).toBe(1);
    expectNothingObeyed(run);
    expect(run.stderr).toContain('Fabrikam\\u001b[8m hidden');
  });

  it('audit', async () => {
    expect(refusedSignIn).toBe(401);
    const run = await cs(['audit']);
    expect(run.code, run.stderr).toBe(0);
    expectNothingObeyed(run);
    expect(run.stdout).toContain('web:root\\u001b]0;owned\\u0007\\u001b[2J');
  });
});

describe('escape sequences copied from one system to another', () => {
  it('never reach the BMS simulator, nor IT Glue from Microsoft 365', () => {
    const { bms, itglue } = sims.dump();
    const contacts = bms!.accounts.flatMap((a) => a.contacts);
    expect(contacts.map((c) => `${c.firstName} ${c.lastName}`).sort()).toEqual([
      'Eve ]0;ownedMallory[2J',
      'Iris[31m Glue',
    ]);
    expect(JSON.stringify(contacts)).not.toMatch(/\\u001b|\\u0007/);
    const eve = itglue!.organizations[0]!.contacts.find((c) => c['first-name'] === 'Eve')!;
    expect(JSON.stringify(eve)).not.toMatch(/\\u001b|\\u0007/);
  });
});
