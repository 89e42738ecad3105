import type { Plan } from '../domain/plan.ts';
import type { Psa } from '../domain/ports.ts';
import type { PsaContact } from '../domain/psa-contact.ts';
import { planTenantSync, type TenantSyncInput } from '../sync/plan.ts';
import { differsOnlyUnlisted, listingOf } from '../sync/psa-fields.ts';

/**
 * Plans the tenant. A PSA write that differs from the contact only in fields the PSA's listing does not give (phone,
 * types) is planned again from the contact read in full: one that holds them already (its write landed, but the
 * record of it was lost to a crash or to a backup taken before it) is not written again, and its link remembers them.
 */
export async function planTenant(input: TenantSyncInput, psa: Psa | null): Promise<Plan> {
  const plan = planTenantSync(input);
  if (psa === null || input.psa === null) return plan;
  const listed = new Map(input.psa.contacts.map((c) => [c.id, c]));
  const { unlisted } = input.targets.psa === null ? { unlisted: [] } : listingOf(input.targets.psa);
  const unsure = plan.actions.flatMap((action) => {
    const leg = action.psa;
    if (leg.kind !== 'update' && !(leg.kind === 'link' && leg.write)) return [];
    const current = listed.get(leg.contactId);
    return current !== undefined && differsOnlyUnlisted(current, leg.diffs, unlisted) ? [leg.contactId] : [];
  });
  if (unsure.length === 0) return plan;
  const read = new Map<number, PsaContact>();
  for (const id of unsure) {
    // A contact that cannot be read is written as planned, as it would have been.
    const found = await psa.readContact(id).catch(() => null);
    if (found !== null) read.set(id, found);
  }
  if (read.size === 0) return plan;
  const contacts = input.psa.contacts.map((c) => read.get(c.id) ?? c);
  return planTenantSync({ ...input, psa: { ...input.psa, contacts } });
}
