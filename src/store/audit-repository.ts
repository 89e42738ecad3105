import type { AuditEntry, AuditFilter } from '../domain/audit-entry.ts';
import { now, type StoreContext } from './store-context.ts';

/** The audit log: what people did, by whom, about which tenant and person. */
export function auditRepository({ db }: StoreContext) {
  /** Records an admin action; `about` names the tenant and the person it concerns, for filters and links. */
  async function audit(
    actor: string,
    action: string,
    target: string,
    details: Record<string, unknown> = {},
    about: { readonly tenantId?: string; readonly userId?: string } = {},
  ): Promise<void> {
    await db
      .insertInto('audit')
      .values({
        id: crypto.randomUUID(),
        at: now(),
        actor,
        action,
        target,
        details: JSON.stringify(details),
        tenant_id: about.tenantId ?? null,
        user_id: about.userId ?? null,
      })
      .execute();
  }

  /** The audit log, newest first, filtered by tenant, person, who and what (an action or its family: `contact`). */
  async function listAudit(filter: AuditFilter | number = {}): Promise<AuditEntry[]> {
    const options: AuditFilter = typeof filter === 'number' ? { limit: filter } : filter;
    let query = db
      .selectFrom('audit')
      .selectAll()
      .orderBy('at', 'desc')
      .orderBy('id')
      .limit(options.limit ?? 100)
      .offset(options.offset ?? 0);
    if (options.tenantId !== undefined && options.aboutTenantOnly === true)
      query = query.where('tenant_id', '=', options.tenantId);
    else if (options.tenantId !== undefined)
      query = query.where((eb) =>
        // Older entries name their tenant as the target; a sign-in's target is only the name someone typed.
        eb.or([
          eb('tenant_id', '=', options.tenantId!),
          eb.and([eb('target', '=', options.tenantId!), eb('action', 'not like', 'login.%')]),
        ]),
      );
    if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
    if (options.actor !== undefined) query = query.where('actor', '=', options.actor);
    if (options.action !== undefined)
      query = query.where((eb) =>
        eb.or([eb('action', '=', options.action!), eb('action', 'like', `${options.action!.replace(/[%_]/g, '')}.%`)]),
      );
    return (await query.execute()).map((row) => ({
      at: row.at,
      actor: row.actor,
      action: row.action,
      target: row.target,
      details: JSON.parse(row.details) as Record<string, unknown>,
      tenantId: row.tenant_id,
      userId: row.user_id,
    }));
  }

  /** Who appears in the audit log, for the log's filter. */
  async function auditActors(): Promise<string[]> {
    return (await db.selectFrom('audit').select('actor').distinct().orderBy('actor').execute()).map((r) => r.actor);
  }

  return { audit, listAudit, auditActors };
}
