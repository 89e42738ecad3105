import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GraphTokenProvider } from '../../src/connectors/graph/token-provider.ts';
import { smallSeed, TENANT_A, user } from '../support/simulators.ts';
import { eventually, pushRig, subscribedRig, type PushRig } from '../support/push.ts';

const HOUR = 3600_000;

/** What each test started, closed after it, last first. */
const started: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of started.splice(0).reverse()) await close();
});

async function rigOf(r: Promise<PushRig>): Promise<PushRig> {
  const rig = await r;
  started.push(() => rig.close());
  return rig;
}

const subscribed = () => rigOf(subscribedRig(smallSeed(3)));

function notifications(r: PushRig) {
  return r.box.sims.subscriptions.deliveries.filter((d) => d.kind === 'notification');
}

/** The database refuses to record the next `times` notices, as a full disk or a lost connection would. */
function failRecording(r: PushRig, times: number): void {
  const store = r.push.subscriptions;
  const noticed = store.noticed.bind(store);
  let left = times;
  store.noticed = async (subscriptionId, at) => {
    if (left-- > 0) throw new Error('the database is unavailable');
    return noticed(subscriptionId, at);
  };
}

/** Graph as an app sees it, without the product: a token of the sandbox's app in tenant A, and `POST /subscriptions`. */
async function graphAs(r: PushRig) {
  const tokens = new GraphTokenProvider({
    credential: r.box.sims.credentials.graph,
    loginBaseUrl: r.box.sims.urls.login,
  });
  const token = await tokens.token(TENANT_A);
  return async (body: Record<string, unknown>) => {
    const response = await fetch(`${r.box.sims.urls.graph}/v1.0/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        changeType: 'updated,deleted',
        resource: 'users',
        notificationUrl: `${r.publicUrl}/graph/notifications`,
        expirationDateTime: new Date(r.box.sims.clock.now() + 24 * HOUR).toISOString(),
        clientState: 'a-secret',
        ...body,
      }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
}

describe('deliveries as Graph makes them', () => {
  it('a notice the receiver could not record is answered 503, Graph delivers it again, and the 202 comes with the nudge in the database', async () => {
    const r = await subscribed();
    r.box.sims.subscriptions.options.retryDelayMs = 100;
    failRecording(r, 1);
    const before = new Date().toISOString();
    r.box.sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: 'Director' });
    await eventually(() => notifications(r).some((d) => d.status === 202), 5_000, 'the delivery taken');
    expect(notifications(r).map((d) => d.status)).toEqual([503, 202]);
    expect(r.logs.some((l) => /recording change notifications failed/.test(l.message))).toBe(true);
    // Once answered 202, the notice is in the database: a process that stops now loses nothing.
    const record = await r.push.subscriptions.get(TENANT_A);
    expect(record?.lastNoticeAt).not.toBeNull();
    expect(record!.lastNoticeAt! >= before).toBe(true);
    await eventually(() => r.changed.flat().includes(TENANT_A), 5_000, 'the tenant handed on');
  });

  it('a failed delivery is retried with backoff, then after 4 hours dropped without a word', async () => {
    const r = await subscribed();
    r.box.sims.subscriptions.options.retryDelayMs = 200;
    failRecording(r, Number.POSITIVE_INFINITY);
    r.box.sims.graph.updateUser(TENANT_A, 'a00002', { jobTitle: 'Never told' });
    await eventually(() => notifications(r).length >= 3, 5_000, 'three attempts');
    // Four hours on, on the simulator's clock: the next attempt is the last.
    r.box.sims.clock.advance(4 * HOUR);
    await eventually(() => r.box.sims.subscriptions.dropped.length === 1, 5_000, 'the drop');
    expect(r.box.sims.subscriptions.dropped[0]).toMatchObject({ tenantId: TENANT_A, count: 1, why: 'undeliverable' });
    const attempts = notifications(r);
    expect(attempts.every((d) => d.status === 503)).toBe(true);
    // The waits grow: 200 ms, then 400 ms.
    const gaps = attempts.slice(1).map((d, i) => d.at - attempts[i]!.at);
    expect(gaps[1]!).toBeGreaterThanOrEqual(gaps[0]! + 100);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Silently: no `missed`, nothing on the lifecycle URL, no further attempt.
    expect(r.box.sims.subscriptions.deliveries.filter((d) => d.kind === 'lifecycle')).toEqual([]);
    expect(notifications(r)).toHaveLength(attempts.length);
    expect(r.changed).toEqual([]);
  });

  it('waits 3 s for an answer; a new user arrives as updated, each notice with its sequenceNumber', async () => {
    const r = await rigOf(pushRig(smallSeed(3)));
    const bodies: any[] = [];
    let slow = true;
    const stray = createServer((request: IncomingMessage, response) => {
      const token = new URL(request.url!, 'http://x').searchParams.get('validationToken');
      if (token !== null) return response.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        bodies.push(JSON.parse(text));
        const answer = () => response.writeHead(202).end();
        if (slow) setTimeout(answer, 3_300);
        else answer();
      });
    });
    await new Promise<void>((resolve) => stray.listen(0, '127.0.0.1', resolve));
    started.push(() => new Promise((resolve) => stray.close(() => resolve())));
    const url = `http://127.0.0.1:${(stray.address() as AddressInfo).port}/notifications`;
    r.box.sims.subscriptions.options.retryDelayMs = 60_000;
    const made = await (await graphAs(r))({ changeType: 'created,updated,deleted', notificationUrl: url });
    expect(made.status).toBe(201);

    r.box.sims.graph.addUser(TENANT_A, user('sequence-hire') as never);
    await eventually(() => notifications(r).length === 1, 6_000, 'the first attempt');
    // 3.3 s is too slow for Graph: the attempt failed, whatever the endpoint said after.
    expect(notifications(r)[0]!.status).toBeNull();
    slow = false;
    r.box.sims.graph.updateUser(TENANT_A, 'a00000', { jobTitle: 'Second' });
    await eventually(() => notifications(r).some((d) => d.status === 202), 5_000, 'the second notice');
    const [first, second] = bodies.map((b) => b.value[0]);
    expect(first.changeType).toBe('updated');
    expect(first.resourceData).toMatchObject({ '@odata.type': '#Microsoft.Graph.User', organizationId: TENANT_A });
    expect(first.resourceData.sequenceNumber).toBe(1);
    expect(second.resourceData.sequenceNumber).toBe(2);
    expect(bodies.flatMap((b) => b.value).some((n: { changeType: string }) => n.changeType === 'created')).toBe(false);
  }, 20_000);
});

