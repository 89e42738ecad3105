import { afterEach } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { TENANT_A, user } from './simulators.ts';

/** A seed of tenant A (Contoso Ltd, one user) and these Halo clients, with the Halo simulator's knobs. */
export function haloSeed(clients: readonly unknown[], simulate: Record<string, unknown> = {}): Seed {
  return parseSeed({
    tenants: [
      { id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users: [user('a1')] },
    ],
    halo: { clients },
    simulate: { halo: simulate },
  });
}

/** Starts the simulators from a seed for each test that asks, and closes them after it (call at the top of a file). */
export function useSimulators(): (seed: Seed) => Promise<RunningSimulators> {
  let sims: RunningSimulators | null = null;
  afterEach(async () => {
    await sims?.close();
    sims = null;
  });
  return async (seed) => {
    sims = await startSimulators(seed);
    return sims;
  };
}
