import type { Targets } from '../domain/target-profile.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';

/** Whether the tenant is mapped to a customer of some target: the daemon polls it, and its runs say what it lacks. */
export function mappedToAny(tenant: TenantRecord): boolean {
  return tenant.docCustomerId !== null || tenant.psaCustomerId !== null;
}

/** Whether a run can sync the tenant: it is mapped in its first target (the documentation platform, else the PSA). */
export function isMapped(tenant: TenantRecord, targets: Targets): boolean {
  return targets.doc !== null ? tenant.docCustomerId !== null : tenant.psaCustomerId !== null;
}

/** Why a tenant is not synced: the note mapping by name left, else how to map it. */
export function unmappedMessage(tenant: TenantRecord): string {
  return `${tenant.displayName} is not mapped: ${tenant.mappingNote ?? 'map it on its page, or with contactsync tenants map.'}`;
}
