// The three phases of API economy on a PSA's generated seed (a full sync, one with no change, one after 1% of users
// changed their job title), each reported as one JSON line: the requests per API of the real pipeline (startSandbox,
// syncAll) counted from the simulators' log, against the lower bound of Graph and IT Glue (bounds.ts) and of the PSA
// (computed by the caller from the PSA's records before and after the run, never from the client).
import pino from 'pino';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { startSandbox, type SandboxOptions } from '../../src/sandbox/run-sandbox.ts';
import type { Seed, SimulatedState } from '../../src/sandbox/seed.ts';
import type { LoggedRequest } from '../../src/sandbox/sim-server.ts';
import { count, graphBound, itglueBound, type Counts } from './bounds.ts';

/** A PSA measured on its own simulator: the key of its requests and of its figures. */
export type MeasuredPsa = 'autotask' | 'connectwise' | 'halo';

/** One run of a phase, as the PSA's lower bound reads it. */
export interface PhaseRun {
  readonly results: readonly TenantRunResult[];
  /** the process's first run (what is read once per process is read in it) */
  readonly firstRun: boolean;
  readonly before: SimulatedState;
  readonly after: SimulatedState;
  /** when the run started and ended (ms since the epoch) */
  readonly started: number;
  readonly ended: number;
}

export interface PsaPhases {
  /** the seed's name in the figures */
  readonly name: string;
  readonly seed: Seed;
  readonly psa: MeasuredPsa;
  readonly limits: SandboxOptions['limits'];
  /** the PSA's lower bound of a run */
  psaBound(run: PhaseRun): number;
  /** a route of the PSA as the figures name it (its template, unless given) */
  routeOf?(route: string): string;
  /** the PSA's own figures of a run, from its requests */
  extra(requests: readonly LoggedRequest[]): Record<string, unknown>;
}

const sum = (counts: Counts) => Object.values(counts).reduce((total, n) => total + n, 0);

const ratio = (measured: number, bound: number) => (bound === 0 ? null : Number((measured / bound).toFixed(3)));

/** Runs the three phases on a sandbox of `phases.seed` and prints each phase's JSON line. */
export async function measurePsaPhases(phases: PsaPhases): Promise<void> {
  const { seed, psa } = phases;
  const box = await startSandbox({ seed, logger: pino({ level: 'silent' }), limits: phases.limits ?? {} });
  let firstRun = true;
  const phase = async (label: string) => {
    const from = box.sims.requests.length;
    const before = box.sims.dump();
    const started = Date.now();
    const results = await box.syncAll();
    const ended = Date.now();
    const after = box.sims.dump();
    const requests = box.sims.requests.slice(from);
    const measured: Counts = { ...count(requests) };
    measured[psa] = measured[psa] ?? 0;
    const bound: Counts = {
      graph: graphBound(seed, results, box.sims, firstRun),
      itglue: seed.itglue === undefined ? 0 : itglueBound(seed, results, firstRun, before),
      bms: 0,
      autotask: 0,
    };
    bound[psa] = phases.psaBound({ results, firstRun, before, after, started, ended });
    firstRun = false;
    const own = requests.filter((r) => r.server === psa);
    const byRoute: Record<string, number> = {};
    for (const r of own) {
      const route = `${r.method} ${phases.routeOf?.(r.route) ?? r.route}`;
      byRoute[route] = (byRoute[route] ?? 0) + 1;
    }
    console.log(
      JSON.stringify({
        bench: 'api-economy',
        seed: phases.name,
        phase: label,
        measured,
        lowerBound: bound,
        // Reads sent as POST (Autotask's queries) and sign-ins (Halo's token) are not writes.
        writes: requests.filter(
          (r) =>
            r.server !== 'login' &&
            r.method !== 'GET' &&
            !/\/query(\/|$)/.test(r.route) &&
            !r.route.includes('authenticate') &&
            !r.route.endsWith('/token'),
        ).length,
        ratio: ratio(sum(measured), sum(bound)),
        [`${psa}Ratio`]: ratio(measured[psa]!, bound[psa]!),
        [`${psa}Routes`]: byRoute,
        ...phases.extra(own),
        refused: own.filter((r) => r.status >= 400).length,
      }),
    );
  };
  await phase('full');
  await phase('no change');
  // 1% of users change their job title.
  const all = seed.tenants.flatMap((t) => t.users.map((u) => ({ tenant: t.id, user: u })));
  const step = Math.round(all.length / Math.round(all.length * 0.01));
  for (let i = 0; i < all.length; i += step)
    box.sims.graph.updateUser(all[i]!.tenant, all[i]!.user.id, { jobTitle: `Changed ${i}` });
  await phase('1% changed');
  await box.close();
}
