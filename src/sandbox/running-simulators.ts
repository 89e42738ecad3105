import type { GraphSimulator } from './graph-simulator.ts';
import type { GraphSubscriptionsSimulator } from './graph-subscriptions-simulator.ts';
import type { LoginSimulator } from './login-simulator.ts';
import type { SimulatedState } from './seed.ts';
import type { SimClock } from './sim-clock.ts';
import type { FaultOptions, LoggedRequest } from './sim-server.ts';
import type { SimulatedId, TargetCredentials, TargetSimulators } from './simulator-registry.ts';
import type { TargetId, Targets } from '../domain/target-profile.ts';

/**
 * The credentials registered with the simulators; a seed holds none, so they are made here unless given. Each
 * target's are under its descriptor's key (`itglueApiKey`, `bms`, ...).
 */
export interface SandboxCredentials extends TargetCredentials {
  readonly partnerTenantId: string;
  readonly graph: { readonly clientId: string; readonly clientSecret: string };
}

/** Where each simulator listens, by target id; a target the seed does not have is not started (null). */
export type SimulatorUrls = { readonly login: string; readonly graph: string } & {
  readonly [Id in SimulatedId]: string | null;
};

export type ServerName = 'login' | 'graph' | SimulatedId;

/** The APIs whose requests are counted: Graph, and each target the seed has. */
export type CountedApi = 'graph' | SimulatedId;

/** Requests per API and method; a target the seed does not have has no entry. */
export type RequestCounts = { graph: Record<string, number> } & Partial<
  Record<Exclude<CountedApi, 'graph'>, Record<string, number>>
>;

/** The simulators, each target's under its id (`sims.itglue`, `sims.bms`, ...): one the seed does not have holds nothing and does not listen. */
export interface RunningSimulators extends TargetSimulators {
  readonly urls: SimulatorUrls;
  readonly credentials: SandboxCredentials;
  readonly clock: SimClock;
  readonly login: LoginSimulator;
  readonly graph: GraphSimulator;
  /** Graph's change notifications (subscriptions on users), on the Graph simulator's port */
  readonly subscriptions: GraphSubscriptionsSimulator;
  /** the targets the seed has: their simulators run, the others do not */
  readonly targets: Targets;
  /** whether the server runs (login and Graph always; a target's when the seed has it) */
  started(server: ServerName): boolean;
  /** where the target's simulator listens, or null when the seed does not have it */
  urlOf(target: TargetId): string | null;
  /** every request any simulator answered, in order */
  readonly requests: LoggedRequest[];
  /** requests per API and method, e.g. `{ graph: { GET: 3 }, ... }`: Graph's and each running target's */
  requestCounts(): RequestCounts;
  setLatency(server: ServerName, ms: number): void;
  setFaults(server: ServerName, faults: FaultOptions): void;
  /** the state of the simulated systems in the seed's shape: `tenants`, and a key per target the seed has */
  dump(): SimulatedState;
  close(): Promise<void>;
}
