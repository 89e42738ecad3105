import { presentTargets, type TargetId, type TargetProfile, type Targets } from './target-profile.ts';

/** The installation's target a stored id names (a decision's, a conflict's, a journal entry's), or null. */
export function targetOfId(targets: Targets, id: unknown): TargetProfile | null {
  return presentTargets(targets).find((target) => target.id === id) ?? null;
}

/** The name users read for a stored target id; an id of a target the installation no longer has reads as itself. */
export function targetNameOf(targets: Targets, id: TargetId): string {
  return targetOfId(targets, id)?.words.name ?? id;
}

/** A customer record of the target, with its article: "an <name> <customer>" or "a <name> <customer>". */
export function aCustomerOf(target: Pick<TargetProfile, 'words'>): string {
  const { name, customer } = target.words;
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name} ${customer}`;
}
