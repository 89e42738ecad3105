import { OperationError } from './operation-error.ts';

/** The most runs one list gives (the CLI, the pages and the REST API alike). */
export const MAX_RUNS_LISTED = 1000;
/** The most audit entries one list gives. */
export const MAX_AUDIT_LISTED = 5000;
/** The most entries a list may skip: far past any log, and a number every database takes. */
export const MAX_SKIPPED = 1_000_000_000;

/**
 * A whole number a person or a client gave in a query (`limit`, `offset`, `page`): nothing given is `fallback`;
 * anything but a whole number from `min` to `max` is refused, saying what it is for and what is allowed.
 */
function wholeNumber(raw: unknown, fallback: number, min: number, max: number, what: string): number {
  if (raw === undefined || raw === '') return fallback;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max)
    throw new OperationError(
      'Validation',
      `${what}: a whole number from ${min} to ${max}, not ${typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : 'several values'}.`,
    );
  return Number(text);
}

/** How many entries a list gives, as asked: nothing asked is `fallback`; at most `max`. */
export function listLimit(raw: unknown, fallback: number, max: number): number {
  return wholeNumber(raw, fallback, 1, max, 'limit is how many to list');
}

/** How many entries a list skips (paging), as asked: 0 when nothing is asked. */
export function listOffset(raw: unknown): number {
  return wholeNumber(raw, 0, 0, MAX_SKIPPED, 'offset is how many to skip');
}

/** Which page of a list, as asked: the first when nothing is asked. */
export function listPage(raw: unknown, pageSize: number): number {
  return wholeNumber(raw, 1, 1, Math.floor(MAX_SKIPPED / pageSize), 'page is which page to show');
}
