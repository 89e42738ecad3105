// API economy on Autotask: the real pipeline (startSandbox, syncAll) against the strict Autotask simulator, with IT Glue
// as the documentation platform or with Autotask alone; requests counted from the simulators' log. Autotask's lower
// bound is computed from Autotask's own records before and after each run, never from the client: the companies once
// (to map by name), per planned tenant its contacts and its locations at 500 a page (the documented page size), one
// write per contact created or changed, the contract guard's read-back of the first write of each kind, and the
// ThresholdInformation readings the design asks of a large run (before it, then every 5 minutes). The sandbox gives
// the zone's URL, so no zone is discovered (a discovering client would spend one request more, once per process).
import pino from 'pino';
import type { AutotaskSeed } from '../../src/sandbox/autotask/autotask-seed.ts';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { count, graphBound, itglueBound, pages, plannedOf, type Counts } from './bounds.ts';
import { generatedSeed } from './generated-seed.ts';

/** Autotask's documented page size (CONTRACTS.md), not the client's constant: a client paging at 100 misses the bar. */
const PAGE = 500;
/** The design's ThresholdInformation rule: read before a large run, then every 5 minutes of it. */
const THRESHOLD_EVERY_MS = 5 * 60_000;

/**
 * The generated tenants with an Autotask company each (one location, HQ). Autotask already holds two users in five:
 * one in five by its primary address, one in five by an alias in `emailAddress2` (another primary address); each with
 * no title and an old phone, so that linking it writes. And 20 people of each company who are not Microsoft users.
 */
export function autotaskSeed(tenants: number, users: number, withItGlue: boolean): Seed {
  const { bms: _bms, itglue, ...base } = generatedSeed(tenants, users);
  let contactId = 500_000;
  const companies = base.tenants.map((tenant, t) => {
    const domain = tenant.users[0]!.mail!.split('@')[1]!;
    const people = tenant.users.flatMap((user, u) =>
      u % 5 > 1
        ? []
        : [
            {
              id: contactId++,
              firstName: user.givenName,
              lastName: user.surname,
              emailAddress: u % 5 === 0 ? user.mail : `old${u}@${domain}`,
              emailAddress2: u % 5 === 1 ? `u${u}@${domain}` : null,
              phone: '+1 206 555 0000',
              companyLocationID: 3000 + t,
            },
          ],
    );
    const others = Array.from({ length: 20 }, (_, i) => ({
      id: contactId++,
      firstName: `Vendor${i}`,
      lastName: `Contact${t}`,
      emailAddress: `vendor${i}@supplier${t}.example`,
      companyLocationID: 3000 + t,
    }));
    return {
      id: t + 1,
      companyName: tenant.displayName,
      locations: [{ id: 3000 + t, name: 'HQ', isPrimary: true }],
      contacts: [...people, ...others],
    };
  });
  return parseSeed(JSON.parse(JSON.stringify({ ...base, ...(withItGlue ? { itglue } : {}), autotask: { companies } })));
}

/** A record's fields in a fixed order, to tell whether a run changed it. */
const canonical = (record: object) =>
  JSON.stringify(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const sum = (c: Counts) => c.graph + c.itglue + c.bms + c.autotask;

/** Autotask's part of the lower bound, from its records before and after the run. */
function autotaskBound(
  seed: Seed,
  results: readonly TenantRunResult[],
  firstRun: boolean,
  before: AutotaskSeed,
  after: AutotaskSeed,
): number {
  const planned = plannedOf(results);
  let bound = planned.length > 0 && firstRun ? pages(before.companies.length, PAGE) : 0;
  for (const result of planned) {
    const id = seed.autotask!.companies[seed.tenants.findIndex((t) => t.id === result.tenantId)]!.id;
    const was = before.companies.find((c) => c.id === id)!;
    const now = after.companies.find((c) => c.id === id)!;
    const old = new Map(was.contacts.map((c) => [c.id, c]));
    const created = now.contacts.filter((c) => !old.has(c.id)).length;
    const changed = now.contacts.filter((c) => old.has(c.id) && canonical(old.get(c.id)!) !== canonical(c));
    const inactivated = changed.filter((c) => c.isActive === 0 && old.get(c.id)!.isActive === 1).length;
    // The contract guard reads back the first create, update and inactivation of the run.
    const kinds = [created, inactivated, changed.length - inactivated].filter((n) => n > 0).length;
    bound += pages(was.contacts.length, PAGE) + pages(was.locations.length, PAGE) + created + changed.length + kinds;
  }
  return bound;
}

/** The three phases on generated tenants, on IT Glue + Autotask or on Autotask alone. */
export async function measureAutotask(withItGlue: boolean, tenants = 5, users = 600): Promise<void> {
  const name = `generated on ${withItGlue ? 'IT Glue + Autotask' : 'Autotask alone'} (${tenants} tenants × ${users} users)`;
  const seed = autotaskSeed(tenants, users, withItGlue);
  // Autotask keeps its documented limit and contactsync its default share (5,000 an hour: the runs fit in one);
  // IT Glue's window is compressed as in the other seeds.
  const box = await startSandbox({
    seed,
    logger: pino({ level: 'silent' }),
    limits: { itglue: { limit: 3000, windowMs: 30_000 } },
  });
  let lastReading = Number.NEGATIVE_INFINITY;
  let firstRun = true;
  const phase = async (label: string) => {
    const from = box.sims.requests.length;
    const before = box.sims.dump();
    const started = Date.now();
    const results = await box.syncAll();
    const ended = Date.now();
    const after = box.sims.dump();
    const requests = box.sims.requests.slice(from);
    const measured = count(requests);
    const bound: Counts = {
      graph: graphBound(seed, results, box.sims, firstRun),
      itglue: withItGlue ? itglueBound(seed, results, firstRun, before) : 0,
      bms: 0,
      autotask: autotaskBound(seed, results, firstRun, before.autotask!, after.autotask!),
    };
    if (bound.autotask > 0) {
      if (started - lastReading >= THRESHOLD_EVERY_MS) {
        bound.autotask += 1;
        lastReading = started;
      }
      for (; ended - lastReading >= THRESHOLD_EVERY_MS; lastReading += THRESHOLD_EVERY_MS) bound.autotask += 1;
    }
    firstRun = false;
    const autotask = requests.filter((r) => r.server === 'autotask');
    const byRoute: Record<string, number> = {};
    for (const r of autotask) byRoute[`${r.method} ${r.route}`] = (byRoute[`${r.method} ${r.route}`] ?? 0) + 1;
    console.log(
      JSON.stringify({
        bench: 'api-economy',
        seed: name,
        phase: label,
        measured,
        lowerBound: bound,
        writes: requests.filter(
          (r) =>
            r.server !== 'login' &&
            r.method !== 'GET' &&
            !/\/query(\/|$)/.test(r.route) &&
            !r.route.includes('authenticate'),
        ).length,
        ratio: Number((sum(measured) / sum(bound)).toFixed(3)),
        autotaskRatio: bound.autotask === 0 ? null : Number((measured.autotask / bound.autotask).toFixed(3)),
        autotaskRoutes: byRoute,
        putOrDelete: autotask.filter((r) => r.method === 'PUT' || r.method === 'DELETE').length,
        refused: autotask.filter((r) => r.status >= 400).length,
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
