import { TARGETS, targetById, targetsOfBlocks, targetsOfRole } from '../connectors/registry.ts';
import { presentTargets, type TargetProfile, type Targets } from '../domain/target-profile.ts';

/**
 * The targets the CLI's help and `init` speak of when no config names them: the registry's first of each role, the
 * pair of the demo.
 */
export const DEFAULT_TARGETS: Targets = {
  doc: targetsOfRole('documentation')[0] ?? null,
  psa: targetsOfRole('psa')[0] ?? null,
};

/** Every target there is, documentation platforms first: the options that name a target's record. */
export const ALL_TARGETS: readonly TargetProfile[] = [...targetsOfRole('documentation'), ...targetsOfRole('psa')];

/** The ids of the default targets, as `--targets` takes them. */
export const DEFAULT_TARGET_IDS = presentTargets(DEFAULT_TARGETS)
  .map((target) => target.id)
  .join(',');

/** The targets a `--targets` list names (ids, comma-separated): at most one per role. */
export function targetsNamed(list: string): Targets {
  const ids = list
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const unknown = ids.filter((id) => !TARGETS.some((target) => target.id === id));
  if (unknown.length > 0 || ids.length === 0)
    throw new Error(
      `--targets takes the ids of the targets, comma-separated (${TARGETS.map((t) => t.id).join(', ')})${unknown.length > 0 ? `, not ${unknown.join(', ')}` : ''}.`,
    );
  return targetsOfBlocks(Object.fromEntries(ids.map((id) => [id, {}])));
}

/** A target's block of the config, as the config checked it. */
export function blockOf(config: object, target: TargetProfile): unknown {
  return (config as Readonly<Record<string, unknown>>)[target.id];
}

/** `A`, `A and B`, `A, B and C`. */
export function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** `an Item`, `a Name`: a name with the article its first letter asks for. */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;
}

/** The targets' names as users read them, documentation platform first: `DOC and PSA`. */
export function targetNames(targets: Targets, words: (target: TargetProfile) => string = (t) => t.words.name): string {
  return andList(presentTargets(targets).map(words));
}

/** The address of a target's simulator among the simulators' addresses (keyed by target id). */
export function urlOf(urls: object, id: string): string | undefined {
  const found = Object.entries(urls).find(([key]) => key === id);
  return typeof found?.[1] === 'string' ? found[1] : undefined;
}

/** A target's name as users read it, from its id as the store keeps it (a conflict's side, a journal's system). */
export function nameOfTarget(id: string): string {
  return targetById(id)?.words.name ?? id;
}
