import { GraphSimulator } from './graph-simulator.ts';
import { GraphSubscriptionsSimulator } from './graph-subscriptions-simulator.ts';
import { LoginSimulator } from './login-simulator.ts';
import type { Seed } from './seed.ts';
import { targetsOfBlocks } from '../connectors/registry.ts';
import { SimClock } from './sim-clock.ts';
import { registerControlRoutes } from './control-routes.ts';
import type { RequestCounts, RunningSimulators, SandboxCredentials, ServerName } from './running-simulators.ts';
import type { SandboxTarget } from './sandbox-target.ts';
import { credentialsOf, newTargetCredentials, SIMULATED_TARGETS, type TargetSimulators } from './simulator-registry.ts';
import { seededRandom, type LoggedRequest, type SimServer } from './sim-server.ts';

export interface StartOptions {
  readonly credentials?: SandboxCredentials;
  /** seeds the fault-injection random source, so that a faulty run can be replayed */
  readonly faultSeed?: number;
  /**
   * login on this port, Graph on the next, then each target at its own offset (its descriptor's `portOffset`), the
   * other targets present or not; free ports when absent
   */
  readonly basePort?: number;
}

function secret(prefix: string): string {
  return `${prefix}${crypto.randomUUID().replace(/-/g, '')}`;
}

/**
 * Starts the Microsoft login and Graph simulators, and those of the targets the seed has (each target's key), on
 * loopback, seeded from `seed`.
 */
export async function startSimulators(seed: Seed, options: StartOptions = {}): Promise<RunningSimulators> {
  const clock = new SimClock();
  const requests: LoggedRequest[] = [];
  const credentials: SandboxCredentials = options.credentials ?? {
    partnerTenantId: crypto.randomUUID(),
    graph: { clientId: crypto.randomUUID(), clientSecret: secret('sandbox~') },
    ...newTargetCredentials(secret),
  };

  const login = new LoginSimulator(requests, clock);
  const graph = new GraphSimulator(requests, clock, login);
  const subscriptions = new GraphSubscriptionsSimulator(graph, clock);
  // Every target's simulator is made, so that each keeps its fault-injection random source; the seed's alone listen.
  const targets: readonly SandboxTarget[] = SIMULATED_TARGETS;
  const records = seed as Readonly<Record<string, unknown>>;
  const simulate = seed.simulate as Readonly<Record<string, unknown>>;
  const made = targets.map((target) => ({
    target,
    simulator: target.start({
      requests,
      clock,
      records: records[target.id],
      simulate: simulate[target.id],
      credentials: credentialsOf(credentials, target),
    }),
  }));
  for (const { target, simulator } of made)
    if (simulator.server.name !== target.id)
      throw new Error(
        `The ${target.id} simulator logs its requests as ${simulator.server.name}: name its server ${target.id}.`,
      );
  const simulated = Object.fromEntries(made.map(({ target, simulator }) => [target.id, simulator])) as TargetSimulators;

  login.registerApp({ clientId: credentials.graph.clientId, clientSecret: credentials.graph.clientSecret });
  login.addTenant(credentials.partnerTenantId);
  graph.addPartnerTenant(credentials.partnerTenantId, 'Sandbox MSP');
  for (const tenant of seed.tenants) {
    login.addTenant(tenant.id);
    graph.addTenant(tenant);
  }
  // A documentation platform's own PSA integration reads the seed's PSA: the simulators share one process, so it
  // reads that simulator's state.
  const mirrored = made.find(({ target }) => target.mirrored !== undefined && records[target.id] !== undefined);
  if (mirrored !== undefined)
    for (const { target, simulator } of made)
      target.followPsa?.(
        simulator,
        (ids) => mirrored.target.mirrored!(mirrored.simulator, ids),
        mirrored.target.mirroredAs ?? mirrored.target.id,
      );
  // documentation platforms first, as the dump and the request counts give them
  const present = ['documentation', 'psa'].flatMap((role) =>
    made.filter(({ target }) => target.role === role && records[target.id] !== undefined),
  );
  const listening = new Set<string>(['login', 'graph', ...present.map(({ target }) => target.id)]);

  // The order gives each its fault-injection random source: a new one goes last, so that faulty runs replay.
  const servers = new Map<string, SimServer>([
    ['login', login.server],
    ['graph', graph.server],
    ...made.map(({ target, simulator }): [string, SimServer] => [target.id, simulator.server]),
  ]);
  [...servers.values()].forEach((server, i) => {
    server.random = seededRandom((options.faultSeed ?? 1) + i);
  });
  const serverOf = (name: ServerName): SimServer => servers.get(name)!;
  const closeAll = () => Promise.all([...servers.values()].map((server) => server.close()));
  // Each keeps its place (login N, Graph N+1, each target at its offset) whichever targets run.
  const port = (i: number) => (options.basePort === undefined ? 0 : options.basePort + i);
  const [loginUrl, graphUrl, ...targetUrls] = await Promise.all([
    login.server.start(port(0)),
    graph.server.start(port(1)),
    ...present.map(({ target, simulator }) => simulator.server.start(port(target.portOffset))),
  ]).catch(async (error: unknown) => {
    await closeAll();
    throw error;
  });
  const urls = new Map(present.map(({ target }, i) => [target.id, targetUrls[i]!]));
  const urlOf = (id: string): string | null => urls.get(id) ?? null;

  const running: RunningSimulators = {
    urls: {
      login: loginUrl,
      graph: graphUrl,
      ...(Object.fromEntries(targets.map((target) => [target.id, urlOf(target.id)])) as Record<
        keyof TargetSimulators,
        string | null
      >),
    },
    credentials,
    clock,
    login,
    graph,
    subscriptions,
    ...simulated,
    // The registry decides which targets the sandbox syncs; the simulators of the seed's keys run whether it knows
    // them yet or not.
    targets: targetsOfBlocks(seed),
    started: (server) => listening.has(server),
    urlOf,
    requests,
    requestCounts() {
      const counts: Record<string, Record<string, number>> = Object.fromEntries(
        [...listening].filter((name) => name !== 'login').map((name) => [name, {}]),
      );
      for (const request of requests) {
        const byMethod = counts[request.server];
        if (byMethod !== undefined) byMethod[request.method] = (byMethod[request.method] ?? 0) + 1;
      }
      return counts as RequestCounts;
    },
    setLatency(server, ms) {
      serverOf(server).latencyMs = ms;
    },
    setFaults(server, faults) {
      serverOf(server).faults = faults;
    },
    dump() {
      return {
        tenants: graph.dumpTenants(),
        ...Object.fromEntries(present.map(({ target, simulator }) => [target.id, simulator.dump()])),
      };
    },
    async close() {
      subscriptions.close();
      await closeAll();
    },
  };
  registerControlRoutes(running);
  return running;
}
