import { BmsPsa } from '../../src/connectors/bms/bms-psa.ts';
import { GraphDirectory } from '../../src/connectors/graph/graph-directory.ts';
import { GraphTokenProvider } from '../../src/connectors/graph/token-provider.ts';
import type { AttemptLog } from '../../src/connectors/http/http-client.ts';
import type { RetryPolicy } from '../../src/connectors/http/retry-decision.ts';
import { ItGlueDocStore } from '../../src/connectors/itglue/itglue-doc-store.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';

/** Quick retries, so that fault tests finish in seconds. */
export const FAST_RETRIES: RetryPolicy = { maxAttempts: 12, baseDelayMs: 5, maxDelayMs: 50 };

export interface Connectors {
  readonly graph: GraphDirectory;
  readonly itglue: ItGlueDocStore;
  readonly bms: BmsPsa;
  /** every attempt the connectors logged */
  readonly attempts: AttemptLog[];
}

/** The three connectors, pointed at the simulators with the credentials the simulators registered. */
export function connectTo(
  sims: RunningSimulators,
  options: { policy?: RetryPolicy; timeoutMs?: number } = {},
): Connectors {
  const attempts: AttemptLog[] = [];
  const common = {
    log: (entry: AttemptLog) => attempts.push(entry),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const tokens = new GraphTokenProvider({ credential: sims.credentials.graph, loginBaseUrl: sims.urls.login });
  return {
    graph: new GraphDirectory({ tokens, baseUrl: sims.urls.graph, ...common }),
    itglue: new ItGlueDocStore({ apiKey: sims.credentials.itglueApiKey, baseUrl: sims.urls.itglue!, ...common }),
    bms: new BmsPsa({ credentials: sims.credentials.bms, baseUrl: sims.urls.bms!, ...common }),
    attempts,
  };
}

/** Requests a simulator answered since `from` (an index into the request log), by route. */
export function requestsSince(sims: RunningSimulators, server: string, from: number): string[] {
  return sims.requests
    .slice(from)
    .filter((r) => r.server === server)
    .map((r) => `${r.method} ${r.route}`);
}
