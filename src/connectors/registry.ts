import type { TargetId, TargetProfile, TargetRole, Targets } from '../domain/target-profile.ts';
import { bmsProfile } from './bms/profile.ts';
import { itglueProfile } from './itglue/profile.ts';

/** The targets there are. Adding a target is its folder, its simulator and a line here. */
export const TARGETS: readonly TargetProfile[] = [itglueProfile, bmsProfile];

export function targetById(id: TargetId): TargetProfile | null {
  return TARGETS.find((target) => target.id === id) ?? null;
}

/** The targets of one role. */
export function targetsOfRole(role: TargetRole): readonly TargetProfile[] {
  return TARGETS.filter((target) => target.role === role);
}

/**
 * The targets an installation has, from the vendor blocks its config (or seed) holds: at most one per role. Two
 * blocks of one role are refused, naming both.
 */
export function targetsOfBlocks(blocks: Readonly<Record<string, unknown>>): Targets {
  const present = TARGETS.filter((target) => blocks[target.id] !== undefined && blocks[target.id] !== null);
  const pick = (role: TargetRole): TargetProfile | null => {
    const ofRole = present.filter((target) => target.role === role);
    if (ofRole.length > 1)
      throw new Error(
        `the config names two ${role === 'psa' ? 'PSAs' : 'documentation platforms'} (${ofRole.map((t) => t.id).join(' and ')}): keep one`,
      );
    return ofRole[0] ?? null;
  };
  return { doc: pick('documentation'), psa: pick('psa') };
}
