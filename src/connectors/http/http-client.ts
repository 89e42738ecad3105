import { ConnectorError } from './connector-error.ts';
import { CrossOriginRedirect, fetchWithCredential } from './credential-fetch.ts';
import { decideRetry, DEFAULT_RETRY_POLICY, type AttemptOutcome, type RetryPolicy } from './retry-decision.ts';
import { LocalInFlightSlots, type InFlightSlots } from './in-flight-slots.ts';
import { UNLIMITED_BUDGET, type RequestBudget } from './request-budget.ts';

interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** where the request counts against the API's rate limit, and how much */
  readonly budgetKey?: string;
  readonly cost?: number;
  /**
   * False for a write that must not happen twice (a create). Such a request is retried only when it surely did not
   * reach the API (refused connection, 429); after a timeout, a reset, a 5xx or a garbled answer it may have happened,
   * and the client throws with `outcomeUnknown` so that the caller can look before sending it again.
   */
  readonly idempotent?: boolean;
  /** at most `cap` requests in flight at once under `key` (an API's thread limit): a slot is held for each attempt */
  readonly slot?: { readonly key: string; readonly cap: number };
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** the parsed JSON body, or undefined when there was none */
  readonly body: unknown;
}

/** Credentials that can be renewed: asked for headers before each attempt, and renewed once after a 401. */
interface AuthHandler {
  headers(): Promise<Readonly<Record<string, string>>>;
  refresh(): Promise<void>;
}

/** One attempt, as logged: never headers or bodies, which may carry secrets. */
export interface AttemptLog {
  readonly service: string;
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
  readonly status: number | null;
  readonly ms: number;
  readonly outcome: string;
  readonly retry: boolean;
  readonly waitMs: number;
  readonly requestId: string | null;
}

/** One answer as received, for `contactsync doctor --capture` (the recorder removes what is personal or secret). */
export interface RecordedExchange {
  readonly service: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: unknown;
}

/** The systems as people name them, by the service id a client is made with. */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  itglue: 'IT Glue',
  hudu: 'Hudu',
  bms: 'BMS',
  graph: 'Microsoft Graph',
  'microsoft login': 'The Microsoft login',
};

interface HttpClientOptions {
  /** the API's name in errors and logs */
  readonly service: string;
  readonly timeoutMs?: number;
  readonly policy?: RetryPolicy;
  readonly budget?: RequestBudget;
  readonly auth?: AuthHandler;
  /** headers made fresh for every attempt (Graph's `client-request-id`) */
  readonly perAttemptHeaders?: () => Readonly<Record<string, string>>;
  /** the response header that carries the server's request id, for the log */
  readonly requestIdHeader?: string;
  readonly log?: (entry: AttemptLog) => void;
  /** hears every answer with its body */
  readonly record?: (exchange: RecordedExchange) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  /** the window over which the API counts its rate limit: 429s are waited out for that long (see `ThrottleWindow`) */
  readonly throttleWindowMs?: number;
  /** the API's name as people read it, where `SERVICE_NAMES` has none */
  readonly displayName?: string;
  /**
   * What a failed answer means beyond its status, for an API whose statuses say less than its body: `refused`, the
   * record was refused (final, never sent again, whatever the status: some APIs refuse with a 500); `throttled`, a
   * limit was hit (waited out as a 429, and surely not applied).
   */
  readonly meaningOf?: (status: number, body: unknown) => 'refused' | 'throttled' | null;
}

/** What every connector passes through to its HTTP client. */
export interface TransportOptions {
  readonly budget?: RequestBudget;
  readonly log?: (entry: AttemptLog) => void;
  readonly record?: (exchange: RecordedExchange) => void;
  readonly policy?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** the clock the retries measure waits by (tests move it with `sleep`) */
  readonly now?: () => number;
}

/** The transport options that are set (an absent option keeps the client's default). */
export function transportOf(options: TransportOptions): TransportOptions {
  return Object.fromEntries(
    Object.entries(options).filter(
      ([key, value]) =>
        value !== undefined && ['budget', 'log', 'record', 'policy', 'timeoutMs', 'sleep', 'now'].includes(key),
    ),
  );
}

/** Query strings can carry tokens (`$skiptoken`, `$deltatoken`) that are noise in a log line. */
function loggedUrl(url: string): string {
  const cut = url.indexOf('?');
  if (cut < 0) return url;
  const query = new URLSearchParams(url.slice(cut + 1));
  for (const key of Array.from(query.keys())) if (/token/i.test(key)) query.set(key, '…');
  return `${url.slice(0, cut)}?${decodeURIComponent(query.toString())}`;
}

/**
 * A small client over built-in fetch: a timeout per attempt, the request budget before each attempt, the pure retry
 * decision after it, one renewal of credentials after a 401, and a log line per attempt with its reason. It returns
 * the final response whatever its status; only exhausted retries throw.
 */
