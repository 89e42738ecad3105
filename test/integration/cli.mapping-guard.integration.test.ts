import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';
import { user } from '../support/simulators.ts';

const ADATUM = 'a0a0a0a0-0000-4000-8000-00000000ad01';
const TAILSPIN = 'a0a0a0a0-0000-4000-8000-0000000000f2';

/**
 * The demo, plus Adatum Corp (an IT Glue organization, no BMS account of its name) and Tailspin Toys (neither; IT Glue
 * has "Tailspin Toys Inc.", a name close to it but not the same).
 */
function seed() {
  const demo = JSON.parse(JSON.stringify(demoSeed()));
  demo.tenants.push(
    {
      id: ADATUM,
      displayName: 'Adatum Corp',
      initialDomain: 'adatum.onmicrosoft.com',
      users: [
        user('ad1', {
          userPrincipalName: 'ada@adatum.com',
          mail: 'ada@adatum.com',
          proxyAddresses: ['SMTP:ada@adatum.com'],
        }),
        user('ad2', {
          userPrincipalName: 'bo@adatum.com',
          mail: 'bo@adatum.com',
          proxyAddresses: ['SMTP:bo@adatum.com'],
        }),
      ],
    },
    { id: TAILSPIN, displayName: 'Tailspin Toys', initialDomain: 'tailspin.onmicrosoft.com', users: [user('ts1')] },
  );
  demo.itglue.organizations.push(
    { id: '40', name: 'Adatum Corp', locations: [{ id: '400', name: 'HQ', primary: true }], contacts: [] },
    { id: '50', name: 'Tailspin Toys Inc.', locations: [{ id: '500', name: 'HQ', primary: true }], contacts: [] },
  );
  return parseSeed(demo);
}

const dir = mkdtempSync(join(tmpdir(), 'mapping-guard-'));
let sims: RunningSimulators;
let config: string;

function cs(args: readonly string[]): Promise<CliRun> {
  return runCli(
    ['--config', config, ...args],
    { CONTACTSYNC_DATA_DIR: join(dir, 'data'), CONTACTSYNC_ACTOR: 'tech@msp' },
    dir,
  );
}

beforeAll(async () => {
  buildCli();
  const seeded = seed();
  sims = await startSimulators(seeded);
  config = simulatorConfig(sims, dir, {
    tenants: seeded.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
  });
}, 60_000);
afterAll(async () => {
  await sims.close();
});

