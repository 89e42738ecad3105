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

/** Contoso Ltd (client 1, site 11) with `count` users from id 1000, `P{i} Person`, and Fabrikam (client 2, site 21) empty. */
export function contosoAndFabrikam(count: number, inactive: (i: number) => boolean = () => false): Seed {
  return haloSeed([
    {
      id: 1,
      name: 'Contoso Ltd',
      sites: [{ id: 11, name: 'Main' }],
      users: Array.from({ length: count }, (_, i) => ({
        id: 1000 + i,
        firstname: `P${i}`,
        surname: 'Person',
        emailaddress: `p${i}@contoso.com`,
        site_id: 11,
        inactive: inactive(i),
      })),
    },
    { id: 2, name: 'Fabrikam', sites: [{ id: 21, name: 'Main' }] },
  ]);
}
