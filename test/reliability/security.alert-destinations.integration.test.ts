import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendAlert } from '../../src/alerts/alert-senders.ts';
import { AlertService } from '../../src/alerts/alert-service.ts';
import type { AlertChannelInput } from '../../src/config/alert-channels.ts';
import { secretBox } from '../../src/config/secret-box.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { startSmtpReceiver, startWebhookReceiver } from '../support/alert-receivers.ts';
import { openTestDatabase, type TestDatabase } from '../support/databases.ts';

/**
 * An admin (or a stolen admin session) can name any alert destination and press "Send test": alerts must not become a
 * way to reach this server's metadata service or LAN, to read what an endpoint answers, or to scan ports; and the
 * SMTP password saved by one person must not be sent elsewhere by another who cannot see it.
 */
const SECRET = 'T0KEN-abcdef-9876';
const SMTP_LOGIN = { user: 'alerts@msp.example', password: 'smtp-Pa55-word!' };

let database: TestDatabase;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let echo: Server;
let echoBase: string;
const logged: string[] = [];
let alerts: AlertService;

beforeAll(async () => {
  database = await openTestDatabase('sqlite');
  hooks = await startWebhookReceiver();
  smtp = await startSmtpReceiver(SMTP_LOGIN);
  // An endpoint that answers 500 with the path it was sent to: the secret part of the address.
  echo = createServer((request, response) => {
    request.resume();
    response.writeHead(500, { 'content-type': 'text/plain' }).end(`no such hook: ${request.url}`);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoBase = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  alerts = new AlertService({
    store: database.store,
    targets: { doc: itglueProfile, psa: bmsProfile },
    box: secretBox(() => randomBytes(32)),
    baseUrl: () => 'http://contactsync.msp.example',
    log: (level, message, fields) => logged.push(JSON.stringify({ level, message, ...fields })),
  });
}, 60_000);
afterAll(async () => {
  await hooks?.close();
  await smtp?.close();
  await new Promise((resolve) => echo?.close(resolve));
  await database?.dispose();
});
beforeEach(() => {
  logged.length = 0;
});

const save = (...channels: AlertChannelInput[]) =>
  alerts.save({ intervalMinutes: 15, channels }, 'web:admin').then(
    () => 'saved',
    (error: Error) => error.message,
  );
const hook = (url: string, more: Partial<AlertChannelInput> = {}): AlertChannelInput =>
  ({ name: 'Hook', type: 'webhook', url, ...more }) as AlertChannelInput;

describe('alert webhooks', () => {
  it('never go to link-local or metadata addresses, however the address is spelled', async () => {
    const port = new URL(hooks.base).port;
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/hook',
      'http://[::ffff:169.254.169.254]/hook',
      'http://2852039166/hook', // 169.254.169.254 in decimal
      'http://0xa9.0xfe.0xa9.0xfe/hook',
    ]) {
      expect(await save(hook(url, { allowPrivateNetwork: true })), url).toMatch(
        /url: alerts are not sent there: it is a link-local, metadata or multicast address/,
      );
    }
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      `http://[::ffff:7f00:1]:${port}/hook`,
      `http://2130706433:${port}/hook`,
      `http://0x7f.0.0.1:${port}/hook`,
      `http://[::1]:${port}/hook`,
      `http://10.1.2.3/hook`,
      `http://localhost:${port}/hook`,
    ]) {
      expect(await save(hook(url)), url).toMatch(
        /on this machine or a private network: set "allowPrivateNetwork": true/,
      );
    }
    expect(await save(hook(`http://127.0.0.1:${port}/hook/${SECRET}`, { allowPrivateNetwork: true }))).toBe('saved');
    expect(hooks.received).toEqual([]);
  });

  it('check the address a name resolves to when the alert is sent', async () => {
    // This machine's own name resolves to one of its addresses (loopback or a private one), which the save cannot see.
    const url = `http://${hostname()}:${new URL(hooks.base).port}/hook/${SECRET}`;
    // Allowed, it goes; the connection it used is not kept for a channel under other rules.
    expect(await save(hook(url, { allowPrivateNetwork: true }))).toBe('saved');
    expect(await alerts.test('Hook', 'web:admin')).toBe('Sent a test alert to "Hook".');
    hooks.received.length = 0;
    expect(await save(hook(url))).toBe('saved');
    const failure = await alerts.test('Hook', 'web:admin').catch((error: Error) => error.message);
    expect(failure).toMatch(/^Sending to the alert channel "Hook" failed: it was not sent: .* resolves to /);
    expect(failure).not.toContain(SECRET);
    expect(hooks.received).toEqual([]);
  });

  it('a test alert reports the status, never what the endpoint answered; the secret path is neither answered nor logged', async () => {
    expect(await save(hook(`${echoBase}/hook/${SECRET}`, { allowPrivateNetwork: true }))).toBe('saved');
    const failure = await alerts.test('Hook', 'web:admin').catch((error: Error) => error.message);
    expect(failure).toBe(
      'Sending to the alert channel "Hook" failed: it answered 500; try again later, or check the webhook in its app.',
    );
    expect(logged.join('\n')).not.toContain(SECRET);
    const view = await alerts.view();
    expect(JSON.stringify(view)).not.toContain(SECRET.slice(-4));
    expect(view.channels[0]!.url).toBe(`${echoBase}/…`);
  });
});

