/** How one attempt ended, as far as retrying is concerned. */
export type AttemptOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly retryAfter: string | null }
  | { readonly kind: 'network'; readonly message: string }
  | { readonly kind: 'timeout' }
  /** a 2xx whose body could not be read (cut off, not JSON) */
  | { readonly kind: 'malformed' };

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * An API whose limit is counted over a window (IT Glue: 3,000 requests per 5 minutes) may keep answering 429 until
 * that window ends, however many times it is asked: 429s are then retried until the window has passed since the
 * first one, whatever `maxAttempts` says.
 */
export interface ThrottleWindow {
  /** when this request was first answered 429 */
  readonly since: number;
  readonly windowMs: number;
}

interface RetryDecision {
  readonly retry: boolean;
  readonly reason: string;
  readonly waitMs: number;
  /** the credentials must be renewed before the next attempt */
  readonly refreshAuth: boolean;
}

/**
 * The longest `Retry-After` a run waits out: an API asking for more (an hour, a year: a timer past 24.8 days fires at
 * once) ends the request, so that a run neither hangs holding its tenant nor hammers the API.
 */
export const LONGEST_RETRY_AFTER_MS = 15 * 60_000;

/** `Retry-After` in seconds (fractional allowed, as Graph sends) or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function stop(reason: string): RetryDecision {
  return { retry: false, reason, waitMs: 0, refreshAuth: false };
}

function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  // Full jitter: a random wait up to the exponential ceiling, so that many clients do not retry in step.
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** Half the exponential ceiling plus a random share of the other half: never a burst of near-zero waits. */
function equalJitterBackoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Whether to try again after attempt number `attempt` (1-based) ended as `outcome`. Pure: the loop around it sleeps
 * `waitMs` and logs `reason`. 429 waits as long as `Retry-After` says (or backs off without one); 5xx, network
 * errors, timeouts and garbled answers back off with full jitter; a 401 is retried once, after the credentials are
 * renewed; any other 4xx is final. With `throttle`, 429s are retried until the API's window has passed since the
 * first one (see `ThrottleWindow`), and then once more after it.
 */
export function decideRetry(
  attempt: number,
  outcome: AttemptOutcome,
  context: {
    readonly authRefreshed: boolean;
    readonly now: number;
    readonly policy?: RetryPolicy;
    readonly random?: () => number;
    readonly throttle?: ThrottleWindow;
  },
): RetryDecision {
  const policy = context.policy ?? DEFAULT_RETRY_POLICY;
  const random = context.random ?? Math.random;
  const exhausted = attempt >= policy.maxAttempts;
  const again = (reason: string, waitMs: number, refreshAuth = false): RetryDecision =>
    exhausted ? stop(`${reason}; gave up after ${attempt} attempts`) : { retry: true, reason, waitMs, refreshAuth };

  switch (outcome.kind) {
    case 'network':
      return again(`network error (${outcome.message})`, backoff(attempt, policy, random));
    case 'timeout':
      return again('timed out', backoff(attempt, policy, random));
    case 'malformed':
      return again('answer could not be read', backoff(attempt, policy, random));
    case 'response': {
      const { status } = outcome;
      if (status < 400) return stop('success');
      if (status === 429) {
        const after = parseRetryAfter(outcome.retryAfter, context.now);
        const reason =
          after === null ? 'throttled (429) without Retry-After' : `throttled (429), Retry-After ${outcome.retryAfter}`;
        if (after !== null && after > LONGEST_RETRY_AFTER_MS)
          return stop(
            `${reason}: longer than a run waits (${LONGEST_RETRY_AFTER_MS / 60_000} minutes); the next run tries again`,
          );
        const { throttle } = context;
        if (throttle === undefined)
          return again(reason, after === null ? backoff(attempt, policy, random) : Math.ceil(after));
        const elapsed = context.now - throttle.since;
        if (elapsed > throttle.windowMs)
          return stop(
            `${reason}; still throttled ${Math.round(elapsed / 1000)} s after the first 429, past the API's window`,
          );
        // Each retry is a request against the same limit: spaced out, so that waiting does not keep the limit hit.
        const waitMs = after === null ? equalJitterBackoff(attempt, policy, random) : Math.ceil(after);
        return { retry: true, reason: `${reason} (waiting out the API's window)`, waitMs, refreshAuth: false };
      }
      if (status === 401)
        return context.authRefreshed
          ? stop('unauthorized after renewing credentials')
          : again('unauthorized (401): renewing credentials', 0, true);
      if (status >= 500) return again(`server error (${status})`, backoff(attempt, policy, random));
      return stop(`client error (${status})`);
    }
  }
}
