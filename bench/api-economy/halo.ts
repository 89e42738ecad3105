// API economy on HaloPSA: the real pipeline (startSandbox, syncAll) against the strict Halo simulator, with IT Glue as
// the documentation platform or with Halo alone; requests counted from the simulators' log. Halo's lower bound is
// what any correct client must send by the contract (CONTRACTS.md, "HaloPSA API"), computed from Halo's own records
// before and after each run, never from the client:
// - once per process, the sign-in: `GET /api/authinfo` for the auth server (the config names none, as the sandbox's
//   does not) and one client-credentials token (it lasts an hour; every phase here takes less), and the clients at the
//   largest page to map the tenants (by the Azure tenants a client lists, else by name);
// - per planned tenant, its client's users (active and inactive: a leaver's contact must be found too) and its sites,
//   each at the largest page; and, on a later run, which maps nothing, the client itself, for its main site (the site
//   list does not mark it; the client list read to map carries it on the first run);
// - one `POST /api/Users` per user created or changed (the contract's create and update, one user a request);
// - the contract guard's read-back of the first create, update and inactivation of each tenant's run.
// Halo's largest page is unknown (CONTRACTS.md); the simulator cuts pages to its `pageSizeCap`, so no client can read a
// list in fewer pages than that gives. A change of primary address keeps the older one in `email2` or `email3`: the
// listing already says which is free, so it costs no read.
import type { HaloSeed } from '../../src/sandbox/halo/halo-seed.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { canonical, pages, plannedOf } from './bounds.ts';
import { generatedSeed, heldByPsa } from './generated-seed.ts';
import { measurePsaPhases } from './psa-phases.ts';

/** How many times faster Halo's rolling window passes than the real one's. */
const COMPRESSION = 100;

/**
 * The generated tenants with a Halo client each (one site, its main one). The clients of even tenants list the tenant
 * among their Azure tenants under a name of their own (mapped by the tenant's id); the others carry the tenant's name
 * (mapped by it). Halo already holds half of each tenant's users, each with no title and an old phone, so that linking
 * it writes: one in five by its primary address, one in five by an alias in `email2` (another primary address), one in
 * ten by its `azureoid` alone, every address of it changed since. And 20 people of each client who are not Microsoft
 * users.
 */
export function haloSeed(tenants: number, users: number, withItGlue: boolean): Seed {
  const { bms: _bms, itglue, ...base } = generatedSeed(tenants, users);
  const held = heldByPsa(base, 500_000);
  let userId = 900_000;
  const clients = base.tenants.map((tenant, t) => {
    const site = 4000 + t;
    const people = held[t]!.map((person) => ({
      id: person.id,
      firstname: person.firstName,
      surname: person.lastName,
      name: `${person.firstName} ${person.lastName}`,
      emailaddress: person.primary,
      ...(person.isUser ? { email2: person.alias, phonenumber: '+1 206 555 0000' } : {}),
      site_id: site,
    }));
    // Found by the object id alone: every address this user had in Halo has changed since.
    const moved = tenant.users
      .filter((_, u) => u % 10 === 2)
      .map((user) => ({
        id: userId++,
        firstname: user.givenName,
        surname: user.surname,
        name: `${user.givenName} ${user.surname}`,
        emailaddress: `former.${user.mail}`.replace('@', `@previous${t}.`),
        phonenumber: '+1 206 555 0000',
        azureoid: user.id,
        site_id: site,
      }));
    return {
      id: t + 1,
      name: t % 2 === 0 ? `${tenant.displayName} (Halo)` : tenant.displayName,
      main_site_id: site,
      azure_tenants: t % 2 === 0 ? [{ azure_tenant_id: tenant.id }] : [],
      sites: [{ id: site, name: 'Main' }],
      users: [...people, ...moved],
    };
  });
  return parseSeed(JSON.parse(JSON.stringify({ ...base, ...(withItGlue ? { itglue } : {}), halo: { clients } })));
}

/** Halo's part of the lower bound, from its records before and after the run. */
function haloBound(
  seed: Seed,
  results: readonly TenantRunResult[],
  firstRun: boolean,
  before: HaloSeed,
  after: HaloSeed,
): number {
  const page = seed.simulate.halo.pageSizeCap;
  const planned = plannedOf(results);
  let bound = planned.length > 0 && firstRun ? 2 + pages(before.clients.length, page) : 0;
  for (const result of planned) {
    const id = seed.halo!.clients[seed.tenants.findIndex((t) => t.id === result.tenantId)]!.id;
    const was = before.clients.find((c) => c.id === id)!;
    const now = after.clients.find((c) => c.id === id)!;
    const old = new Map(was.users.map((u) => [u.id, u]));
    const created = now.users.filter((u) => !old.has(u.id)).length;
    const changed = now.users.filter((u) => old.has(u.id) && canonical(old.get(u.id)!) !== canonical(u));
    const inactivated = changed.filter((u) => u.inactive && !old.get(u.id)!.inactive).length;
    const kinds = [created, inactivated, changed.length - inactivated].filter((n) => n > 0).length;
    bound +=
      pages(was.users.length, page) +
      pages(was.sites.length, page) +
      (firstRun ? 0 : 1) +
      created +
      changed.length +
      kinds;
  }
  return bound;
}

/** The three phases on generated tenants, on IT Glue + Halo or on Halo alone. */
export async function measureHalo(withItGlue: boolean, tenants = 5, users = 600): Promise<void> {
  const seed = haloSeed(tenants, users, withItGlue);
  const { requestLimit, windowMs } = seed.simulate.halo;
  await measurePsaPhases({
    name: `generated on ${withItGlue ? 'IT Glue + Halo' : 'Halo alone'} (${tenants} tenants × ${users} users)`,
    seed,
    psa: 'halo',
    // IT Glue's window compressed as in the other seeds, and Halo's 100×, in the simulator and the client alike: the
    // number of requests does not depend on it.
    limits: {
      itglue: { limit: 3000, windowMs: 30_000 },
      halo: { limit: requestLimit, windowMs: windowMs / COMPRESSION },
    },
    psaBound: ({ results, firstRun, before, after }) => haloBound(seed, results, firstRun, before.halo!, after.halo!),
    extra: (requests) => ({ haloDeletes: requests.filter((r) => r.method === 'DELETE').length }),
  });
}
