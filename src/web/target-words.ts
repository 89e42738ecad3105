import { presentTargets, type TargetProfile, type Targets } from '../domain/target-profile.ts';

/** "A, B and C": names in a sentence (`or` for a choice). */
export function inWords(names: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${conjunction} ${names.at(-1)}`;
}

/** "<doc> and <psa>", or the one target present: the targets by name, for a sentence. */
export function targetNames(targets: Targets, conjunction: 'and' | 'or' = 'and'): string {
  return inWords(
    presentTargets(targets).map((target) => target.words.name),
    conjunction,
  );
}

/** "an organization", "a customer": the indefinite article words are read with (by their first letter). */
export function withArticle(words: string): string {
  return `${/^[aeiou]/i.test(words) ? 'an' : 'a'} ${words}`;
}

/** "<name> <customer>": a target's customer record, as its users call it. */
export function customerLabel(target: TargetProfile): string {
  return `${target.words.name} ${target.words.customer}`;
}

/**
 * The target a person's whole sync follows: the documentation platform when there is one (the PSA leg waits for
 * it), else the PSA. Leaving a person out of it leaves them out of the sync.
 */
export function leadingTarget(targets: Targets): TargetProfile {
  const leading = targets.doc ?? targets.psa;
  if (leading === null) throw new Error('The installation has no target.');
  return leading;
}

/** The target a stored value names by its id (a conflict's side, a journal's system); null when none present does. */
export function targetWithId(targets: Targets, id: string): TargetProfile | null {
  return [targets.doc, targets.psa].find((target) => target?.id === id) ?? null;
}

/** The name of the target a stored value names by its id, or the id itself for a target no longer configured. */
export function nameOfTarget(targets: Targets, id: string): string {
  return targetWithId(targets, id)?.words.name ?? id;
}

/** The target a person is held from for a field it requires: the PSA, or the documentation platform alone. */
export function heldFromName(targets: Targets): string {
  return (targets.psa ?? leadingTarget(targets)).words.name;
}
