import type { TenantRecord } from '../domain/tenant-record.ts';
import { autoMapping } from '../sync/auto-mapping.ts';
import type { RunnerDependencies } from './run-dependencies.ts';

/** The note of a tenant mapped to the documentation platform alone, when the installation has a PSA too. */
function docOnlyNote(deps: Pick<RunnerDependencies, 'targets'>, tenant: TenantRecord): string | null {
  const { doc, psa } = deps.targets;
  if (tenant.psaCustomerId !== null || doc === null || psa === null) return tenant.mappingNote;
  return tenant.mappingNote ?? `Mapped to ${doc.words.name} only: nothing is written to ${psa.words.name}.`;
}

/**
 * Maps each unmapped tenant by name (see `autoMapping`): every target present, the documentation platform alone when
 * the PSA lacks the name, or unmapped with a note saying which target lacks it. Mapped tenants whose customers'
 * names are not known yet get them.
 */
export async function mapTenants(deps: RunnerDependencies): Promise<void> {
  const { store, doc, psa } = deps;
  const all = await store.listTenants();
  const unmapped = all.filter((t) => t.mapping === 'unmapped');
  const unnamed = all.filter(
    (t) =>
      (t.docCustomerId !== null && t.docCustomerName === null) ||
      (doc === null && t.psaCustomerId !== null && t.psaCustomerName === null),
  );
  if (unmapped.length === 0 && unnamed.length === 0) return;
  const [organizations, accounts] = await Promise.all([doc?.listOrganizations() ?? null, psa?.listAccounts() ?? null]);
  for (const tenant of unnamed) {
    const organization = organizations?.find((o) => o.id === tenant.docCustomerId);
    const account = accounts?.find((a) => a.id === tenant.psaCustomerId);
    // The same mapping, named: not a change that calls for a full plan of the tenant.
    await store.setMappingNames(
      tenant.id,
      { doc: tenant.docCustomerId, psa: tenant.psaCustomerId },
      { doc: organization?.name ?? null, psa: account?.name ?? null, note: docOnlyNote(deps, tenant) },
    );
  }
  const taken = {
    organizations: new Set(all.flatMap((t) => (t.docCustomerId === null ? [] : [t.docCustomerId]))),
    accounts: new Set(all.flatMap((t) => (t.psaCustomerId === null ? [] : [t.psaCustomerId]))),
  };
  for (const tenant of unmapped) {
    const decided = autoMapping(tenant.displayName, organizations, accounts, taken, deps.targets, tenant.id);
    if (decided.kind === 'unmapped') {
      await store.setMappingNote(tenant.id, decided.note);
      deps.log?.('warn', 'tenant left unmapped: a person must choose', { tenantId: tenant.id, why: decided.note });
      continue;
    }
    const { organization, account } = decided;
    await store.setMapping(tenant.id, organization?.id ?? null, account?.id ?? null, 'auto', {
      doc: organization?.name ?? null,
      psa: account?.name ?? null,
      note: decided.note,
    });
    await store.setTenantStatus(tenant.id, 'ok');
    if (organization !== null) taken.organizations.add(organization.id);
    if (account !== null) taken.accounts.add(account.id);
  }
}
