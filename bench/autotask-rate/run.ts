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
import type { Kysely } from 'kysely';
import pg from 'pg';
import { AutotaskPsa } from '../../src/connectors/autotask/autotask-psa.ts';
import { createApiBudget } from '../../src/connectors/api-budgets.ts';
import { runAs } from '../../src/connectors/http/run-priority.ts';
import type { RequestBudget } from '../../src/connectors/http/request-budget.ts';
import type { AutotaskSimulator } from '../../src/sandbox/autotask/autotask-simulator.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { openPostgres, type OpenDatabase } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';

const USERS = Number(process.argv[2] ?? 2000);
const WORKERS = 4;
const COMPANIES = 8;
const LIMIT = 1000;
const WINDOW_MS = 30_000;
const SHARE = 0.5;
const OTHERS = 300;
const SERVICE_MS = 25;
const DELAY_PAST_HALF_MS = 60;
const server = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

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

/** `workers` workers, each taking the next company and creating its `perCompany` contacts one after another. */
async function backlog(clients: readonly AutotaskPsa[], perCompany: number): Promise<number> {
  let next = 0;
  let failed = 0;
  await Promise.all(
    clients.map((psa) =>
      runAs(false, async () => {
        for (let company = ++next; company <= COMPANIES; company = ++next) {
          await psa.listContacts(company);
          await psa.listLocations(company);
          for (let i = 0; i < perCompany; i++) {
            const result = await psa
              .createContact(company, {
                firstName: `First${i}`,
                lastName: `Company${company}`,
                jobTitle: null,
                emailAddress: `user${i}@company${company}.example`,
                emailTypeId: null,
                phoneNumber: '+12065550100',
                phoneTypeId: null,
                mobilePhone: null,
                locationId: 100 + company - 1,
                isActive: true,
              })
              .catch(() => ({ ok: false as const }));
            if (!result.ok) failed += 1;
          }
        }
      }),
    ),
  );
  return failed;
}

// The backlog, the budget shared through PostgreSQL.
const admin = new pg.Client({ connectionString: server });
await admin.connect();
const name = `contactsync_atrate_${Date.now()}`;
await admin.query(`CREATE DATABASE ${name}`);
await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
const url = new URL(server);
url.pathname = `/${name}`;
const databases: OpenDatabase[] = [];
try {
  const first = openPostgres(url.toString());
  databases.push(first);
  await migrateToLatest(first.db as Kysely<unknown>);
  const sims = await startAutotask();
  const seen = watch(sims.autotask);
  const share = Math.floor(LIMIT * SHARE);
  const clients = Array.from({ length: WORKERS }, (_, w) => {
    const database = w === 0 ? first : openPostgres(url.toString());
    if (w > 0) databases.push(database);
    return new AutotaskPsa({
      credentials: sims.credentials.autotask,
      baseUrl: `${sims.urls.autotask}/atservicesrest/`,
      budget: createApiBudget({ autotask: { limit: share, windowMs: WINDOW_MS } }, database.pool!),
    });
  });
  const started = Date.now();
  const failed = await backlog(clients, Math.ceil(USERS / COMPANIES));
  const elapsedMs = Date.now() - started;
  const firstAt = seen.counted[0]!;
  const lastWindow = Math.floor((seen.counted.at(-1)! - firstAt) / WINDOW_MS);
  const perWindow = Array.from({ length: lastWindow }, () => 0);
  for (const at of seen.counted) {
    const window = Math.floor((at - firstAt) / WINDOW_MS);
    if (window < lastWindow) perWindow[window]! += 1;
  }
  const utilization = perWindow.length === 0 ? 0 : perWindow.reduce((a, b) => a + b, 0) / perWindow.length / share;
  await sims.close();

  // The control: the same workers, no budget and the thread cap lifted (a client that does not count its threads).
  const control = await startAutotask();
  const controlSeen = watch(control.autotask);
  const uncapped: RequestBudget = { acquire: async () => {}, slots: { hold: async () => async () => {} } };
  await backlog(
    Array.from(
      { length: WORKERS },
      () =>
        new AutotaskPsa({
          credentials: control.credentials.autotask,
          baseUrl: `${control.urls.autotask}/atservicesrest/`,
          budget: uncapped,
        }),
    ),
    10,
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
      utilization: Number(utilization.toFixed(3)),
      hourly429: seen.hourly429,
      thread429: seen.thread429,
      peakInFlight: seen.peakInFlight,
      controlThread429: controlSeen.thread429,
      controlPeakInFlight: controlSeen.peakInFlight,
    }),
  );
} finally {
  for (const database of databases) await database.db.destroy();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
