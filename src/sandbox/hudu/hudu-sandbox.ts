import type { SimClock } from '../sim-clock.ts';
import type { LoggedRequest } from '../sim-server.ts';
import { HuduSimulator } from './hudu-simulator.ts';
import { huduDemoOf } from './demo.ts';
import { huduSeedSchema, huduSimulateSchema, type HuduSeed, type HuduSimulate } from './seed-schema.ts';
import { sandboxTargetOf } from '../sandbox-target.ts';

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

/** Hudu as the sandbox plays it (N+7): the demo's IT Glue people as assets of a People layout. */
export const huduSandbox = sandboxTargetOf({
  id: 'hudu',
  role: 'documentation',
  portOffset: HUDU_PORT_OFFSET,
  seedSchema: huduSeedSchema,
  simulateSchema: huduSimulateSchema,
  credentialsKey: 'huduApiKey',
  newCredentials: (secret): string => secret('hudu-'),
  start: ({ requests, clock, records, simulate, credentials }) =>
    createHuduSimulator(requests, clock, records, simulate, credentials),
  configBlock: (url, apiKey) => ({ baseUrl: url, apiKey }),
  limiter: (hudu) => hudu.limiter,
  demo: huduDemoOf,
});
