import { presentTargets, type TargetProfile, type Targets } from '../domain/target-profile.ts';

/**
 * The figures of a run, counted once here and shown the same way by the CLI summary, `runs`, the dashboard and
 * `/metrics`: per system what happened to each user's contact, and the held and disputed users open now, with the
 * ones new this run beside them. A plan's figures are counted from its detail lines, so the two always agree.
 */

/** What can happen to a user's documentation contact, as the detail lines say it. */
export const DOC_COLUMNS = ['created', 'updated', 'unchanged', 'mirrored', 'inactivated'] as const;
/** What can happen to a user's PSA contact, as the detail lines say it. */
export const PSA_COLUMNS = ['created', 'linked', 'updated', 'inactivated'] as const;

/** The columns a run counts per target present: `<target id>.<column>`, documentation platform first. */
function targetColumns(targets: Targets): { readonly target: TargetProfile; readonly columns: readonly string[] }[] {
  return presentTargets(targets).map((target) => ({
    target,
    columns: target.role === 'documentation' ? DOC_COLUMNS : PSA_COLUMNS,
  }));
}

/**
 * The flat record a run keeps: per target `<target id>.<column>` (`<id>.created`, `<id>.linked`, as stored since the
 * first release), then `held`, `held.new`, `disputed`, `excluded`, `failed`.
 */
export type RunCounts = Readonly<Record<string, number>>;

/** What a count needs of a user's result. */
export interface CountedUser {
  readonly userId: string;
  readonly outcome: string;
  readonly doc: string;
  readonly psa: string;
}

/** Who was held and who was disputed before this run, to tell what is new. */
export interface OpenBefore {
  readonly held: ReadonlySet<string>;
  readonly disputed: ReadonlySet<string>;
}

export const NOTHING_OPEN: OpenBefore = { held: new Set(), disputed: new Set() };

/** The figures of a run (or a plan) from its per-user results. */
export function countRun(users: readonly CountedUser[], before: OpenBefore, targets: Targets): RunCounts {
  const counts: Record<string, number> = {};
  for (const { target, columns } of targetColumns(targets))
    for (const column of columns) counts[`${target.id}.${column}`] = 0;
  const docPrefix = targets.doc === null ? null : `${targets.doc.id}.`;
  const psaPrefix = targets.psa === null ? null : `${targets.psa.id}.`;
  Object.assign(counts, { held: 0, 'held.new': 0, disputed: 0, 'disputed.new': 0, excluded: 0, failed: 0 });
  for (const user of users) {
    const doc = docPrefix === null ? null : docPrefix + user.doc;
    if (doc !== null && doc in counts) counts[doc]! += 1;
    const psa = psaPrefix === null ? null : psaPrefix + user.psa;
    if (psa !== null && psa in counts) counts[psa]! += 1;
    if (user.outcome === 'held') {
      counts.held! += 1;
      if (!before.held.has(user.userId)) counts['held.new']! += 1;
    } else if (user.outcome === 'disputed') {
      counts.disputed! += 1;
      if (!before.disputed.has(user.userId)) counts['disputed.new']! += 1;
    } else if (user.outcome === 'excluded') counts.excluded! += 1;
    else if (user.outcome === 'failed') counts.failed! += 1;
  }
  return counts;
}

/** The figures of a poll that found nothing to do: no contact was looked at; what is open stays open. */
export function quietCounts(open: { readonly held: number; readonly disputed: number }): RunCounts {
  return { held: open.held, 'held.new': 0, disputed: open.disputed, 'disputed.new': 0 };
}

function withNew(counts: RunCounts, key: 'held' | 'disputed'): string {
  const fresh = counts[`${key}.new`] ?? 0;
  return `${key} ${counts[key]}${fresh > 0 ? ` (${fresh} new)` : ''}`;
}

/**
 * `<documentation>: created 3, updated 40; <PSA>: created 3, linked 2; held 17 (3 new), disputed 10`: the figures that are not
 * zero, each target by its name, empty when there is nothing to say. Figures kept by older
 * versions (a flat `created 3`) read as they were written.
 */
export function countsSummary(counts: RunCounts, targets: Targets): string {
  const parts: string[] = [];
  for (const target of presentTargets(targets)) {
    const prefix = `${target.id}.`;
    const figures = Object.entries(counts)
      .filter(([key, n]) => key.startsWith(prefix) && n > 0)
      .map(([key, n]) => `${key.slice(prefix.length)} ${n}`);
    if (figures.length > 0) parts.push(`${target.words.name}: ${figures.join(', ')}`);
  }
  const rest: string[] = [];
  for (const key of ['held', 'disputed'] as const) if ((counts[key] ?? 0) > 0) rest.push(withNew(counts, key));
  for (const [key, n] of Object.entries(counts)) {
    if (n === 0 || key.includes('.') || key === 'held' || key === 'disputed') continue;
    rest.push(`${key} ${n}`);
  }
  if (rest.length > 0) parts.push(rest.join(', '));
  return parts.join('; ');
}

/** The figures as metric samples: one per target (by id) and result, and the users excluded and failed. */
export function countSamples(
  counts: RunCounts,
  targets: Targets,
): { readonly labels: Record<string, string>; readonly n: number }[] {
  const ids = new Set(presentTargets(targets).map((target) => target.id));
  const samples: { labels: Record<string, string>; n: number }[] = [];
  for (const [key, n] of Object.entries(counts)) {
    if (n === 0) continue;
    const [system, result] = key.split('.') as [string, string | undefined];
    if (ids.has(system) && result !== undefined) samples.push({ labels: { system, result }, n });
    else if (key === 'excluded' || key === 'failed') samples.push({ labels: { system: 'none', result: key }, n });
  }
  return samples;
}

/**
 * A run's figures in words, never empty: a run with none had nothing to do, unless it failed (then it stopped before
 * it could know, and wrote nothing).
 */
export function runCountsText(counts: RunCounts, status: string, targets: Targets): string {
  return countsSummary(counts, targets) || (status === 'failed' ? 'nothing written' : 'nothing to do');
}
