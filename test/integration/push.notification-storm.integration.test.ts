import { afterEach, expect, it } from 'vitest';
import { Daemon } from '../../src/jobs/daemon.ts';
import { COALESCE_MS } from '../../src/jobs/push-services.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';
import { eventually, pushRig, type PushRig } from '../support/push.ts';

let rig: PushRig | null = null;
let daemon: Daemon | null = null;
afterEach(async () => {
  await daemon?.stop();
  daemon = null;
  await rig?.close();
  rig = null;
});

it('a storm of notifications for one tenant becomes one run that reads every change', async () => {
  rig = await pushRig(smallSeed(40), {
    coalesceMs: COALESCE_MS,
    onChanged: (tenantIds) => tenantIds.forEach((id) => daemon?.nudge(id)),
  });
  const r = rig;
  await r.box.syncAll();
  await r.push.keeper.reconcile();
  // Polls are an hour away: only the notices can start a run.
  daemon = new Daemon({
    store: r.box.store,
    runner: r.box.runner,
    pollSeconds: 3600,
    reconcileHours: 24,
    random: () => 0.99,
    modes: () => r.push.deliveryModes(),
  });
  void daemon.start();
  const stormStarted = new Date().toISOString();
  for (let i = 0; i < 40; i++) {
    r.box.sims.graph.updateUser(TENANT_A, `a${String(i).padStart(5, '0')}`, { jobTitle: `Storm ${i}` });
    // Each change in its own moment: Graph posts each on its own.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await eventually(
    async () =>
      (await r.box.store.listRuns(TENANT_A)).some((run) => run.startedAt > stormStarted && run.finishedAt !== null),
    15_000,
    'a run after the storm',
  );
  // Long enough for a second run to start, had the storm made one.
  await new Promise((resolve) => setTimeout(resolve, 2 * COALESCE_MS + 500));
  const posts = r.box.sims.subscriptions.deliveries.filter((d) => d.kind === 'notification' && d.status === 202);
  expect(posts.length).toBeGreaterThan(10);
  const runs = (await r.box.store.listRuns(TENANT_A)).filter((run) => run.startedAt > stormStarted);
  expect(runs).toHaveLength(1);
  expect(runs[0]!.counts?.['itglue.updated']).toBe(40);
  expect(r.changed.flat().filter((id) => id === TENANT_A)).toHaveLength(1);
});
