import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailBody, slackBody } from '../../src/alerts/alert-messages.ts';
import { AlertService } from '../../src/alerts/alert-service.ts';
import { secretBox } from '../../src/config/secret-box.ts';
import { loadSecretKey } from '../../src/config/secrets.ts';
import { HttpClient } from '../../src/connectors/http/http-client.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { graphUserSeedSchema, parseSeed } from '../../src/sandbox/seed.ts';
import { startWebhookReceiver } from '../support/alert-receivers.ts';
import { user } from '../support/simulators.ts';

const BASE = 'https://contactsync.msp.example';
let box: Sandbox;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  hooks = await startWebhookReceiver(() => 200);
  box = await startSandbox({
    seed: parseSeed(JSON.parse(JSON.stringify(demoSeed()))),
    logger: pino({ level: 'silent' }),
  });
  // Every customer synced before any channel exists: what waits now predates the channel.
  await box.syncAll({ force: true });
}, 120_000);

afterAll(async () => {
  await box?.close();
  await hooks?.close();
});

type Generic = { kind: string; count: number; items: { tenant: string; subject: string; url: string }[] };
const received = () => hooks.received.map((r) => r.json as Generic);
const tenantNamed = (name: string) => box.sims.dump().tenants.find((t) => t.displayName === name)!;
const minutesLater = (minutes: number) =>
  new AlertService({
    store: box.store,
    targets: box.webServices().targets,
    box: secretBoxOf(box),
    baseUrl: () => 'http://127.0.0.1:8080',
    publicUrl: () => BASE,
    now: () => new Date(Date.now() + minutes * 60_000),
  });

function addPhoneless(tenantId: string, name: string): void {
  const domain = box.sims.dump().tenants.find((t) => t.id === tenantId)!.initialDomain;
  box.sims.graph.addUser(
    tenantId,
    graphUserSeedSchema.parse(
      user(crypto.randomUUID(), {
        userPrincipalName: `${name}@${domain}`,
        givenName: name,
        surname: 'Newhire',
        displayName: `${name} Newhire`,
        mail: `${name}@${domain}`,
        proxyAddresses: [`SMTP:${name}@${domain}`],
        businessPhones: [],
        mobilePhone: null,
      }),
    ),
  );
}

describe('alerts per customer', () => {
  it('gives a channel added later a first digest of what is open', async () => {
    await box.alerts.save(
      {
        intervalMinutes: 15,
        channels: [
          {
            name: 'Automation',
            type: 'webhook',
            url: `${hooks.base}/hook`,
            kinds: ['held'],
            allowPrivateNetwork: true,
          },
        ],
      },
      'web:admin',
    );
    await box.alerts.dispatch();
    const digest = received().filter((m) => m.kind === 'held');
    expect(digest).toHaveLength(1);
    expect(new Set(digest[0]!.items.map((i) => i.tenant))).toEqual(new Set(['Contoso Ltd', 'Northwind Traders']));
    expect(digest[0]!.count).toBe(27);
  });

  it("keeps one message per kind per interval for each customer: one customer's alert never holds back another's", async () => {
    const contoso = tenantNamed('Contoso Ltd');
    const northwind = tenantNamed('Northwind Traders');
    addPhoneless(contoso.id, 'carla');
    await box.runner.runTenant(contoso.id);
    expect((await minutesLater(16).dispatch()).sent).toEqual([{ channel: 'Automation', kind: 'held', items: 1 }]);
    addPhoneless(northwind.id, 'nils');
    const run = await box.runner.runTenant(northwind.id);
    expect(run.users.find((u) => u.userPrincipalName.startsWith('nils@'))?.outcome).toBe('held');
    // A minute after Contoso's message, Northwind's new item goes out: its own interval has long passed.
    expect((await minutesLater(17).dispatch()).sent).toEqual([{ channel: 'Automation', kind: 'held', items: 1 }]);
    const last = received().at(-1)!;
    expect(last.items.map((i) => [i.tenant, i.subject])).toEqual([
      ['Northwind Traders', `nils@${northwind.initialDomain}`],
    ]);
    // Contoso, within its interval, waits.
    addPhoneless(contoso.id, 'cora');
    await box.runner.runTenant(contoso.id);
    expect((await minutesLater(18).dispatch()).sent).toEqual([]);
  });

  it('names the customer once, and the system by its name, in an item about the whole customer', async () => {
    const server: Server = createServer((_request, response) => response.writeHead(500).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new HttpClient({ service: 'bms', sleep: async () => {} });
    const error = await client
      .send({ method: 'GET', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/crm/accounts/lookup` })
      .catch((e: Error) => e.message);
    server.close();
    expect(error).toMatch(/^BMS kept failing with 500/);
    const message = {
      kind: 'failed' as const,
      title: '1 failed sync',
      lines: [
        { tenant: 'Contoso Ltd', subject: 'Contoso Ltd', detail: `the sync failed: ${error}`, url: `${BASE}/runs/1` },
      ],
      url: `${BASE}/attention?kind=failed`,
      sentAt: new Date().toISOString(),
    };
    const mail = emailBody(message);
    expect(mail.text).toContain('- Contoso Ltd — the sync failed: BMS kept failing');
    expect(mail.text).not.toContain('Contoso Ltd · Contoso Ltd');
    expect(mail.html).not.toContain('Contoso Ltd</strong> · ');
    expect(JSON.stringify(slackBody(message))).not.toContain('Contoso Ltd* · ');
  });

  it('points links at web.publicUrl, and warns when neither it nor the alert settings give an address', async () => {
    const plain = new AlertService({
      store: box.store,
      targets: box.webServices().targets,
      box: secretBoxOf(box),
      baseUrl: () => 'http://127.0.0.1:8080',
    });
    const view = await plain.view();
    expect(view.savedBaseUrl).toBeNull();
    expect(view.linkWarning).toMatch(
      /point at http:\/\/127\.0\.0\.1:8080.*will not open from another desk.*web\.publicUrl/,
    );
    const published = await minutesLater(0).view();
    expect([published.baseUrl, published.linkWarning]).toEqual([BASE, null]);
    // The messages sent by a process that knows web.publicUrl link there.
    const sentLater = received().slice(1);
    expect(sentLater.length).toBeGreaterThan(0);
    expect(sentLater.every((m) => m.items.every((i) => i.url.startsWith(`${BASE}/`)))).toBe(true);
  });
});

/** Another process of the installation: the same state database and the same key (beside the sandbox's database). */
function secretBoxOf(sandbox: Sandbox) {
  return secretBox(() => loadSecretKey(join(dirname(sandbox.dbPath), '.contactsync-secret.key'), { create: false }));
}
