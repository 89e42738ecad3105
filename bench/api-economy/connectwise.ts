// API economy on ConnectWise PSA: the real pipeline (startSandbox, syncAll) against the strict ConnectWise simulator,
// with IT Glue as the documentation platform or with ConnectWise alone; requests counted from the simulators' log.
// ConnectWise's lower bound is computed from ConnectWise's own records before and after each run, never from the
// client, as what any correct client of the contract (CONTRACTS.md, "ConnectWise PSA (Manage) REST API 3.0") must send:
// - once per process, the companies (to map tenants by name) and the communication types (the configured type names
//   are resolved to ids there: a create or an item names its type by id), each at 1,000 a page;
// - per planned tenant, its contacts and its sites at 1,000 a page (the documented maximum; the sites give the id of
//   the site a new contact is placed at);
// - one `POST company/contacts` per contact created, its emails and phones in the body (ConnectWise has no bulk create);
// - per contact changed, one JSON Patch of the contact when a field of its own changed (all of them in one patch), and
//   the fewest requests of the communications sub-resource that bring its items from before to after (the contract
//   writes emails and phones there): one per item changed, one per item added or removed, a removed item and an added
//   one of the same kind counting once (one could be patched into the other); a default flag that an item lost because
//   another of its kind became the default costs nothing (ConnectWise keeps one default per kind);
// - the contract guard's read-back (`GET company/contacts/{id}`) of the first create, update and inactivation.
// The sandbox gives the API base, so no codebase is discovered (a discovering client spends one request more, once per
// process, at the login site). Nothing needs deleting in these phases: any DELETE is counted apart, bar 0.
import type {
  ConnectwiseContactSeed,
  ConnectwiseItemSeed,
  ConnectwiseSeed,
} from '../../src/sandbox/connectwise/connectwise-seed.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { pages, plannedOf } from './bounds.ts';
import { generatedSeed, heldByPsa } from './generated-seed.ts';
import { measurePsaPhases } from './psa-phases.ts';

/** ConnectWise's documented largest page (CONTRACTS.md), not the client's constant: a client paging at 25 misses the bar. */
const PAGE = 1000;
/** ConnectWise's own types of a new database, which the config's defaults name. */
const EMAIL = { id: 1, name: 'Email' };
const DIRECT = { id: 2, name: 'Direct' };

/** An email item of the default email type. */
const email = (value: string, defaultFlag: boolean) => ({
  type: EMAIL,
  communicationType: 'Email',
  value,
  defaultFlag,
});

/**
 * The generated tenants with a ConnectWise company each (one site, HQ). ConnectWise already holds two users in five: one
 * in five by its default email item, one in five by another email item (an alias; its default is an older address);
 * each with no title and an old Direct phone, so that linking it writes. And 20 people of each company who are not
 * Microsoft users.
 */
export function connectwiseSeed(tenants: number, users: number, withItGlue: boolean): Seed {
  const { bms: _bms, itglue, ...base } = generatedSeed(tenants, users);
  const held = heldByPsa(base, 500_000);
  const companies = base.tenants.map((tenant, t) => {
    const site = { id: 3000 + t };
    return {
      id: t + 1,
      identifier: `Customer${t + 1}`,
      name: tenant.displayName,
      sites: [{ id: site.id, name: 'HQ', primaryAddressFlag: true }],
      contacts: held[t]!.map((person) => ({
        id: person.id,
        firstName: person.firstName,
        lastName: person.lastName,
        site,
        communicationItems: [
          email(person.primary, true),
          ...(person.alias === null ? [] : [email(person.alias, false)]),
          ...(person.isUser
            ? [{ type: DIRECT, communicationType: 'Phone', value: '+1 206 555 0000', defaultFlag: true }]
            : []),
        ],
      })),
    };
  });
  return parseSeed(
    JSON.parse(JSON.stringify({ ...base, ...(withItGlue ? { itglue } : {}), connectwise: { companies } })),
  );
}

/** Whether a field of the contact's own (a JSON Patch of the contact writes them) differs. */
const ownChanged = (was: ConnectwiseContactSeed, now: ConnectwiseContactSeed) =>
  was.firstName !== now.firstName ||
  was.lastName !== now.lastName ||
  was.title !== now.title ||
  (was.site?.id ?? null) !== (now.site?.id ?? null) ||
  was.inactiveFlag !== now.inactiveFlag;

