import { targetNameOf } from '../domain/target-of-id.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';

/**
 * A dispute in one line: `2 <doc> candidates by rule "name"`, or `2 <PSA> contacts with the user's email or name`.
 * The rule says how the documentation platform's candidates were found; a PSA dispute's candidates are always found by
 * email, then by name, whatever rule matched the user in the documentation platform (which becomes "link" from the
 * second run on).
 */
export function conflictSummary(
  conflict: Pick<ConflictRecord, 'side' | 'rule' | 'candidates'>,
  targets: Targets,
): string {
  const n = conflict.candidates.length;
  const name = targetNameOf(targets, conflict.side);
  if (conflict.side === targets.psa?.id)
    return `${n} ${name} ${n === 1 ? 'contact' : 'contacts'} with the user's email or name`;
  return `${n} ${name} ${n === 1 ? 'candidate' : 'candidates'}${conflict.rule === null ? '' : ` by rule "${conflict.rule}"`}`;
}
