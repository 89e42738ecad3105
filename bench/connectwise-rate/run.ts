// ConnectWise's cloud front on a backlog: 2,000 new contacts of 8 companies (250 each, as a first sync sends them: the
// company's contacts and sites, then one create after another) by 4 workers at once. Each worker has its own client and
// PostgreSQL pool: they share contactsync's ConnectWise budget only through PostgreSQL, as worker processes do.
// ConnectWise publishes no limit; its cloud front answers 429 under load (CONTRACTS.md). The strict simulator plays it
// as 1,000 requests a minute for the API member, counted in fixed windows, of which the MSP's other tools spend 400 at
// a steady pace: contactsync is given the rest, which is its default budget (the profile's 600 a minute), so that any
// request of ours past that budget meets a 429 and the others alone never do. So that it runs in minutes, the minute is
// compressed to 20 s (in the simulator, the others' pace and the workers' budget alike). Reports the share of
// contactsync's budget used in each full window and the 429s answered to our requests and to the others'; then, as a
// control, the same workers without a budget, to show that the limit bites. Needs PostgreSQL (DATABASE_URL, else the
// local one).
import { apiLimitOf, createApiBudget } from '../../src/connectors/api-budgets.ts';
import { ConnectwisePsa } from '../../src/connectors/connectwise/connectwise-psa.ts';
import type { RequestBudget } from '../../src/connectors/http/request-budget.ts';
import { CONNECTWISE_CODEBASE } from '../../src/sandbox/connectwise/connectwise-simulator.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { createBacklog, perFullWindow, utilizationOf, withBacklogDatabase } from '../psa-backlog/psa-backlog.ts';

const USERS = Number(process.argv[2] ?? 2000);
const WORKERS = 4;
const COMPANIES = 8;
/** how many times faster than real time: a minute of ConnectWise's lasts 20 s */
const COMPRESSION = 3;
const DEFAULT = apiLimitOf('connectwise');
const WINDOW_MS = DEFAULT.windowMs / COMPRESSION;
/** contactsync's budget: its default, per (compressed) window */
const SHARE = DEFAULT.limit;
/** the cloud front's limit per window (none is published: a reading in which the MSP's other tools have room) */
const LIMIT = 1000;
/** the MSP's other tools' requests per window: all the cloud front leaves beyond contactsync's budget */
const OTHERS = LIMIT - SHARE;
const SITE = (company: number) => 100 + company;

async function startConnectwise() {
  return startSimulators(
    parseSeed({
      connectwise: {
        companies: Array.from({ length: COMPANIES }, (_, c) => ({
          id: c + 1,
          identifier: `Backlog${c + 1}`,
          name: `Backlog ${c + 1}`,
          sites: [{ id: SITE(c + 1), name: 'HQ', primaryAddressFlag: true }],
        })),
      },
      simulate: { connectwise: { rateLimit: { limit: LIMIT, windowMs: WINDOW_MS } } },
    }),
  );
}

/**
 * The cloud front's counts of our requests (when each was let through, and the 429s), while the MSP's other tools
 * spend `OTHERS` a window at a steady pace on the same limit (their 429s counted apart). Stop the others when done.
 */
function watch(sims: RunningSimulators) {
  const seen = { counted: [] as number[], throttled429: 0, othersThrottled429: 0 };
  const { limiter } = sims.connectwise;
  const member = sims.credentials.connectwise.publicKey;
  const take = limiter.take.bind(limiter);
  limiter.take = (key, cost) => {
    const wait = take(key, cost);
    if (wait === 0) seen.counted.push(Date.now());
    else seen.throttled429 += 1;
    return wait;
  };
  const others = setInterval(() => {
    if (take(member) > 0) seen.othersThrottled429 += 1;
  }, WINDOW_MS / OTHERS);
  return { seen, stop: () => clearInterval(others) };
}

const clientsOf = (sims: RunningSimulators, budgetOf: () => RequestBudget) =>
  Array.from(
    { length: WORKERS },
    () =>
      new ConnectwisePsa({
        credentials: sims.credentials.connectwise,
        baseUrl: `${sims.urls.connectwise}/${CONNECTWISE_CODEBASE}apis/3.0/`,
        budget: budgetOf(),
      }),
  );

await withBacklogDatabase('contactsync_cwrate', async (open) => {
  // The backlog, the budget shared through PostgreSQL.
  const sims = await startConnectwise();
  const { seen, stop } = watch(sims);
  const started = Date.now();
  const failed = await createBacklog(
    clientsOf(sims, () => createApiBudget({ connectwise: { limit: SHARE, windowMs: WINDOW_MS } }, open().pool!)),
    COMPANIES,
    Math.ceil(USERS / COMPANIES),
    SITE,
  );
  const elapsedMs = Date.now() - started;
  stop();
  await sims.close();
  const perWindow = perFullWindow(seen.counted, WINDOW_MS);

  // The control: the same workers with no budget (a client that does not pace itself).
  const control = await startConnectwise();
  const controlWatch = watch(control);
  const uncapped: RequestBudget = { acquire: async () => {}, slots: { hold: async () => async () => {} } };
  // More creates than the cloud front allows in a window, sent as fast as the workers go.
  await createBacklog(
    clientsOf(control, () => uncapped),
    COMPANIES,
    Math.ceil((LIMIT * 1.5) / COMPANIES),
    SITE,
  );
  controlWatch.stop();
  await control.close();
  console.log(
    JSON.stringify({
      bench: 'connectwise-rate',
      users: USERS,
      workers: WORKERS,
      companies: COMPANIES,
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
      throttled429: seen.throttled429,
      othersThrottled429: seen.othersThrottled429,
      controlThrottled429: controlWatch.seen.throttled429,
    }),
  );
});
