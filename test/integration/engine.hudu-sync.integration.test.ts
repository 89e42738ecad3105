import { afterEach, describe, expect, it } from 'vitest';
import type { UserResult } from '../../src/domain/user-result.ts';
import { startHuduPipeline, type HuduPartner, type HuduPipeline } from '../support/hudu-pipeline.ts';
import { TENANT_A, user } from '../support/simulators.ts';

/**
 * The documentation-leg cases of IT Glue, held for Hudu: the real pipeline (Graph, Hudu and the PSA simulators over
 * HTTP, the real clients, planner and store), with BMS, with Autotask, and alone.
 */

const PEOPLE = 5;
const LAYOUT_FIELDS = [
  { label: 'Title' },
  { label: 'Phone' },
  { label: 'Mobile' },
  { label: 'Other emails' },
  { label: 'Location' },
  { label: 'Notes' },
  { label: 'Badge Number' },
];

function person(id: string, given: string, surname: string, fields: Record<string, unknown> = {}) {
  const mail = `${given}.${surname}@contoso.com`.toLowerCase();
  return user(id, {
    givenName: given,
    surname,
    displayName: `${given} ${surname}`,
    userPrincipalName: mail,
    mail,
    proxyAddresses: [`SMTP:${mail}`],
    jobTitle: 'Engineer',
    ...fields,
  });
}

function asset(id: number, name: string, mail: string, fields: Record<string, string> = {}) {
  return {
    id,
    asset_layout_id: PEOPLE,
    name,
    primary_mail: mail,
    fields: Object.entries(fields).map(([label, value]) => ({ label, value })),
  };
}

const USERS = [
  // alias: an address of the mailbox (an smtp: alias) is the asset's email; Microsoft 365 has no title for her
  person('ann', 'Ann', 'Lee', {
    proxyAddresses: ['SMTP:ann.lee@contoso.com', 'smtp:annie@contoso.com'],
    jobTitle: null,
  }),
  // username: the asset holds the UPN
  person('bo', 'Bo', 'Kim', { userPrincipalName: 'bo@contoso.onmicrosoft.com' }),
  // name: the asset has another address, and the same first and last name
  person('cy', 'Cy', 'Park'),
  // two assets of the same name: a person must choose
  person('dee', 'Dee', 'Lane'),
  // nobody in Hudu yet
  person('eve', 'Eve', 'Stone'),
];

function seed(fields = LAYOUT_FIELDS) {
  return {
    assetLayouts: [
      { id: 3, name: 'Devices', fields: [{ label: 'Serial', required: true }] },
      { id: PEOPLE, name: 'People', fields },
    ],
    companies: [
      {
        id: 1,
        name: 'Contoso Ltd',
        assets: [
          asset(501, 'Ann Lee', 'annie@contoso.com', {
            Title: 'Director',
            Location: 'HQ',
            Notes: 'Prefers Teams',
            'Badge Number': '7',
          }),
          asset(502, 'Bo Kim', 'bo@contoso.onmicrosoft.com', { 'Badge Number': '8' }),
          asset(503, 'Cy Park', 'cy.home@example.net', { 'Badge Number': '9' }),
          asset(504, 'Dee Lane', 'dee1@example.net'),
          asset(505, 'Dee Lane', 'dee2@example.net'),
        ],
      },
    ],
  };
}

let pipeline: HuduPipeline | null = null;
afterEach(async () => {
  await pipeline?.close();
  pipeline = null;
});

const byId = (users: readonly UserResult[]) => new Map(users.map((u) => [u.userId, u]));
const assets = (p: HuduPipeline) => p.hudu.assetsOf(1);
const assetOf = (p: HuduPipeline, id: number) => assets(p).find((a) => a.id === id)!;
/** Writes Hudu answered since `from` (creates, replaces, archives; reads are GETs). */
const huduWrites = (p: HuduPipeline, from: number) =>
  p
    .huduRequests()
    .slice(from)
    .filter((r) => r.method !== 'GET' && r.status < 300).length;

const PARTNERS: readonly [string, HuduPartner][] = [
  ['with BMS', 'bms'],
  ['with Autotask', 'autotask'],
  ['alone', null],
];

