// API economy: requests per API for a full sync, a sync with no change and one with 1% of users changed, against the
// lower bound computed from the data (pages at the largest page size each API serves, plus one write per changed
// record, fewer where a bulk endpoint exists, one read before each BMS update, and the contract guard's read-back of
// the first write of each kind in a run, that write sent alone). Prints one JSON line per figure.
import pino from 'pino';
import { BMS_PAGE_SIZE } from '../../src/connectors/bms/wire.ts';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type Seed } from '../../src/sandbox/seed.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { measureAutotask } from './autotask.ts';
import { measureConnectwise } from './connectwise.ts';
import { count, graphBound, itglueBound, pages, plannedOf, type Counts } from './bounds.ts';
import { generatedSeed } from './generated-seed.ts';
import { measureHalo } from './halo.ts';

/** The fewest requests that could read what a run read and write what it wrote. */
function lowerBound(
  seed: Seed,
  results: readonly TenantRunResult[],
  sims: { graph: { users(id: string): unknown[] } },
  firstRun: boolean,
  before: Pick<Seed, 'itglue' | 'bms'>,
): Counts {
  const bound: Counts = {
    graph: graphBound(seed, results, sims, firstRun),
    itglue: itglueBound(seed, results, firstRun, before),
    bms: 0,
    autotask: 0,
  };
  const planned = plannedOf(results);
  // Once per process: the BMS login and types, the accounts to map by name. BMS's account lookup gives no total, so
  // a page more (empty, or the same list again) shows where it ends.
  if (planned.length > 0 && firstRun) bound.bms += 1 + 2 + pages(seed.bms!.accounts.length, BMS_PAGE_SIZE) + 1;
  for (const result of planned) {
    const tenant = seed.tenants.find((t) => t.id === result.tenantId)!;
    const account = before.bms!.accounts.find((a) => a.id === seed.bms!.accounts[seed.tenants.indexOf(tenant)]!.id)!;
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
await measureAutotask(true);
await measureAutotask(false);
await measureConnectwise(true);
await measureConnectwise(false);
await measureHalo(true);
await measureHalo(false);
