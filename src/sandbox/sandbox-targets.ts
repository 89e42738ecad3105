import { targetById } from '../connectors/registry.ts';
import type { TargetId, TargetRole } from '../domain/target-profile.ts';
import { demoSeed } from './demo-seed.ts';
import type { SandboxTarget, SimulatedLimit } from './sandbox-target.ts';
import { simulateSchema, type Seed } from './seed.ts';
import { SANDBOX_TARGETS, sandboxTarget } from './simulator-registry.ts';

export type { SandboxTarget, SimulatedLimit } from './sandbox-target.ts';
export { SANDBOX_TARGETS, sandboxTarget } from './simulator-registry.ts';

/** The targets a demo can be played on: a simulator here and a client in the registry. */
export function demoTargetIds(): readonly TargetId[] {
  return SANDBOX_TARGETS.filter((target) => targetById(target.id) !== null).map((target) => target.id);
}

/** The targets of a demo: at most one per role. */
export interface DemoTargets {
  readonly doc: SandboxTarget | null;
  readonly psa: SandboxTarget | null;
}

/**
 * The targets a `--targets` list names (ids, comma-separated): known ones, at most one per role. The error names the
 * valid ids.
 */
export function demoTargetsNamed(list: string): DemoTargets {
  const valid = demoTargetIds();
  const ids = [...new Set(list.split(',').map((id) => id.trim()))].filter((id) => id !== '');
  const unknown = ids.filter((id) => !valid.includes(id));
  if (ids.length === 0 || unknown.length > 0)
    throw new Error(
      `--targets takes the ids of one documentation platform, one PSA or one of each, comma-separated: ${valid.join(', ')}${unknown.length === 0 ? '' : ` (not ${unknown.join(', ')})`}.`,
    );
  const ofRole = (role: TargetRole) => valid.filter((id) => sandboxTarget(id)!.role === role).join(', ');
  const pick = (role: TargetRole): SandboxTarget | null => {
    const named = ids.map((id) => sandboxTarget(id)!).filter((target) => target.role === role);
    if (named.length > 1)
      throw new Error(
        `--targets names two ${role === 'psa' ? 'PSAs' : 'documentation platforms'} (${named.map((t) => t.id).join(' and ')}): give at most one documentation platform (${ofRole('documentation')}) and one PSA (${ofRole('psa')}).`,
      );
    return named[0] ?? null;
  };
  return { doc: pick('documentation'), psa: pick('psa') };
}

/**
 * The demo's customers on the given targets: the same tenants and people, and the demo's records on its own targets
 * translated into the documentation platform's and the PSA's (each target's descriptor translates). On the demo's own
 * targets it is the demo itself. A documentation platform keeps its mirrored contacts when the PSA is one it mirrors.
 */
export function demoSeedOn(targets: DemoTargets): Seed {
  const demo = demoSeed();
  const own = demo as Readonly<Record<string, unknown>>;
  const chosen = [targets.doc, targets.psa].filter((target) => target !== null);
  if (chosen.length === 2 && chosen.every((target) => own[target.id] !== undefined)) return demo;
  const mirroredAs = targets.doc?.followPsa !== undefined ? (targets.psa?.mirroredAs ?? null) : null;
  const parts = chosen.map((target) => ({ id: target.id, ...target.demo(demo, mirroredAs) }));
  return {
    settings: demo.settings,
    // a translation may give the tenants with settings its target needs
    tenants: parts.reduce((tenants, part) => part.tenants ?? tenants, demo.tenants),
    ...Object.fromEntries(parts.flatMap((part) => (part.records === undefined ? [] : [[part.id, part.records]]))),
    simulate: simulateSchema.parse(Object.fromEntries(parts.map((part) => [part.id, part.simulate]))),
  };
}

/** The limits the demo plays on its targets, by target id (`SandboxOptions.limits`). */
export function demoLimitsOn(targets: DemoTargets): Partial<Record<TargetId, SimulatedLimit>> {
  return Object.fromEntries(
    [targets.doc, targets.psa].flatMap((target) =>
      target?.demoLimit === undefined ? [] : [[target.id, target.demoLimit] as const],
    ),
  );
}

/** The ids of the targets a seed has (a key per target), in the registry's order. */
export function seedTargetIds(seed: object): readonly TargetId[] {
  const keys = seed as Readonly<Record<string, unknown>>;
  return SANDBOX_TARGETS.filter((target) => keys[target.id] !== undefined).map((target) => target.id);
}
