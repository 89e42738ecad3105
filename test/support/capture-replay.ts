import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Capture } from '../../src/cli/response-capture.ts';

export const CAPTURES = join(import.meta.dirname, '..', 'fixtures', 'captures');

export function readCaptures(dir: string): Capture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Capture);
}

/** The body with its list emptied: what a page past the end looks like in the same envelope. */
function emptied(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, k.toLowerCase() === 'result' ? [] : v]));
}

/**
 * The capture for a request: of its method and path, the one whose recorded query the request carries (the most
 * specific when several do: one endpoint may hold several answers, told apart by their query), else the first.
 */
function captureFor(captures: readonly Capture[], method: string, url: URL): Capture | undefined {
  const candidates = captures.filter((c) => c.method === method && c.path === url.pathname);
  const carried = candidates
    .filter((c) => Object.entries(c.query).every(([key, value]) => url.searchParams.get(key) === value))
    .sort((a, b) => Object.keys(b.query).length - Object.keys(a.query).length);
  return carried[0] ?? candidates[0];
}

/**
 * Serves captures on 127.0.0.1: each request gets the capture of its method and path. `origin` (as
 * `https://graph.microsoft.com`) is the vendor's address in the captured links, served as the replay's own.
 */
export async function replay(
  captures: readonly Capture[],
  options: { readonly origin?: string } = {},
): Promise<{ url: string; server: Server; asked: string[] }> {
  const asked: string[] = [];
  let self = '';
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://replay');
    asked.push(`${request.method} ${url.pathname}`);
    request.resume();
    const capture = captureFor(captures, request.method ?? 'GET', url);
    const page = Number(url.searchParams.get('PageNumber') ?? '1');
    response.writeHead(capture?.status ?? 404, { 'content-type': 'application/json' });
    const text = JSON.stringify(
      capture === undefined ? { message: 'no capture' } : page > 1 ? emptied(capture.body) : capture.body,
    );
    response.end(options.origin === undefined ? text : text.split(options.origin).join(self));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  self = `http://127.0.0.1:${port}`;
  return { url: self, server, asked };
}
