import type { SimClock } from '../sim-clock.ts';
import type { LoggedRequest } from '../sim-server.ts';
import { HuduSimulator } from './hudu-simulator.ts';
import type { HuduSeed, HuduSimulate } from './seed-schema.ts';

/** Hudu's place among the simulators' ports: login N, Graph N+1, ..., Halo N+6, Hudu N+7. */
export const HUDU_PORT_OFFSET = 7;

/**
 * The Hudu simulator as the sandbox runs it: the sandbox's API key registered with the scope `simulate.hudu` gives
 * it, and the seed's `hudu` records loaded when the seed has them. Start it with `server.start(basePort + 7)`.
 */
export function createHuduSimulator(
  requests: LoggedRequest[],
  clock: SimClock,
  seed: HuduSeed | undefined,
  simulate: HuduSimulate,
  apiKey: string,
): HuduSimulator {
  const hudu = new HuduSimulator(requests, clock, simulate);
  hudu.registerKey(apiKey, { destructive: simulate.destructive, companies: simulate.companyScope });
  if (seed !== undefined) hudu.load(seed);
  return hudu;
}
