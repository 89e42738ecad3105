import type { BmsSeed } from '../bms/bms-seed.ts';
import type { SimClock } from '../sim-clock.ts';
import type { LoggedRequest } from '../sim-server.ts';
import { sandboxTargetOf } from '../sandbox-target.ts';
import { CONNECTWISE_CODEBASE, ConnectwiseSimulator, type ConnectwiseApiMember } from './connectwise-simulator.ts';
import {
  connectwiseSeedSchema,
  connectwiseSimulateSchema,
  type ConnectwiseSeed,
  type ConnectwiseSimulate,
} from './connectwise-seed.ts';
import { connectwiseDemo } from './demo.ts';

/** ConnectWise's place among the simulators' ports: login N, Graph N+1, IT Glue N+2, BMS N+3, Autotask N+4, ConnectWise N+5. */
const CONNECTWISE_PORT_OFFSET = 5;

/**
 * The ConnectWise simulator as the sandbox runs it: the sandbox's API member registered, and the seed's `connectwise`
 * records loaded when the seed has them, played as `simulate.connectwise` says. Start it with `server.start(basePort + 5)`.
 */
function createConnectwiseSimulator(
  requests: LoggedRequest[],
  clock: SimClock,
  records: ConnectwiseSeed | undefined,
  simulate: ConnectwiseSimulate,
  member: ConnectwiseApiMember,
): ConnectwiseSimulator {
  const connectwise = new ConnectwiseSimulator(requests, clock, simulate);
  connectwise.registerMember(member);
  if (records !== undefined) connectwise.load(records);
  return connectwise;
}

/** The sandbox's API member: a key pair and a clientId of its own. */
function sandboxMember(secret: (prefix: string) => string): ConnectwiseApiMember {
  return {
    company: 'sandboxmsp',
    publicKey: secret('pub').slice(0, 16),
    privateKey: secret('priv').slice(0, 16),
    clientId: crypto.randomUUID(),
  };
}

/** ConnectWise contacts as IT Glue's `manage` integration mirrors them: names, title and the default email. */
function mirroredByItGlue(connectwise: ConnectwiseSimulator, ids: readonly number[]) {
  return connectwise.contactsWithIds(ids).map((c) => ({
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    jobTitle: c.title,
    emailAddress:
      c.communicationItems.find((i) => i.communicationType === 'Email' && i.defaultFlag)?.value ??
      c.communicationItems.find((i) => i.communicationType === 'Email')?.value ??
      null,
  }));
}

/** ConnectWise PSA as the sandbox plays it (N+5): the demo's BMS people on it, mirrored by IT Glue as `manage`. */
export const connectwiseSandbox = sandboxTargetOf({
  id: 'connectwise',
  role: 'psa',
  portOffset: CONNECTWISE_PORT_OFFSET,
  seedSchema: connectwiseSeedSchema,
  simulateSchema: connectwiseSimulateSchema,
  credentialsKey: 'connectwise',
  newCredentials: sandboxMember,
  start: ({ requests, clock, records, simulate, credentials }) =>
    createConnectwiseSimulator(requests, clock, records, simulate, credentials),
  // the API base, so that no codebase is discovered; the site with its scheme, so that links open the simulator
  configBlock: (url, member) => ({
    site: new URL(url).origin,
    ...member,
    codebase: CONNECTWISE_CODEBASE,
    baseUrl: `${url}/${CONNECTWISE_CODEBASE}apis/3.0/`,
  }),
  limiter: (connectwise) => connectwise.limiter,
  demo: (demo: { readonly bms?: BmsSeed | undefined }) =>
    demo.bms === undefined ? {} : { records: connectwiseDemo(demo.bms) },
  mirroredAs: 'manage',
  mirrored: mirroredByItGlue,
});
