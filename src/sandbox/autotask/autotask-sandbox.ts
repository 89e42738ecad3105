import type { BmsSeed } from '../bms/bms-seed.ts';
import { sandboxTargetOf } from '../sandbox-target.ts';
import { autotaskSeedSchema, autotaskSimulateSchema } from './autotask-seed.ts';
import { AutotaskSimulator, type AutotaskApiUser } from './autotask-simulator.ts';
import { autotaskDemo } from './demo.ts';

/** Autotask as the sandbox plays it (N+4): the demo's BMS people on it, mirrored by IT Glue as `autotask`. */
export const autotaskSandbox = sandboxTargetOf({
  id: 'autotask',
  role: 'psa',
  portOffset: 4,
  seedSchema: autotaskSeedSchema,
  simulateSchema: autotaskSimulateSchema,
  credentialsKey: 'autotask',
  newCredentials: (secret): AutotaskApiUser => ({
    userName: 'contactsync-api@sandbox-msp.example',
    secret: secret('at-'),
    integrationCode: secret('AT'),
  }),
  start({ requests, clock, records, simulate, credentials }) {
    const autotask = new AutotaskSimulator(requests, clock, simulate);
    autotask.registerUser(credentials);
    if (records !== undefined) autotask.load(records);
    return autotask;
  },
  // the zone's URL, so that no zone is discovered, and its web address, as init writes it from the zone
  configBlock: (url, user) => ({ ...user, baseUrl: `${url}/atservicesrest/`, webUrl: `${url}/` }),
  limiter: (autotask) => autotask.budget,
  demo: (demo: { readonly bms?: BmsSeed | undefined }) =>
    demo.bms === undefined ? {} : { records: autotaskDemo(demo.bms) },
  mirroredAs: 'autotask',
  mirrored: (autotask, ids) =>
    autotask.contactsWithIds(ids).map((c) => ({
      id: c.id,
      firstName: c.firstName,
      lastName: c.lastName,
      jobTitle: c.title,
      emailAddress: c.emailAddress,
    })),
});
