import type { WriteResult } from '../../domain/ports.ts';
import type { PsaContact, PsaContactFields } from '../../domain/psa-contact.ts';
import { ConnectorError } from './connector-error.ts';

const same = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

/**
 * Of the contacts found by the address a lost create sent, those that may be the one it made: the create made the
 * address the contact's primary, so a contact holding it only as another email is older (one linked to someone else,
 * which the plan leaves out of matching); among several with it as their primary, those with the names sent.
 */
export function madeBy(fields: PsaContactFields, found: readonly PsaContact[]): PsaContact[] {
  const primary = found.filter((contact) => same(contact.emailAddress, fields.emailAddress));
  if (primary.length <= 1) return primary;
  return primary.filter((c) => same(c.firstName, fields.firstName) && same(c.lastName, fields.lastName));
}

/**
 * A create whose answer may be lost (the request went out, no answer came back) without making the record twice:
 * before each new attempt, the record is looked for (`findMade`, by what only it has, such as its email) and taken
 * when found once. Found several times, it is not sent again: the error is thrown, for a person to look. Gives up
 * after `rounds` attempts, throwing the last error.
 */
export async function createOnce(
  create: () => Promise<WriteResult<number>>,
  findMade: () => Promise<readonly { readonly id: number }[]>,
  rounds = 5,
): Promise<WriteResult<number>> {
  for (let round = 1; ; round++) {
    try {
      return await create();
    } catch (error) {
      if (!(error instanceof ConnectorError) || !error.outcomeUnknown || round >= rounds) throw error;
      const found = await findMade();
      if (found.length === 1) return { ok: true, id: found[0]!.id };
      if (found.length > 1) throw error;
    }
  }
}
