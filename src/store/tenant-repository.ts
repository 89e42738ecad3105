import type { TenantRecord } from '../domain/tenant-record.ts';
import type { Database } from './schema.ts';
import { atomically, flag, now, type StoreContext, type StoreTarget } from './store-context.ts';

type MappedRow = Pick<Database['tenant_targets'], 'tenant_id' | 'target_id' | 'customer_id' | 'customer_name'>;

/** What a tenant is mapped to, by role: each given as the target names it. */
export interface ByRole<D, P> {
  readonly doc: D;
  readonly psa: P;
}

/** Tenants, what each is mapped to in each target, and whether its next run must plan. */
export function tenantRepository({ db, targets }: StoreContext) {
  function toTenant(row: Database['tenants'], mapped: readonly MappedRow[]): TenantRecord {
    const doc = mapped.find((m) => m.target_id === targets.doc?.id);
    const psa = mapped.find((m) => m.target_id === targets.psa?.id);
    return {
      id: row.id,
      displayName: row.display_name,
      docCustomerId: doc?.customer_id ?? null,
      psaCustomerId: psa?.customer_id === null || psa === undefined ? null : Number(psa.customer_id),
      docCustomerName: doc?.customer_name ?? null,
      psaCustomerName: psa?.customer_name ?? null,
      mappingNote: row.mapping_note,
      mapping: row.mapping as TenantRecord['mapping'],
      status: row.status,
      approveInactivations: Number(row.approve_inactivations) === 1,
      dirty: Number(row.dirty) === 1,
    };
  }

  const mappedRows = () =>
    db.selectFrom('tenant_targets').select(['tenant_id', 'target_id', 'customer_id', 'customer_name']);

  async function upsertTenant(id: string, displayName: string): Promise<void> {
    await db
      .insertInto('tenants')
      .values({
        id,
        display_name: displayName,
        mapping_note: null,
        mapping: 'unmapped',
        status: 'unmapped',
        approve_inactivations: 0,
        dirty: 1,
        created_at: now(),
        updated_at: now(),
      })
      .onConflict((oc) => oc.column('id').doUpdateSet({ display_name: displayName, updated_at: now() }))
      .execute();
  }

  async function listTenants(): Promise<TenantRecord[]> {
    const rows = await db.selectFrom('tenants').selectAll().orderBy('display_name').orderBy('id').execute();
    const mapped = new Map<string, MappedRow[]>();
    for (const m of await mappedRows().execute()) mapped.set(m.tenant_id, [...(mapped.get(m.tenant_id) ?? []), m]);
    return rows.map((row) => toTenant(row, mapped.get(row.id) ?? []));
  }

  async function getTenant(id: string): Promise<TenantRecord | null> {
    const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toTenant(row, await mappedRows().where('tenant_id', '=', id).execute());
  }

  /** The customer of each of the installation's targets, as it will be stored: ids as text. */
  function customers<D, P>(mapped: ByRole<D, P>): { target: StoreTarget; value: D | P }[] {
    return [
      ...(targets.doc === null ? [] : [{ target: targets.doc, value: mapped.doc }]),
      ...(targets.psa === null ? [] : [{ target: targets.psa, value: mapped.psa }]),
    ];
  }

  async function setMapping(
    id: string,
    docCustomerId: string | null,
    psaCustomerId: number | null,
    mapping: TenantRecord['mapping'],
    names: ByRole<string | null, string | null> & { readonly note: string | null } = {
      doc: null,
      psa: null,
      note: null,
    },
  ): Promise<void> {
    const at = now();
    const ids = customers<string | null, number | null>({ doc: docCustomerId, psa: psaCustomerId });
    const named = customers(names);
    await atomically(db, async (tx) => {
      await tx
        .updateTable('tenants')
        .set({ mapping_note: names.note, mapping, dirty: 1, updated_at: at })
        .where('id', '=', id)
        .execute();
      if (ids.length === 0) return;
      await tx
        .insertInto('tenant_targets')
        .values(
          ids.map(({ target, value }, i) => ({
            tenant_id: id,
            target_id: target.id,
            customer_id: value === null ? null : String(value),
            customer_name: named[i]!.value,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'target_id']).doUpdateSet((eb) => ({
            customer_id: eb.ref('excluded.customer_id'),
            customer_name: eb.ref('excluded.customer_name'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    });
  }

  /**
   * The names of what a tenant is mapped to, and the note, filled in for a mapping made by ids alone (the config's
   * tenants): the mapping is the same, so nothing has to be planned again.
   */
  async function setMappingNames(
    id: string,
    mapped: ByRole<string | null, number | null>,
    names: ByRole<string | null, string | null> & { readonly note: string | null },
  ): Promise<void> {
    const at = now();
    await atomically(db, async (tx) => {
      // Only while the tenant is still mapped to what was named: a person may have mapped it elsewhere meanwhile. The
      // tenant's row is written first, as a new mapping writes it first: the two take turns.
      const named = await tx
        .updateTable('tenants')
        .set({ mapping_note: names.note, updated_at: at })
        .where('id', '=', id)
        .where((eb) =>
          eb.and(
            customers<string | null, number | null>(mapped).map(({ target, value }) => {
              const row = eb
                .selectFrom('tenant_targets')
                .select('target_id')
                .where('tenant_id', '=', id)
                .where('target_id', '=', target.id);
              return value === null
                ? eb.not(eb.exists(row.where('customer_id', 'is not', null)))
                : eb.exists(row.where('customer_id', '=', String(value)));
            }),
          ),
        )
        .executeTakeFirst();
      if (Number(named.numUpdatedRows) === 0) return;
      for (const { target, value } of customers(names))
        await tx
          .updateTable('tenant_targets')
          .set({ customer_name: value, updated_at: at })
          .where('tenant_id', '=', id)
          .where('target_id', '=', target.id)
          .execute();
    });
  }

  /** Says why a tenant is unmapped (or mapped to one target only); null clears it. */
  async function setMappingNote(id: string, note: string | null): Promise<void> {
    await db.updateTable('tenants').set({ mapping_note: note }).where('id', '=', id).execute();
  }

  async function setTenantStatus(id: string, status: string): Promise<void> {
    await db.updateTable('tenants').set({ status, updated_at: now() }).where('id', '=', id).execute();
  }

  async function setApproval(id: string, approved: boolean): Promise<void> {
    await db
      .updateTable('tenants')
      .set({ approve_inactivations: flag(approved), dirty: 1, updated_at: now() })
      .where('id', '=', id)
      .execute();
  }

  /** Something other than Microsoft changed for the tenant: the next run plans even if Microsoft reports nothing. */
  async function markDirty(id: string, dirty = true): Promise<void> {
    await db
      .updateTable('tenants')
      .set({ dirty: flag(dirty) })
      .where('id', '=', id)
      .execute();
  }

  return {
    upsertTenant,
    listTenants,
    getTenant,
    setMapping,
    setMappingNames,
    setMappingNote,
    setTenantStatus,
    setApproval,
    markDirty,
  };
}
