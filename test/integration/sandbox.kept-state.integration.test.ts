import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { saveTenantSettings, tenantSettings } from '../../src/operations/operator-actions.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { buildCli, runCli } from '../support/cli.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { BOTH_TARGETS } from '../support/targets.ts';

const silent = pino({ level: 'silent' });
const CONTOSO = '6f9d1c2e-4b7a-4c1e-9a55-0c3e8f1d2a01';

/** A seed file of two users of Contoso, an IT Glue organization and a BMS account, with the given settings. */
function seedFile(dir: string, name: string, users: readonly string[], settings: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      settings,
      tenants: [
        {
          id: TENANT_A,
          displayName: 'Contoso Ltd',
          initialDomain: 'contoso.onmicrosoft.com',
          users: users.map((id) => user(id)),
        },
      ],
      itglue: {
        organizations: [
          { id: '1', name: 'Contoso Ltd', locations: [{ id: '10', name: 'HQ', primary: true }], contacts: [] },
        ],
        contactTypes: [{ id: '1', name: 'Employee' }],
      },
      bms: {
        accounts: [{ id: 1, name: 'Contoso Ltd', locations: [{ id: 11, name: 'HQ', isMain: true }], contacts: [] }],
        emailTypes: [{ id: 1, name: 'Work' }],
        phoneTypes: [{ id: 1, name: 'Office' }],
      },
    }),
  );
  return path;
}

interface Dump {
  itglue: { organizations: { contacts: { 'contact-emails': { value: string }[] }[] }[] };
  report: { tenants: { users: { userPrincipalName: string; rule: string | null; itglue: string }[] }[] };
}

describe('the sandbox across restarts (DESIGN.md, the sandbox interface)', () => {
  it('keeps the demo where it stopped, and the settings changed since, across a restart', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'kept-demo-')), 'sandbox.db');
    const first = await startSandbox({ seed: parseSeed(demoSeed()), dbPath, logger: silent });
    await first.syncAll({ force: true });
    const contoso = (await first.store.getTenant(CONTOSO))!;
    await saveTenantSettings(
      first.store,
      BOTH_TARGETS,
      contoso,
      { phones: { blankReplacement: '000-000-0000' } },
      'web:admin',
    );
    first.sims.graph.addUser(CONTOSO, {
      ...first.sims.graph.users(CONTOSO)[0]!,
      id: 'c0ffee00-0000-4000-8000-000000000001',
      userPrincipalName: 'late.hire@contoso.com',
      mail: 'late.hire@contoso.com',
      proxyAddresses: ['SMTP:late.hire@contoso.com'],
      displayName: 'Late Hire',
      givenName: 'Late',
      surname: 'Hire',
    });
    const contactsBefore = first.sims.itglue.contactsOf('1').length;
    await first.close();

    const again = await startSandbox({ seed: parseSeed(demoSeed()), dbPath, logger: silent });
    try {
      expect((await tenantSettings(again.store, CONTOSO)).overrides).toEqual({
        phones: { blankReplacement: '000-000-0000' },
      });
      expect(again.sims.itglue.contactsOf('1').length).toBe(contactsBefore);
      expect(again.sims.graph.users(CONTOSO).map((u) => u.userPrincipalName)).toContain('late.hire@contoso.com');
      const [result] = (await again.syncAll({ force: true })).filter((r) => r.tenantId === CONTOSO);
      expect(result!.users.find((u) => u.userPrincipalName === 'late.hire@contoso.com')?.doc).toBe('created');
      // Nothing already synced is created a second time.
      expect(result!.users.filter((u) => u.doc === 'created')).toHaveLength(1);
    } finally {
      await again.close();
    }
  }, 180_000);

  it('starts the simulators from a second explicit seed with a kept database, which decides the matching', async () => {
    buildCli();
    const dir = mkdtempSync(join(tmpdir(), 'kept-seed-'));
    const db = join(dir, 'kept.db');
    const env = { CONTACTSYNC_DATA_DIR: join(dir, 'data') };
    const monday = seedFile(dir, 'monday.json', ['ann', 'bob'], {});
    const first = await runCli(
      ['sandbox', '--seed', monday, '--db', db, '--once', '--dump', join(dir, 'd1.json')],
      env,
    );
    expect(first.code, first.stderr).toBe(0);
    // The next day: the systems as Monday left them, a new hire without a phone, and a setting that gives one.
    const state = JSON.parse(readFileSync(join(dir, 'd1.json'), 'utf8')) as Record<string, unknown> & {
      tenants: { users: Record<string, unknown>[] }[];
    };
    state.tenants[0]!.users.push(user('cleo', { businessPhones: [], mobilePhone: null }));
    const tuesday = join(dir, 'tuesday.json');
    writeFileSync(
      tuesday,
      JSON.stringify({
        settings: { phones: { blankReplacement: '000-000-0000' } },
        tenants: state.tenants,
        itglue: state.itglue,
        bms: state.bms,
      }),
    );
    const second = await runCli(
      ['sandbox', '--seed', tuesday, '--db', db, '--once', '--dump', join(dir, 'd2.json')],
      env,
    );
    expect(second.code, second.stderr).toBe(0);
    const dump = JSON.parse(readFileSync(join(dir, 'd2.json'), 'utf8')) as Dump & {
      report: { tenants: { users: { userPrincipalName: string; bms: string; outcome: string }[] }[] };
    };
    const users = dump.report.tenants[0]!.users;
    expect(users.find((u) => u.userPrincipalName === 'ann@contoso.com')).toMatchObject({
      rule: 'link',
      itglue: 'unchanged',
    });
    expect(users.find((u) => u.userPrincipalName === 'bob@contoso.com')).toMatchObject({
      rule: 'link',
      itglue: 'unchanged',
    });
    // Tuesday's settings hold: the new hire gets the placeholder phone, so is pushed to BMS instead of being held.
    expect(users.find((u) => u.userPrincipalName === 'cleo@contoso.com')).toMatchObject({
      itglue: 'created',
      bms: 'created',
    });
    expect(dump.itglue.organizations[0]!.contacts).toHaveLength(3);
  }, 300_000);
});
