import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphDirectory } from '../../src/connectors/graph/graph-directory.ts';
import { GraphTokenProvider } from '../../src/connectors/graph/token-provider.ts';
import { CAPTURES, readCaptures, replay } from '../support/capture-replay.ts';

/** The tenant of the captured token request (the first customer of the documented GDAP answer). */
const TENANT = '4fdbff88-9d6b-42e0-9713-45c922ba8001';

let server: Server | null = null;
afterEach(async () => {
  const running = server;
  server = null;
  if (running !== null) await new Promise((resolve) => running.close(resolve));
});

async function graphOver(folder: string): Promise<{ graph: GraphDirectory; url: string; asked: string[] }> {
  const replayed = await replay(readCaptures(join(CAPTURES, 'graph', folder)), {
    origin: 'https://graph.microsoft.com',
  });
  server = replayed.server;
  const tokens = new GraphTokenProvider({
    credential: { clientId: '00000000-0000-0000-0000-000000000001', clientSecret: 'capture-secret' },
    loginBaseUrl: replayed.url,
  });
  return { graph: new GraphDirectory({ tokens, baseUrl: replayed.url }), url: replayed.url, asked: replayed.asked };
}

describe("GraphDirectory reads the captures of Microsoft's documented examples", () => {
  it('signs in with the documented token answer and reads users, the organization, GDAP customers and group members', async () => {
    const { graph, asked } = await graphOver('documented');
    const users = await graph.readUsers(TENANT);
    expect(users.map((u) => [u.id, u.userPrincipalName, u.businessPhones])).toEqual([
      ['6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0', '<email>', []],
      ['4562bcc8-c436-4f95-b7c0-4f8ce89dca5e', '<email>', ['<phone>']],
    ]);
    expect(users[1]).toMatchObject({ givenName: '<name>', mail: null, proxyAddresses: [], accountEnabled: null });
    expect(await graph.readOrganization(TENANT)).toEqual({
      displayName: '<name>',
      countryLetterCode: '<text>',
      businessPhones: ['<phone>'],
    });
    expect(await graph.listCustomerTenants(TENANT)).toEqual([
      { tenantId: '4fdbff88-9d6b-42e0-9713-45c922ba8001', displayName: '<name>' },
      { tenantId: '1c0fa218-5dec-49db-8247-cfa457af8116', displayName: '<name>' },
    ]);
    expect(await graph.readGroupMembers(TENANT, '02bd9fd6-8f93-4758-87c3-1fb73740a315')).toEqual([
      '11111111-2222-3333-4444-555555555555',
    ]);
    expect(asked[0]).toBe(`POST /${TENANT}/oauth2/v2.0/token`);
  });

  it('follows a delta round page by page to its delta link, with removed users, then reads its changes', async () => {
    const { graph, url } = await graphOver('documented');
    const round = await graph.readChanges(TENANT, `${url}/v1.0/users/delta?$select=displayName,givenName,surname`);
    expect(round.kind).toBe('delta');
    if (round.kind !== 'delta') return;
    expect(round.changed).toHaveLength(7);
    expect(round.removed).toEqual([{ id: '86462606-fde0-4fc4-9e0c-a20eb73e54c6', permanent: true }]);
    expect(round.deltaLink).toMatch(new RegExp(`^${url}/v1.0/users/delta\\?\\$deltatoken=oEcOy`));

    const changes = await graph.readChanges(TENANT, round.deltaLink);
    expect(changes).toMatchObject({
      kind: 'delta',
      changed: [{ id: '25dcffff-959e-4ece-9973-e5d9b800e8cc', givenName: '<name>' }],
      removed: [{ id: '8ffff70c-1c63-4860-b963-e34ec660931d', permanent: false }],
    });

    const first = await graph.readChanges(TENANT, null);
    expect(first).toMatchObject({ kind: 'full', reason: 'first read' });
    expect(first.kind === 'full' && first.users).toHaveLength(2);
    expect(first.deltaLink).toMatch(/\$deltatoken=MF1Lu/);
  });
});
