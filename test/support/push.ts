import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { PushServices } from '../../src/jobs/push-services.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { startSandboxPush } from '../../src/sandbox/sandbox-push.ts';
import type { Seed } from '../../src/sandbox/seed.ts';

export interface PushRig {
  readonly box: Sandbox;
  readonly push: PushServices;
  readonly app: FastifyInstance;
  readonly publicUrl: string;
  /** the tenants handed on to be read, one entry per coalesced call */
  readonly changed: string[][];
  /** what the receiver and the keeper logged */
  readonly logs: { level: string; message: string; fields: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * A sandbox with change notifications: the notification endpoint listening on loopback, the keeper and the receiver
 * of the product wired to the Graph simulator, and what they hand on recorded (or given to `onChanged`).
 */
export async function pushRig(
  seed: Seed,
  options: { coalesceMs?: number; onChanged?: (tenantIds: readonly string[]) => void } = {},
): Promise<PushRig> {
  const box = await startSandbox({ seed, logger: pino({ level: 'silent' }) });
  await box.runner.mapTenants();
  const changed: string[][] = [];
  const logs: PushRig['logs'] = [];
  const log = (level: string, message: string, fields: Record<string, unknown> = {}) =>
    logs.push({ level, message, fields });
  const started = await startSandboxPush(
    box,
    (tenantIds) => {
      changed.push([...tenantIds]);
      options.onChanged?.(tenantIds);
    },
    {
      log,
      onEndpointError: (message, fields) => log('error', message, fields),
      coalesceMs: options.coalesceMs ?? 50,
      now: () => box.sims.clock.now(),
    },
  );
  return {
    box,
    push: started.push,
    app: started.app,
    publicUrl: started.publicUrl,
    changed,
    logs,
    async close() {
      await started.close();
      await box.close();
    },
  };
}

/** A push rig whose keeper has made its subscriptions. */
export async function subscribedRig(seed: Seed): Promise<PushRig> {
  const rig = await pushRig(seed);
  await rig.push.keeper.reconcile();
  return rig;
}

/** Waits until `check` holds, or fails after `ms`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5_000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
