import { TARGETS, targetById, targetsOfBlocks, targetsOfRole } from '../connectors/registry.ts';
import { presentTargets, type TargetProfile, type TargetRole, type Targets } from '../domain/target-profile.ts';

/**
 * The targets `init` sets up and the demo plays when not told otherwise: the registry's first of each role. The help
 * speaks of the roles, or lists every target, never of these as if they were the only ones.
 */
export const DEFAULT_TARGETS: Targets = {
  doc: targetsOfRole('documentation')[0] ?? null,
  psa: targetsOfRole('psa')[0] ?? null,
};

/** Every target there is, documentation platforms first: the options that name a target's record. */
export const ALL_TARGETS: readonly TargetProfile[] = [...targetsOfRole('documentation'), ...targetsOfRole('psa')];

/**
 * `IT Glue, Hudu`: every target of a role there is, in the registry's order, as the help lists them (by their full
 * names unless `words` says otherwise).
 */
export function roleTargetNames(
  role: TargetRole,
  words: (target: TargetProfile) => string = (t) => t.words.fullName,
): string {
  return targetsOfRole(role).map(words).join(', ');
}

/** `Title:` and a line per target there is that `line` says something of: `  BMS: ...`, for the end of a command's help. */
export function perTargetHelp(title: string, line: (target: TargetProfile) => string | undefined): string {
  const lines = ALL_TARGETS.flatMap((target) => {
    const text = line(target);
    return text === undefined || text === '' ? [] : [`  ${target.words.name}: ${text}`];
  });
  return `\n${title}\n${lines.join('\n')}`;
}

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
