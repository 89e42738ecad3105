import type { TargetId, TargetProfile, TargetRole, Targets } from '../domain/target-profile.ts';
import type { Psa } from '../domain/ports.ts';
import { createAutotaskClient } from './autotask/client-from-config.ts';
import { autotaskProfile } from './autotask/profile.ts';
import { createBmsClient } from './bms/client-from-config.ts';
import { createConnectwiseClient } from './connectwise/client-from-config.ts';
import { connectwiseProfile } from './connectwise/profile.ts';
import { bmsProfile } from './bms/profile.ts';
import { createHaloClient } from './halo/client-from-config.ts';
import { haloProfile } from './halo/profile.ts';
import { createHuduClient } from './hudu/client-from-config.ts';
import { huduProfile } from './hudu/profile.ts';
import { createItGlueClient } from './itglue/client-from-config.ts';
import { itglueProfile } from './itglue/profile.ts';
import type { ClientCommon, ClientFactory, DocumentationClient, TargetClients } from './target-clients.ts';

/** A target of the registry: its facts, and how its client is made from its block of the config. */
interface TargetEntry<Client> extends ClientFactory<Client> {
  readonly profile: TargetProfile;
}

/** The documentation platforms there are. */
const DOCUMENTATION: readonly TargetEntry<DocumentationClient>[] = [
  { profile: itglueProfile, createClient: createItGlueClient },
  { profile: huduProfile, createClient: createHuduClient },
];

/** The PSAs there are. */
const PSAS: readonly TargetEntry<Psa>[] = [
  { profile: bmsProfile, createClient: createBmsClient },
  { profile: autotaskProfile, createClient: createAutotaskClient },
  { profile: connectwiseProfile, createClient: createConnectwiseClient },
  { profile: haloProfile, createClient: createHaloClient },
];

/** The targets there are. Adding a target is its folder, its simulator and a line above. */
export const TARGETS: readonly TargetProfile[] = [...DOCUMENTATION, ...PSAS].map((entry) => entry.profile);

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

function clientOf<Client>(
  entries: readonly TargetEntry<Client>[],
  target: TargetProfile | null,
  blocks: Readonly<Record<string, unknown>>,
  common: ClientCommon,
  targets: Targets,
): Client | null {
  if (target === null) return null;
  const entry = entries.find((e) => e.profile.id === target.id);
  if (entry === undefined) throw new Error(`${target.words.name} is not a ${target.role} target`);
  return entry.createClient(blocks[target.id], common, targets);
}

/**
 * The clients of the installation's targets, each made from its block of the config (`blocks` is the config, or the
 * blocks that point at the simulators): the one place the CLI, the daemon, the workers and the sandbox build them.
 */
export function createTargetClients(
  targets: Targets,
  blocks: Readonly<Record<string, unknown>>,
  common: ClientCommon,
): TargetClients {
  return {
    doc: clientOf(DOCUMENTATION, targets.doc, blocks, common, targets),
    psa: clientOf(PSAS, targets.psa, blocks, common, targets),
  };
}
