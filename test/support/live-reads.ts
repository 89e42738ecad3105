import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** The start of what a page or the API says when the live reads' budget is spent. */
export const LIVE_READS_REFUSED = 'Too many live reads of IT Glue and BMS in the last minute';

/** An API answer refused for the live reads' budget: 429, when to try again, and why in words. */
export function expectLiveReadsRefused(answer: LightMyRequestResponse): void {
  expect(answer.statusCode).toBe(429);
  expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  expect(answer.json().error).toEqual({
    code: 'RateLimited',
    message: expect.stringMatching(new RegExp(`^${LIVE_READS_REFUSED} .* Try again in \\d+ s`)),
  });
}
