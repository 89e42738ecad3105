import { generateKeyPairSync } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchNetworkClient, offlineAuthorityMetadata } from '../../src/connectors/graph/msal-network.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { started, TENANT_A } from '../support/simulators.ts';

let sims: RunningSimulators;
beforeAll(async () => {
  sims = await started();
});
afterAll(async () => {
  await sims.close();
});

async function token(
  tenant: string,
  fields: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sims.urls.login}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
      ...fields,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('login simulator', () => {
  it('issues a bearer token for the client-credentials flow', async () => {
    const { status, body } = await token(TENANT_A, {
      client_id: sims.credentials.graph.clientId,
      client_secret: sims.credentials.graph.clientSecret,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    expect(typeof body.access_token).toBe('string');
  });

  it.each([
    ['an unknown tenant', '99999999-9999-4999-8999-999999999999', {}, 400, 'invalid_request', 90002],
    ['an unknown client', TENANT_A, { client_id: 'nope' }, 400, 'unauthorized_client', 700016],
    ['a wrong secret', TENANT_A, { client_secret: 'wrong' }, 401, 'invalid_client', 7000215],
  ])('refuses %s with the Entra error shape', async (_what, tenant, override, status, error, code) => {
    const result = await token(tenant, {
      client_id: sims.credentials.graph.clientId,
      client_secret: sims.credentials.graph.clientSecret,
      ...override,
    });
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject({ error, error_codes: [code] });
    expect(String(result.body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
    expect(result.body.trace_id).toEqual(expect.any(String));
  });

  it('refuses a tenant that has not granted admin consent', async () => {
    sims.login.registerApp({ clientId: 'unconsented', clientSecret: 's3cret', consentedTenants: [] });
    const result = await token(TENANT_A, { client_id: 'unconsented', client_secret: 's3cret' });
    expect(result.body).toMatchObject({ error: 'invalid_client', error_codes: [7000229] });
  });

  it('lets tokens expire', async () => {
    const { body } = await token(TENANT_A, {
      client_id: sims.credentials.graph.clientId,
      client_secret: sims.credentials.graph.clientSecret,
    });
    const headers = { authorization: `Bearer ${String(body.access_token)}` };
    expect((await fetch(`${sims.urls.graph}/v1.0/organization`, { headers })).status).toBe(200);
    sims.clock.advance(3600 * 1000);
    const expired = await fetch(`${sims.urls.graph}/v1.0/organization`, { headers });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({
      error: { code: 'InvalidAuthenticationToken', message: expect.stringMatching(/expired/) },
    });
  });
});

describe('@azure/msal-node against the login simulator', () => {
  // Its own simulators: the clock of the ones above was moved forward.
  beforeAll(async () => {
    await sims.close();
    sims = await started();
  });

  function application(
    auth: { clientSecret: string } | { clientCertificate: { thumbprintSha256: string; privateKey: string } },
    clientId: string,
  ) {
    return new ConfidentialClientApplication({
      auth: {
        clientId,
        authority: `https://login.microsoftonline.com/${TENANT_A}`,
        ...offlineAuthorityMetadata(TENANT_A),
        ...auth,
      },
      system: { networkClient: fetchNetworkClient(sims.urls.login) },
    });
  }

  it('obtains a token by the route CONTRACTS.md describes, and serves the second call from its cache', async () => {
    const before = sims.requests.filter((r) => r.server === 'login').length;
    const app = application({ clientSecret: sims.credentials.graph.clientSecret }, sims.credentials.graph.clientId);
    const first = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const second = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(first?.accessToken).toEqual(expect.any(String));
    expect(second?.accessToken).toBe(first?.accessToken);
    expect(second?.fromCache).toBe(true);
    const loginRequests = sims.requests.filter((r) => r.server === 'login').slice(before);
    expect(loginRequests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'POST /{tenant}/oauth2/v2.0/token 200',
    ]);
    const graph = await fetch(`${sims.urls.graph}/v1.0/organization`, {
      headers: { authorization: `Bearer ${first!.accessToken}` },
    });
    expect(graph.status).toBe(200);
  });

  it('signs in with a certificate (a signed client assertion)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    sims.login.registerApp({
      clientId: 'cert-app',
      clientSecret: null,
      certificatePem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const app = application(
      {
        clientCertificate: {
          thumbprintSha256: 'a'.repeat(64),
          privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        },
      },
      'cert-app',
    );
    const result = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(result?.accessToken).toEqual(expect.any(String));
  });

  it('surfaces a wrong secret as MSAL error invalid_client', async () => {
    const app = application({ clientSecret: 'wrong' }, sims.credentials.graph.clientId);
    await expect(
      app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }),
    ).rejects.toMatchObject({ errorCode: 'invalid_client' });
  });
});
