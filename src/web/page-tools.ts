import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SafeHtml } from '../html.ts';
import { renderPage, type PageFrame } from './layout.ts';
import type { Notice } from './web-context.ts';

/** What every page handler gets: the frame of the page and how to send it. */
export interface PageTools {
  /** the CSRF token of this request's page (one per request: making a second would replace the secret cookie) */
  csrf(request: FastifyRequest, reply: FastifyReply): string;
  frame(request: FastifyRequest, reply: FastifyReply): PageFrame;
  send(request: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status?: number): FastifyReply;
  /** a notice shown on the next page this session sees (after a redirect) */
  flash(request: FastifyRequest, notice: Notice): void;
}

/**
 * The page tools of one web app: one CSRF token and one frame per request, so that the notice of the last action is
 * shown once; `waiting` is the navigation's count of what waits for a person, when known for the request.
 */
export function pageTools(waiting: (request: FastifyRequest) => number | null): PageTools {
  const flashes = new Map<string, Notice>();
  const csrfTokens = new WeakMap<FastifyRequest, string>();
  const frames = new WeakMap<FastifyRequest, PageFrame>();
  const tools: PageTools = {
    csrf(request, reply) {
      let token = csrfTokens.get(request);
      if (token === undefined) {
        token = reply.generateCsrf({ userInfo: request.identity?.sessionHash ?? 'signed-out' });
        csrfTokens.set(request, token);
      }
      return token;
    },
    frame(request, reply) {
      let frame = frames.get(request);
      if (frame === undefined) {
        const key = request.identity?.sessionHash ?? null;
        const notice = key === null ? null : (flashes.get(key) ?? null);
        if (key !== null) flashes.delete(key);
        frame = {
          identity: request.identity,
          csrf: tools.csrf(request, reply),
          path: request.url,
          notice,
          waiting: waiting(request),
        };
        frames.set(request, frame);
      }
      return frame;
    },
    send(request, reply, title, body, status = 200) {
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(renderPage(tools.frame(request, reply), title, body));
    },
    flash(request, notice) {
      const key = request.identity?.sessionHash;
      if (key !== undefined && key !== null) flashes.set(key, notice);
    },
  };
  return tools;
}
