import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryNotice } from '../../src/domain/directory-notice.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';
import { eventually, subscribedRig, type PushRig } from '../support/push.ts';

let rig: PushRig;
/** The database reads of subscriptions the receiver made. */
let reads = 0;

beforeAll(async () => {
  rig = await subscribedRig(smallSeed(1));
  const store = rig.push.subscriptions;
  const bySubscriptionId = store.bySubscriptionId.bind(store);
  store.bySubscriptionId = async (subscriptionId) => {
    reads += 1;
    return bySubscriptionId(subscriptionId);
  };
}, 60_000);
afterAll(async () => {
  await rig?.close();
});

const notice = (subscriptionId: string) => ({
  subscriptionId,
  clientState: 'anything',
  changeType: 'updated',
  resource: 'Users/a00000',
  resourceData: { id: 'a00000' },
  tenantId: TENANT_A,
});

async function post(value: unknown[]): Promise<number> {
  const response = await fetch(`${rig.publicUrl}/graph/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ value }),
  });
  return response.status;
}

describe('the notification endpoint against strangers', () => {
  it('refuses a subscription id that is no GUID (Graph’s are) without reading the database or keeping it', async () => {
    const before = reads;
    expect(await post([notice('x'.repeat(200 * 1024))])).toBe(400);
    expect(await post([notice('not-a-guid')])).toBe(400);
    expect(reads).toBe(before);
    expect(rig.push.receiver.unknownRemembered).toBe(0);
    expect(rig.changed).toEqual([]);
  });

  it('reads the database for a few unknown ids of a batch at most: 1,000 unknown ids cost 3 reads', async () => {
    const before = reads;
    expect(await post(Array.from({ length: 1000 }, () => notice(crypto.randomUUID())))).toBe(202);
    expect(reads - before).toBe(3);
    expect(rig.changed).toEqual([]);
  });

  it('remembers 1,000 unknown ids at most, however many strangers send', async () => {
    for (let i = 0; i < 1200; i++) {
      const stranger: DirectoryNotice = {
        kind: 'change',
        subscriptionId: crypto.randomUUID(),
        clientState: 'anything',
        tenantId: TENANT_A,
        changeType: 'updated',
        userId: 'a00000',
      };
      await rig.push.receiver.receive([stranger], { ip: '192.0.2.1' });
    }
    expect(rig.push.receiver.unknownRemembered).toBe(1000);
  });

  it('still takes the notices Graph sends for its subscription after all that', async () => {
    rig.box.sims.graph.updateUser(TENANT_A, 'a00000', { jobTitle: 'Director' });
    await eventually(() => rig.changed.flat().includes(TENANT_A), 5_000, 'the tenant handed on');
    expect(rig.changed.flat()).toEqual([TENANT_A]);
  });
});
