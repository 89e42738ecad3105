import type { WriteResult } from '../../domain/ports.ts';
import { ConnectorError } from './connector-error.ts';

const same = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

/** What tells the contact a create made from the others holding its address: that address as its primary, the names. */
export interface MadeContactKey {
  readonly emailAddress: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
}

/**
 * Of the contacts found by the address a lost create sent, those that may be the one it made: the create made the
 * address the contact's primary, so a contact holding it only as another email is older (one linked to someone else,
 * which the plan leaves out of matching); among several with it as their primary, those with the names sent.
 */
export function madeBy<Contact extends MadeContactKey>(sent: MadeContactKey, found: readonly Contact[]): Contact[] {
  const primary = found.filter((contact) => same(contact.emailAddress, sent.emailAddress));
  if (primary.length <= 1) return primary;
  return primary.filter((c) => same(c.firstName, sent.firstName) && same(c.lastName, sent.lastName));
}

/** A write whose request went out and whose answer never came back: it may have happened. */
export function answerLost(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError && error.outcomeUnknown;
}

/**
 * After a create's answer was lost (`error`): the id of the record it made, looked for with `findMade` (by what only
 * it has, such as its email), when found once; null when not found, so that it may be sent again. Found several
 * times, it is not sent again: `error` is thrown, for a person to look.
 */
export async function madeBefore<Id>(
  error: ConnectorError,
  findMade: () => Promise<readonly { readonly id: Id }[]>,
): Promise<Id | null> {
  const found = await findMade();
  if (found.length > 1) throw error;
  return found[0]?.id ?? null;
}

/**
 * A create whose answer may be lost (the request went out, no answer came back) without making the record twice:
 * before each new attempt, the record is looked for (`madeBefore`) and taken when found once. Gives up after `rounds`
 * attempts, throwing the last error.
 */
export async function createOnce<Id>(
  create: () => Promise<WriteResult<Id>>,
  findMade: () => Promise<readonly { readonly id: Id }[]>,
  rounds = 5,
): Promise<WriteResult<Id>> {
  for (let round = 1; ; round++) {
    try {
      return await create();
    } catch (error) {
      if (!answerLost(error) || round >= rounds) throw error;
      const id = await madeBefore(error, findMade);
      if (id !== null) return { ok: true, id };
    }
  }
}
