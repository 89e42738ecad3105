import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideRetry, parseRetryAfter, type AttemptOutcome } from '../../src/connectors/http/retry-decision.ts';

const now = Date.parse('2026-11-24T12:00:00Z');
const context = { authRefreshed: false, now, random: () => 0.5 };
const response = (status: number, retryAfter: string | null = null): AttemptOutcome => ({
  kind: 'response',
  status,
  retryAfter,
});

describe('parseRetryAfter', () => {
  it('reads seconds, fractional seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('2.128', now)).toBe(2128);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('decideRetry', () => {
  it('waits exactly as long as Retry-After says on a 429', () => {
    expect(decideRetry(1, response(429, '2.128'), context)).toMatchObject({
      retry: true,
      waitMs: 2128,
      refreshAuth: false,
    });
  });

  it('gives up at once on a 429 asking for a longer wait than a run makes, however far off or however it is written', () => {
    for (const after of ['86400', '99999999999', 'Tue, 24 Nov 2126 12:00:00 GMT', '1e308']) {
      const decision = decideRetry(1, response(429, after), context);
      expect(decision.retry, after).toBe(false);
      expect(decision.reason).toMatch(/longer than a run waits \(15 minutes\); the next run tries again/);
    }
    const windowed = { ...context, throttle: { since: now, windowMs: 300_000 } };
    expect(decideRetry(1, response(429, '3600'), windowed).retry).toBe(false);
    expect(decideRetry(1, response(429, '900'), context)).toMatchObject({ retry: true, waitMs: 900_000 });
  });

  it('backs off with full jitter on a 429 without Retry-After, and on 5xx, network errors, timeouts and garbled answers', () => {
    for (const outcome of [
      response(429),
      response(500),
      response(503),
      response(504),
      { kind: 'network', message: 'ECONNRESET' },
      { kind: 'timeout' },
      { kind: 'malformed' },
    ] as AttemptOutcome[]) {
      const decision = decideRetry(3, outcome, { ...context, random: () => 0.5 });
      expect(decision.retry).toBe(true);
      expect(decision.waitMs).toBe(1000); // half of 500 ms × 2²
    }
  });

  it('keeps every wait within the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (attempt, r) => {
        const decision = decideRetry(attempt, response(503), { ...context, random: () => r });
        expect(decision.waitMs).toBeGreaterThanOrEqual(0);
        expect(decision.waitMs).toBeLessThanOrEqual(30_000);
      }),
    );
  });

  it('retries a 401 once, after renewing the credentials', () => {
    expect(decideRetry(1, response(401), context)).toMatchObject({ retry: true, refreshAuth: true, waitMs: 0 });
    expect(decideRetry(2, response(401), { ...context, authRefreshed: true })).toMatchObject({ retry: false });
  });

  it('never retries a validation error or another 4xx', () => {
    for (const status of [400, 403, 404, 409, 410, 415, 422])
      expect(decideRetry(1, response(status), context).retry).toBe(false);
  });

  it('gives up after the last attempt, saying so', () => {
    const decision = decideRetry(8, response(503), context);
    expect(decision.retry).toBe(false);
    expect(decision.reason).toMatch(/gave up after 8 attempts/);
  });

  it("keeps retrying 429s through the API's window, whatever the attempt count, and stops once it has passed", () => {
    const throttle = { since: now - 60_000, windowMs: 5 * 60_000 };
    for (const attempt of [8, 20, 60]) {
      const decision = decideRetry(attempt, response(429), { ...context, throttle });
      expect(decision).toMatchObject({ retry: true, refreshAuth: false });
      expect(decision.reason).toMatch(/window/);
    }
    expect(decideRetry(3, response(429, '7'), { ...context, throttle })).toMatchObject({ retry: true, waitMs: 7000 });
    const past = decideRetry(30, response(429), {
      ...context,
      throttle: { since: now - 5 * 60_000 - 1, windowMs: 5 * 60_000 },
    });
    expect(past.retry).toBe(false);
    expect(past.reason).toMatch(/past the API's window/);
    // Other failures still count their attempts.
    expect(decideRetry(8, response(503), { ...context, throttle }).retry).toBe(false);
  });

  it('waits in total at least the window before giving up on a 429 that never ends, in spaced-out attempts', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 0.999, noNaN: true }), (r) => {
        const windowMs = 5 * 60_000;
        let clock = now;
        let attempt = 1;
        for (;;) {
          const decision = decideRetry(attempt, response(429), {
            ...context,
            now: clock,
            random: () => r,
            throttle: { since: now, windowMs },
          });
          if (!decision.retry) break;
          clock += Math.max(decision.waitMs, 1);
          attempt += 1;
        }
        expect(clock - now).toBeGreaterThan(windowMs);
        expect(attempt).toBeLessThan(40);
      }),
      { numRuns: 50 },
    );
  });
});