describe('mapping tenants by name, and the guard against mapping a customer onto another', () => {
  it('maps IT Glue alone when BMS has no account of the name, and says which system lacks a name', async () => {
    const run = await cs(['tenants', 'discover']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/5 tenants found; 4 mapped, 1 unmapped/);
    const list = await cs(['tenants', 'list']);
    expect(list.stdout).toMatch(/Adatum Corp\s+Adatum Corp\s+none \(IT Glue only\)\s+by name\s+ok/);
    expect(list.stdout).toMatch(/Adatum Corp: BMS has no account named "Adatum Corp": only IT Glue is synced/);
    expect(list.stdout).toMatch(
      /Tailspin Toys: IT Glue has no organization named "Tailspin Toys", and BMS has no account of that name/,
    );
  });

  it('writes the IT Glue-only tenant to IT Glue, with BMS none and the reason naming the missing account', async () => {
    const run = await cs(['sync', '--tenant', 'Adatum Corp', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const [tenant] = JSON.parse(run.stdout).tenants;
    expect(tenant.status).toBe('ok');
    expect(tenant.users).toHaveLength(2);
    for (const u of tenant.users) {
      expect(u).toMatchObject({ outcome: 'synced', itglue: 'created', bms: 'none' });
      expect(u.reasons).toContainEqual({
        code: 'no-bms-account',
        message:
          'BMS has no account named "Adatum Corp": only IT Glue is synced (map it on its page, or with contactsync tenants map when there is one).',
      });
    }
    expect(
      sims.itglue
        .contactsOf('40')
        .map((c) => c['contact-emails'][0]?.value)
        .sort(),
    ).toEqual(['ada@adatum.com', 'bo@adatum.com']);
  });

  it('says why a tenant with no IT Glue organization is not synced', async () => {
    const run = await cs(['sync', '--tenant', 'Tailspin Toys']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Tailspin Toys is not mapped, so it cannot be synced or planned \(IT Glue has no organization named "Tailspin Toys", and BMS has no account of that name\)\. Map it: contactsync tenants map "Tailspin Toys" lists the candidates by name/,
    );
    // A plan of every tenant goes on with the others and names the one left unmapped.
    const all = await cs(['plan']);
    expect(all.stdout).toMatch(/Tailspin Toys\s+unmapped/);
    expect(all.stdout).toMatch(
      /Tailspin Toys — unmapped: Tailspin Toys is not mapped: IT Glue has no organization named "Tailspin Toys"/,
    );
  });

  it("refuses Contoso onto Fabrikam's organization and account, and changes nothing", async () => {
    const before = (await cs(['tenants', 'list', '--json'])).stdout;
    const run = await cs(['tenants', 'map', 'Contoso Ltd', '--itglue', '2', '--bms', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Contoso Ltd was not mapped:/);
    expect(run.stderr).toMatch(
      /IT Glue organization "Fabrikam GmbH" is already mapped to Fabrikam GmbH: Contoso Ltd's users would be written into another customer's records\. If both tenants really are one customer, add --force "the reason"/,
    );
    expect(run.stderr).toMatch(/BMS account "Fabrikam GmbH" is already mapped to Fabrikam GmbH/);
    expect(run.stderr).toMatch(
      /The names differ: tenant "Contoso Ltd" · IT Glue "Fabrikam GmbH" · BMS "Fabrikam GmbH"\. If they are the same customer, add --confirm/,
    );
    expect((await cs(['tenants', 'list', '--json'])).stdout).toBe(before);
    const plan = await cs(['plan', '--tenant', 'Contoso Ltd', '--json']);
    expect(
      JSON.parse(plan.stdout).tenants[0].users.filter((u: { itglue: string }) => u.itglue === 'created').length,
    ).toBeLessThan(100);
  });

  it('offers the candidates by name, the closest first, and maps a differing name only once confirmed', async () => {
    const candidates = await cs(['tenants', 'map', 'Tailspin Toys']);
    expect(candidates.code, candidates.stderr).toBe(0);
    const lines = candidates.stdout.split('\n');
    expect(lines[2]).toBe('  Tailspin Toys Inc.');
    expect(candidates.stdout).toMatch(/  Contoso Ltd  \(mapped to Contoso Ltd\)/);
    expect(candidates.stdout).not.toMatch(/\b50\b/);
    const unconfirmed = await cs([
      'tenants',
      'map',
      'Tailspin Toys',
      '--itglue',
      'Tailspin Toys Inc.',
      '--bms',
      'none',
    ]);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toMatch(
      /The names differ: tenant "Tailspin Toys" · IT Glue "Tailspin Toys Inc\." · BMS none/,
    );
    const confirmed = await cs([
      'tenants',
      'map',
      'Tailspin Toys',
      '--itglue',
      'Tailspin Toys Inc.',
      '--bms',
      'none',
      '--confirm',
    ]);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toBe('Tailspin Toys → IT Glue "Tailspin Toys Inc.", BMS none (IT Glue only).\n');
  });

  it('maps onto a shared organization only with a stated reason, kept in the audit log', async () => {
    const run = await cs([
      'tenants',
      'map',
      'Tailspin Toys',
      '--itglue',
      'Adatum Corp',
      '--bms',
      'none',
      '--confirm',
      '--force',
      'Tailspin is a brand of Adatum',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Shared with Adatum Corp, because: Tailspin is a brand of Adatum/);
    const audit = JSON.parse((await cs(['audit', '--json', '--limit', '1'])).stdout);
    expect(audit[0]).toMatchObject({
      actor: 'tech@msp',
      action: 'tenant.map',
      details: { sharedWith: ['Adatum Corp'], reason: 'Tailspin is a brand of Adatum' },
    });
  });
});
