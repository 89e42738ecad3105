import { AutotaskSimulator } from './autotask/autotask-simulator.ts';
import { BmsSimulator } from './bms-simulator.ts';
import { GraphSimulator } from './graph-simulator.ts';
import { GraphSubscriptionsSimulator } from './graph-subscriptions-simulator.ts';
import { createHuduSimulator } from './hudu/hudu-sandbox.ts';
import { ItGlueSimulator } from './itglue-simulator.ts';
import { LoginSimulator } from './login-simulator.ts';
import type { Seed } from './seed.ts';
import { targetsOfBlocks } from '../connectors/registry.ts';
import { SimClock } from './sim-clock.ts';
import { registerControlRoutes } from './control-routes.ts';
import type { RequestCounts, RunningSimulators, SandboxCredentials, ServerName } from './running-simulators.ts';
import { SANDBOX_TARGETS } from './sandbox-targets.ts';
import { seededRandom, type LoggedRequest, type SimServer } from './sim-server.ts';

export interface StartOptions {
  readonly credentials?: SandboxCredentials;
  /** seeds the fault-injection random source, so that a faulty run can be replayed */
  readonly faultSeed?: number;
  /**
   * login on this port, Graph on the next, then IT Glue, BMS, Autotask and (N+7) Hudu (each on its own port, the
   * other targets present or not); free ports when absent
   */
  readonly basePort?: number;
}

function secret(prefix: string): string {
  return `${prefix}${crypto.randomUUID().replace(/-/g, '')}`;
}

/**
 * Starts the Microsoft login and Graph simulators, and those of the targets the seed has (IT Glue, BMS, Autotask,
 * Hudu), on loopback, seeded from `seed`.
 */
export async function startSimulators(seed: Seed, options: StartOptions = {}): Promise<RunningSimulators> {
  const clock = new SimClock();
  const requests: LoggedRequest[] = [];
  const credentials: SandboxCredentials = options.credentials ?? {
    partnerTenantId: crypto.randomUUID(),
    graph: { clientId: crypto.randomUUID(), clientSecret: secret('sandbox~') },
    itglueApiKey: secret('ITG.'),
    bms: { userName: 'contactsync-api', password: secret('bms-'), tenant: 'Sandbox MSP' },
    autotask: { userName: 'contactsync-api@sandbox-msp.example', secret: secret('at-'), integrationCode: secret('AT') },
    huduApiKey: secret('hudu-'),
  };

  const login = new LoginSimulator(requests, clock);
  const graph = new GraphSimulator(requests, clock, login);
  const subscriptions = new GraphSubscriptionsSimulator(graph, clock);
  const itglue = new ItGlueSimulator(requests, clock, seed.simulate.itglue);
  const bms = new BmsSimulator(requests, clock, seed.simulate.bms);
  const autotask = new AutotaskSimulator(requests, clock, seed.simulate.autotask);
  const hudu = createHuduSimulator(requests, clock, seed.hudu, seed.simulate.hudu, credentials.huduApiKey);

  login.registerApp({ clientId: credentials.graph.clientId, clientSecret: credentials.graph.clientSecret });
  login.addTenant(credentials.partnerTenantId);
  graph.addPartnerTenant(credentials.partnerTenantId, 'Sandbox MSP');
  for (const tenant of seed.tenants) {
    login.addTenant(tenant.id);
    graph.addTenant(tenant);
  }
  itglue.registerKey(credentials.itglueApiKey);
  if (seed.itglue !== undefined) itglue.load(seed.itglue);
  bms.registerUser({ ...credentials.bms, apiAccess: true, mfa: seed.simulate.bms.mfa });
  if (seed.bms !== undefined) bms.load(seed.bms);
  autotask.registerUser(credentials.autotask);
  if (seed.autotask !== undefined) autotask.load(seed.autotask);
  // IT Glue's PSA sync reads the seed's PSA: the simulators share one process, so it reads that simulator's state.
  if (seed.bms !== undefined)
    itglue.followPsa((ids) => {
      const wanted = new Set(ids);
      return bms.dump().accounts.flatMap((account) => account.contacts.filter((contact) => wanted.has(contact.id)));
    });
  else if (seed.autotask !== undefined)
    itglue.followPsa(
      (ids) =>
        autotask.contactsWithIds(ids).map((c) => ({
          id: c.id,
          firstName: c.firstName,
          lastName: c.lastName,
          jobTitle: c.title,
          emailAddress: c.emailAddress,
        })),
      'autotask',
    );
  const simulated = { itglue, bms, autotask, hudu };
  type Simulated = keyof typeof simulated;
  const present = SANDBOX_TARGETS.filter((target) => seed[target.id as Simulated] !== undefined).map(
    (target) => target.id as Simulated,
  );
  const listening = new Set<ServerName>(['login', 'graph', ...present]);

  // The order gives each its fault-injection random source: a new one goes last, so that faulty runs replay.
  const servers: Record<ServerName, SimServer> = {
    login: login.server,
    graph: graph.server,
    itglue: itglue.server,
    bms: bms.server,
    autotask: autotask.server,
    hudu: hudu.server,
  };
  Object.values(servers).forEach((server, i) => {
    server.random = seededRandom((options.faultSeed ?? 1) + i);
  });
  // Each keeps its place (login N, Graph N+1, IT Glue N+2, BMS N+3, Autotask N+4, Hudu N+7) whichever targets run.
  const port = (i: number) => (options.basePort === undefined ? 0 : options.basePort + i);
  const [loginUrl, graphUrl, ...targetUrls] = await Promise.all([
    login.server.start(port(0)),
    graph.server.start(port(1)),
    ...present.map((id) => servers[id].start(port(SANDBOX_TARGETS.find((t) => t.id === id)!.portOffset))),
  ]).catch(async (error: unknown) => {
    await Promise.all(Object.values(servers).map((server) => server.close()));
    throw error;
  });
  const urlOf = (id: string): string | null => targetUrls[present.indexOf(id as Simulated)] ?? null;

  const running: RunningSimulators = {
    urls: {
      login: loginUrl,
      graph: graphUrl,
      itglue: urlOf('itglue'),
      bms: urlOf('bms'),
      autotask: urlOf('autotask'),
      hudu: urlOf('hudu'),
    },
    credentials,
    clock,
    login,
    graph,
    subscriptions,
    itglue,
    bms,
    autotask,
    hudu,
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
      servers[server].latencyMs = ms;
    },
    setFaults(server, faults) {
      servers[server].faults = faults;
    },
    dump() {
      return {
        tenants: graph.dumpTenants(),
        ...Object.fromEntries(present.map((id) => [id, simulated[id].dump()])),
      };
    },
    async close() {
      subscriptions.close();
      await Promise.all(Object.values(servers).map((server) => server.close()));
    },
  };
  registerControlRoutes(running);
  return running;
}
