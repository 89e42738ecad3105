import type { DocStore, Psa } from '../domain/ports.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { TransportOptions } from './http/http-client.ts';

/** A documentation platform's client: the port, and what `doctor` asks of it besides. */
export interface DocumentationClient extends DocStore {
  /** the account's web address as the API tells it, or null where it does not */
  webAddress(): Promise<string | null>;
}

/** What every target's client is built with besides its config block: budget, log, recorder, transport. */
export type ClientCommon = TransportOptions;

/**
 * How a target's client is made from its block of the config (`"itglue": {...}`, `"bms": {...}`), knowing the
 * installation's other targets (a documentation platform may mirror its PSA's contacts).
 */
export interface ClientFactory<Client> {
  createClient(block: unknown, common: ClientCommon, targets: Targets): Client;
}

/** The clients of an installation's targets, one per role present. */
export interface TargetClients {
  readonly doc: DocumentationClient | null;
  readonly psa: Psa | null;
}
