// Halo's limit on a backlog: 2,000 new users of 8 clients (250 each, as a first sync sends them: the client's users
// and sites, then one create after another) by 4 workers at once. Each worker has its own client and PostgreSQL pool:
// they share contactsync's share of the instance's limit only through PostgreSQL, as worker processes do. Hosted Halo
// allows 300 requests per rolling 5 minutes to every tool of the MSP together; contactsync spends its default share
// of it (the Halo profile's: half), and the MSP's other tools spend 30% of the limit. So that it runs in minutes, the
// 5 minutes are compressed to 10 s (in the simulator and in the workers' budget alike; the limit itself is unchanged).
// Reports the share of contactsync's share it used in each full window, the most of its requests in any rolling
// window, and the 429s of the limit (any 429 is of contactsync's own making: the others' spending stays within the
// rest); then, as a control, the same workers with no budget, to show that the limit bites. Needs PostgreSQL
// (DATABASE_URL, else the local one).
import { apiLimitOf, createApiBudget } from '../../src/connectors/api-budgets.ts';
import { HaloPsa } from '../../src/connectors/halo/halo-psa.ts';
import { haloProfile } from '../../src/connectors/halo/profile.ts';
import type { RequestBudget } from '../../src/connectors/http/request-budget.ts';
import type { RetryPolicy } from '../../src/connectors/http/retry-decision.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { createBacklog, perFullWindow, utilizationOf, withBacklogDatabase } from '../psa-backlog/psa-backlog.ts';

const USERS = Number(process.argv[2] ?? 2000);
const WORKERS = 4;
const CLIENTS = 8;
/** the documented limit of the instance, every tool together */
const LIMIT = haloProfile.budget.limit;
/** how many times faster than real time: Halo's 5 minutes last 10 s */
const COMPRESSION = 30;
const WINDOW_MS = haloProfile.budget.windowMs / COMPRESSION;
/** contactsync's share: the profile's default, as `apiLimits.halo` leaves it */
const SHARE = apiLimitOf('halo').limit;
const OTHERS = Math.round(LIMIT * 0.3);
const SITE = (client: number) => 100 + client;

async function startHalo() {
  return startSimulators(
    parseSeed({
      halo: {
        clients: Array.from({ length: CLIENTS }, (_, c) => ({
          id: c + 1,
          name: `Backlog ${c + 1}`,
          sites: [{ id: SITE(c + 1), name: 'Main' }],
        })),
      },
      simulate: { halo: { requestLimit: LIMIT, windowMs: WINDOW_MS, otherToolsPerWindow: OTHERS } },
    }),
  );
}

/** The simulator's counts: the requests its rolling window counted (when), and the 429s of the limit. */
function watch(sims: RunningSimulators) {
  const seen = { counted: [] as number[], throttled429: 0 };
  const { window } = sims.halo;
  const take = window.take.bind(window);
  window.take = () => {
    const ok = take();
    if (ok) seen.counted.push(Date.now());
    else seen.throttled429 += 1;
    return ok;
  };
  return seen;
}

const clientsOf = (sims: RunningSimulators, budgetOf: () => RequestBudget, policy?: RetryPolicy) =>
  Array.from(
    { length: WORKERS },
    () =>
      new HaloPsa({
        credentials: sims.credentials.halo,
        baseUrl: sims.urls.halo!,
        budget: budgetOf(),
        ...(policy === undefined ? {} : { policy }),
      }),
  );

/** The most of `times` (in order) in any window of `windowMs`. */
function peakInWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  for (let start = 0, end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

await withBacklogDatabase('contactsync_halorate', async (open) => {
  // The backlog, the budget shared through PostgreSQL.
  const sims = await startHalo();
  const seen = watch(sims);
  const started = Date.now();
  const failed = await createBacklog(
    clientsOf(sims, () => createApiBudget({ halo: { limit: SHARE, windowMs: WINDOW_MS } }, open().pool!)),
    CLIENTS,
    Math.ceil(USERS / CLIENTS),
    SITE,
  );
  const elapsedMs = Date.now() - started;
  await sims.close();
  const perWindow = perFullWindow(seen.counted, WINDOW_MS);

  // The control: the same workers with no budget (a client that does not pace itself), each create tried twice at
  // most, more creates than the limit leaves in a window.
  const control = await startHalo();
  const controlSeen = watch(control);
  const unbudgeted: RequestBudget = { acquire: async () => {} };
  await createBacklog(
    clientsOf(control, () => unbudgeted, { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 200 }),
    CLIENTS,
    Math.ceil(LIMIT / CLIENTS),
    SITE,
  );
  await control.close();
  console.log(
    JSON.stringify({
      bench: 'halo-rate',
      users: USERS,
      workers: WORKERS,
      clients: CLIENTS,
      limit: LIMIT,
      share: SHARE,
      othersPerWindow: OTHERS,
      windowMs: WINDOW_MS,
      compression: COMPRESSION,
      elapsedMs,
      requests: seen.counted.length,
      failedCreates: failed,
      fullWindows: perWindow.length,
      requestsPerFullWindow: perWindow,
      utilization: Number(utilizationOf(perWindow, SHARE).toFixed(3)),
      peakInRollingWindow: peakInWindow(seen.counted, WINDOW_MS),
      throttled429: seen.throttled429,
      controlThrottled429: controlSeen.throttled429,
    }),
  );
});
