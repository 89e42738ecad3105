import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Headers of one connection, not of the request: fetch sets its own. */
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

/** One request a client sent through the proxy, with its body, and the status it got. */
export interface ProxiedRequest {
  readonly method: string;
  /** the path and query, as sent */
  readonly url: string;
  readonly body: unknown;
  readonly status: number;
}

/**
 * A pass-through HTTP proxy in front of a simulator that keeps every request's body, so that the contract suite can
 * check what a client sent without knowing any simulator's internals, and that can add `Retry-After` to the
 * simulator's own 429 answers (no simulated vendor is known to send it; the retry rule must honour it when one does).
 */
export class RecordingProxy {
  readonly requests: ProxiedRequest[] = [];
  /** seconds put in `Retry-After` on each 429 the simulator answers; null: passed on as it is */
  retryAfterSeconds: number | null = null;
  private server: Server | null = null;

  constructor(private readonly target: string) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).flatMap(([name, value]) =>
            value === undefined || HOP_BY_HOP.has(name) ? [] : [[name, String(value)]],
          ),
        );
        const method = req.method ?? 'GET';
        void fetch(`${this.target}${req.url ?? '/'}`, {
          method,
          headers,
          ...(method === 'GET' || method === 'HEAD' ? {} : { body: text }),
        })
          .then(async (answer) => {
            const body = await answer.text();
            let parsed: unknown = text;
            try {
              parsed = text === '' ? null : JSON.parse(text);
            } catch {
              // a form (a login), kept as text
            }
            this.requests.push({ method, url: req.url ?? '/', body: parsed, status: answer.status });
            const out: Record<string, string> = { 'content-type': answer.headers.get('content-type') ?? 'text/plain' };
            // A `Link` header names the next page (ConnectWise): passed on.
            const link = answer.headers.get('link');
            if (link !== null) out.link = link;
            if (answer.status === 429 && this.retryAfterSeconds !== null)
              out['retry-after'] = String(this.retryAfterSeconds);
            res.writeHead(answer.status, out);
            res.end(body);
          })
          .catch(() => res.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