describe.each(PARTNERS)('Hudu %s through the real pipeline', (_name, partner) => {
  const withPsa = partner !== null;

  it('creates, matches by alias, username and name, disputes, keeps what a person filled, renames through the link, archives a leaver, and re-runs idempotently', async () => {
    const p = (pipeline = await startHuduPipeline(partner, USERS, seed()));
    const first = await p.run();
    expect(first).toMatchObject({ status: 'ok', error: null });
    const users = byId(first.users);

    // The rules of the documentation leg, in order.
    expect(users.get('ann')).toMatchObject({ outcome: 'synced', rule: 'alias', doc: 'updated', docContactId: '501' });
    expect(users.get('bo')).toMatchObject({ rule: 'username', doc: 'updated', docContactId: '502' });
    expect(users.get('cy')).toMatchObject({ rule: 'name', doc: 'updated', docContactId: '503' });
    expect(users.get('eve')).toMatchObject({ outcome: 'synced', rule: null, doc: 'created' });
    // A dispute writes nothing and names both candidates.
    const dee = users.get('dee')!;
    expect(dee).toMatchObject({ outcome: 'disputed', doc: 'none', psa: 'none' });
    expect(dee.reasons[0]!.message).toMatch(/2 Hudu contacts: .*Dee Lane.*Dee Lane/);
    expect(assetOf(p, 504).name).toBe('Dee Lane');
    expect(assetOf(p, 505).primary_mail).toBe('dee2@example.net');

    // Ann: Microsoft's primary becomes the primary, the older one is kept beside it; a blank title never erases
    // "Director", and the fields a person filled (Notes, Badge Number) are sent back as they were.
    expect(assetOf(p, 501).primary_mail).toBe('ann.lee@contoso.com');
    expect(p.hudu.fieldsByLabel(501)).toMatchObject({
      Title: 'Director',
      Notes: 'Prefers Teams',
      'Badge Number': '7',
      'Other emails': expect.stringContaining('annie@contoso.com'),
      Phone: expect.stringMatching(/2065550100$/),
    });
    // Eve is a new asset of the layout, on the company, named by her display name.
    const eve = assets(p).find((a) => a.primary_mail === 'eve.stone@contoso.com')!;
    expect(eve).toMatchObject({ name: 'Eve Stone', asset_layout_id: PEOPLE, archived: false });
    expect(users.get('eve')!.docContactId).toBe(String(eve.id));
    expect(assets(p)).toHaveLength(6);

    // The PSA gets everyone but the disputed user, once; alone, nothing speaks of a PSA.
    expect(
      p
        .psaPeople()
        .map((c) => c.email?.toLowerCase())
        .sort(),
    ).toEqual(
      withPsa ? ['ann.lee@contoso.com', 'bo.kim@contoso.com', 'cy.park@contoso.com', 'eve.stone@contoso.com'] : [],
    );
    expect(users.get('eve')!.psa).toBe(withPsa ? 'created' : 'none');
    const said = first.users.flatMap((u) => u.reasons.map((r) => r.message)).join(' ');
    expect(withPsa ? '' : said).not.toMatch(/PSA|BMS|Autotask/);

    // Idempotent: the next run changes nothing anywhere.
    const psaBefore = p.psaPeople();
    let mark = p.huduRequests().length;
    const second = await p.run();
    expect(second.status).toBe('ok');
    expect(huduWrites(p, mark)).toBe(0);
    expect(second.users.filter((u) => u.outcome !== 'disputed').map((u) => [u.userId, u.outcome, u.doc])).toEqual(
      ['ann', 'bo', 'cy', 'eve'].map((id) => [id, 'unchanged', 'unchanged']),
    );
    expect(p.psaPeople()).toEqual(psaBefore);

    // A rename (new surname, new address) goes through the link to the same asset.
    p.box.sims.graph.updateUser(TENANT_A, 'eve', {
      surname: 'Rivers',
      displayName: 'Eve Rivers',
      mail: 'eve.rivers@contoso.com',
      proxyAddresses: ['SMTP:eve.rivers@contoso.com'],
    });
    const renamed = byId((await p.run()).users).get('eve')!;
    expect(renamed).toMatchObject({ rule: 'link', doc: 'updated', docContactId: String(eve.id) });
    expect(assetOf(p, eve.id)).toMatchObject({ name: 'Eve Rivers', primary_mail: 'eve.rivers@contoso.com' });
    expect(assets(p)).toHaveLength(6);
    expect(renamed.psa).toBe(withPsa ? 'updated' : 'none');
    expect(p.psaPeople().filter((c) => c.lastName === 'Rivers')).toHaveLength(withPsa ? 1 : 0);

    // A leaver is archived in Hudu, never deleted, and made inactive in the PSA.
    p.box.sims.graph.disableUser(TENANT_A, 'bo');
    mark = p.huduRequests().length;
    const left = byId((await p.run()).users).get('bo')!;
    expect(left).toMatchObject({ outcome: 'inactivated', doc: 'inactivated', docContactId: '502' });
    expect(assetOf(p, 502)).toMatchObject({ archived: true, name: 'Bo Kim' });
    expect(
      p
        .huduRequests()
        .slice(mark)
        .filter((r) => r.method === 'DELETE'),
    ).toEqual([]);
    expect(left.psa).toBe(withPsa ? 'inactivated' : 'none');
    expect(p.psaPeople().find((c) => c.email?.toLowerCase() === 'bo.kim@contoso.com')?.active).toBe(
      withPsa ? false : undefined,
    );

    // And once more: nothing left to write.
    mark = p.huduRequests().length;
    const settled = await p.run();
    expect(huduWrites(p, mark)).toBe(0);
    expect(settled.users.filter((u) => u.outcome === 'synced' || u.outcome === 'inactivated')).toEqual([]);
  });

  it('holds a person lacking a field the layout requires from Hudu alone, naming the field, and keeps writing the PSA', async () => {
    const fields = LAYOUT_FIELDS.map((f) => (f.label === 'Badge Number' ? { ...f, required: true } : f));
    const p = (pipeline = await startHuduPipeline(
      partner,
      USERS.filter((u) => u.id === 'ann' || u.id === 'eve'),
      seed(fields),
    ));
    const mark = p.huduRequests().length;
    const result = await p.run();
    const first = byId(result.users);
    const eve = first.get('eve')!;
    expect(eve).toMatchObject({ outcome: 'held', doc: 'held', docContactId: null });
    expect(eve.reasons).toContainEqual({
      code: 'hudu-required-field',
      field: 'Badge Number',
      message: expect.stringMatching(
        /^Hudu requires "Badge Number", which contactsync does not fill: nothing is written to Hudu for this user\. Make "Badge Number" optional in Hudu's layout "People"/,
      ),
    });
    // Nothing was sent for her: no create refused by Hudu, no asset.
    expect(
      p
        .huduRequests()
        .slice(mark)
        .filter((r) => r.method === 'POST'),
    ).toEqual([]);
    expect(assets(p).filter((a) => a.primary_mail === 'eve.stone@contoso.com')).toEqual([]);
    // Ann's asset has its badge number: her update goes through, the badge sent back as it was.
    expect(first.get('ann')).toMatchObject({ outcome: 'synced', doc: 'updated' });
    expect(p.hudu.fieldsByLabel(501)['Badge Number']).toBe('7');
    expect(eve.psa).toBe(withPsa ? 'created' : 'none');
    expect(eve.psaContactId === null).toBe(!withPsa);
    // The sandbox's report names each target present by its id.
    const report = p.box.dump([result]) as { report: { tenants: { users: Record<string, unknown>[] }[] } };
    expect(report.report.tenants[0]!.users.find((u) => u.userId === 'eve')).toMatchObject({
      outcome: 'held',
      hudu: 'held',
      huduContactId: null,
      ...(partner === null ? {} : { [partner]: 'created' }),
    });

    // Next run: still held, the PSA contact kept and not made twice.
    const psaBefore = p.psaPeople();
    const again = byId((await p.run()).users).get('eve')!;
    expect(again).toMatchObject({ outcome: 'held', doc: 'held', psa: withPsa ? 'unchanged' : 'none' });
    expect(again.psaContactId).toBe(eve.psaContactId);
    expect(p.psaPeople()).toEqual(psaBefore);
  });
});

describe('hudu.layout and hudu.fields, checked where a run loads them', () => {
  it('fails the run naming a field label the layout lacks, with the labels it has, and writes nothing', async () => {
    const p = (pipeline = await startHuduPipeline('bms', USERS, seed(), { fields: { title: 'Job Title' } }));
    const result = await p.run();
    expect(result.status).toBe('failed');
    expect(result.error).toContain(
      'Hudu\'s layout "People" has no field "Job Title" (setting hudu.fields.title); its fields are "Title", "Phone", "Mobile", "Other emails", "Location", "Notes", "Badge Number".',
    );
    expect(p.psaPeople()).toEqual([]);
    expect(p.huduRequests().filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('fails the run naming a layout Hudu does not have, with the layouts it has', async () => {
    const p = (pipeline = await startHuduPipeline(null, USERS, seed(), { layout: 'Staff' }));
    const result = await p.run();
    expect(result.status).toBe('failed');
    expect(result.error).toContain(
      'Hudu has no asset layout named "Staff" (setting hudu.layout); its layouts are "Devices", "People".',
    );
  });
});