describe('alert email', () => {
  const channel = (smtpPart: Record<string, unknown>, more: Record<string, unknown> = {}): AlertChannelInput =>
    ({
      name: 'Mail',
      type: 'email',
      to: ['noc@msp.example'],
      from: 'contactsync@msp.example',
      smtp: { host: '127.0.0.1', port: smtp.port, ...smtpPart },
      allowPrivateNetwork: true,
      ...more,
    }) as AlertChannelInput;

  it('sends the password only over TLS unless the channel allows it in clear', async () => {
    expect(await save(channel(SMTP_LOGIN))).toBe('saved');
    const refused = await alerts.test('Mail', 'web:admin').catch((error: Error) => error.message);
    expect(refused).toMatch(/the SMTP server offers no TLS, and the password is sent only over TLS/);
    expect(smtp.logins).toEqual([]);
    expect(await save(channel({ ...SMTP_LOGIN, allowPlainAuth: true }))).toBe('saved');
    expect(await alerts.test('Mail', 'web:admin')).toBe('Sent a test alert to "Mail".');
    expect(smtp.logins).toEqual([{ user: SMTP_LOGIN.user, ok: true }]);
  });

  it('asks for the password again when the server, the port or the user changes', async () => {
    expect(await save(channel({ ...SMTP_LOGIN, allowPlainAuth: true }))).toBe('saved');
    const kept = { user: SMTP_LOGIN.user, allowPlainAuth: true };
    // Left blank with the same server: the saved password stays.
    expect(await save(channel(kept))).toBe('saved');
    for (const changed of [{ host: '127.0.0.2' }, { port: smtp.port + 1 }, { user: 'someone@else.example' }])
      expect(await save(channel({ ...kept, ...changed }))).toMatch(
        /smtp password: the SMTP server, port, user or plain authentication changed, so enter the password again/,
      );
    expect(await save(channel({ ...kept, host: '127.0.0.2', password: SMTP_LOGIN.password }))).toBe('saved');
  });

  it('refuses metadata and private SMTP hosts as it does webhooks', async () => {
    expect(await save(channel({ host: '169.254.169.254' }, { name: 'Relay' }))).toMatch(
      /smtp host: alerts are not sent there: it is a link-local/,
    );
    expect(await save(channel({ host: '0xa9fea9fe' }, { name: 'Relay' }))).toMatch(/smtp host: .* link-local/);
    expect(await save(channel({ host: '2130706433' }, { name: 'Relay', allowPrivateNetwork: undefined }))).toMatch(
      /smtp host: .* on this machine or a private network/,
    );
    expect(await save(channel({ host: '127.0.0.1' }, { name: 'Relay', allowPrivateNetwork: undefined }))).toMatch(
      /smtp host: alerts are not sent there: it is on this machine or a private network/,
    );
  });

  it('cannot tell a closed port from a service that is not SMTP: both "could not connect"', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const web = new URL(hooks.base).port;
    const message = { kind: 'test' as const, title: 'test', lines: [], url: 'http://x.example', sentAt: '' };
    const answers = [];
    for (const port of [closed, Number(web)]) {
      const target = {
        name: 'Mail',
        type: 'email' as const,
        to: ['noc@msp.example'],
        from: 'contactsync@msp.example',
        smtp: { host: '127.0.0.1', port, secure: false },
        allowPrivateNetwork: true,
        kinds: ['test'],
        tenants: [],
      };
      answers.push(
        await sendAlert(target as never, message, { timeoutMs: 1000 }).catch((error: Error) =>
          error.message.replace(`:${port};`, ':PORT;'),
        ),
      );
    }
    expect(answers).toEqual([
      'Sending to the alert channel "Mail" failed: could not connect to the SMTP server 127.0.0.1:PORT; check the host, the port and "secure".',
      'Sending to the alert channel "Mail" failed: could not connect to the SMTP server 127.0.0.1:PORT; check the host, the port and "secure".',
    ]);
  });
});
