import type { HistoryEntry, UserResult } from '../domain/user-result.ts';
import { toUserResult } from './result-repository.ts';
import { now, type StoreContext } from './store-context.ts';

const said = (r: UserResult) => JSON.stringify([r.outcome, r.reasons.map((x) => x.message), r.diffs]);

/**
 * A person's run results, newest first, without the repeats: a run whose outcome and reasons are those of the run
 * before it, and that changed no field (held again, disputed again), is no news: only the first of such a stretch
 * is kept.
 */
function newsOnly<T extends { readonly result: UserResult }>(newestFirst: readonly T[]): T[] {
  return newestFirst.filter((entry, i) => {
    const older = newestFirst[i + 1];
    return older === undefined || said(older.result) !== said(entry.result);
  });
}

/** What the runs did for one person, and what operators did to them (Sync now, unlink, relink, a reopened decision). */
export function personHistoryRepository({ db }: StoreContext) {
  /** A person's history, newest first. */
  async function userHistory(tenantId: string, userId: string, limit = 10): Promise<HistoryEntry[]> {
    const runs = await db
      .selectFrom('user_results')
      .innerJoin('runs', 'runs.id', 'user_results.run_id')
      .selectAll('user_results')
      .select('runs.started_at')
      .where('user_results.tenant_id', '=', tenantId)
      .where('user_results.user_id', '=', userId)
      // A run that left the person as they were is no news in their history.
      .where('user_results.outcome', '!=', 'unchanged')
      .orderBy('runs.started_at', 'desc')
      // Room for the repeats dropped below (a person held for many runs), within a bound.
      .limit(limit * 10)
      .execute();
    const actions = await db
      .selectFrom('contact_actions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .orderBy('at', 'desc')
      .limit(limit)
      .execute();
    const entries: HistoryEntry[] = [
      ...newsOnly(
        runs.map((row) => ({ at: row.started_at, runId: row.run_id, action: null, result: toUserResult(row) })),
      ),
      ...actions.map((row) => ({
        at: row.at,
        runId: null,
        action: { kind: row.action, actor: row.actor, summary: row.summary },
        result: row.result === null ? null : (JSON.parse(row.result) as UserResult),
      })),
    ];
    return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
  }

  /** Records what an operator did to one person, for their history. */
  async function addContactAction(entry: {
    readonly tenantId: string;
    readonly userId: string;
    readonly actor: string;
    readonly action: string;
    readonly summary: string;
    readonly result?: UserResult | null;
  }): Promise<void> {
    await db
      .insertInto('contact_actions')
      .values({
        id: crypto.randomUUID(),
        tenant_id: entry.tenantId,
        user_id: entry.userId,
        at: now(),
        actor: entry.actor,
        action: entry.action,
        summary: entry.summary,
        result: entry.result === undefined || entry.result === null ? null : JSON.stringify(entry.result),
      })
      .execute();
  }

  return { userHistory, addContactAction };
}
