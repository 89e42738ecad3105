import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

/** A capture file (test/fixtures/captures/README.md). */
export interface Capture {
  readonly service: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
  readonly body: unknown;
}

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

/** Serves captures on 127.0.0.1: each request gets the capture of its method and path. */
export async function replay(captures: readonly Capture[]): Promise<{ url: string; server: Server; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://replay');
    asked.push(`${request.method} ${url.pathname}`);
    request.resume();
    const capture = captures.find((c) => c.method === request.method && c.path === url.pathname);
    const page = Number(url.searchParams.get('PageNumber') ?? '1');
    response.writeHead(capture?.status ?? 404, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(
        capture === undefined ? { message: 'no capture' } : page > 1 ? emptied(capture.body) : capture.body,
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server, asked };
}
