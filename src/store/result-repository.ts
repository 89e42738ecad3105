import type { MatchRule } from '../domain/link.ts';
import type { FieldDiff } from '../domain/plan.ts';
import type { Reason } from '../domain/reason.ts';
import type { StandingResult, UserResult } from '../domain/user-result.ts';
import { runRepository } from './run-repository.ts';
import type { Database } from './schema.ts';
import { atomically, now, type StoreContext } from './store-context.ts';

export function toUserResult(row: Database['user_results']): UserResult {
  return {
    userId: row.user_id,
    userPrincipalName: row.user_principal_name,
    displayName: row.display_name,
    outcome: row.outcome,
    rule: row.rule as MatchRule | null,
    doc: row.doc,
    psa: row.psa,
    docContactId: row.doc_contact_id,
    psaContactId: row.psa_contact_id === null ? null : Number(row.psa_contact_id),
    reasons: JSON.parse(row.reasons) as Reason[],
    diffs: JSON.parse(row.diffs) as FieldDiff[],
  };
}

/** What each run did for each person, and each person's result as it stands now. */
export function resultRepository(context: StoreContext) {
  const { db } = context;
  const { getRun } = runRepository(context);

  /** The latest run of a tenant that has per-user results (a run that failed before planning has none). */
  async function latestResultsRun(tenantId: string): Promise<string | null> {
    const row = await db
      .selectFrom('runs')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.exists(eb.selectFrom('user_results').select('run_id').whereRef('run_id', '=', 'runs.id')))
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  }

  /**
   * Each person's result as it stands now: the tenant's latest run with results, then a later Sync now over it; with
   * the run (null for Sync now) and when.
   */
  async function standingResults(tenantId: string): Promise<StandingResult[]> {
    const runId = await latestResultsRun(tenantId);
    if (runId === null) return [];
    const run = await getRun(runId);
    const at = run?.startedAt ?? '';
    const byUser = new Map<string, StandingResult>();
    const rows = await db.selectFrom('user_results').selectAll().where('run_id', '=', runId).execute();
    for (const row of rows)
      byUser.set(row.user_id, { ...toUserResult(row), runId, at, heldSince: row.held_since ?? at });
    const later = await db
      .selectFrom('contact_actions')
      .select(['user_id', 'result', 'at'])
      .where('tenant_id', '=', tenantId)
      .where('action', '=', 'sync-now')
      .where('at', '>', at)
      .orderBy('at')
      .execute();
    for (const row of later)
      if (row.result !== null) {
        const result = JSON.parse(row.result) as UserResult;
        const before = byUser.get(row.user_id);
        const heldSince = before?.outcome === 'held' ? before.heldSince : row.at;
        byUser.set(row.user_id, { ...result, runId: null, at: row.at, heldSince });
      }
    return [...byUser.values()];
  }

  async function saveResults(runId: string, tenantId: string, results: readonly UserResult[]): Promise<void> {
    // A person still held keeps the time they were first held: their earlier standing result says since when.
    const standing = results.some((r) => r.outcome === 'held')
      ? new Map((await standingResults(tenantId)).map((r) => [r.userId, r]))
      : new Map<string, StandingResult>();
    const startedAt = (await getRun(runId))?.startedAt ?? now();
    const heldSince = (result: UserResult): string | null => {
      if (result.outcome !== 'held') return null;
      const before = standing.get(result.userId);
      return before?.outcome === 'held' ? before.heldSince : startedAt;
    };
    await atomically(db, async (tx) => {
      for (let i = 0; i < results.length; i += 100) {
        await tx
          .insertInto('user_results')
          .values(
            results.slice(i, i + 100).map((r) => ({
              run_id: runId,
              tenant_id: tenantId,
              user_id: r.userId,
              user_principal_name: r.userPrincipalName,
              display_name: r.displayName,
              outcome: r.outcome,
              rule: r.rule,
              doc: r.doc,
              psa: r.psa,
              doc_contact_id: r.docContactId,
              psa_contact_id: r.psaContactId,
              reasons: JSON.stringify(r.reasons),
              diffs: JSON.stringify(r.diffs),
              held_since: heldSince(r),
            })),
          )
          .execute();
      }
    });
  }

  async function resultsOfRun(runId: string): Promise<UserResult[]> {
    const rows = await db
      .selectFrom('user_results')
      .selectAll()
      .where('run_id', '=', runId)
      .orderBy('user_id')
      .execute();
    return rows.map(toUserResult);
  }

  /** Each person's latest outcome: from the tenant's latest run, or a later Sync now. */
  async function latestOutcomes(tenantId: string): Promise<Map<string, string>> {
    const outcomes = new Map<string, string>();
    const runId = await latestResultsRun(tenantId);
    if (runId === null) return outcomes;
    const rows = await db
      .selectFrom('user_results')
      .select(['user_id', 'outcome'])
      .where('run_id', '=', runId)
      .execute();
    for (const row of rows) outcomes.set(row.user_id, row.outcome);
    const run = await getRun(runId);
    const later = await db
      .selectFrom('contact_actions')
      .select(['user_id', 'result'])
      .where('tenant_id', '=', tenantId)
      .where('action', '=', 'sync-now')
      .where('at', '>', run?.startedAt ?? '')
      .orderBy('at')
      .execute();
    for (const row of later)
      if (row.result !== null) outcomes.set(row.user_id, (JSON.parse(row.result) as UserResult).outcome);
    return outcomes;
  }

  /** The users held from the PSA and the users disputed, as they stand now: the latest run and the open conflicts. */
  async function openUsers(tenantId: string): Promise<{ held: Set<string>; disputed: Set<string> }> {
    const runId = await latestResultsRun(tenantId);
    const held =
      runId === null
        ? []
        : await db
            .selectFrom('user_results')
            .select('user_id')
            .where('run_id', '=', runId)
            .where('outcome', '=', 'held')
            .execute();
    const disputed = await db
      .selectFrom('conflicts')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'open')
      .execute();
    return { held: new Set(held.map((r) => r.user_id)), disputed: new Set(disputed.map((r) => r.user_id)) };
  }

  return { saveResults, resultsOfRun, latestOutcomes, standingResults, openUsers };
}
