import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendAlert } from '../../src/alerts/alert-senders.ts';
import { BmsPsa } from '../../src/connectors/bms/bms-psa.ts';
import { checkBmsSwagger } from '../../src/connectors/bms/swagger-check.ts';
import { GraphTokenProvider } from '../../src/connectors/graph/token-provider.ts';
import { ItGlueDocStore } from '../../src/connectors/itglue/itglue-doc-store.ts';

/**
 * A base URL that answers with a redirect to another address (a typo'd domain, a hijacked DNS name, a proxy) must not
 * receive the vendor's credential there: the client stops and says where it was sent.
 */
interface Arrival {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function listen(
  handler: (
    request: IncomingMessage,
    body: string,
  ) => { status: number; headers?: Record<string, string>; body?: string },
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const answer = handler(request, body);
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

let trap: { server: Server; url: string };
let redirector: { server: Server; url: string };
const arrivals: Arrival[] = [];
let status = 302;

beforeAll(async () => {
  trap = await listen((request, body) => {
    arrivals.push({ path: request.url ?? '', headers: request.headers, body });
    return { status: 200, body: '{"data":[],"access_token":"x","token_type":"Bearer","expires_in":3600}' };
  });
  // Every request is sent on to the trap, on another loopback port: another origin.
  redirector = await listen((request) => ({ status, headers: { location: `${trap.url}${request.url ?? '/'}` } }));
});
afterAll(async () => {
  for (const s of [trap?.server, redirector?.server]) if (s) await new Promise((resolve) => s.close(resolve));
});
beforeEach(() => {
  arrivals.length = 0;
});

const trapOrigin = () => trap.url;

describe('a vendor credential never follows a redirect to another origin', () => {
  it('IT Glue answering 302: the API key is not sent on, and the error names where it was sent', async () => {
    status = 302;
    const itglue = new ItGlueDocStore({ apiKey: 'ITG.the-real-api-key', baseUrl: redirector.url });
    const error = (await itglue.listOrganizations().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`redirect (302) to ${trapOrigin()}`);
    expect(error.message).not.toContain('ITG.the-real-api-key');
    expect(arrivals).toEqual([]);
  });

  it('BMS answering 307 at sign-in: the password is not posted on', async () => {
    status = 307;
    const psa = new BmsPsa({
      credentials: { userName: 'sync@msp.example', password: 'the-bms-password', tenant: 'MSP' },
      baseUrl: redirector.url,
    });
    const error = (await psa.listAccounts().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`redirect (307) to ${trapOrigin()}`);
    expect(error.message).not.toContain('the-bms-password');
    expect(arrivals).toEqual([]);
  });

  it('the Microsoft login answering 307: the client secret is not posted on', async () => {
    status = 307;
    const tokens = new GraphTokenProvider({
      credential: { clientId: '11111111-2222-3333-4444-555555555555', clientSecret: 'the~client~secret' },
      loginBaseUrl: redirector.url,
    });
    const error = (await tokens.token('66666666-7777-8888-9999-000000000000').catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain(`redirect (307) to ${trapOrigin()}`);
    expect(error.message).not.toContain('the~client~secret');
    expect(arrivals).toEqual([]);
  });

  it('an alert webhook answering 307: the message is not posted on, and the failure names where it pointed', async () => {
    status = 307;
    const url = `${redirector.url}/services/T0/B0/the-secret-path`;
    const error = (await sendAlert(
      { name: 'Slack', type: 'slack', url, allowPrivateNetwork: true, kinds: ['held'], tenants: [] },
      { kind: 'test', title: 'test alert', lines: [], url: 'https://contactsync.msp.example', sentAt: '' },
    ).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`it redirected to ${trapOrigin()}, where alerts are not followed`);
    expect(error.message).not.toContain('the-secret-path');
    expect(arrivals).toEqual([]);
  });

  it('doctor’s BMS Swagger check answered 302: not followed, and it says where it was sent', async () => {
    status = 302;
    const report = await checkBmsSwagger(redirector.url);
    expect(report.readable).toBe(false);
    expect(report.readable ? [] : report.tried).toContain(
      `${redirector.url}/swagger/v2/swagger.json (a redirect (302) to ${trapOrigin()}, another address: not followed)`,
    );
    expect(arrivals).toEqual([]);
  });
});
