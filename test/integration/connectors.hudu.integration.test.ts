import { afterEach, describe, expect, it } from 'vitest';
import { HuduDocStore, type HuduOptions } from '../../src/connectors/hudu/hudu-doc-store.ts';
import type { DocContactFields } from '../../src/domain/doc-contact.ts';
import type { HuduSimulator } from '../../src/sandbox/hudu/hudu-simulator.ts';
import { startHudu } from '../support/hudu-simulator.ts';

const KEY = 'hudu-connector-key';
const PEOPLE = 7;

let running: HuduSimulator | null = null;
afterEach(async () => {
  await running?.server.close();
  running = null;
});

/** The simulator with one company of `count` people in a layout whose fields are named by the MSP's own labels. */
async function start(count: number, simulate: Record<string, unknown> = {}) {
  const { hudu, requests, clock, url } = await startHudu(
    KEY,
    {
      assetLayouts: [
        { id: 3, name: 'Devices', fields: [{ label: 'Serial', required: true }] },
        {
          id: PEOPLE,
          name: 'Staff Directory',
          fields: [
            { label: 'Job Title' },
            { label: 'Desk Phone' },
            { label: 'Cell' },
            { label: 'Aliases' },
            { label: 'Office' },
            { label: 'Badge Number', required: true },
          ],
        },
      ],
      companies: [
        {
          id: 1,
          name: 'Contoso Ltd',
          assets: Array.from({ length: count }, (_, i) => ({
            id: 100 + i,
            asset_layout_id: PEOPLE,
            name: `Person ${i}`,
            primary_mail: `p${i}@contoso.com`,
            fields: [
              { label: 'Office', value: i % 2 === 0 ? 'Seattle' : 'Redmond' },
              { label: 'Badge Number', value: String(1000 + i) },
            ],
          })),
        },
        { id: 2, name: 'Fabrikam', assets: [] },
      ],
    },
    simulate,
  );
  running = hudu;
  const client = (options: Partial<HuduOptions> = {}) =>
    new HuduDocStore({
      baseUrl: url,
      apiKey: KEY,
      layout: 'staff directory',
      fields: { title: 'Job Title', phone: 'Desk Phone', mobile: 'Cell', otherEmails: 'Aliases', location: 'Office' },
      sleep: async (ms) => clock.advance(ms),
      now: () => clock.now(),
      ...options,
    });
  return { hudu, requests, clock, client };
}

const ANN: DocContactFields = {
  firstName: 'Ann',
  lastName: 'Lee',
  title: 'CFO',
  contactTypeId: null,
  locationId: 'Seattle',
  emails: [
    { value: 'ann@contoso.com', primary: true, label: 'Work' },
    { value: 'a.lee@contoso.com', primary: false, label: 'Alias' },
  ],
  phones: [
    { value: '12065550100', extension: null, primary: true, label: 'Work' },
    { value: '14255550199', extension: null, primary: false, label: 'Mobile' },
  ],
};

describe('the Hudu client', () => {
  it("writes a person into the layout's fields named by hudu.fields, keeping a required field a person filled", async () => {
    const { hudu, client } = await start(1);
    const store = client();
    // The layout requires a badge number contactsync has no value for: the person is refused, naming it, unsent.
    const [refused] = await store.createContacts('2', [ANN]);
    expect(refused).toMatchObject({ ok: false, reasons: [{ code: 'hudu-required-field', field: 'Badge Number' }] });
    expect(hudu.assetsOf(2)).toEqual([]);
    // A person whose badge number was filled by hand is updated, the badge number sent back as it was.
    const [person] = await store.listContacts('1');
    expect(person).toMatchObject({ firstName: 'Person', lastName: '0', locationId: 'Seattle' });
    expect(await store.updateContacts([{ id: person!.id, patch: ANN }])).toEqual([{ ok: true, id: '100' }]);
    expect(hudu.fieldsByLabel(100)).toEqual({
      'Job Title': 'CFO',
      'Desk Phone': '12065550100',
      Cell: '14255550199',
      Aliases: 'a.lee@contoso.com',
      Office: 'Seattle',
      'Badge Number': '1000',
    });
    expect(await store.readContact('100')).toMatchObject({ firstName: 'Ann', lastName: 'Lee', title: 'CFO' });
  });

  it("lists a company's places from its people, and reads an archived person in a client that never listed it", async () => {
    const { hudu, client } = await start(4);
    expect((await client().listLocations('1')).map((l) => l.name)).toEqual(['Redmond', 'Seattle']);
    hudu.archiveAsset(102);
    expect(await client().readContact('102')).toMatchObject({ id: '102', archived: true });
    expect(await client().readContact('999')).toBeNull();
  });

  it('waits out the 5-minute window when Hudu throttles without Retry-After, and reads every person', async () => {
    const { requests, clock, client } = await start(60, { rateLimit: 3 });
    const started = clock.now();
    const people = await client().listContacts('1');
    expect(people).toHaveLength(60);
    expect(requests.some((r) => r.status === 429)).toBe(true);
    // The window ends on a 5-minute boundary: at most one window passed per throttled request.
    expect(clock.now() - started).toBeLessThanOrEqual(3 * 5 * 60_000);
  });

  it('says which layout is missing and which there are', async () => {
    const { client } = await start(0);
    await expect(client({ layout: 'People' }).listContacts('1')).rejects.toThrow(
      'Hudu has no asset layout named "People" (setting hudu.layout); its layouts are "Devices", "Staff Directory".',
    );
  });
});
