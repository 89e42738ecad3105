import type { TenantRecord } from '../domain/tenant-record.ts';
import type { Database } from './schema.ts';
import { flag, now, type StoreContext } from './store-context.ts';

function toTenant(row: Database['tenants']): TenantRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    docCustomerId: row.itglue_organization_id,
    psaCustomerId: row.bms_account_id === null ? null : Number(row.bms_account_id),
    docCustomerName: row.itglue_organization_name,
    psaCustomerName: row.bms_account_name,
    mappingNote: row.mapping_note,
    mapping: row.mapping as TenantRecord['mapping'],
    status: row.status,
    approveInactivations: Number(row.approve_inactivations) === 1,
    dirty: Number(row.dirty) === 1,
  };
}

/** Tenants, what each is mapped to, and whether its next run must plan. */
export function tenantRepository({ db }: StoreContext) {
  async function upsertTenant(id: string, displayName: string): Promise<void> {
    await db
      .insertInto('tenants')
      .values({
        id,
        display_name: displayName,
        itglue_organization_id: null,
        bms_account_id: null,
        itglue_organization_name: null,
        bms_account_name: null,
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
    return (await db.selectFrom('tenants').selectAll().orderBy('display_name').orderBy('id').execute()).map(toTenant);
  }

  async function getTenant(id: string): Promise<TenantRecord | null> {
    const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toTenant(row);
  }

  async function setMapping(
    id: string,
    itglueOrganizationId: string | null,
    bmsAccountId: number | null,
    mapping: TenantRecord['mapping'],
    names: { readonly doc: string | null; readonly bms: string | null; readonly note: string | null } = {
      doc: null,
      bms: null,
      note: null,
    },
  ): Promise<void> {
    await db
      .updateTable('tenants')
      .set({
        itglue_organization_id: itglueOrganizationId,
        bms_account_id: bmsAccountId,
        itglue_organization_name: names.doc,
        bms_account_name: names.bms,
        mapping_note: names.note,
        mapping,
        dirty: 1,
        updated_at: now(),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * The names of what a tenant is mapped to, and the note, filled in for a mapping made by ids alone (the config's
   * tenants): the mapping is the same, so nothing has to be planned again.
   */
  async function setMappingNames(
    id: string,
    mapped: { readonly doc: string | null; readonly bms: number | null },
    names: { readonly itglue: string | null; readonly psa: string | null; readonly note: string | null },
  ): Promise<void> {
    // Only while the tenant is still mapped to what was named: a person may have mapped it elsewhere meanwhile.
    await db
      .updateTable('tenants')
      .set({
        itglue_organization_name: names.itglue,
        bms_account_name: names.psa,
        mapping_note: names.note,
        updated_at: now(),
      })
      .where('id', '=', id)
      .where((eb) =>
        eb.and([
          mapped.doc === null
            ? eb('itglue_organization_id', 'is', null)
            : eb('itglue_organization_id', '=', mapped.doc),
          mapped.bms === null ? eb('bms_account_id', 'is', null) : eb('bms_account_id', '=', mapped.bms),
        ]),
      )
      .execute();
  }

  /** Says why a tenant is unmapped (or mapped to one system only); null clears it. */
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