/**
 * The fewest requests of the communications sub-resource that turn the items `was` into `now`: one per item changed,
 * and of the items of a kind (email, phone) added and removed, one per pair (a removed item patched into the added one)
 * and one per item left over. An item that only lost its default flag costs nothing when another of its kind became
 * the default (one default per kind: ConnectWise clears the other itself).
 */
function itemRequests(was: readonly ConnectwiseItemSeed[], now: readonly ConnectwiseItemSeed[]): number {
  const before = new Map(was.map((item) => [item.id, item]));
  const after = new Set(now.map((item) => item.id));
  const madeDefault = new Set(
    now.filter((i) => i.defaultFlag && before.get(i.id)?.defaultFlag !== true).map((i) => i.communicationType),
  );
  const kinds = new Set([...was, ...now].map((item) => item.communicationType));
  let requests = 0;
  for (const kind of kinds) {
    const added = now.filter((item) => item.communicationType === kind && !before.has(item.id)).length;
    const removed = was.filter((item) => item.communicationType === kind && !after.has(item.id)).length;
    requests += Math.max(added, removed);
  }
  for (const item of now) {
    const old = before.get(item.id);
    if (old === undefined) continue;
    if (old.value !== item.value || old.extension !== item.extension || old.type.id !== item.type.id) requests += 1;
    else if (item.defaultFlag && !old.defaultFlag) requests += 1;
    else if (!item.defaultFlag && old.defaultFlag && !madeDefault.has(item.communicationType)) requests += 1;
  }
  return requests;
}

/** ConnectWise's part of the lower bound, from its records before and after the run. */
function connectwiseBound(
  seed: Seed,
  results: readonly TenantRunResult[],
  firstRun: boolean,
  before: ConnectwiseSeed,
  after: ConnectwiseSeed,
): number {
  const planned = plannedOf(results);
  let bound =
    planned.length > 0 && firstRun
      ? pages(before.companies.length, PAGE) + pages(before.communicationTypes.length, PAGE)
      : 0;
  for (const result of planned) {
    const id = seed.connectwise!.companies[seed.tenants.findIndex((t) => t.id === result.tenantId)]!.id;
    const was = before.companies.find((c) => c.id === id)!;
    const now = after.companies.find((c) => c.id === id)!;
    const old = new Map(was.contacts.map((c) => [c.id, c]));
    const created = now.contacts.filter((c) => !old.has(c.id)).length;
    let writes = created;
    let inactivated = 0;
    let updated = 0;
    for (const contact of now.contacts) {
      const previous = old.get(contact.id);
      if (previous === undefined) continue;
      const own = ownChanged(previous, contact) ? 1 : 0;
      const items = itemRequests(previous.communicationItems, contact.communicationItems);
      if (own + items === 0) continue;
      writes += own + items;
      if (contact.inactiveFlag && !previous.inactiveFlag) inactivated += 1;
      else updated += 1;
    }
    // The contract guard reads back the first create, update and inactivation of the run.
    const kinds = [created, updated, inactivated].filter((n) => n > 0).length;
    bound += pages(was.contacts.length, PAGE) + pages(was.sites.length, PAGE) + writes + kinds;
  }
  return bound;
}

/** The three phases on generated tenants, on IT Glue + ConnectWise or on ConnectWise alone. */
export async function measureConnectwise(withItGlue: boolean, tenants = 5, users = 600): Promise<void> {
  const seed = connectwiseSeed(tenants, users, withItGlue);
  await measurePsaPhases({
    name: `generated on ${withItGlue ? 'IT Glue + ConnectWise' : 'ConnectWise alone'} (${tenants} tenants × ${users} users)`,
    seed,
    psa: 'connectwise',
    // ConnectWise keeps contactsync's default pace (600 a minute) with its minute compressed to 3 s, so that the runs
    // take seconds; the simulator's cloud front allows as much. IT Glue's window is compressed as in the other seeds.
    limits: { itglue: { limit: 3000, windowMs: 30_000 }, connectwise: { limit: 600, windowMs: 3_000 } },
    psaBound: ({ results, firstRun, before, after }) =>
      connectwiseBound(seed, results, firstRun, before.connectwise!, after.connectwise!),
    routeOf: (route) => route.replace(/^.*\/apis\/3\.0/, ''),
    extra: (requests) => ({ connectwiseDeletes: requests.filter((r) => r.method === 'DELETE').length }),
  });
}
