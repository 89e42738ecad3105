import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/connectors/http/http-client.ts';

/** A server that answers each request with the next of `answers` (the last one repeated), slowly. */
let server: Server;
let url: string;
let answers: { status: number; body: unknown }[] = [];
let received = 0;
let inFlight = 0;
let most = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    received += 1;
    inFlight += 1;
    most = Math.max(most, inFlight);
    request.resume();
    request.on('end', () => {
      const answer = answers[Math.min(received - 1, answers.length - 1)]!;
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body));
      }, 10);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0/Contacts`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function serve(...next: { status: number; body: unknown }[]) {
  answers = next;
  received = 0;
  most = 0;
}

/** A client of an API that refuses records with a 500 and names throttling in its body. */
const client = () =>
  new HttpClient({
    service: 'test',
    policy: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
    meaningOf: (status, body) => {
      const errors = (body as { errors?: string[] } | undefined)?.errors ?? [];
      if (errors.some((e) => /threshold exceeded/i.test(e))) return 'throttled';
      return status === 500 && errors.length > 0 ? 'refused' : null;
    },
  });

describe('an API whose body says what its status does not', () => {
  it('hands back a refused record at once: not sent again, and a create is known not to have happened', async () => {
    serve({ status: 500, body: { errors: ['firstName is required.'] } });
    const response = await client().send({ method: 'POST', url, body: '{}', idempotent: false });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ errors: ['firstName is required.'] });
    expect(received).toBe(1);
  });

  it('waits out throttling named in a 500, a create included, since it surely did not happen', async () => {
    serve({ status: 500, body: { errors: ['Thread Threshold Exceeded'] } }, { status: 200, body: { itemId: 30 } });
    const response = await client().send({ method: 'POST', url, body: '{}', idempotent: false });
    expect(response.body).toEqual({ itemId: 30 });
    expect(received).toBe(2);
  });

  it('keeps at most the cap of requests in flight under a slot key', async () => {
    serve({ status: 200, body: {} });
    const http = client();
    await Promise.all(
      Array.from({ length: 12 }, () => http.send({ method: 'GET', url, slot: { key: 'test:Contacts', cap: 3 } })),
    );
    expect(received).toBe(12);
    expect(most).toBe(3);
  });
});
