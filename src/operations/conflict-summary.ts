import type { ConflictRecord } from '../store/state-store.ts';

/**
 * A dispute in one line: `2 IT Glue candidates by rule "name"`, or `2 BMS contacts with the user's email or name`.
 * The rule says how IT Glue candidates were found; a BMS dispute's candidates are always found by email, then by
 * name, whatever rule matched the user in IT Glue (which becomes "link" from the second run on).
 */
export function conflictSummary(conflict: Pick<ConflictRecord, 'side' | 'rule' | 'candidates'>): string {
  const n = conflict.candidates.length;
  if (conflict.side === 'bms') return `${n} BMS ${n === 1 ? 'contact' : 'contacts'} with the user's email or name`;
  return `${n} IT Glue ${n === 1 ? 'candidate' : 'candidates'}${conflict.rule === null ? '' : ` by rule "${conflict.rule}"`}`;
}
