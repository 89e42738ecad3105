import type { NamedRecord } from '../domain/ports.ts';
import type { TargetProfile, Targets } from '../domain/target-profile.ts';
import { foldName } from '../normalize/name.ts';

/** What mapping by name decides for one tenant. */
type AutoMapping =
  | {
      readonly kind: 'map';
      /** null: the installation has no documentation platform */
      readonly organization: NamedRecord<string> | null;
      /** null: the documentation platform alone (the PSA has no customer of the name, or there is no PSA) */
      readonly account: NamedRecord<number> | null;
      /** what a technician is told about the PSA leg; null when every target present is mapped */
      readonly note: string | null;
    }
  | { readonly kind: 'unmapped'; readonly note: string };

type Found<Id> =
  | { readonly kind: 'one'; readonly record: NamedRecord<Id> }
  | { readonly kind: 'none'; readonly lacks: string }
  /** several of the name, or the one of the name is another tenant's: a person must choose */
  | { readonly kind: 'refused'; readonly why: string };

/**
 * The customer record of `target` that names the tenant's id as its own (where the target keeps such ids), else the
 * one named like the tenant, among `records`; `taken`: the ones other tenants use.
 */
function findByName<Id>(
  target: TargetProfile | null,
  records: readonly NamedRecord<Id>[] | null,
  taken: ReadonlySet<Id>,
  displayName: string,
  tenantId: string | null,
): Found<Id> | null {
  if (target === null || records === null) return null;
  const id = tenantId?.toLowerCase();
  const byTenantId = records.filter((record) => record.directoryTenantIds?.some((t) => t.toLowerCase() === id));
  const name = foldName(displayName);
  const named = byTenantId.length > 0 ? byTenantId : records.filter((record) => foldName(record.name) === name);
  const record = named[0];
  const { words } = target;
  if (record === undefined)
    return { kind: 'none', lacks: `${words.name} has no ${words.customer} named "${displayName}"` };
  if (named.length > 1)
    return {
      kind: 'refused',
      why:
        byTenantId.length > 0
          ? `${words.name} has ${named.length} ${target.customerPlural} that name the tenant's id (${tenantId})`
          : `${words.name} has ${named.length} ${target.customerPlural} named "${displayName}"`,
    };
  if (taken.has(record.id))
    return {
      kind: 'refused',
      why: `${words.name} ${words.customer} "${record.name}" is already mapped to another tenant`,
    };
  return { kind: 'one', record };
}

const FIX = 'map it on its page, or with contactsync tenants map';

/**
 * Maps a tenant by name (DESIGN.md): the customer record of each target present whose folded name equals the
 * tenant's. The documentation platform alone when the PSA has no such customer; unmapped, saying which target lacks
 * the name, when the documentation platform has none (or, without one, the PSA). A customer record another tenant
 * uses is never taken by name. A customer record that names the tenant's id (`directoryTenantIds`) is the tenant's
 * before any name. A `null` list: the installation has no target of that role.
 */
export function autoMapping(
  displayName: string,
  organizations: readonly NamedRecord<string>[] | null,
  accounts: readonly NamedRecord<number>[] | null,
  taken: { readonly organizations: ReadonlySet<string>; readonly accounts: ReadonlySet<number> },
  targets: Targets,
  tenantId: string | null = null,
): AutoMapping {
  const doc = findByName(targets.doc, organizations, taken.organizations, displayName, tenantId);
  const psa = findByName(targets.psa, accounts, taken.accounts, displayName, tenantId);
  if (doc?.kind === 'none') {
    const also =
      psa?.kind === 'none' ? `, and ${targets.psa!.words.name} has no ${targets.psa!.words.customer} of that name` : '';
    return { kind: 'unmapped', note: `${doc.lacks}${also}: ${FIX}.` };
  }
  if (doc?.kind === 'refused') return { kind: 'unmapped', note: `${doc.why}: ${FIX}.` };
  const organization = doc?.record ?? null;
  if (psa === null)
    return organization === null
      ? { kind: 'unmapped', note: `No target is configured: ${FIX}.` }
      : { kind: 'map', organization, account: null, note: null };
  if (psa.kind === 'refused') return { kind: 'unmapped', note: `${psa.why}: ${FIX}.` };
  if (psa.kind === 'one') return { kind: 'map', organization, account: psa.record, note: null };
  return organization === null
    ? { kind: 'unmapped', note: `${psa.lacks}: ${FIX}.` }
    : {
        kind: 'map',
        organization,
        account: null,
        note: `${psa.lacks}: only ${targets.doc!.words.name} is synced (${FIX} when there is one).`,
      };
}