describe('subscriptions within Graph’s limits', () => {
  it('refuses a clientState over 128 characters and a life over 41,760 minutes; over a quota, 403 naming the limit', async () => {
    const r = await rigOf(pushRig(smallSeed(1)));
    const post = await graphAs(r);
    expect((await post({ clientState: 'x'.repeat(129) })).status).toBe(400);
    const tooLong = new Date(r.box.sims.clock.now() + (41_760 + 5) * 60_000).toISOString();
    expect((await post({ expirationDateTime: tooLong })).status).toBe(400);

    // 1,000 subscriptions per tenant over all apps: other apps hold 999, one more fits, then none.
    r.box.sims.subscriptions.occupy(TENANT_A, crypto.randomUUID(), 999);
    expect((await post({})).status).toBe(201);
    const refused = await post({});
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/limit of 1000 subscriptions over all applications/);

    // 50,000 per app over every tenant, whatever the tenant.
    r.box.sims.subscriptions.options.quotas = { perAppPerTenant: 100, perTenant: 5_000, perApp: 3 };
    const { subscriptions } = r.box.sims;
    subscriptions.occupy('00000000-0000-4000-8000-00000000beef', r.box.sims.credentials.graph.clientId, 2);
    const perApp = await post({});
    expect(perApp.status).toBe(403);
    expect(perApp.body.error.message).toMatch(/limit of 3 subscriptions over all tenants/);
  });

  it('Graph’s 403 over a subscription quota is reported as the quota it is, not as an authentication failure', async () => {
    const r = await rigOf(pushRig(smallSeed(3)));
    // The app already holds Graph's 100 subscriptions in the tenant (made by another installation, say).
    r.box.sims.subscriptions.occupy(TENANT_A, r.box.sims.credentials.graph.clientId, 100);
    await r.push.keeper.reconcile();
    const record = await r.push.subscriptions.get(TENANT_A);
    expect(record?.state).toBe('failed');
    expect(record?.reason).toMatch(
      /Microsoft Graph refused a new subscription in tenant [\w-]+: the tenant has reached its limit of 100 subscriptions for this app/,
    );
    const mode = (await r.push.deliveryModes()).get(TENANT_A)!;
    expect(mode.mode).toBe('poll');
    expect(mode.why).toMatch(/limit of 100 subscriptions/);
    expect(mode.why).not.toMatch(/auth|credential|consent|permission/i);
  });
});

describe('a notice recorded, then the process stopped', () => {
  it('the keeper reads the tenant whose recorded notice no read followed', async () => {
    const r = await subscribed();
    await r.box.syncAll();
    r.box.sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: 'Recorded' });
    await eventually(() => r.changed.flat().includes(TENANT_A), 5_000, 'the notice taken');
    // The process that answered 202 stops before the tenant is read: forget what it handed on.
    r.changed.length = 0;
    // A minute later the keeper's pass finds the notice with no read after it, and hands the tenant on.
    r.box.sims.clock.advance(2 * 60_000);
    await r.push.keeper.reconcile();
    await eventually(() => r.changed.flat().includes(TENANT_A), 5_000, 'the catch-up');
    // Once read, it is not handed on again.
    await r.box.syncAll();
    r.changed.length = 0;
    await r.push.keeper.reconcile();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.changed).toEqual([]);
  });
});
