import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../../src/connectors/http/connector-error.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { connectTo, requestsSince, type Connectors } from '../support/connectors.ts';
import { smallSeed, started, TENANT_A } from '../support/simulators.ts';

let sims: RunningSimulators;
let connectors: Connectors;
/** Another server on this machine, that hears whatever is sent to it. */
let elsewhere: Server;
let elsewhereUrl: string;
const heard: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  sims = await started(smallSeed(2500));
  connectors = connectTo(sims);
  elsewhere = createServer((request, response) => {
    heard.push(request.headers);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"value":[]}');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereUrl = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;
});
afterEach(() => {
  sims.graph.nextLinkOverride = null;
});
afterAll(async () => {
  await sims.close();
  await new Promise((resolve) => elsewhere.close(resolve));
});

async function refusal(read: Promise<unknown>): Promise<string> {
  const error = await read.then(
    () => null,
    (e: unknown) => e,
  );
  expect(isConnectorError(error), String(error)).toBe(true);
  return (error as Error).message;
}

describe('Graph paging', () => {
  it('follows next links to the end when they lead back to Graph: 2,500 users in 3 pages', async () => {
    const before = sims.requests.length;
    expect(await connectors.graph.readUsers(TENANT_A)).toHaveLength(2500);
    expect(requestsSince(sims, 'graph', before)).toEqual(Array(3).fill('GET /v1.0/users'));
  });

  it.each([
    ['another host', () => `${elsewhereUrl}/v1.0/users?$skiptoken=x`],
    ['another scheme', () => `${sims.urls.graph.replace('http:', 'https:')}/v1.0/users?$skiptoken=x`],
    ['another port', () => `${elsewhereUrl.replace('localhost', '127.0.0.1')}/v1.0/users?$skiptoken=x`],
    ['no URL at all', () => 'not a link'],
  ])('never sends the tenant’s token to a next link on %s', async (_name, link) => {
    const target = link();
    sims.graph.nextLinkOverride = (next) => (next === undefined ? undefined : target);
    const before = sims.requests.length;
    const message = await refusal(connectors.graph.readUsers(TENANT_A));
    expect(message).toMatch(/gave a next page on another server .*where the tenant's token must not go/);
    expect(message).toContain(TENANT_A);
    expect(heard).toEqual([]);
    expect(requestsSince(sims, 'graph', before)).toEqual(['GET /v1.0/users']);
  });

  it('stops at a next link it has followed already, instead of reading forever', async () => {
    let first: string | undefined;
    sims.graph.nextLinkOverride = (next) => (first ??= next);
    const before = sims.requests.length;
    expect(await refusal(connectors.graph.readUsers(TENANT_A))).toMatch(/gave the same next page twice/);
    expect(requestsSince(sims, 'graph', before)).toHaveLength(2);
  });

  it('stops when the pages outnumber what the users read can need: endless empty pages', async () => {
    let n = 0;
    sims.graph.nextLinkOverride = () => `${sims.urls.graph}/v1.0/users?$filter=id eq 'nobody-${n++}'&$select=id`;
    const before = sims.requests.length;
    expect(await refusal(connectors.graph.readUsers(TENANT_A))).toMatch(/gave \d+ pages for 999 items/);
    // The first page of 999 users, then a few empty ones: never without end.
    expect(requestsSince(sims, 'graph', before)).toHaveLength(1 + 11);
  });

  it('guards delta rounds the same way', async () => {
    const first = await connectors.graph.readChanges(TENANT_A, null);
    sims.graph.nextLinkOverride = () => `${elsewhereUrl}/v1.0/users/delta?$skiptoken=x`;
    expect(await refusal(connectors.graph.readChanges(TENANT_A, first.deltaLink))).toMatch(
      /another server .* while reading user changes/,
    );
    expect(heard).toEqual([]);
  });

  it('reads in full, without sending the token, when the stored delta link leads to another server', async () => {
    const before = sims.requests.length;
    const changes = await connectors.graph.readChanges(TENANT_A, `${elsewhereUrl}/v1.0/users/delta?$deltatoken=x`);
    expect(changes).toMatchObject({ kind: 'full', reason: expect.stringMatching(/stored delta link leads away/) });
    expect(changes.kind === 'full' && changes.users).toHaveLength(2500);
    expect(heard).toEqual([]);
    expect(requestsSince(sims, 'graph', before)[0]).toBe('GET /v1.0/users/delta');
  });
});
