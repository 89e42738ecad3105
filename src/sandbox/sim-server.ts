import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as a simulator handler sees it. */
export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** the raw query string after `?`, for links that must be sent back unchanged */
  readonly rawQuery: string;
  readonly headers: IncomingMessage['headers'];
  readonly params: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SimResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** serialized as JSON unless a string */
  readonly body?: unknown;
}

export type SimHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly template: string;
  readonly handler: SimHandler;
  /** a control route of the simulators themselves: no latency, no fault, not counted as a request to the API */
  readonly control: boolean;
}

/** Faults injected into a fraction of requests, before they are handled (so they change no state). */
export interface FaultOptions {
  readonly error500?: number;
  readonly throttle429?: number;
  /** the request is held past any client timeout, then the connection is dropped */
  readonly timeout?: number;
  readonly reset?: number;
  /** a 200 whose body is cut off in the middle of the JSON */
  readonly malformedJson?: number;
}

export interface LoggedRequest {
  readonly server: string;
  readonly method: string;
  readonly path: string;
  /** the route template, e.g. `/v2/crm/contacts/{id}` */
  readonly route: string;
  readonly status: number;
  readonly ms: number;
  readonly at: number;
  /** the fault injected instead of an answer from the simulated API, if any */
  readonly fault: string | null;
  /** the request's headers, without credentials */
  readonly headers: Readonly<Record<string, string>>;
}

/** Headers that carry credentials (Autotask's `Secret` among them): never logged. */
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'cookie', 'secret']);

/** A small deterministic random source (mulberry32), so that fault runs can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SimServerOptions {
  readonly name: string;
  /** how an injected 429 or 500 looks for this API */
  readonly faultBody: (status: number) => SimResponse;
  readonly log: LoggedRequest[];
}

/**
 * A real HTTP server on 127.0.0.1 with a port chosen at start, a router, per-server latency and fault injection,
 * and a shared request log. Simulators add their routes to it.
 */
