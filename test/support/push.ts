import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { secretBox } from '../../src/config/secret-box.ts';
import { GraphSubscriptions } from '../../src/connectors/graph/graph-subscriptions.ts';
import { GraphTokenProvider } from '../../src/connectors/graph/token-provider.ts';
import { createPushServices, type PushServices } from '../../src/jobs/push-services.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import { buildNotificationApp } from '../../src/web/notification-routes.ts';

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
  let push: PushServices | null = null;
  const app = await buildNotificationApp(
    {
      receive: (notices, source) => push!.receiver.receive(notices, source),
    } as PushServices['receiver'],
    (message, fields) => log('error', message, fields),
  );
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  push = createPushServices(
    {
      store: box.store,
      directory: new GraphSubscriptions({
        tokens: new GraphTokenProvider({ credential: box.sims.credentials.graph, loginBaseUrl: box.sims.urls.login }),
        baseUrl: box.sims.urls.graph,
      }),
      secrets: secretBox(randomBytes(32)),
      publicUrl: address,
      log,
      coalesceMs: options.coalesceMs ?? 50,
      now: () => box.sims.clock.now(),
    },
    (tenantIds) => {
      changed.push([...tenantIds]);
      options.onChanged?.(tenantIds);
    },
  );
  return {
    box,
    push,
    app,
    publicUrl: address,
    changed,
    logs,
    async close() {
      await push!.stop();
      await app.close();
      await box.close();
    },
  };
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
