// Autotask's limits on a backlog: 2,000 new contacts of 8 companies (250 each, as a first sync sends them: the
// company's contacts and locations, then one create after another) by 4 workers at once. Each worker has its own
// client and PostgreSQL pool: they share the hourly budget and the thread slots only through PostgreSQL, as worker
// processes do. The strict simulator gives each request a service time, so that requests overlap and its 3-thread
// limit can bite, and slows every call past half its limit as Autotask does. So that it runs in minutes, the
// database's limit is lowered to 1,000 an hour and its hour compressed to 30 s (in the simulator and in the workers'
// budget alike); the service time and the slowdown are scaled as the rate is (÷12), and the MSP's other integrations
// spend 30% of the limit. Reports the share of contactsync's budget (half the limit) it used in each full window, the
// 429s of the hourly limit and the "Thread Threshold Exceeded" refusals; then, as a control, the same workers with
// the client's thread cap lifted, to show that the limit bites. Needs PostgreSQL (DATABASE_URL, else the local one).
import { AutotaskPsa } from '../../src/connectors/autotask/autotask-psa.ts';
import { createApiBudget } from '../../src/connectors/api-budgets.ts';
import type { RequestBudget } from '../../src/connectors/http/request-budget.ts';
import type { AutotaskSimulator } from '../../src/sandbox/autotask/autotask-simulator.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { createBacklog, perFullWindow, utilizationOf, withBacklogDatabase } from '../psa-backlog/psa-backlog.ts';

const USERS = Number(process.argv[2] ?? 2000);
const WORKERS = 4;
const COMPANIES = 8;
const LIMIT = 1000;
const WINDOW_MS = 30_000;
const SHARE = 0.5;
const OTHERS = 300;
const SERVICE_MS = 25;
const DELAY_PAST_HALF_MS = 60;

/** The simulator's counts: requests the database counted (when), hourly-limit and thread refusals, peak in flight. */
function watch(autotask: AutotaskSimulator) {
  const seen = { counted: [] as number[], hourly429: 0, thread429: 0, peakInFlight: 0 };
  const { budget, threads } = autotask;
  const take = budget.take.bind(budget);
  budget.take = () => {
    const ok = take();
    if (ok) seen.counted.push(Date.now());
    else seen.hourly429 += 1;
    return ok;
  };
  const inFlight = new Map<string, number>();
  const takeThread = threads.take.bind(threads);
  const release = threads.release.bind(threads);
  threads.take = (code, endpoint) => {
    const ok = takeThread(code, endpoint);
    if (!ok) seen.thread429 += 1;
    else {
      const n = (inFlight.get(endpoint) ?? 0) + 1;
      inFlight.set(endpoint, n);
      seen.peakInFlight = Math.max(seen.peakInFlight, n);
    }
    return ok;
  };
  threads.release = (code, endpoint) => {
    inFlight.set(endpoint, (inFlight.get(endpoint) ?? 1) - 1);
    release(code, endpoint);
  };
  return seen;
}

async function startAutotask() {
  const sims = await startSimulators(
    parseSeed({
      autotask: {
        companies: Array.from({ length: COMPANIES }, (_, c) => ({
          id: c + 1,
          companyName: `Backlog ${c + 1}`,
          locations: [{ id: 100 + c, name: 'HQ', isPrimary: true }],
        })),
      },
      simulate: {
        autotask: {
          hourlyLimit: LIMIT,
          otherIntegrationsPerHour: OTHERS,
          serviceMs: SERVICE_MS,
          delayPastHalfMs: DELAY_PAST_HALF_MS,
        },
      },
    }),
  );
  sims.autotask.budget.windowMs = WINDOW_MS;
  return sims;
}

/** Company c's location. */
const LOCATION = (company: number) => 100 + company - 1;

await withBacklogDatabase('contactsync_atrate', async (open) => {
  // The backlog, the budget shared through PostgreSQL.
  const sims = await startAutotask();
  const seen = watch(sims.autotask);
  const share = Math.floor(LIMIT * SHARE);
  const clients = Array.from(
    { length: WORKERS },
    () =>
      new AutotaskPsa({
        credentials: sims.credentials.autotask,
        baseUrl: `${sims.urls.autotask}/atservicesrest/`,
        budget: createApiBudget({ autotask: { limit: share, windowMs: WINDOW_MS } }, open().pool!),
      }),
  );
  const started = Date.now();
  const failed = await createBacklog(clients, COMPANIES, Math.ceil(USERS / COMPANIES), LOCATION);
  const elapsedMs = Date.now() - started;
  const perWindow = perFullWindow(seen.counted, WINDOW_MS);
  await sims.close();

  // The control: the same workers, no budget and the thread cap lifted (a client that does not count its threads).
  const control = await startAutotask();
  const controlSeen = watch(control.autotask);
  const uncapped: RequestBudget = { acquire: async () => {}, slots: { hold: async () => async () => {} } };
  await createBacklog(
    Array.from(
      { length: WORKERS },
      () =>
        new AutotaskPsa({
          credentials: control.credentials.autotask,
          baseUrl: `${control.urls.autotask}/atservicesrest/`,
          budget: uncapped,
        }),
    ),
    COMPANIES,
    10,
    LOCATION,
  );
  await control.close();
  console.log(
    JSON.stringify({
      bench: 'autotask-rate',
      users: USERS,
      workers: WORKERS,
      companies: COMPANIES,
      limit: LIMIT,
      share,
      othersPerWindow: OTHERS,
      windowMs: WINDOW_MS,
      serviceMs: SERVICE_MS,
      delayPastHalfMs: DELAY_PAST_HALF_MS,
      elapsedMs,
      requests: seen.counted.length,
      failedCreates: failed,
      fullWindows: perWindow.length,
      requestsPerFullWindow: perWindow,
      utilization: Number(utilizationOf(perWindow, share).toFixed(3)),
      hourly429: seen.hourly429,
      thread429: seen.thread429,
      peakInFlight: seen.peakInFlight,
      controlThread429: controlSeen.thread429,
      controlPeakInFlight: controlSeen.peakInFlight,
    }),
  );
});
