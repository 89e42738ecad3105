import type { z } from 'zod';
import type { TargetId, TargetRole } from '../domain/target-profile.ts';
import type { SimClock } from './sim-clock.ts';
import type { LoggedRequest, SimServer } from './sim-server.ts';
import type { TenantSeed } from './tenant-seed.ts';

/** A rate limit a simulator counts against: benchmarks and tests may change it. */
export interface SimulatedLimit {
  limit: number;
  windowMs: number;
}

/** What the sandbox asks of every target's simulator: its HTTP server and its records in the seed's shape. */
export interface TargetSimulator {
  readonly server: SimServer;
  dump(): unknown;
}

/** What a target's simulator is made from. */
interface SimulatorStart<Records, Simulate, Credentials> {
  /** the log every simulator appends its answered requests to */
  readonly requests: LoggedRequest[];
  readonly clock: SimClock;
  /** the seed's records of the target, undefined when the seed does not have it (its simulator then holds nothing) */
  readonly records: Records | undefined;
  /** the seed's `simulate` entry of the target */
  readonly simulate: Simulate;
  /** what the sandbox registers with it */
  readonly credentials: Credentials;
}

/** A PSA contact as a documentation platform's own PSA integration copies it onto the contact it keeps in step. */
export interface MirroredPsaContact {
  readonly id: number;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly jobTitle: string | null;
  readonly emailAddress: string | null;
}

/** The demo on one target: its records, the tenants when it needs their settings changed, its `simulate` entry. */
export interface DemoPart<Records, Simulate> {
  readonly records?: Records | undefined;
  readonly tenants?: TenantSeed[];
  readonly simulate?: Simulate;
}

/**
 * A target the sandbox plays (DESIGN.md, "Targets"): everything the shared sandbox files need of it, so that adding
 * a target's simulator is its folder and one line in the registry (simulator-registry.ts). Its id is its key in the
 * seed, the dump, `simulate`, the request counts and the sandbox config, and the `api` of `/_sim/faults`.
 */
export interface SandboxTarget<
  Id extends TargetId = TargetId,
  CredentialsKey extends string = string,
  Credentials = unknown,
  RecordsSchema extends z.ZodType = z.ZodType,
  SimulateSchema extends z.ZodType = z.ZodType,
  Simulator extends TargetSimulator = TargetSimulator,
  Demo extends object = object,
> {
  readonly id: Id;
  readonly role: TargetRole;
  /** its simulator's port: login on N, Graph on N+1, each target at its own offset (DESIGN.md, "Targets") */
  readonly portOffset: number;
  /** its records in a seed and a dump, in the vendor's own wire shape */
  readonly seedSchema: RecordsSchema;
  /** how its simulator plays the vendor (`simulate.<id>`), every key defaulted */
  readonly simulateSchema: SimulateSchema;
  /** played, empty, by a seed that names no target (IT Glue and BMS, as the sandbox always has) */
  readonly byDefault?: boolean;
  /** where its credentials are among the sandbox's (`itglueApiKey`, `bms`, ...) */
  readonly credentialsKey: CredentialsKey;
  /** the credentials the sandbox registers with it; `secret` makes a random one with a prefix */
  newCredentials(secret: (prefix: string) => string): Credentials;
  /** its simulator, credentials registered and the seed's records loaded; it listens once the sandbox starts it */
  start(from: SimulatorStart<z.output<RecordsSchema>, z.output<SimulateSchema>, Credentials>): Simulator;
  /** the target's config block that points its client at the simulator (`url`), with the sandbox's credentials */
  configBlock(url: string, credentials: Credentials): Record<string, unknown>;
  /** the rate limit its simulator counts against */
  limiter(simulator: Simulator): SimulatedLimit;
  /**
   * The limit the demo plays instead of the vendor's, where the vendor's would keep the demo waiting for minutes: the
   * simulator counts against it and the sandbox's client keeps to it (a benchmark's compressed limit, for the demo).
   */
  readonly demoLimit?: SimulatedLimit;
  /**
   * The demo's records on this target, translated from the demo seed's (IT Glue's for a documentation platform, BMS's
   * for a PSA): `Demo` is the part of the demo seed it reads. `mirroredAs`: the integration type under which a
   * documentation platform mirrors the PSA's contacts, null when nothing is mirrored.
   */
  demo(demo: Demo, mirroredAs: string | null): DemoPart<z.output<RecordsSchema>, z.input<SimulateSchema>>;
  /** the block the deep links into its web app take, where the simulator's records give an address of their own */
  readonly webApp?: Readonly<Record<string, unknown>>;
  /** a PSA whose contacts a documentation platform's own PSA integration mirrors: its integration type there */
  readonly mirroredAs?: string;
  /** that PSA's contacts of the given ids, as the integration copies them */
  mirrored?(simulator: Simulator, ids: readonly number[]): readonly MirroredPsaContact[];
  /** a documentation platform whose own PSA integration mirrors the PSA's contacts: it follows that PSA's simulator */
  followPsa?(
    simulator: Simulator,
    contacts: (ids: readonly number[]) => readonly MirroredPsaContact[],
    integrationType: string,
  ): void;
}

/** A target's descriptor, its types kept (the registry derives the seed's, the credentials' and the simulators'). */
export function sandboxTargetOf<
  Id extends TargetId,
  CredentialsKey extends string,
  Credentials,
  RecordsSchema extends z.ZodType,
  SimulateSchema extends z.ZodType,
  Simulator extends TargetSimulator,
  Demo extends object,
>(
  target: SandboxTarget<Id, CredentialsKey, Credentials, RecordsSchema, SimulateSchema, Simulator, Demo>,
): SandboxTarget<Id, CredentialsKey, Credentials, RecordsSchema, SimulateSchema, Simulator, Demo> {
  return target;
}
