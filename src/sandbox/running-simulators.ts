import type { BmsSimulator } from './bms-simulator.ts';
import type { GraphSimulator } from './graph-simulator.ts';
import type { GraphSubscriptionsSimulator } from './graph-subscriptions-simulator.ts';
import type { ItGlueSimulator } from './itglue-simulator.ts';
import type { LoginSimulator } from './login-simulator.ts';
import type { Seed } from './seed.ts';
import type { SimClock } from './sim-clock.ts';
import type { FaultOptions, LoggedRequest } from './sim-server.ts';

/** The credentials registered with the simulators; a seed holds none, so `startSimulators` makes them unless given. */
export interface SandboxCredentials {
  readonly partnerTenantId: string;
  readonly graph: { readonly clientId: string; readonly clientSecret: string };
  readonly itglueApiKey: string;
  readonly bms: { readonly userName: string; readonly password: string; readonly tenant: string };
}

export interface SimulatorUrls {
  readonly login: string;
  readonly graph: string;
  readonly itglue: string;
  readonly bms: string;
}

export type ServerName = 'login' | 'graph' | 'itglue' | 'bms';

export interface RunningSimulators {
  readonly urls: SimulatorUrls;
  readonly credentials: SandboxCredentials;
  readonly clock: SimClock;
  readonly login: LoginSimulator;
  readonly graph: GraphSimulator;
  /** Graph's change notifications (subscriptions on users), on the Graph simulator's port */
  readonly subscriptions: GraphSubscriptionsSimulator;
  readonly itglue: ItGlueSimulator;
  readonly bms: BmsSimulator;
  /** every request any simulator answered, in order */
  readonly requests: LoggedRequest[];
  /** requests per server and method, e.g. `{ graph: { GET: 3 }, ... }` */
  requestCounts(): Record<'graph' | 'itglue' | 'bms', Record<string, number>>;
  setLatency(server: ServerName, ms: number): void;
  setFaults(server: ServerName, faults: FaultOptions): void;
  /** the state of the three systems in the seed's shape */
  dump(): Pick<Seed, 'tenants' | 'itglue' | 'bms'>;
  close(): Promise<void>;
}
