import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import type { Targets } from '../../src/domain/target-profile.ts';

/** Today's installation: the documentation platform and the PSA of the demo. */
export const BOTH_TARGETS: Targets = { doc: itglueProfile, psa: bmsProfile };
