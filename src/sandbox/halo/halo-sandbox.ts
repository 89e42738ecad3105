import type { BmsSeed } from '../bms/bms-seed.ts';
import type { TenantSeed } from '../tenant-seed.ts';
import { sandboxTargetOf } from '../sandbox-target.ts';
import { haloDemo } from './demo.ts';
import { haloSeedSchema, haloSimulateSchema } from './halo-seed.ts';
import { HaloSimulator, type HaloApplication } from './halo-simulator.ts';

/** HaloPSA as the sandbox plays it (N+6): the demo's BMS people as users of its clients. */
export const haloSandbox = sandboxTargetOf({
  id: 'halo',
  role: 'psa',
  portOffset: 6,
  seedSchema: haloSeedSchema,
  simulateSchema: haloSimulateSchema,
  credentialsKey: 'halo',
  newCredentials: (secret): HaloApplication => ({ clientId: crypto.randomUUID(), secret: secret('halo-') }),
  start({ requests, clock, records, simulate, credentials }) {
    const halo = new HaloSimulator(requests, clock, simulate);
    halo.registerApplication(credentials);
    if (records !== undefined) halo.load(records);
    return halo;
  },
  configBlock: (url, application) => ({ baseUrl: url, clientId: application.clientId, secret: application.secret }),
  limiter: (halo) => halo.window,
  // Hosted Halo's 300 requests per rolling 5 minutes, of which contactsync spends half, would make the demo's first
  // sync last about ten minutes: its window lasts 10 s in the demo.
  demoLimit: { limit: 300, windowMs: 10_000 },
  demo: (demo: { readonly bms?: BmsSeed | undefined; readonly tenants: readonly TenantSeed[] }) =>
    demo.bms === undefined ? {} : { records: haloDemo(demo.bms, demo.tenants) },
});
