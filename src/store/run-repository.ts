import { sql, type Selectable } from 'kysely';
import type { RunRecord } from '../domain/run-record.ts';
import type { RunTable } from './schema.ts';
import { now, type StoreContext } from './store-context.ts';

function toRunRecord(row: Selectable<RunTable>): RunRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    counts: row.counts === null ? null : (JSON.parse(row.counts) as Record<string, number>),
    error: row.error,
  };
}

/** The runs of each tenant's sync. */
export function runRepository({ db }: StoreContext) {
  /**
   * Starts a run. A run of the tenant still open was cut off (its process died: one run per tenant at a time), so it
   * is closed as interrupted: this run finishes its work from the journal.
   */
  async function startRun(tenantId: string): Promise<string> {
    await db
      .updateTable('runs')
      .set({
        status: 'interrupted',
        finished_at: now(),
        error: 'The process stopped during this run; the next run finished its work.',
      })
      .where('tenant_id', '=', tenantId)
      .where('finished_at', 'is', null)
      .execute();
    const id = crypto.randomUUID();
    await db
      .insertInto('runs')
      .values({
        id,
        tenant_id: tenantId,
        started_at: now(),
        finished_at: null,
        status: 'running',
        counts: null,
        error: null,
      })
      .execute();
    return id;
  }

  async function finishRun(
    id: string,
    status: string,
    counts: Record<string, number>,
    error: string | null = null,
  ): Promise<void> {
    await db
      .updateTable('runs')
      .set({ finished_at: now(), status, counts: JSON.stringify(counts), error })
      .where('id', '=', id)
      .execute();
  }

  async function listRuns(tenantId?: string, limit = 50): Promise<RunRecord[]> {
    let query = db.selectFrom('runs').selectAll().orderBy('started_at', 'desc').limit(limit);
    if (tenantId !== undefined) query = query.where('tenant_id', '=', tenantId);
    return (await query.execute()).map(toRunRecord);
  }

  /** Per tenant, its latest run (of any kind, or one that did more than find nothing changed). */
  function latestOfEachTenant(onlyWork: boolean) {
    return db
      .selectFrom('runs as r')
      .selectAll('r')
      .where('r.started_at', '=', (eb) => {
        let newest = eb
          .selectFrom('runs as x')
          .select((x) => x.fn.max('x.started_at').as('at'))
          .whereRef('x.tenant_id', '=', 'r.tenant_id');
        if (onlyWork) newest = newest.where('x.status', '!=', 'unchanged');
        return newest;
      })
      .execute();
  }

  /** Per tenant, its latest run and its latest run that did more than find nothing changed: two queries for all. */
  async function latestRuns(): Promise<Map<string, { last: RunRecord; lastWork: RunRecord | null }>> {
    const result = new Map<string, { last: RunRecord; lastWork: RunRecord | null }>();
    for (const row of await latestOfEachTenant(false))
      result.set(row.tenant_id, { last: toRunRecord(row), lastWork: null });
    for (const row of await latestOfEachTenant(true)) {
      const entry = result.get(row.tenant_id);
      if (entry !== undefined) result.set(row.tenant_id, { ...entry, lastWork: toRunRecord(row) });
    }
    return result;
  }

  async function getRun(id: string): Promise<RunRecord | null> {
    const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toRunRecord(row);
  }

  /** The runs whose id starts with `prefix` (the first characters a technician copies), at most `limit`. */
  async function runsStartingWith(prefix: string, limit: number): Promise<RunRecord[]> {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await db
      .selectFrom('runs')
      .selectAll()
      .where(sql<boolean>`${sql.ref('id')} LIKE ${pattern} ESCAPE '\\'`)
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRunRecord);
  }

  return { startRun, finishRun, listRuns, latestRuns, getRun, runsStartingWith };
}
