import { dirname, join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../src/alerts/alert-service.ts';
import { secretBox } from '../../src/config/secret-box.ts';
import { loadSecretKey } from '../../src/config/secrets.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { graphUserSeedSchema, parseSeed } from '../../src/sandbox/seed.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { startSmtpReceiver, startWebhookReceiver } from '../support/alert-receivers.ts';
import { user } from '../support/simulators.ts';

const HOOK_TOKEN = 'T0KEN-hook-9f3b2c7d';
const TEAMS_TOKEN = 'sig=T3AMS-4a8e11';
const SLACK_TOKEN = 'B0SLACK/xoxb-77aa';
const SMTP = { user: 'alerts@msp.example', password: 'smtp-Pa55-word!' };
const BASE = 'https://contactsync.msp.example';

let box: Sandbox;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let results: TenantRunResult[];

const everySecret = () => [
  HOOK_TOKEN,
  TEAMS_TOKEN,
  SLACK_TOKEN,
  SMTP.password,
  box.sims.credentials.graph.clientSecret,
  box.sims.credentials.itglueApiKey,
  box.sims.credentials.bms.password,
];

beforeAll(async () => {
  hooks = await startWebhookReceiver((path) => (path.includes('gone') ? 404 : 200));
  smtp = await startSmtpReceiver(SMTP);
  box = await startSandbox({
    seed: parseSeed(JSON.parse(JSON.stringify(demoSeed()))),
    logger: pino({ level: 'silent' }),
  });
  await box.alerts.save(
    {
      intervalMinutes: 15,
      baseUrl: BASE,
      channels: [
        // The receivers listen on this machine: a channel reaches it only when it says so.
        { name: 'Automation', type: 'webhook', url: `${hooks.base}/hook/${HOOK_TOKEN}`, allowPrivateNetwork: true },
        {
          name: 'Service desk',
          type: 'teams',
          url: `${hooks.base}/teams?${TEAMS_TOKEN}`,
          allowPrivateNetwork: true,
        },
        {
          name: 'Slack',
          type: 'slack',
          url: `${hooks.base}/slack/${SLACK_TOKEN}`,
          allowPrivateNetwork: true,
          kinds: ['held'],
          tenants: ['contoso LTD'],
        },
        {
          name: 'On call',
          type: 'email',
          to: ['noc@msp.example'],
          from: 'contactsync@msp.example',
          // The receiver offers no TLS: the password goes in clear only because the channel says so.
          smtp: { host: '127.0.0.1', port: smtp.port, user: SMTP.user, password: SMTP.password, allowPlainAuth: true },
          allowPrivateNetwork: true,
          kinds: ['conflict', 'held'],
        },
      ],
    },
    'web:admin',
  );
  results = await box.syncAll({ force: true });
}, 120_000);

afterAll(async () => {
  await box?.close();
  await hooks?.close();
  await smtp?.close();
});

type Generic = {
  kind: string;
  title: string;
  count: number;
  url: string;
  items: { tenant: string; subject: string; url: string }[];
};
const generic = () => hooks.received.filter((r) => r.path.startsWith('/hook/')).map((r) => r.json as Generic);

describe('alerts after a full sync of three customers', () => {
  it('sends one message per kind to each channel, listing every new item with a link to it', () => {
    const held = results.flatMap((r) => r.users.filter((u) => u.outcome === 'held'));
    expect(held.length).toBeGreaterThan(1);
    const messages = generic();
    const kinds = messages.map((m) => m.kind).sort();
    // One message per kind, not one per user: the first sync's held contacts arrive together.
    expect(new Set(kinds).size).toBe(kinds.length);
    const heldMessage = messages.find((m) => m.kind === 'held')!;
    expect(heldMessage.count).toBe(held.length);
    expect(heldMessage.items.map((i) => i.subject).sort()).toEqual(held.map((u) => u.userPrincipalName).sort());
    const someone = held[0]!;
    const line = heldMessage.items.find((i) => i.subject === someone.userPrincipalName)!;
    const tenantId = results.find((r) => r.users.includes(someone))!.tenantId;
    expect(line.url).toBe(`${BASE}/contacts/${encodeURIComponent(tenantId)}/${encodeURIComponent(someone.userId)}`);
    expect(heldMessage.url).toBe(`${BASE}/attention?kind=held`);
    const conflicts = messages.find((m) => m.kind === 'conflict')!;
    expect(conflicts.items.length).toBeGreaterThan(1);
    expect(conflicts.items.every((i) => i.url.startsWith(`${BASE}/conflicts?tenant=`))).toBe(true);
  });

  it('speaks Teams (an Adaptive Card) and Slack (blocks), and keeps a channel to its tenants and kinds', () => {
    const teams = hooks.received.filter((r) => r.path.startsWith('/teams'));
    expect(teams.length).toBe(generic().length);
    const card = teams[0]!.json as {
      type: string;
      attachments: { contentType: string; content: { type: string; actions: { url: string }[] } }[];
    };
    expect(card.type).toBe('message');
    expect(card.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0]!.content.type).toBe('AdaptiveCard');
    expect(card.attachments[0]!.content.actions[0]!.url).toMatch(new RegExp(`^${BASE}/attention\\?kind=`));
    const slack = hooks.received.filter((r) => r.path.startsWith('/slack'));
    expect(slack).toHaveLength(1);
    const body = slack[0]!.json as { text: string; blocks: { type: string; text?: { text: string } }[] };
    const contosoHeld = results
      .find((r) => r.tenantId === box.sims.dump().tenants.find((t) => t.displayName === 'Contoso Ltd')!.id)!
      .users.filter((u) => u.outcome === 'held');
    expect(body.text).toBe(
      `contactsync: ${contosoHeld.length} contact${contosoHeld.length === 1 ? '' : 's'} held from BMS at Contoso Ltd`,
    );
    const lines = body.blocks.find((b) => b.type === 'section')!.text!.text;
    expect(lines).toContain('*Contoso Ltd*');
    expect(lines).not.toMatch(/Fabrikam|Northwind/);
  });

  it('emails the kinds the email channel asked for, signed in to the SMTP server', () => {
    expect(smtp.logins).toEqual(expect.arrayContaining([{ user: SMTP.user, ok: true }]));
    const subjects = smtp.mails.map((m) => m.subject);
    expect(subjects).toHaveLength(2);
    expect(subjects).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^contactsync: \d+ contacts? held from BMS at [A-Z].+$/),
        expect.stringMatching(/^contactsync: \d+ new conflicts? to decide at [A-Z].+$/),
      ]),
    );
    const mail = smtp.mails.find((m) => m.subject.includes('held'))!;
    expect(mail.to).toBe('noc@msp.example');
    expect(mail.text).toContain(`${BASE}/contacts/`);
    expect(mail.html).toContain(`href="${BASE}/attention?kind=held"`);
  });

  it('puts no secret in any body, and keeps them encrypted at rest', async () => {
    const bodies = [...hooks.received.map((r) => r.body), ...smtp.mails.map((m) => m.raw)];
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) for (const secret of everySecret()) expect(body).not.toContain(secret);
    const row = await box.store.db.selectFrom('settings').select('json').where('scope', '=', 'alerts').execute();
    for (const { json } of row)
      for (const secret of [HOOK_TOKEN, TEAMS_TOKEN, SLACK_TOKEN, SMTP.password]) expect(json).not.toContain(secret);
    const view = JSON.stringify(await box.alerts.view());
    for (const secret of [HOOK_TOKEN, TEAMS_TOKEN, SLACK_TOKEN, SMTP.password]) expect(view).not.toContain(secret);
  });

  it('batches: a new held contact within the interval waits, then goes out alone, once, from whichever process', async () => {
    const contoso = box.sims.dump().tenants.find((t) => t.displayName === 'Contoso Ltd')!;
    const before = generic().length;
    box.sims.graph.addUser(
      contoso.id,
      graphUserSeedSchema.parse(
        user(crypto.randomUUID(), {
          userPrincipalName: 'nora.newhire@contoso.com',
          givenName: 'Nora',
          surname: 'Newhire',
          displayName: 'Nora Newhire',
          mail: 'nora.newhire@contoso.com',
          proxyAddresses: ['SMTP:nora.newhire@contoso.com'],
          businessPhones: [],
        }),
      ),
    );
    const again = await box.runner.runTenant(contoso.id);
    expect(again.users.find((u) => u.userPrincipalName === 'nora.newhire@contoso.com')?.outcome).toBe('held');
    // Within the interval: nothing more was sent.
    expect(generic().length).toBe(before);
    // Two processes, 16 minutes later, over the same state: one message between them.
    const later = () => new Date(Date.now() + 16 * 60_000);
    const other = (name: string) =>
      new AlertService({
        store: box.store,
        targets: box.webServices().targets,
        box: secretBoxOf(box),
        baseUrl: () => name,
        now: later,
      });
    const [a, b] = await Promise.all([other('a').dispatch(), other('b').dispatch()]);
    const heldSends = [...a.sent, ...b.sent].filter((s) => s.kind === 'held' && s.channel === 'Automation');
    expect(heldSends).toEqual([{ channel: 'Automation', kind: 'held', items: 1 }]);
    const last = generic().at(-1)!;
    expect(last.kind).toBe('held');
    expect(last.items.map((i) => i.subject)).toEqual(['nora.newhire@contoso.com']);
    expect(last.title).toBe('1 contact held from BMS at Contoso Ltd');
    // A held contact still held at the next sync is not announced again.
    await box.runner.runTenant(contoso.id, { force: true });
    expect((await other('c').dispatch()).sent.filter((s) => s.kind === 'held')).toEqual([]);
  });

  it('sends a test alert to one channel, and says why a channel fails without naming its address', async () => {
    const before = hooks.at(`/hook/${HOOK_TOKEN}`).length;
    expect(await box.alerts.test('automation', 'cli:tester')).toBe('Sent a test alert to "Automation".');
    const test = hooks.at(`/hook/${HOOK_TOKEN}`)[before]!.json as Generic;
    expect(test.kind).toBe('test');
    // The test is about no customer: its item does not claim one named "contactsync".
    expect(test.items.map((i) => i.tenant)).toEqual(['test']);
    await box.alerts.save(
      {
        ...(await plainSettings()),
        channels: [
          { name: 'Gone', type: 'slack', url: `${hooks.base}/gone/${SLACK_TOKEN}`, allowPrivateNetwork: true },
        ],
      },
      'web:admin',
    );
    const failure = await box.alerts.test('Gone', 'cli:tester').catch((error: Error) => error.message);
    expect(failure).toMatch(
      /^Sending to the alert channel "Gone" failed: it answered 404; the webhook was probably removed/,
    );
    expect(failure).not.toContain(SLACK_TOKEN);
    expect(failure).not.toContain(hooks.base);
  });
});

/** Another process of the installation: the same state database and the same key (beside the sandbox's database). */
function secretBoxOf(sandbox: Sandbox) {
  return secretBox(() => loadSecretKey(join(dirname(sandbox.dbPath), '.contactsync-secret.key'), { create: false }));
}

async function plainSettings() {
  const settings = await box.alerts.settings();
  return { intervalMinutes: settings.intervalMinutes, baseUrl: BASE };
}
