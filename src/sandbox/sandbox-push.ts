import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { secretBox } from '../config/secret-box.ts';
import { GraphSubscriptions } from '../connectors/graph/graph-subscriptions.ts';
import { GraphTokenProvider } from '../connectors/graph/token-provider.ts';
import { createPushServices, type PushDependencies, type PushServices } from '../jobs/push-services.ts';
import { buildNotificationApp } from '../web/notification-routes.ts';
import type { Sandbox } from './run-sandbox.ts';

export interface SandboxPush {
  readonly push: PushServices;
  /** the notification endpoint, listening on loopback */
  readonly app: FastifyInstance;
  readonly publicUrl: string;
  close(): Promise<void>;
}

/**
 * The product's change notifications on a sandbox, for tests and benchmarks: the notification endpoint on loopback
 * (the address Graph's simulator posts to), the keeper and the receiver wired to the Graph simulator, with a fresh
 * key for the client states. `changed` hears the tenants to read.
 */
export async function startSandboxPush(
  box: Sandbox,
  changed: (tenantIds: readonly string[]) => void,
  options: Pick<PushDependencies, 'coalesceMs' | 'now'> & {
    readonly log?: PushDependencies['log'];
    readonly onEndpointError?: (message: string, fields: Record<string, unknown>) => void;
  } = {},
): Promise<SandboxPush> {
  let push: PushServices | null = null;
  const app = await buildNotificationApp(
    { receive: (notices, source) => push!.receiver.receive(notices, source) } as PushServices['receiver'],
    options.onEndpointError ?? (() => {}),
  );
  const publicUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  push = createPushServices(
    {
      store: box.store,
      directory: new GraphSubscriptions({
        tokens: new GraphTokenProvider({ credential: box.sims.credentials.graph, loginBaseUrl: box.sims.urls.login }),
        baseUrl: box.sims.urls.graph,
      }),
      secrets: secretBox(randomBytes(32)),
      publicUrl,
      log: options.log ?? (() => {}),
      ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
      ...(options.now === undefined ? {} : { now: options.now }),
    },
    changed,
  );
  const services = push;
  return {
    push: services,
    app,
    publicUrl,
    async close() {
      await services.stop();
      await app.close();
    },
  };
}
