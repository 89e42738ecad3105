import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { STYLESHEET } from './styles.ts';

/** The stylesheet and htmx, served by the app itself (the Content-Security-Policy allows only its own scripts). */
export async function registerStaticAssets(app: FastifyInstance): Promise<void> {
  const htmx = await readFile(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'), 'utf8');
  app.get('/assets/app.css', { config: { access: 'public' } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
  app.get('/assets/htmx.min.js', { config: { access: 'public' } }, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(htmx),
  );
}
