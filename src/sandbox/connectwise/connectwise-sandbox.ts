import type { SimClock } from '../sim-clock.ts';
import type { LoggedRequest } from '../sim-server.ts';
import { ConnectwiseSimulator, type ConnectwiseApiMember } from './connectwise-simulator.ts';
import type { Seed } from '../seed.ts';

/** ConnectWise's place among the simulators' ports: login N, Graph N+1, IT Glue N+2, BMS N+3, Autotask N+4, ConnectWise N+5. */
export const CONNECTWISE_PORT_OFFSET = 5;

/**
 * The ConnectWise simulator as the sandbox runs it: the sandbox's API member registered, and the seed's `connectwise`
 * records loaded when the seed has them, played as `simulate.connectwise` says. Start it with `server.start(basePort + 5)`.
 */
export function createConnectwiseSimulator(
  requests: LoggedRequest[],
  clock: SimClock,
  seed: Pick<Seed, 'connectwise' | 'simulate'>,
  member: ConnectwiseApiMember,
): ConnectwiseSimulator {
  const connectwise = new ConnectwiseSimulator(requests, clock, seed.simulate.connectwise);
  connectwise.registerMember(member);
  if (seed.connectwise !== undefined) connectwise.load(seed.connectwise);
  return connectwise;
}

/** The sandbox's API member: a key pair and a clientId of its own. */
export function sandboxMember(secret: (prefix: string) => string): ConnectwiseApiMember {
  return {
    company: 'sandboxmsp',
    publicKey: secret('pub').slice(0, 16),
    privateKey: secret('priv').slice(0, 16),
    clientId: crypto.randomUUID(),
  };
}

/** ConnectWise contacts as IT Glue's `manage` integration mirrors them: names, title and the default email. */
export function mirroredByItGlue(connectwise: ConnectwiseSimulator, ids: readonly number[]) {
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
