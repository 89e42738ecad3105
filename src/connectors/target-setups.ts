import type { TargetProfile } from '../domain/target-profile.ts';
import { autotaskSetup } from './autotask/setup.ts';
import { bmsSetup } from './bms/setup.ts';
import { connectwiseSetup } from './connectwise/setup.ts';
import { haloSetup } from './halo/setup.ts';
import { huduSetup } from './hudu/setup.ts';
import { itglueSetup } from './itglue/setup.ts';
import type { TargetSetup } from './target-setup.ts';

/** How each target is set up and checked (beside its profile in the registry): a line per target. */
const SETUPS: Readonly<Record<string, TargetSetup>> = {
  itglue: itglueSetup,
  hudu: huduSetup,
  bms: bmsSetup,
  autotask: autotaskSetup,
  connectwise: connectwiseSetup,
  halo: haloSetup,
};

export function setupOf(profile: TargetProfile): TargetSetup {
  const setup = SETUPS[profile.id];
  if (setup === undefined) throw new Error(`${profile.words.name} has no setup`);
  return setup;
}
