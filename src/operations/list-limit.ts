import { OperationError } from './operation-error.ts';

/** The most runs one list gives (the CLI, the pages and the REST API alike). */
export const MAX_RUNS_LISTED = 1000;
/** The most audit entries one list gives. */
export const MAX_AUDIT_LISTED = 5000;

/**
 * How many entries a list gives, as a person or a client asked: nothing asked is `fallback`; anything but a whole
 * number from 1 to `max` is refused, saying what is allowed.
 */
export function listLimit(raw: unknown, fallback: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max)
    throw new OperationError(
      'Validation',
      `limit is how many to list: a whole number from 1 to ${max}, not ${typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : 'several values'}.`,
    );
  return Number(text);
}