export class HttpClient {
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly budget: RequestBudget;
  /** shared as widely as the budget is (every worker, with PostgreSQL), else this client's own */
  private readonly slots: InFlightSlots;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.policy = options.policy ?? DEFAULT_RETRY_POLICY;
    this.budget = options.budget ?? UNLIMITED_BUDGET;
    this.slots = this.budget.slots ?? new LocalInFlightSlots();
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const { service } = this.options;
    // People read the system's own name in messages ("BMS kept failing"), not the id logs and metrics carry.
    const named = SERVICE_NAMES[service] ?? this.options.displayName ?? service;
    let authRefreshed = false;
    let throttledSince: number | null = null;
    for (let attempt = 1; ; attempt++) {
      if (request.budgetKey !== undefined) await this.budget.acquire(request.budgetKey, request.cost ?? 1);
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...request.headers,
        ...this.options.perAttemptHeaders?.(),
        ...(await this.options.auth?.headers()),
      };
      const started = this.now();
      let outcome: AttemptOutcome;
      let response: HttpResponse | null = null;
      // Held no longer than an attempt can last, so that a process that dies holding it frees it soon.
      const release =
        request.slot === undefined
          ? null
          : await this.slots.hold(request.slot.key, request.slot.cap, this.timeoutMs * 2);
      try {
        const init: RequestInit = { method: request.method, headers, signal: AbortSignal.timeout(this.timeoutMs) };
        if (request.body !== undefined) init.body = request.body;
        const raw = await fetchWithCredential(request.url, init);
        const text = await raw.text();
        let body: unknown;
        let readable = true;
        if (text !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            readable = false;
          }
        }
        const meaning = raw.ok || !readable ? null : (this.options.meaningOf?.(raw.status, body) ?? null);
        outcome =
          raw.ok && !readable
            ? { kind: 'malformed' }
            : {
                kind: 'response',
                status: meaning === 'throttled' ? 429 : raw.status,
                retryAfter: raw.headers.get('retry-after'),
              };
        response = { status: raw.status, headers: raw.headers, body };
        if (readable)
          this.options.record?.({ service, method: request.method, url: request.url, status: raw.status, body });
        if (meaning === 'refused') {
          this.options.log?.({
            service,
            method: request.method,
            url: loggedUrl(request.url),
            attempt,
            status: raw.status,
            ms: this.now() - started,
            outcome: 'refused by the API',
            retry: false,
            waitMs: 0,
            requestId: null,
          });
          return response;
        }
      } catch (error) {
        // Every request of a connector carries its credential: a redirect elsewhere is a wrong base URL, or a trap.
        if (error instanceof CrossOriginRedirect)
          throw new ConnectorError({
            code: 'Auth',
            service,
            status: error.status,
            message: `${service} answered with a redirect (${error.status}) to ${error.to}, another address than ${error.from}; the credential was not sent there. Check the base URL of ${service} in the config: it must be the API's own https address.`,
          });
        const name = (error as Error).name;
        outcome =
          name === 'TimeoutError' || name === 'AbortError'
            ? { kind: 'timeout' }
            : {
                kind: 'network',
                message:
                  (error as Error).cause instanceof Error
                    ? ((error as Error).cause as Error).message
                    : (error as Error).message,
              };
      } finally {
        await release?.();
      }
      const surelyNotSent = outcome.kind === 'network' && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(outcome.message);
      const ambiguous =
        outcome.kind === 'timeout' ||
        outcome.kind === 'malformed' ||
        (outcome.kind === 'network' && !surelyNotSent) ||
        (outcome.kind === 'response' && outcome.status >= 500);
      if (request.idempotent === false && ambiguous) {
        this.options.log?.({
          service,
          method: request.method,
          url: loggedUrl(request.url),
          attempt,
          status: response?.status ?? null,
          ms: this.now() - started,
          outcome: 'outcome unknown: not sent again',
          retry: false,
          waitMs: 0,
          requestId: null,
        });
        throw new ConnectorError({
          code: 'Transient',
          service,
          status: response?.status ?? null,
          outcomeUnknown: true,
          message: `${named} did not answer a write clearly (${outcome.kind === 'response' ? `status ${outcome.status}` : outcome.kind}); it may have been applied.`,
        });
      }
      const now = this.now();
      if (outcome.kind === 'response' && outcome.status === 429) throttledSince ??= now;
      else throttledSince = null;
      const { throttleWindowMs } = this.options;
      const decision = decideRetry(attempt, outcome, {
        authRefreshed,
        now,
        policy: this.policy,
        ...(this.options.random === undefined ? {} : { random: this.options.random }),
        ...(throttleWindowMs === undefined || throttledSince === null
          ? {}
          : { throttle: { since: throttledSince, windowMs: throttleWindowMs } }),
      });
      this.options.log?.({
        service,
        method: request.method,
        url: loggedUrl(request.url),
        attempt,
        status: response?.status ?? null,
        ms: this.now() - started,
        outcome: decision.reason,
        retry: decision.retry,
        waitMs: decision.waitMs,
        requestId:
          this.options.requestIdHeader === undefined
            ? null
            : (response?.headers.get(this.options.requestIdHeader) ?? null),
      });
      if (decision.retry) {
        if (decision.refreshAuth && this.options.auth !== undefined) {
          await this.options.auth.refresh();
          authRefreshed = true;
        }
        if (decision.waitMs > 0) await this.sleep(decision.waitMs);
        continue;
      }
      if (response !== null && outcome.kind === 'response') {
        if (outcome.status === 429)
          throw new ConnectorError({
            code: 'RateLimited',
            service,
            status: 429,
            message: `${named} kept answering 429 (too many requests) after ${attempt} attempts: ${decision.reason}.`,
          });
        if (response.status >= 500)
          throw new ConnectorError({
            code: 'Transient',
            service,
            status: response.status,
            message: `${named} kept failing with ${response.status} after ${attempt} attempts.`,
          });
        return response;
      }
      throw new ConnectorError({
        code: 'Transient',
        service,
        message: `${named} could not be reached: ${decision.reason}.`,
      });
    }
  }
}
