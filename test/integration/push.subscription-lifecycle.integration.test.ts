import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Daemon } from '../../src/jobs/daemon.ts';
import { smallSeed, TENANT_A, user } from '../support/simulators.ts';
import { eventually, pushRig, type PushRig } from '../support/push.ts';

const DAY = 24 * 3600_000;

let rig: PushRig | null = null;
let stray: Server | null = null;
let daemon: Daemon | null = null;
afterEach(async () => {
  await daemon?.stop();
  daemon = null;
  await rig?.close();
  rig = null;
  if (stray !== null) await new Promise((resolve) => stray!.close(resolve));
  stray = null;
});

async function subscribed(): Promise<PushRig> {
  rig = await pushRig(smallSeed(3));
  await rig.push.keeper.reconcile();
  return rig;
}

function only(r: PushRig) {
  const live = r.box.sims.subscriptions.describe();
  expect(live).toHaveLength(1);
  return live[0]!;
}

/** An endpoint that answers Graph wrongly: `mode` says how. */
async function badEndpoint(mode: 'wrong' | 'slow'): Promise<string> {
  stray = createServer((request, response) => {
    if (mode === 'slow')
      setTimeout(() => response.end(new URL(request.url!, 'http://x').searchParams.get('validationToken')), 1_500);
    else response.writeHead(200, { 'content-type': 'text/plain' }).end('not the token');
  });
  await new Promise<void>((resolve) => stray!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(stray.address() as AddressInfo).port}`;
}

describe('subscriptions to user changes against the Graph simulator', () => {
  it('validates both endpoints before the subscription exists, and the mapped tenant is then pushed', async () => {
    const r = await subscribed();
    const live = only(r);
    expect(live.tenantId).toBe(TENANT_A);
    expect(live.resource).toBe('users');
    const validations = r.box.sims.subscriptions.deliveries.filter((d) => d.kind === 'validation');
    expect(validations.map((d) => d.url).sort()).toEqual([
      `${r.publicUrl}/graph/lifecycle`,
      `${r.publicUrl}/graph/notifications`,
    ]);
    expect(validations.every((d) => d.status === 200)).toBe(true);
    const modes = await r.push.deliveryModes();
    expect(modes.get(TENANT_A)?.mode).toBe('push');
    // Fabrikam has no IT Glue organization: not mapped, so not subscribed, and it polls.
    expect([...modes.values()].filter((m) => m.mode === 'poll')).toHaveLength(1);
    // The client state is kept encrypted, never as Graph was given it.
    const record = await r.push.subscriptions.get(TENANT_A);
    expect(record?.clientState).toMatch(/^enc:v1:/);
  });

  it('hands on the tenant when one of its users changes or a user is added', async () => {
    const r = await subscribed();
    r.box.sims.graph.updateUser(TENANT_A, 'a00001', { jobTitle: 'Director' });
    await eventually(() => r.changed.flat().includes(TENANT_A), 5_000, 'the notice of an update');
    const before = r.changed.length;
    r.box.sims.graph.addUser(TENANT_A, user('a-new-hire') as never);
    await eventually(() => r.changed.length > before, 5_000, 'the notice of a new hire');
    expect(r.changed.at(-1)).toEqual([TENANT_A]);
  });

  it('refuses to subscribe when the endpoint does not echo the token, or answers too slowly, and polls meanwhile', async () => {
    rig = await pushRig(smallSeed(3));
    const r = rig;
    const wrong = await badEndpoint('wrong');
    const keeperFor = async (publicUrl: string) => {
      const { createPushServices } = await import('../../src/jobs/push-services.ts');
      const { GraphSubscriptions } = await import('../../src/connectors/graph/graph-subscriptions.ts');
      const { GraphTokenProvider } = await import('../../src/connectors/graph/token-provider.ts');
      const { secretBox } = await import('../../src/config/secret-box.ts');
      return createPushServices(
        {
          store: r.box.store,
          directory: new GraphSubscriptions({
            tokens: new GraphTokenProvider({
              credential: r.box.sims.credentials.graph,
              loginBaseUrl: r.box.sims.urls.login,
            }),
            baseUrl: r.box.sims.urls.graph,
          }),
          secrets: secretBox(Buffer.alloc(32, 7)),
          publicUrl,
          log: () => {},
        },
        () => {},
      );
    };
    const push = await keeperFor(wrong);
    await push.keeper.reconcile();
    expect(r.box.sims.subscriptions.describe()).toHaveLength(0);
    let record = await push.subscriptions.get(TENANT_A);
    expect(record?.state).toBe('failed');
    expect(record?.reason).toMatch(/must respond with 200 OK to validation request/);
    expect(record?.nextAttemptAt).not.toBeNull();
    let mode = (await push.deliveryModes()).get(TENANT_A)!;
    expect(mode.mode).toBe('poll');
    expect(mode.why).toMatch(/Graph refused the subscription/);

    await new Promise((resolve) => stray!.close(resolve));
    stray = null;
    const slow = await badEndpoint('slow');
    r.box.sims.subscriptions.options.validationTimeoutMs = 300;
    await push.subscriptions.remove(TENANT_A);
    const slowPush = await keeperFor(slow);
    await slowPush.keeper.reconcile();
    record = await slowPush.subscriptions.get(TENANT_A);
    expect(record?.reason).toMatch(/timed out/);
    mode = (await slowPush.deliveryModes()).get(TENANT_A)!;
    expect(mode.mode).toBe('poll');
    expect(r.box.sims.subscriptions.describe()).toHaveLength(0);
  });

  it('renews before expiry, keeping the same subscription, and makes a new one once it expired', async () => {
    const r = await subscribed();
    const first = only(r);
    // 27 days on: within three days of Graph's 29-day limit, so the keeper renews.
    r.box.sims.clock.advance(27 * DAY);
    await r.push.keeper.reconcile();
    const renewed = only(r);
    expect(renewed.id).toBe(first.id);
    expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(first.expirationDateTime) + 20 * DAY);
    expect((await r.push.deliveryModes()).get(TENANT_A)?.mode).toBe('push');

    // Past the expiry with no renewal: Graph forgot the subscription, the tenant polls, and the keeper makes another.
    r.box.sims.clock.advance(30 * DAY);
    expect(r.box.sims.subscriptions.describe()).toHaveLength(0);
    const mode = (await r.push.deliveryModes()).get(TENANT_A)!;
    expect(mode.mode).toBe('poll');
    expect(mode.why).toMatch(/expired/);
    await r.push.keeper.reconcile();
    expect(only(r).id).not.toBe(first.id);
    expect((await r.push.deliveryModes()).get(TENANT_A)?.mode).toBe('push');
  });

  it('makes the subscription again when Graph forgot it without a word, at its renewal, and reads the tenant', async () => {
    const r = await subscribed();
    const first = only(r);
    // For users Graph sends no subscriptionRemoved: the record still says push, and the safety poll covers the gap.
    expect(r.box.sims.subscriptions.forget(first.id)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(r.box.sims.subscriptions.deliveries.filter((d) => d.kind === 'lifecycle')).toEqual([]);
    r.box.sims.clock.advance(27 * DAY);
    await r.push.keeper.reconcile();
    expect(only(r).id).not.toBe(first.id);
    expect((await r.push.deliveryModes()).get(TENANT_A)?.mode).toBe('push');
    await eventually(() => r.changed.flat().includes(TENANT_A), 5_000, 'the catch-up read');
  });

  it('reauthorizes on reauthorizationRequired; the notices Graph held meanwhile then arrive', async () => {
    const r = await subscribed();
    const first = only(r);
    await r.box.sims.subscriptions.raise(first.id, 'reauthorizationRequired');
    await eventually(
      async () => (await r.push.subscriptions.get(TENANT_A))?.state === 'reauthorize',
      5_000,
      'the flag',
    );
    expect((await r.push.deliveryModes()).get(TENANT_A)?.mode).toBe('poll');
    const before = r.changed.length;
    r.box.sims.graph.updateUser(TENANT_A, 'a00002', { jobTitle: 'Held back' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(r.changed.length).toBe(before);
    await r.push.keeper.reconcile();
    expect(only(r).id).toBe(first.id);
    expect(only(r).paused).toBe(false);
    await eventually(() => r.changed.length > before, 5_000, 'the held notice');
    expect((await r.push.deliveryModes()).get(TENANT_A)?.mode).toBe('push');
  });

  it('a lost notice is never announced: nothing reaches the lifecycle URL, and the safety poll reads the pushed tenant', async () => {
    const r = await subscribed();
    await r.box.syncAll();
    // Polls an hour apart, the safety poll of a pushed tenant every 2 s: only the latter can read the lost change.
    daemon = new Daemon({
      store: r.box.store,
      runner: r.box.runner,
      pollSeconds: 3600,
      pushPollSeconds: 2,
      reconcileHours: 24,
      random: () => 0,
      modes: () => r.push.deliveryModes(),
      onResult: () => (polls += 1),
    });
    let polls = 0;
    void daemon.start();
    await eventually(() => polls > 0, 10_000, 'the first poll');
    const lostAt = new Date().toISOString();
    r.box.sims.subscriptions.dropNotifications(TENANT_A, 1);
    r.box.sims.graph.updateUser(TENANT_A, 'a00000', { jobTitle: 'Lost notice' });
    expect(r.box.sims.subscriptions.dropped).toEqual([expect.objectContaining({ tenantId: TENANT_A, why: 'asked' })]);
    await eventually(
      async () =>
        (await r.box.store.listRuns(TENANT_A)).some(
          (run) => run.startedAt > lostAt && run.finishedAt !== null && run.counts?.['itglue.updated'] === 1,
        ),
      15_000,
      'the safety poll reading the change',
    );
    expect(r.box.sims.subscriptions.deliveries.filter((d) => d.kind !== 'validation')).toEqual([]);
    expect(r.changed).toEqual([]);
  });
});

describe('the notification endpoint', () => {
  it('echoes the validation token as text/plain', async () => {
    rig = await pushRig(smallSeed(1));
    const token = 'Validation: Testing client application reachability <script>&';
    const response = await fetch(`${rig.publicUrl}/graph/notifications?validationToken=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe(token);
  });

  it('ignores and logs a notice with the wrong clientState, and ignores unknown subscriptions', async () => {
    const r = await subscribed();
    const { id } = only(r);
    const post = (subscriptionId: string, clientState: string) =>
      fetch(`${r.publicUrl}/graph/notifications`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          value: [
            {
              subscriptionId,
              clientState,
              changeType: 'updated',
              resource: 'Users/a00000',
              resourceData: { id: 'a00000' },
              tenantId: TENANT_A,
            },
          ],
        }),
      });
    expect((await post(id, 'guessed-client-state')).status).toBe(202);
    expect((await post(crypto.randomUUID(), 'anything')).status).toBe(202);
    await eventually(() => r.logs.some((l) => /forged/.test(l.message)), 2_000, 'the forgery in the log');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(r.changed).toEqual([]);
    const forged = r.logs.find((l) => /forged/.test(l.message))!;
    expect(forged.level).toBe('warn');
    expect(forged.fields.tenantId).toBe(TENANT_A);
    expect(JSON.stringify(r.logs)).not.toContain('guessed-client-state');
    expect(r.logs.some((l) => /no such subscription/.test(l.message))).toBe(true);
  });

  it('refuses bodies larger than a batch of Graph’s and bodies that are no batch', async () => {
    rig = await pushRig(smallSeed(1));
    const huge = await fetch(`${rig.publicUrl}/graph/notifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [], padding: 'x'.repeat(300 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const junk = await fetch(`${rig.publicUrl}/graph/lifecycle`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    expect(junk.status).toBe(400);
  });
});
