import { BULK_SIZE as ITGLUE_BULK } from '../../src/connectors/itglue/wire.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import type { Seed } from '../../src/sandbox/seed.ts';
import type { LoggedRequest } from '../../src/sandbox/sim-server.ts';

export const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

/**
 * The contract guard (CONTRACTS.md, "Checking the guesses") reads back the first write of each kind in a run, and
 * writes that first one alone: n writes of a kind in bulks are then 1 + ⌈(n − 1) / bulk⌉ requests, plus the read.
 */
export const guarded = (n: number, bulk: number) => (n === 0 ? 0 : 1 + Math.ceil((n - 1) / bulk) + 1);

/** Requests per simulated API (the sign-in is not counted); a target the seeds of a benchmark lack has no key. */
export type Counts = Record<'graph' | 'itglue' | 'bms' | 'autotask', number> & { connectwise?: number; halo?: number };

export function count(requests: readonly LoggedRequest[]): Counts {
  const counts: Counts = { graph: 0, itglue: 0, bms: 0, autotask: 0 };
  for (const r of requests) {
    const api = r.server as keyof Counts;
    if (r.server !== 'login') counts[api] = (counts[api] ?? 0) + 1;
  }
  return counts;
}

/** A record's fields in a fixed order, to tell whether a run changed it. */
export const canonical = (record: object) =>
  JSON.stringify(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The tenants a run planned (an unchanged or unmapped tenant reads nothing of the targets). */
export const plannedOf = (results: readonly TenantRunResult[]) =>
  results.filter((r) => r.status !== 'unchanged' && r.status !== 'unmapped');

/** Graph: a first read is the delta link, then the users at 999 a page; later, one delta page per tenant. */
export function graphBound(
  seed: Seed,
  results: readonly TenantRunResult[],
  sims: { graph: { users(id: string): unknown[] } },
  firstRun: boolean,
): number {
  let bound = 0;
  for (const result of results) {
    if (result.status === 'unmapped') continue;
    const users = sims.graph.users(result.tenantId).length;
    bound += firstRun ? 1 + pages(users, 999) : 1;
  }
  for (const result of plannedOf(results)) {
    const tenant = seed.tenants.find((t) => t.id === result.tenantId)!;
    if (JSON.stringify(tenant.settings).includes('tenantMain')) bound += 1; // the organization's main number
  }
  return bound;
}

/** IT Glue: the organizations and contact types once, then per planned tenant its contacts and writes. */
export function itglueBound(
  seed: Seed,
  results: readonly TenantRunResult[],
  firstRun: boolean,
  before: Pick<Seed, 'itglue'>,
): number {
  const planned = plannedOf(results);
  let bound = planned.length > 0 && firstRun ? 1 + pages(seed.itglue!.organizations.length, 1000) : 0;
  for (const result of planned) {
    const tenant = seed.tenants.find((t) => t.id === result.tenantId)!;
    // The contacts IT Glue held when the run began (a later run reads the ones the first one made too).
    const organization = before.itglue!.organizations.find(
      (o) => o.id === seed.itglue!.organizations[seed.tenants.indexOf(tenant)]!.id,
    )!;
    const created = result.users.filter((u) => u.doc === 'created').length;
    const updates = result.users.filter((u) => u.doc === 'updated' || u.doc === 'inactivated');
    // IT Glue's bulk update documents no emails or phones: a change of them is one request per contact.
    const alone = updates.filter((u) =>
      u.diffs.some((d) => d.field === 'contact-emails' || d.field === 'contact-phones'),
    ).length;
    // The contacts IT Glue's PSA integration mirrors come with the contact list (their adapter links): no request.
    bound +=
      1 +
      pages(organization.contacts.length + created, 1000) +
      guarded(created, ITGLUE_BULK) +
      alone +
      (updates.length - alone === 0 ? (alone > 0 ? 1 : 0) : guarded(updates.length - alone, ITGLUE_BULK));
  }
  return bound;
}