export class SimServer {
  private readonly routes: Route[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  latencyMs = 0;
  faults: FaultOptions = {};
  /** decides which requests get a fault; seeded, so that a faulty run can be replayed */
  random: () => number = seededRandom(1);

  constructor(private readonly options: SimServerOptions) {}

  get name(): string {
    return this.options.name;
  }

  route(method: string, template: string, handler: SimHandler, options: { control?: boolean } = {}): void {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    this.routes.push({
      method,
      pattern: new RegExp(`^${source}$`),
      names,
      template,
      handler,
      control: options.control ?? false,
    });
  }

  /** Listens on 127.0.0.1, on `port` when given (0: any free port); refuses with the port named when it is taken. */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `port ${port} of 127.0.0.1 (the ${this.options.name} simulator) is in use`
              : `the ${this.options.name} simulator could not listen on port ${port}: ${error.message}`,
            { cause: error },
          ),
        ),
      );
      server.listen(port, '127.0.0.1', resolve);
    });
    this.server = server;
    return this.url;
  }

  get url(): string {
    if (this.server === null) throw new Error(`the ${this.options.name} simulator is not started`);
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private pickFault(): keyof FaultOptions | null {
    const faults = this.faults;
    let roll = this.random();
    for (const kind of ['error500', 'throttle429', 'timeout', 'reset', 'malformedJson'] as const) {
      const fraction = faults[kind] ?? 0;
      if (roll < fraction) return kind;
      roll -= fraction;
    }
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = decodeURIComponent(url.pathname);
    let route: Route | undefined;
    let params: Record<string, string> = {};
    for (const candidate of this.routes) {
      if (candidate.method !== method) continue;
      const match = candidate.pattern.exec(path);
      if (match === null) continue;
      route = candidate;
      params = Object.fromEntries(candidate.names.map((name, i) => [name, match[i + 1] ?? '']));
      break;
    }
    const log = (status: number, fault: string | null): void => {
      this.options.log.push({
        server: this.options.name,
        method,
        path,
        route: route?.template ?? path,
        status,
        ms: performance.now() - started,
        at: Date.now(),
        fault,
        headers: Object.fromEntries(
          Object.entries(req.headers).flatMap(([name, value]) =>
            SECRET_HEADERS.has(name) || value === undefined ? [] : [[name, String(value)]],
          ),
        ),
      });
    };

    if (route?.control === true) {
      let response: SimResponse;
      try {
        response = await route.handler({
          method,
          path,
          query: url.searchParams,
          rawQuery: url.search.slice(1),
          headers: req.headers,
          params,
          body,
        });
      } catch (error) {
        response = json(500, { error: (error as Error).message });
      }
      res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
      res.end(response.body === undefined ? '' : JSON.stringify(response.body));
      return;
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const fault = route === undefined ? null : this.pickFault();
    if (fault === 'reset') {
      log(0, 'reset');
      req.socket.destroy();
      return;
    }
    if (fault === 'timeout') {
      log(0, 'timeout');
      // Held long enough for any client timeout, then dropped without an answer.
      setTimeout(() => req.socket.destroy(), 120_000).unref();
      return;
    }
    let response: SimResponse;
    if (fault === 'error500') response = this.options.faultBody(500);
    else if (fault === 'throttle429') response = this.options.faultBody(429);
    else if (route === undefined) response = this.options.faultBody(404);
    else {
      try {
        response = await route.handler({
          method,
          path,
          query: url.searchParams,
          rawQuery: url.search.slice(1),
          headers: req.headers,
          params,
          body,
        });
      } catch (error) {
        response = this.options.faultBody(500);
        console.error(`${this.options.name} simulator: ${method} ${path} failed:`, error);
      }
    }
    let text =
      response.body === undefined
        ? ''
        : typeof response.body === 'string'
          ? response.body
          : JSON.stringify(response.body);
    if (fault === 'malformedJson') {
      response = { status: 200, headers: { 'content-type': 'application/json' } };
      text = text.slice(0, Math.max(1, Math.floor(text.length / 2))) || '{"value": [';
    }
    log(response.status, fault);
    res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
    res.end(text);
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, body, headers };
}

/** A fixed-window counter: `limit` calls per `windowMs` for each key. */
export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    public limit: number,
    public windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a call; returns 0 when allowed, else the milliseconds until the window resets. */
  take(key: string, cost = 1): number {
    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count + cost > this.limit) return window.start + this.windowMs - now;
    window.count += cost;
    return 0;
  }

  /** Forgets every window: the calls counted so far no longer count (a benchmark moving from compressed time). */
  reset(): void {
    this.windows.clear();
  }
}

/**
 * A map that also keeps its values by group (contacts by organization or account), so that a list of one group reads
 * that group alone rather than every record of every customer: a fleet's simulators hold hundreds of thousands.
 */
export class GroupedMap<K, V, G> extends Map<K, V> {
  private readonly groups = new Map<G, Map<K, V>>();

  constructor(private readonly groupOf: (value: V) => G) {
    super();
  }

  override set(key: K, value: V): this {
    const previous = super.get(key);
    if (previous !== undefined) this.groups.get(this.groupOf(previous))?.delete(key);
    super.set(key, value);
    const group = this.groupOf(value);
    let members = this.groups.get(group);
    if (members === undefined) {
      members = new Map();
      this.groups.set(group, members);
    }
    members.set(key, value);
    return this;
  }

  override delete(key: K): boolean {
    const previous = super.get(key);
    if (previous !== undefined) this.groups.get(this.groupOf(previous))?.delete(key);
    return super.delete(key);
  }

  override clear(): void {
    this.groups.clear();
    super.clear();
  }

  /** The values of one group, in the order they were first set. */
  group(group: G): V[] {
    return [...(this.groups.get(group)?.values() ?? [])];
  }
}

/** An opaque random token. */
export function randomToken(prefix: string): string {
  return `${prefix}${crypto.randomUUID().replace(/-/g, '')}${crypto.randomUUID().replace(/-/g, '')}`;
}
