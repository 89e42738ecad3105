// API economy: requests per API for a full sync, a sync with no change and one with 1% of users changed, against the
// lower bound computed from the data (pages at the largest page size each API serves, plus one write per changed
// record, fewer where a bulk endpoint exists, one read before each BMS update, and the contract guard's read-back of
// the first write of each kind in a run, that write sent alone). Prints one JSON line per figure.
import pino from 'pino';
import { BMS_PAGE_SIZE } from '../../src/connectors/bms/wire.ts';
import { BULK_SIZE as ITGLUE_BULK } from '../../src/connectors/itglue/wire.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { LoggedRequest } from '../../src/sandbox/sim-server.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { generatedSeed } from './generated-seed.ts';

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

/**
 * The contract guard (CONTRACTS.md, "Checking the guesses") reads back the first write of each kind in a run, and
 * writes that first one alone: n writes of a kind in bulks are then 1 + ⌈(n − 1) / bulk⌉ requests, plus the read.
 */
const guarded = (n: number, bulk: number) => (n === 0 ? 0 : 1 + Math.ceil((n - 1) / bulk) + 1);

type Counts = Record<'graph' | 'itglue' | 'bms', number>;

function count(requests: readonly LoggedRequest[]): Counts {
  const counts: Counts = { graph: 0, itglue: 0, bms: 0 };
  for (const r of requests) if (r.server !== 'login') counts[r.server as keyof Counts] += 1;
  return counts;
}

/** The fewest requests that could read what a run read and write what it wrote. */
function lowerBound(
  seed: Seed,
  results: readonly TenantRunResult[],
  sims: { graph: { users(id: string): unknown[] } },
  firstRun: boolean,
  before: Pick<Seed, 'itglue' | 'bms'>,
): Counts {
  const bound: Counts = { graph: 0, itglue: 0, bms: 0 };
  const planned = results.filter((r) => r.status !== 'unchanged' && r.status !== 'unmapped');
  for (const result of results) {
    if (result.status === 'unmapped') continue;
    const users = sims.graph.users(result.tenantId).length;
    // A first read: the delta link, then the users at 999 a page. Later: one delta page.
    bound.graph += firstRun ? 1 + pages(users, 999) : 1;
  }
  if (planned.length > 0 && firstRun) {
    // Once per process: the organizations and accounts to map by name, the contact types, the BMS login and types.
    // BMS's account lookup gives no total, so a page more (empty, or the same list again) shows where it ends.
    bound.itglue += 1 + pages(seed.itglue!.organizations.length, 1000);
    bound.bms += 1 + 2 + pages(seed.bms!.accounts.length, BMS_PAGE_SIZE) + 1;
  }
  for (const result of planned) {
    const tenant = seed.tenants.find((t) => t.id === result.tenantId)!;
    const settings = JSON.stringify(tenant.settings);
    if (settings.includes('tenantMain')) bound.graph += 1; // the organization's main number
    // The contacts IT Glue and BMS held when the run began (a later run reads the ones the first one made too).
    const organization = before.itglue!.organizations.find(
      (o) => o.id === seed.itglue!.organizations[seed.tenants.indexOf(tenant)]!.id,
    )!;
    const account = before.bms!.accounts.find((a) => a.id === seed.bms!.accounts[seed.tenants.indexOf(tenant)]!.id)!;
    const created = result.users.filter((u) => u.doc === 'created').length;
    const updates = result.users.filter((u) => u.doc === 'updated' || u.doc === 'inactivated');
    // IT Glue's bulk update documents no emails or phones: a change of them is one request per contact.
    const alone = updates.filter((u) =>
      u.diffs.some((d) => d.field === 'contact-emails' || d.field === 'contact-phones'),
    ).length;
    // The contacts IT Glue's PSA integration mirrors come with the contact list (their adapter links): no request.
    bound.itglue +=
      1 +
      pages(organization.contacts.length + created, 1000) +
      guarded(created, ITGLUE_BULK) +
      alone +
      (updates.length - alone === 0 ? (alone > 0 ? 1 : 0) : guarded(updates.length - alone, ITGLUE_BULK));
    const bmsWrites = result.users.filter(
      (u) => u.psa === 'created' || u.psa === 'updated' || u.psa === 'inactivated',
    ).length;
    const linkedWrites = result.users.filter((u) => u.psa === 'linked' && u.reasons.length > 0).length;
    // A BMS update sends the contact's whole email and phone lists, and no list read carries them all: each update
    // (an inactivation, a link that writes) reads the contact first, or it would delete what a person added.
    const bmsUpdates = result.users.filter((u) => u.psa === 'updated' || u.psa === 'inactivated').length + linkedWrites;
    // BMS serves at most 100 contacts a page; the guard reads back the first create, update and inactivation.
    const kinds = ['created', 'inactivated'].filter((kind) => result.users.some((u) => u.psa === kind)).length;
    const readBacks = kinds + (result.users.some((u) => u.psa === 'updated') || linkedWrites > 0 ? 1 : 0);
    bound.bms += 1 + pages(account.contacts.length, BMS_PAGE_SIZE) + bmsWrites + linkedWrites + bmsUpdates + readBacks;
  }
  return bound;
}

/** BMS allows 1,500 calls per hour per endpoint; the benchmark compresses the hour so that 10,000 creates take minutes. */
const COMPRESSED = { bms: { limit: 1500, windowMs: 15_000 }, itglue: { limit: 3000, windowMs: 30_000 } };

async function measure(name: string, seed: Seed): Promise<void> {
  const box = await startSandbox({ seed, logger: pino({ level: 'silent' }), limits: COMPRESSED });
  const report = (
    phase: string,
    from: number,
    results: TenantRunResult[],
    firstRun: boolean,
    before: Pick<Seed, 'itglue' | 'bms'>,
  ) => {
    const measured = count(box.sims.requests.slice(from));
    const bound = lowerBound(seed, results, box.sims, firstRun, before);
    const writes = box.sims.requests
      .slice(from)
      .filter((r) => r.server !== 'login' && r.method !== 'GET' && !r.route.includes('authenticate')).length;
    console.log(
      JSON.stringify({
        bench: 'api-economy',
        seed: name,
        phase,
        measured,
        lowerBound: bound,
        writes,
        ratio: Number(
          ((measured.graph + measured.itglue + measured.bms) / (bound.graph + bound.itglue + bound.bms)).toFixed(3),
        ),
      }),
    );
  };
  let from = box.sims.requests.length;
  let before = box.sims.dump();
  report('full', from, await box.syncAll(), true, before);
  from = box.sims.requests.length;
  before = box.sims.dump();
  report('no change', from, await box.syncAll(), false, before);
  // 1% of users change their job title.
  const all = seed.tenants.flatMap((t) => t.users.map((u) => ({ tenant: t.id, user: u })));
  const step = Math.max(1, Math.round(all.length / Math.max(1, Math.round(all.length * 0.01))));
  for (let i = 0; i < all.length; i += step)
    box.sims.graph.updateUser(all[i]!.tenant, all[i]!.user.id, { jobTitle: `Changed ${i}` });
  from = box.sims.requests.length;
  before = box.sims.dump();
  report('1% changed', from, await box.syncAll(), false, before);
  await box.close();
}

await measure('demo (3 tenants, 335 users)', parseSeed(JSON.parse(JSON.stringify(demoSeed()))));
await measure('generated (50 tenants × 200 users)', generatedSeed(50, 200));
