import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AutotaskPsa } from '../../src/connectors/autotask/autotask-psa.ts';
import { BmsPsa } from '../../src/connectors/bms/bms-psa.ts';
import { ConnectwisePsa } from '../../src/connectors/connectwise/connectwise-psa.ts';
import { HaloPsa } from '../../src/connectors/halo/halo-psa.ts';
import { HuduDocStore } from '../../src/connectors/hudu/hudu-doc-store.ts';
import { ItGlueDocStore } from '../../src/connectors/itglue/itglue-doc-store.ts';
import type { DocContactFields } from '../../src/domain/doc-contact.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { startHudu } from '../support/hudu-simulator.ts';
import { TENANT_A, user } from '../support/simulators.ts';

/**
 * A create whose answer is lost after the PSA made the contact, at a customer where another contact (linked to someone
 * else, so the plan creates) already holds the new person's address as a second email: the look-up before sending
 * again must take the contact the create made, never send it a second time, and never take the older contact.
 */

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** A pass-through proxy that lets the first request matching `drop` reach the API, then cuts the connection. */
class AnswerDroppingProxy {
  dropped = 0;
  private server: Server | null = null;
  constructor(
    private readonly target: string,
    private readonly drop: (method: string, url: string) => boolean,
  ) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const method = req.method ?? 'GET';
        const url = req.url ?? '/';
        const headers = Object.fromEntries(
          Object.entries(req.headers).flatMap(([name, value]) =>
            value === undefined || HOP_BY_HOP.has(name) ? [] : [[name, String(value)]],
          ),
        );
        const text = Buffer.concat(chunks).toString('utf8');
        const cut = this.dropped === 0 && this.drop(method, url);
        if (cut) this.dropped += 1;
        void fetch(`${this.target}${url}`, { method, headers, ...(method === 'GET' ? {} : { body: text }) })
          .then(async (answer) => {
            const body = await answer.text();
            if (cut) {
              req.socket.destroy();
              return;
            }
            const out: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'text/plain' };
            const link = answer.headers.get('link');
            if (link !== null) out.link = link.replaceAll(this.target, `http://${req.headers.host}`);
            res.writeHead(answer.status, out);
            res.end(body);
          })
          .catch(() => res.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const TENANTS = [
  { id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users: [user('a1')] },
];
const FAST = { policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, timeoutMs: 5_000 };

function bob(locationId: number): PsaContactFields {
  return {
    firstName: 'Bob',
    lastName: 'New',
    jobTitle: null,
    emailAddress: 'bob@contoso.com',
    emailTypeId: null,
    phoneNumber: null,
    phoneTypeId: null,
    mobilePhone: null,
    locationId,
    isActive: true,
  };
}

let sims: RunningSimulators | null = null;
let proxy: AnswerDroppingProxy | null = null;
afterEach(async () => {
  await proxy?.close();
  await sims?.close();
  proxy = null;
  sims = null;
});

describe('a create whose answer is lost, beside a contact holding the address as a second email', () => {
  it('Autotask: one new contact, and its id', async () => {
    sims = await startSimulators(
      parseSeed({
        tenants: TENANTS,
        autotask: {
          companies: [
            {
              id: 1,
              companyName: 'Contoso Ltd',
              locations: [{ id: 11, name: 'HQ', isPrimary: true }],
              contacts: [
                {
                  id: 501,
                  firstName: 'Alice',
                  lastName: 'Old',
                  emailAddress: 'alice@contoso.com',
                  emailAddress2: 'bob@contoso.com',
                  companyLocationID: 11,
                  isActive: 1,
                },
              ],
            },
          ],
        },
      }),
    );
    proxy = new AnswerDroppingProxy(
      sims.urls.autotask!,
      (m, url) => m === 'POST' && url.endsWith('Companies/1/Contacts'),
    );
    const base = await proxy.start();
    const psa = new AutotaskPsa({
      credentials: sims.credentials.autotask,
      baseUrl: `${base}/atservicesrest/`,
      ...FAST,
    });
    await psa.listContacts(1);
    const result = await psa.createContact(1, bob(11));
    expect(proxy.dropped).toBe(1);
    const made = sims.autotask.contactsOf(1).filter((c) => c.emailAddress === 'bob@contoso.com');
    expect(made).toHaveLength(1);
    expect(result).toEqual({ ok: true, id: made[0]!.id });
  });

  it('Halo: one new user, and its id', async () => {
    sims = await startSimulators(
      parseSeed({
        tenants: TENANTS,
        halo: {
          clients: [
            {
              id: 1,
              name: 'Contoso Ltd',
              sites: [{ id: 11, name: 'Main' }],
              users: [
                {
                  id: 501,
                  firstname: 'Alice',
                  surname: 'Old',
                  name: 'Alice Old',
                  emailaddress: 'alice@contoso.com',
                  email2: 'bob@contoso.com',
                  site_id: 11,
                  inactive: false,
                },
              ],
            },
          ],
        },
      }),
    );
    proxy = new AnswerDroppingProxy(
      sims.urls.halo!,
      (m, url) => m === 'POST' && url.endsWith('/api/Users') && proxy!.dropped === 0,
    );
    const base = await proxy.start();
    const psa = new HaloPsa({ baseUrl: base, credentials: sims.credentials.halo, ...FAST });
    const result = await psa.createContact(1, bob(11));
    expect(proxy.dropped).toBe(1);
    const made = sims.halo.usersOf(1).filter((u) => u.emailaddress === 'bob@contoso.com');
    expect(made).toHaveLength(1);
    expect(result).toEqual({ ok: true, id: made[0]!.id });
  });

  it('ConnectWise: the new contact, never the older one', async () => {
    sims = await startSimulators(
      parseSeed({
        tenants: TENANTS,
        connectwise: {
          communicationTypes: [
            { id: 1, description: 'Email', emailFlag: true },
            { id: 2, description: 'Direct', phoneFlag: true },
            { id: 4, description: 'Cell', phoneFlag: true },
          ],
          companies: [
            {
              id: 1,
              identifier: 'Contoso',
              name: 'Contoso Ltd',
              sites: [{ id: 11, name: 'Main', primaryAddressFlag: true }],
              contacts: [
                {
                  id: 501,
                  firstName: 'Alice',
                  lastName: 'Old',
                  site: { id: 11 },
                  communicationItems: [
                    { type: { id: 1 }, communicationType: 'Email', value: 'alice@contoso.com', defaultFlag: true },
                    { type: { id: 1 }, communicationType: 'Email', value: 'bob@contoso.com', defaultFlag: false },
                  ],
                },
              ],
            },
          ],
        },
      }),
    );
    proxy = new AnswerDroppingProxy(
      sims.urls.connectwise!,
      (m, url) => m === 'POST' && url.endsWith('company/contacts'),
    );
    const base = await proxy.start();
    const psa = new ConnectwisePsa({
      credentials: sims.credentials.connectwise,
      baseUrl: `${base}/v4_6_release/apis/3.0/`,
      ...FAST,
    });
    const result = await psa.createContact(1, bob(11));
    expect(proxy.dropped).toBe(1);
    const made = sims.connectwise.contactsOf(1).filter((c) => c.firstName === 'Bob');
    expect(made).toHaveLength(1);
    expect(result).toEqual({ ok: true, id: made[0]!.id });
  });
});

describe('a Hudu create whose answer is lost, beside an asset holding the same primary email', () => {
  it('takes the asset the create made, never the older one, and makes one', async () => {
    const KEY = 'hudu-lost-create-key-0123';
    const started = await startHudu(KEY, {
      assetLayouts: [{ id: 1, name: 'People', fields: [{ label: 'Title' }] }],
      companies: [
        {
          id: 1,
          name: 'Contoso Ltd',
          assets: [{ id: 10, asset_layout_id: 1, name: 'Alice Old', primary_mail: 'bob@contoso.com' }],
        },
      ],
    });
    try {
      proxy = new AnswerDroppingProxy(started.url, (m, url) => m === 'POST' && url.endsWith('companies/1/assets'));
      const store = new HuduDocStore({ baseUrl: await proxy.start(), apiKey: KEY, ...FAST });
      await store.listContacts('1');
      const [result] = await store.createContacts('1', [
        {
          firstName: 'Bob',
          lastName: 'New',
          title: null,
          contactTypeId: null,
          locationId: null,
          emails: [{ value: 'bob@contoso.com', primary: true, label: 'Work' }],
          phones: [],
        },
      ]);
      expect(proxy.dropped).toBe(1);
      const assets = started.hudu.assetsOf(1);
      expect(assets.map((a) => a.name)).toEqual(['Alice Old', 'Bob New']);
      expect(result).toEqual({ ok: true, id: String(assets[1]!.id) });
    } finally {
      await proxy?.close();
      proxy = null;
      await started.hudu.server.close();
    }
  });
});

/**
 * BMS and IT Glue find the contact by its primary email alone: a contact linked to someone else (so the plan creates)
 * may hold the new person's address as its primary too. The look-up then finds two, takes the one with the names
 * sent, and never makes the contact a second time.
 */
describe('a BMS create whose answer is lost, beside an older contact with the same primary email', () => {
  // BMS requires the types and a phone.
  const bobInBms: PsaContactFields = { ...bob(11), emailTypeId: 1, phoneNumber: '+12065550100', phoneTypeId: 1 };

  async function bmsWith(older: { firstName: string; lastName: string }): Promise<BmsPsa> {
    sims = await startSimulators(
      parseSeed({
        tenants: TENANTS,
        bms: {
          accounts: [
            {
              id: 1,
              name: 'Contoso Ltd',
              locations: [{ id: 11, name: 'HQ', isMain: true }],
              contacts: [
                {
                  id: 500,
                  ...older,
                  jobTitle: null,
                  emailAddress: 'bob@contoso.com',
                  emailTypeId: 1,
                  phoneNumber: '+12065550199',
                  phoneTypeId: 1,
                  locationId: 11,
                  isActive: true,
                },
              ],
            },
          ],
          emailTypes: [{ id: 1, name: 'Work' }],
          phoneTypes: [{ id: 1, name: 'Office' }],
        },
      }),
    );
    proxy = new AnswerDroppingProxy(sims.urls.bms!, (m, url) => m === 'POST' && url.startsWith('/v2/crm/contacts'));
    return new BmsPsa({ credentials: sims.credentials.bms, baseUrl: await proxy.start(), ...FAST });
  }

  const holders = () => sims!.bms.contactsOf(1).filter((c) => c.emailAddress === 'bob@contoso.com');

  it('takes the new contact by its names, and makes it once', async () => {
    const psa = await bmsWith({ firstName: 'Robert', lastName: 'Older' });
    const result = await psa.createContact(1, bobInBms);
    expect(proxy!.dropped).toBe(1);
    const made = holders().filter((c) => c.firstName === 'Bob');
    expect(made).toHaveLength(1);
    expect(result).toEqual({ ok: true, id: made[0]!.id });
    expect(holders()).toHaveLength(2);
  });

  it('with the same names on both, sends nothing again and fails for a person to look', async () => {
    const psa = await bmsWith({ firstName: 'Bob', lastName: 'New' });
    await expect(psa.createContact(1, bobInBms)).rejects.toThrow(
      /did not answer a write clearly .*it may have been applied/,
    );
    expect(proxy!.dropped).toBe(1);
    expect(holders()).toHaveLength(2);
  });
});

describe('an IT Glue batch of creates whose answer is lost, one beside an older contact with its primary email', () => {
  const draft = (firstName: string, lastName: string, email: string): DocContactFields => ({
    firstName,
    lastName,
    title: null,
    contactTypeId: null,
    locationId: '10',
    emails: [{ value: email, primary: true, label: 'Work' }],
    phones: [],
  });

  it('takes each contact the batch made, by its names where two hold the address, and makes none twice', async () => {
    sims = await startSimulators(
      parseSeed({
        tenants: TENANTS,
        itglue: {
          organizations: [
            {
              id: '1',
              name: 'Contoso Ltd',
              locations: [{ id: '10', name: 'HQ', primary: true }],
              contacts: [
                {
                  id: '100',
                  'first-name': 'Robert',
                  'last-name': 'Older',
                  title: null,
                  'location-id': '10',
                  'contact-emails': [{ value: 'bob@contoso.com', primary: true, 'label-name': 'Work' }],
                  'contact-phones': [],
                },
              ],
            },
          ],
          contactTypes: [{ id: '1', name: 'Employee' }],
        },
      }),
    );
    proxy = new AnswerDroppingProxy(
      sims.urls.itglue!,
      (m, url) => m === 'POST' && url.startsWith('/organizations/1/relationships/contacts'),
    );
    const store = new ItGlueDocStore({ apiKey: sims.credentials.itglueApiKey, baseUrl: await proxy.start(), ...FAST });
    const results = await store.createContacts('1', [
      draft('Bob', 'New', 'bob@contoso.com'),
      draft('Carol', 'Other', 'carol@contoso.com'),
    ]);
    expect(proxy.dropped).toBe(1);
    const contacts = sims.itglue.contactsOf('1');
    expect(contacts.map((c) => `${c['first-name']} ${c['last-name']}`).sort()).toEqual([
      'Bob New',
      'Carol Other',
      'Robert Older',
    ]);
    const idOf = (first: string) => contacts.find((c) => c['first-name'] === first)!.id;
    expect(results).toEqual([
      { ok: true, id: idOf('Bob') },
      { ok: true, id: idOf('Carol') },
    ]);
  });
});
