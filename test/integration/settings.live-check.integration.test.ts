import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from '../support/cli.ts';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const CONTOSO = seed.tenants[0]!;
const dir = mkdtempSync(join(tmpdir(), 'live-settings-'));
let web: WebHarness;
let admin: Browser;
let config: string;

function cs(args: readonly string[]): Promise<CliRun> {
  return runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data') }, dir);
}

beforeAll(async () => {
  buildCli();
  web = await startWebHarness();
  admin = new Browser(web.app);
  await admin.login('admin');
  config = simulatorConfig(web.box.sims, dir, { tenants: [{ id: CONTOSO.id, displayName: CONTOSO.displayName }] });
  const discovered = await cs(['tenants', 'discover']);
  if (discovered.code !== 0) throw new Error(`tenants discover failed: ${discovered.stderr}`);
}, 120_000);
afterAll(async () => {
  await web.close();
});

/** The value a select posts: its selected option's value, or its text when it has none. */
function selectedOption(options: string): string {
  const m = /<option(?:\s+value="([^"]*)")?\s+selected\s*>\s*([^<]*?)\s*</.exec(options);
  return m === null
    ? ''
    : (m[1] ?? m[2]!)
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&');
}

describe('settings checked against IT Glue and BMS when saved', () => {
  it('refuses an unknown location in the CLI, listing the locations there are, and saves nothing', async () => {
    const run = await cs(['tenants', 'settings', 'Contoso Ltd', '--set', 'location.default=Nonexistent Office']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /location\.default: IT Glue's organization "Contoso Ltd" has no "Nonexistent Office": the names are: "Seattle HQ", "Portland"\./,
    );
    const shown = JSON.parse((await cs(['tenants', 'settings', 'Contoso Ltd', '--json'])).stdout);
    expect(shown.overrides).toEqual({});
    const ok = await cs(['tenants', 'settings', 'Contoso Ltd', '--set', 'location.default=portland']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('refuses BMS types BMS does not have, by name or by id, naming the ones it has', async () => {
    const name = await cs(['tenants', 'settings', 'Contoso Ltd', '--set', 'psa.emailType=Personal Email']);
    expect(name.code).toBe(1);
    expect(name.stderr).toMatch(
      /psa\.emailType: BMS \(email types\) has no "Personal Email": the names are: "Work" \(1\), "Personal" \(2\)\./,
    );
    const id = await cs(['tenants', 'settings', 'Contoso Ltd', '--set', 'psa.phoneType=9']);
    expect(id.stderr).toMatch(
      /psa\.phoneType: BMS \(phone types\) has no type with the id 9: the names are: "Office" \(1\)/,
    );
    const contactType = await cs(['tenants', 'settings', 'Contoso Ltd', '--set', 'contactType=Staff']);
    expect(contactType.stderr).toMatch(
      /contactType: IT Glue \(contact types\) has no "Staff": the names are: "Employee", "Former Employee", "Vendor"\./,
    );
    expect((await cs(['tenants', 'settings', 'Contoso Ltd', '--set', 'psa.emailType=Personal'])).code).toBe(0);
  });

  it('refuses a BMS type given by name when BMS will not list the types, asking for its id, and takes the id', async () => {
    web.box.sims.bms.typeListsReadable = false;
    try {
      const name = await cs(['tenants', 'settings', 'Contoso Ltd', '--set', 'psa.emailType=Work']);
      expect(name.code).toBe(1);
      expect(name.stderr).toMatch(
        /psa\.emailType: BMS's list of email types could not be read \(GET \/v2\/system\/emailtypes\/lookup answered 404.*Give the BMS email type id as a number instead/,
      );
      expect(name.stderr).toMatch(/emails\[\]\.emailTypeId/);
      const id = await cs(['tenants', 'settings', 'Contoso Ltd', '--set', 'psa.emailType=1']);
      expect(id.code, id.stderr).toBe(0);
      expect(JSON.parse((await cs(['tenants', 'settings', 'Contoso Ltd', '--json'])).stdout).overrides).toMatchObject({
        psa: { emailType: 1 },
      });
    } finally {
      web.box.sims.bms.typeListsReadable = true;
    }
  });

  it('refuses a Microsoft 365 group that does not exist', async () => {
    const run = await cs([
      'tenants',
      'settings',
      'Contoso Ltd',
      '--set',
      'scope.groupIds=["00000000-0000-4000-8000-0000000000aa"]',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /scope\.groupIds: Microsoft 365 of Contoso Ltd has no group 00000000-0000-4000-8000-0000000000aa/,
    );
  });

  it('offers the names in dropdowns on the tenant page, and refuses another name beside its field', async () => {
    const page = await admin.get(`/tenants/${CONTOSO.id}`);
    const select = /<select[^>]*name="location\.default"[\s\S]*?<\/select>/.exec(page.body)![0];
    expect(textOf(select)).toBe("(the organization's primary location) Seattle HQ Portland");
    const types = /<select[^>]*name="psa\.emailType"[\s\S]*?<\/select>/.exec(page.body)![0];
    expect(textOf(types)).toBe('Work Personal');
    const form: Record<string, string> = {};
    for (const m of page.body.matchAll(/<input\s+type="(?:text|number)"[^>]*name="([^"]+)"\s+value="([^"]*)"/g))
      form[m[1]!] = m[2]!.replace(/&quot;/g, '"');
    for (const m of page.body.matchAll(/<input\s+type="checkbox"[^>]*name="([^"]+)"(\s+checked)?/g))
      if (m[2] !== undefined) form[m[1]!] = 'on';
    for (const m of page.body.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
      form[m[1]!] = selectedOption(m[2]!);
    for (const m of page.body.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) form[m[1]!] = m[2]!;
    const refused = await admin.post(`/tenants/${CONTOSO.id}/settings`, { ...form, 'location.default': 'Atlantis' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(
      /<div class="field invalid" data-key="location\.default">[\s\S]*?<p class="error"[^>]*>IT Glue&#39;s organization &quot;Contoso Ltd&quot; has no &quot;Atlantis&quot;: the names are: &quot;Seattle HQ&quot;, &quot;Portland&quot;\.<\/p>/,
    );
  });

  it('says which setting a held contact comes from', async () => {
    // The config file's global settings name a location that IT Glue does not have (renamed since, say).
    expect((await cs(['tenants', 'settings', 'Contoso Ltd', '--unset', 'location.default'])).code).toBe(0);
    config = simulatorConfig(web.box.sims, dir, {
      tenants: [{ id: CONTOSO.id, displayName: CONTOSO.displayName }],
      settings: { location: { default: 'Old Office' } },
    });
    const plan = await cs(['plan', '--tenant', 'Contoso Ltd', '--json']);
    const held = (
      JSON.parse(plan.stdout).tenants[0].users as { outcome: string; reasons: { message: string }[] }[]
    ).filter((u) => u.reasons.some((r) => r.message.includes('(setting location.default)')));
    expect(held.length).toBeGreaterThan(0);
    expect(held[0]!.reasons.map((r) => r.message)).toContain(
      'The IT Glue contact has no location, and BMS requires one: the organization has no location named "Old Office" (setting location.default).',
    );
  });
});
