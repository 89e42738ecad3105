import type { TargetProfile } from '../domain/target-profile.ts';
import { bmsSetup } from './bms/setup.ts';
import { itglueSetup } from './itglue/setup.ts';
import type { DocTargetSetup, PsaTargetSetup, TargetSetup } from './target-setup.ts';

/** How each target is set up and checked (beside its profile in the registry): a line per target. */
const SETUPS: Readonly<Record<string, TargetSetup>> = { itglue: itglueSetup, bms: bmsSetup };

export function setupOf(profile: TargetProfile): TargetSetup {
  const setup = SETUPS[profile.id];
  if (setup === undefined) throw new Error(`${profile.words.name} has no setup`);
  return setup;
}

/** The setup of the installation's documentation platform. */
export function docSetupOf(profile: TargetProfile): DocTargetSetup {
  const setup = setupOf(profile);
  if (setup.role !== 'documentation') throw new Error(`${profile.words.name} is not a documentation platform`);
  return setup;
}

/** The setup of the installation's PSA. */
export function psaSetupOf(profile: TargetProfile): PsaTargetSetup {
  const setup = setupOf(profile);
  if (setup.role !== 'psa') throw new Error(`${profile.words.name} is not a PSA`);
  return setup;
}
