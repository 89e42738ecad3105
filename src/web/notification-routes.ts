import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { toDirectoryNotices } from '../connectors/graph/subscription-wire.ts';
import type { NoticeReceiver } from '../jobs/notice-receiver.ts';

/** Graph batches notices; a body larger than this is no batch of Graph's. */
const BODY_LIMIT = 256 * 1024;
const TOKEN_LIMIT = 1024;

/** Routes that answer Graph: no session (Graph has none), no CSRF token (Graph sends none). */
const GRAPH_ROUTE = { config: { access: 'public', csrf: false }, bodyLimit: BODY_LIMIT } as const;

/**
 * Microsoft Graph's notification endpoints, `POST /graph/notifications` and `POST /graph/lifecycle`: the validation
 * handshake echoes `validationToken` as `text/plain`; a batch of notices is answered `202` once the receiver has
 * checked each one's subscription and clientState and recorded them in the database (Graph allows 3 s), `503` when it
 * could not, so that Graph delivers them again. Without a receiver (a process that does not keep tenants in sync),
 * notices are acknowledged and left alone.
 */
export function registerNotificationRoutes(
  app: FastifyInstance,
  receiver: NoticeReceiver | null,
  log: (message: string, fields: Record<string, unknown>) => void,
): void {
  const handle = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const token = (request.query as { validationToken?: unknown }).validationToken;
    if (token !== undefined) {
      if (typeof token !== 'string' || token === '' || token.length > TOKEN_LIMIT)
        return reply.code(400).type('text/plain; charset=utf-8').send('The validation token is missing or too long.');
      return reply.code(200).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(token);
    }
    const notices = toDirectoryNotices(request.body);
    if (notices === null)
      return reply.code(400).send({ error: { code: 'BadRequest', message: 'Not a batch of change notifications.' } });
    if (receiver !== null && notices.length > 0) {
      try {
        await receiver.receive(notices, { ip: request.ip });
      } catch (error) {
        // Not recorded: `202` would tell Graph the notices are safe. A `5xx` makes Graph deliver them again.
        log('recording change notifications failed; Graph will deliver them again', {
          error: (error as Error).message,
        });
        return reply
          .code(503)
          .send({ error: { code: 'Unavailable', message: 'The notices could not be recorded; deliver them again.' } });
      }
    }
    return reply.code(202).send();
  };
  app.post('/graph/notifications', GRAPH_ROUTE, handle);
  app.post('/graph/lifecycle', GRAPH_ROUTE, handle);
}

/** The notification endpoints alone, for a process that keeps tenants in sync without the web UI (`daemon`). */
export async function buildNotificationApp(
  receiver: NoticeReceiver,
  log: (message: string, fields: Record<string, unknown>) => void,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, trustProxy: false, bodyLimit: BODY_LIMIT });
  registerNotificationRoutes(app, receiver, log);
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ error: { code: 'NotFound', message: 'This process answers Graph notifications only.' } }),
  );
  return app;
}
