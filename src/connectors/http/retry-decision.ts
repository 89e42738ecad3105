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

export interface RetryDecision {
  readonly retry: boolean;
  readonly reason: string;
  readonly waitMs: number;
  /** the credentials must be renewed before the next attempt */
  readonly refreshAuth: boolean;
}

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

/**
 * Whether to try again after attempt number `attempt` (1-based) ended as `outcome`. Pure: the loop around it sleeps
 * `waitMs` and logs `reason`. 429 waits as long as `Retry-After` says (or backs off without one); 5xx, network
 * errors, timeouts and garbled answers back off with full jitter; a 401 is retried once, after the credentials are
 * renewed; any other 4xx is final.
 */
export function decideRetry(
  attempt: number,
  outcome: AttemptOutcome,
  context: {
    readonly authRefreshed: boolean;
    readonly now: number;
    readonly policy?: RetryPolicy;
    readonly random?: () => number;
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
        return after === null
          ? again('throttled (429) without Retry-After', backoff(attempt, policy, random))
          : again(`throttled (429), Retry-After ${outcome.retryAfter}`, Math.ceil(after));
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
