import { BmsSimulator } from './bms-simulator.ts';
import { GraphSimulator } from './graph-simulator.ts';
import { GraphSubscriptionsSimulator } from './graph-subscriptions-simulator.ts';
import { ItGlueSimulator } from './itglue-simulator.ts';
import { LoginSimulator } from './login-simulator.ts';
import type { Seed } from './seed.ts';
import { SimClock } from './sim-clock.ts';
import { registerControlRoutes } from './control-routes.ts';
import type { RunningSimulators, SandboxCredentials, ServerName } from './running-simulators.ts';
import { seededRandom, type LoggedRequest, type SimServer } from './sim-server.ts';

export interface StartOptions {
  readonly credentials?: SandboxCredentials;
  /** seeds the fault-injection random source, so that a faulty run can be replayed */
  readonly faultSeed?: number;
  /** login on this port, Graph on the next, then IT Glue, then BMS; free ports when absent */
  readonly basePort?: number;
}

function secret(prefix: string): string {
  return `${prefix}${crypto.randomUUID().replace(/-/g, '')}`;
}

/** Starts the Microsoft login, Graph, IT Glue and BMS simulators on loopback, seeded from `seed`. */
export async function startSimulators(seed: Seed, options: StartOptions = {}): Promise<RunningSimulators> {
  const clock = new SimClock();
  const requests: LoggedRequest[] = [];
  const credentials: SandboxCredentials = options.credentials ?? {
    partnerTenantId: crypto.randomUUID(),
    graph: { clientId: crypto.randomUUID(), clientSecret: secret('sandbox~') },
    itglueApiKey: secret('ITG.'),
    bms: { userName: 'contactsync-api', password: secret('bms-'), tenant: 'Sandbox MSP' },
  };

  const login = new LoginSimulator(requests, clock);
  const graph = new GraphSimulator(requests, clock, login);
  const subscriptions = new GraphSubscriptionsSimulator(graph, clock);
  const itglue = new ItGlueSimulator(requests, clock, seed.simulate.itglue);
  const bms = new BmsSimulator(requests, clock, seed.simulate.bms);

  login.registerApp({ clientId: credentials.graph.clientId, clientSecret: credentials.graph.clientSecret });
  login.addTenant(credentials.partnerTenantId);
  graph.addPartnerTenant(credentials.partnerTenantId, 'Sandbox MSP');
  for (const tenant of seed.tenants) {
    login.addTenant(tenant.id);
    graph.addTenant(tenant);
  }
  itglue.registerKey(credentials.itglueApiKey);
  itglue.load(seed.itglue);
  bms.registerUser({ ...credentials.bms, apiAccess: true, mfa: seed.simulate.bms.mfa });
  bms.load(seed.bms);
  // IT Glue's PSA sync reads BMS: the simulators share one process, so it reads the BMS simulator's state.
  itglue.followPsa((ids) => {
    const wanted = new Set(ids);
    return bms.dump().accounts.flatMap((account) => account.contacts.filter((contact) => wanted.has(contact.id)));
  });

  const servers: Record<ServerName, SimServer> = {
    login: login.server,
    graph: graph.server,
    itglue: itglue.server,
    bms: bms.server,
  };
  Object.values(servers).forEach((server, i) => {
    server.random = seededRandom((options.faultSeed ?? 1) + i);
  });
  const order = [login.server, graph.server, itglue.server, bms.server] as const;
  const port = (i: number) => (options.basePort === undefined ? 0 : options.basePort + i);
  const [loginUrl, graphUrl, itglueUrl, bmsUrl] = await Promise.all([
    login.server.start(port(0)),
    graph.server.start(port(1)),
    itglue.server.start(port(2)),
    bms.server.start(port(3)),
  ]).catch(async (error: unknown) => {
    await Promise.all(order.map((server) => server.close()));
    throw error;
  });

  const running: RunningSimulators = {
    urls: { login: loginUrl, graph: graphUrl, itglue: itglueUrl, bms: bmsUrl },
    credentials,
    clock,
    login,
    graph,
    subscriptions,
    itglue,
    bms,
    requests,
    requestCounts() {
      const counts: Record<'graph' | 'itglue' | 'bms', Record<string, number>> = { graph: {}, itglue: {}, bms: {} };
      for (const request of requests) {
        if (request.server === 'login') continue;
        const byMethod = counts[request.server as 'graph' | 'itglue' | 'bms'];
        byMethod[request.method] = (byMethod[request.method] ?? 0) + 1;
      }
      return counts;
    },
    setLatency(server, ms) {
      servers[server].latencyMs = ms;
    },
    setFaults(server, faults) {
      servers[server].faults = faults;
    },
    dump() {
      return { tenants: graph.dumpTenants(), itglue: itglue.dump(), bms: bms.dump() };
    },
    async close() {
      subscriptions.close();
      await Promise.all(Object.values(servers).map((server) => server.close()));
    },
  };
  registerControlRoutes(running);
  return running;
}
