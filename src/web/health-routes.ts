import type { FastifyInstance } from 'fastify';
import type { StateStore } from '../store/state-store.ts';

/** The scheduler that runs in this process (`serve --daemon`): when it last went round its loop, and how late is late. */
export interface SchedulerHeartbeat {
  /** epoch ms of the loop's last turn; null before the first */
  lastBeatAt(): number | null;
  readonly maxAgeMs: number;
}

/**
 * For monitors and load balancers, without a sign-in. `/healthz`: the process answers (200, nothing else said).
 * `/readyz`: the state database answers a read and, where this process schedules syncs, its scheduler went round
 * recently; 503 otherwise, naming the failing check (never its error, which may carry a host or a path).
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  store: StateStore,
  heartbeat: SchedulerHeartbeat | null,
  now: () => number = Date.now,
): void {
  const noStore = { 'cache-control': 'no-store' };
  app.get('/healthz', { config: { access: 'public' } }, (_request, reply) =>
    reply.headers(noStore).send({ status: 'ok' }),
  );
  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    const failing: string[] = [];
    const database = await store.countUsers().then(
      () => true,
      () => false,
    );
    if (!database) failing.push('database');
    if (heartbeat !== null) {
      const beat = heartbeat.lastBeatAt();
      if (beat === null || now() - beat > heartbeat.maxAgeMs) failing.push('scheduler');
    }
    return reply
      .code(failing.length === 0 ? 200 : 503)
      .headers(noStore)
      .send(failing.length === 0 ? { status: 'ready' } : { status: 'not ready', failing });
  });
}
