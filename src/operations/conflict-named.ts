import { targetNameOf } from '../domain/target-of-id.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';
import type { StateStore } from '../store/state-store.ts';
import { shortId } from './attention.ts';
import { OperationError } from './operator-actions.ts';

/**
 * The open conflict a person named: by its id, the first characters of it (as lists show, 8 of them; at least 4), or
 * the sign-in name of its user (when that user has one open conflict).
 */
export async function conflictNamed(store: StateStore, targets: Targets, key: string): Promise<ConflictRecord> {
  const wanted = key
    .trim()
    .toLowerCase()
    .replace(/^conflict:/, '');
  const open = await store.listConflicts({ status: 'open' });
  const exact = open.find((c) => c.id.toLowerCase() === wanted);
  if (exact !== undefined) return exact;
  const found = wanted.includes('@')
    ? open.filter((c) => c.userPrincipalName.toLowerCase() === wanted)
    : wanted.length >= 4
      ? open.filter((c) => c.id.toLowerCase().startsWith(wanted))
      : [];
  if (found.length === 1) return found[0]!;
  if (found.length > 1)
    throw new OperationError(
      'Validation',
      `${key} names ${found.length} open conflicts: ${found.map((c) => `${shortId(c.id)} (${c.userPrincipalName}, ${targetNameOf(targets, c.side)})`).join(', ')}. Give one of these ids.`,
    );
  throw new OperationError(
    'NotFound',
    `No open conflict ${key}: it was resolved already, or a later sync settled it (contactsync conflicts list shows the open ones).`,
  );
}
