import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBmsSwagger } from '../../src/connectors/bms/swagger-check.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';

// BMS answering in PascalCase: the captures must keep the key case they saw.
const seed = parseSeed({ ...JSON.parse(JSON.stringify(demoSeed())), simulate: { bms: { keyCase: 'pascal' } } });
const dir = mkdtempSync(join(tmpdir(), 'doctor-'));
let sims: RunningSimulators;
let config: string;

async function cs(args: readonly string[]): Promise<CliRun> {
  return runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);
}

beforeAll(async () => {
  buildCli();
  sims = await startSimulators(seed);
  config = simulatorConfig(sims, dir, {
    microsoft: {
      partnerTenantId: sims.credentials.partnerTenantId,
      clientId: sims.credentials.graph.clientId,
      clientSecret: sims.credentials.graph.clientSecret,
      loginUrl: sims.urls.login,
      graphUrl: sims.urls.graph,
    },
  });
  const discovered = await cs(['tenants', 'discover']);
  if (discovered.code !== 0) throw new Error(`tenants discover failed: ${discovered.stderr}`);
}, 120_000);
afterAll(async () => {
  await sims.close();
});

describe('contactsync doctor', () => {
  it("lists the names the settings may use, checks BMS's Swagger document, and captures what it read", async () => {
    const captures = join(dir, 'captures');
    const run = await cs(['doctor', '--capture', captures]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(
      '✓ IT Glue: API key accepted; contact types: "Employee", "Former Employee", "Vendor" (setting contactType)',
    );
    expect(run.stdout).toContain(
      '✓ IT Glue locations of Contoso Ltd: "Seattle HQ", "Portland" (setting location.default)',
    );
    expect(run.stdout).toContain('✓ Kaseya BMS locations of Contoso Ltd: "Seattle HQ", "Portland"');
    expect(run.stdout).toContain('✓ Kaseya BMS email types: "Work" (id 1), "Personal" (id 2) (setting psa.emailType)');
    expect(run.stdout).toContain(
      '✓ Kaseya BMS phone types: "Office" (id 1), "Mobile" (id 2), "Home" (id 3) (setting psa.phoneType)',
    );
    expect(run.stdout).toMatch(
      /✓ Kaseya BMS Swagger document: http:\/\/127\.0\.0\.1:\d+\/swagger\/v2\/swagger\.json has every path/,
    );

    const files = readdirSync(captures).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'bms-post-v2-security-authenticate.json',
        'bms-get-v2-crm-contacts-summary.json',
        'bms-get-v2-crm-contacts-summary-n.json',
        'bms-get-v2-crm-contacts-search.json',
        'bms-get-v2-system-emailtypes-lookup.json',
        'itglue-get-contact-types.json',
        'itglue-get-organizations-n-relationships-locations.json',
      ]),
    );
    const text = files.map((f) => readFileSync(join(captures, f), 'utf8')).join('\n');
    // Secrets, names, emails and phone numbers of the seed appear nowhere; the key case BMS used is kept.
    const contoso = seed.bms!.accounts[0]!.contacts[0]!;
    for (const personal of [
      sims.credentials.bms.password,
      contoso.emailAddress!,
      contoso.firstName!,
      contoso.phoneNumber!,
      seed.itglue!.organizations[0]!.name,
    ])
      expect(text).not.toContain(personal);
    const login = JSON.parse(readFileSync(join(captures, 'bms-post-v2-security-authenticate.json'), 'utf8'));
    expect(login).toEqual({
      service: 'bms',
      method: 'POST',
      path: '/v2/security/authenticate',
      query: {},
      status: 200,
      body: {
        Success: true,
        Result: {
          AccessToken: '<secret>',
          RefreshToken: '<secret>',
          AccessTokenExpireOn: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+$/),
          RefreshTokenExpireOn: expect.any(String),
        },
      },
    });
    const list = JSON.parse(readFileSync(join(captures, 'bms-get-v2-crm-contacts-summary.json'), 'utf8'));
    expect(list.query).toMatchObject({ 'Filter.AccountId': '1', PageSize: '100', PageNumber: '1' });
    expect(list.body.Result[0]).toMatchObject({
      FirstName: '<name>',
      Emails: [expect.objectContaining({ EmailAddress: '<email>' })],
    });
  });

  it('names every path and body field the BMS connector uses that the Swagger document lacks', async () => {
    sims.bms.swaggerOmits = ['PUT /v2/crm/contacts/{id}', 'phones[].phoneTypeId'];
    try {
      const run = await cs(['doctor']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/✗ Kaseya BMS Swagger document: \S+ lacks 2 points contactsync uses/);
      expect(run.stdout).toContain('    - PUT /v2/crm/contacts/{id} (a guess)');
      expect(run.stdout).toContain('    - body field phones[].phoneTypeId of POST /v2/crm/contacts/summary (a guess)');
      expect(run.stdout).toMatch(/1 problem to fix/);
    } finally {
      sims.bms.swaggerOmits = [];
    }
  });

  it('says plainly when the Swagger document cannot be read, and that the guesses are unchecked', async () => {
    sims.bms.swaggerPublished = false;
    try {
      const run = await cs(['doctor']);
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).toMatch(
        /! Kaseya BMS Swagger document: could not be read, so the connector's guesses about BMS's API are unchecked\. Tried: \S+\/swagger\/v2\/swagger\.json \(status 404\)/,
      );
    } finally {
      sims.bms.swaggerPublished = true;
    }
    // Nothing listening at all.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = server.address() as { port: number };
        server.close(() => resolve(free));
      });
    });
    const report = await checkBmsSwagger(`http://127.0.0.1:${port}`);
    expect(report).toEqual({ readable: false, tried: expect.arrayContaining([expect.stringMatching(/ECONNREFUSED/)]) });
  });

  it('shows the type lists as a problem only when a setting names a type', async () => {
    sims.bms.typeListsReadable = false;
    try {
      const run = await cs(['doctor']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /✗ Kaseya BMS email types: the settings name "Work" \(psa\.emailType\)\. BMS's list of email types could not be read .*--set psa\.emailType=ID/,
      );
    } finally {
      sims.bms.typeListsReadable = true;
    }
  });
});

describe('contactsync sync against a BMS that drops a field', () => {
  it('stops BMS writes at the first create that did not land, says why once, and exits 3', async () => {
    sims.bms.simulate.ignoreFields.push('phones');
    try {
      const run = await cs(['sync', '--tenant', 'Contoso Ltd']);
      expect(run.code, run.stdout + run.stderr).toBe(3);
      expect(run.stdout).toMatch(
        /^Contoso Ltd: BMS did not keep "phoneNumber" of the first create of this run: sent "\+\d+", read back null\./m,
      );
      expect(run.stdout).toMatch(
        /^Contoso Ltd: Not written to BMS: a write earlier in this run did not keep "phoneNumber"/m,
      );
      expect(sims.bms.contactsOf(1).filter((c) => c.phoneNumber === null)).toHaveLength(1);
    } finally {
      sims.bms.simulate.ignoreFields.length = 0;
    }
  });
});
