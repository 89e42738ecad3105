import type { WriteResult } from '../../domain/ports.ts';
import { ConnectorError } from './connector-error.ts';

/**
 * A create whose answer may be lost (the request went out, no answer came back) without making the record twice:
 * before each new attempt, the record is looked for (`findMade`, by what only it has, such as its email) and taken
 * when found once. Gives up after `rounds` attempts, throwing the last error.
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
    }
  }
}
