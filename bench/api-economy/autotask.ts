// API economy on Autotask: the real pipeline (startSandbox, syncAll) against the strict Autotask simulator, with IT Glue
// as the documentation platform or with Autotask alone; requests counted from the simulators' log. Autotask's lower
// bound is computed from Autotask's own records before and after each run, never from the client: the companies once
// (to map by name), per planned tenant its contacts and its locations at 500 a page (the documented page size), one
// write per contact created or changed, the contract guard's read-back of the first write of each kind, and the
// ThresholdInformation readings the design asks of a large run (before it, then every 5 minutes). The sandbox gives
// the zone's URL, so no zone is discovered (a discovering client would spend one request more, once per process).
import type { AutotaskSeed } from '../../src/sandbox/autotask/autotask-seed.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { canonical, pages, plannedOf } from './bounds.ts';
import { generatedSeed, heldByPsa } from './generated-seed.ts';
import { measurePsaPhases } from './psa-phases.ts';

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
  const held = heldByPsa(base, 500_000);
  const companies = base.tenants.map((tenant, t) => ({
    id: t + 1,
    companyName: tenant.displayName,
    locations: [{ id: 3000 + t, name: 'HQ', isPrimary: true }],
    contacts: held[t]!.map((person) => ({
      id: person.id,
      firstName: person.firstName,
      lastName: person.lastName,
      emailAddress: person.primary,
      ...(person.isUser ? { emailAddress2: person.alias, phone: '+1 206 555 0000' } : {}),
      companyLocationID: 3000 + t,
    })),
  }));
  return parseSeed(JSON.parse(JSON.stringify({ ...base, ...(withItGlue ? { itglue } : {}), autotask: { companies } })));
}

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
  const seed = autotaskSeed(tenants, users, withItGlue);
  let lastReading = Number.NEGATIVE_INFINITY;
  await measurePsaPhases({
    name: `generated on ${withItGlue ? 'IT Glue + Autotask' : 'Autotask alone'} (${tenants} tenants × ${users} users)`,
    seed,
    psa: 'autotask',
    // Autotask keeps its documented limit and contactsync its default share (5,000 an hour: the runs fit in one);
    // IT Glue's window is compressed as in the other seeds.
    limits: { itglue: { limit: 3000, windowMs: 30_000 } },
    psaBound: ({ results, firstRun, before, after, started, ended }) => {
      let bound = autotaskBound(seed, results, firstRun, before.autotask!, after.autotask!);
      if (bound > 0) {
        if (started - lastReading >= THRESHOLD_EVERY_MS) {
          bound += 1;
          lastReading = started;
        }
        for (; ended - lastReading >= THRESHOLD_EVERY_MS; lastReading += THRESHOLD_EVERY_MS) bound += 1;
      }
      return bound;
    },
    extra: (requests) => ({ putOrDelete: requests.filter((r) => r.method === 'PUT' || r.method === 'DELETE').length }),
  });
}
