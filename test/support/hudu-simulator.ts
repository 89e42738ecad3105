import { createHuduSimulator } from '../../src/sandbox/hudu/hudu-sandbox.ts';
import type { HuduSimulator } from '../../src/sandbox/hudu/hudu-simulator.ts';
import { huduSeedSchema, huduSimulateSchema } from '../../src/sandbox/hudu/seed-schema.ts';
import { SimClock } from '../../src/sandbox/sim-clock.ts';
import type { LoggedRequest } from '../../src/sandbox/sim-server.ts';

export interface StartedHudu {
  readonly hudu: HuduSimulator;
  readonly requests: LoggedRequest[];
  readonly clock: SimClock;
  readonly url: string;
}

/** The Hudu simulator alone, seeded with `seed` (the seed's `hudu` key), accepting `apiKey`, on its own clock. */
export async function startHudu(apiKey: string, seed: unknown, simulate: unknown = {}): Promise<StartedHudu> {
  const requests: LoggedRequest[] = [];
  const clock = new SimClock();
  const hudu = createHuduSimulator(
    requests,
    clock,
    huduSeedSchema.parse(seed),
    huduSimulateSchema.parse(simulate),
    apiKey,
  );
  return { hudu, requests, clock, url: await hudu.server.start() };
}
