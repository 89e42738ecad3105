import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, startWebHarness, textOf, type WebHarness } from '../support/web.ts';

let web: WebHarness;
const CONTOSO = '6f9d1c2e-4b7a-4c1e-9a55-0c3e8f1d2a01';
const failedJob = {
  id: 'job-1',
  tenantId: CONTOSO,
  failedAt: '2026-11-24T10:00:00.000Z',
  retries: 8,
  error: 'Microsoft login refused the app for this tenant (AADSTS7000215).',
};

const counts = [
  { state: 'created', n: 3 },
  { state: 'failed', n: 1 },
];

beforeAll(async () => {
  // The workers' queue as scale-out shows it: three jobs waiting, one given up on.
  web = await startWebHarness({
    queue: {
      counts: async () => counts,
      failed: async () => [failedJob],
      snapshot: async () => ({ counts, failed: [failedJob] }),
    },
  });
}, 120_000);
afterAll(async () => {
  await web.close();
});

describe("the workers' queue in the UI, the API and the metrics", () => {
  it('lists the failed jobs on the dashboard with the tenant and why', async () => {
    const viewer = new Browser(web.app);
    await viewer.login('viewer');
    const text = textOf((await viewer.get('/')).body);
    expect(text).toContain('Failed jobs');
    expect(text).toMatch(
      /Contoso Ltd 2026-11-24 10:00:00 8 Microsoft login refused the app for this tenant \(AADSTS7000215\)\./,
    );
  });

  it('gives the queue by state and the failed jobs over the API, and the depth to Prometheus', async () => {
    const jobs = (
      await web.app.inject({
        method: 'GET',
        url: '/api/jobs',
        headers: { authorization: `Bearer ${web.tokens.viewer}` },
      })
    ).json();
    expect(jobs).toEqual({
      scaleOut: true,
      counts: [
        { state: 'created', n: 3 },
        { state: 'failed', n: 1 },
      ],
      failed: [failedJob],
    });
    const metrics = (
      await web.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${web.tokens.viewer}` },
      })
    ).body;
    expect(metrics).toMatch(/^contactsync_queue_jobs\{state="created"\} 3$/m);
    expect(metrics).toMatch(/^contactsync_queue_jobs\{state="failed"\} 1$/m);
  });
});

describe('discovering tenants', () => {
  it('finds the customers and maps them by name, from the dashboard and the API', async () => {
    const admin = new Browser(web.app);
    await admin.login('admin');
    await admin.get('/');
    await web.box.store.setMapping(CONTOSO, null, null, 'unmapped');
    expect((await admin.post('/tenants/discover')).headers.location).toBe('/');
    expect(textOf((await admin.get('/')).body)).toContain('3 tenants found; 3 mapped, 0 unmapped.');
    expect((await web.box.store.getTenant(CONTOSO))?.mapping).toBe('auto');
    const api = await web.app.inject({
      method: 'POST',
      url: '/api/tenants/discover',
      headers: { authorization: `Bearer ${web.tokens.admin}` },
    });
    expect(api.json().message).toBe('3 tenants found; 3 mapped, 0 unmapped.');
    expect((await web.box.store.listAudit(1))[0]).toMatchObject({
      action: 'tenants.discover',
      actor: 'api:automation',
    });
  });
});
