import type { ConflictRecord } from '../domain/conflict-record.ts';
import type { OperatorDecision } from '../domain/link.ts';
import { atomically, now, type StoreContext } from './store-context.ts';
import { tenantRepository } from './tenant-repository.ts';

const conflictKey = (userId: string, side: string): string => `${side}\u0000${userId}`;

/** A dispute's candidate labels as stored: null when the run gave none. */
function labelsRow(dispute: Pick<ConflictRecord, 'candidateLabels'>): string | null {
  return dispute.candidateLabels === undefined ? null : JSON.stringify(dispute.candidateLabels);
}

/** A dispute as a run finds it. */
export type Dispute = Omit<
  ConflictRecord,
  'id' | 'tenantId' | 'status' | 'resolution' | 'resolutionTarget' | 'createdAt'
>;

/** The conflicts queue: disputes waiting for a technician, and the answers given to them. */
export function conflictRepository(context: StoreContext) {
  const { db } = context;
  const { markDirty } = tenantRepository(context);

  /** Opens a conflict for each dispute not already open, and closes open ones that are no longer disputed. */
  async function syncConflicts(tenantId: string, disputes: readonly Dispute[]): Promise<void> {
    // The conflicts one run finds are found at one time, so that they are listed by user (see listConflicts).
    const foundAt = now();
    await atomically(db, async (tx) => {
      const open = await tx
        .selectFrom('conflicts')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'open')
        .execute();
      const wanted = new Map(disputes.map((d) => [conflictKey(d.userId, d.side), d]));
      for (const row of open) {
        const dispute = wanted.get(conflictKey(row.user_id, row.side));
        if (dispute === undefined) {
          await tx
            .updateTable('conflicts')
            .set({ status: 'resolved', resolution: null, resolved_at: now() })
            .where('id', '=', row.id)
            .execute();
        } else {
          wanted.delete(conflictKey(row.user_id, row.side));
          await tx
            .updateTable('conflicts')
            .set({
              candidates: JSON.stringify(dispute.candidates),
              candidate_labels: labelsRow(dispute),
              rule: dispute.rule,
            })
            .where('id', '=', row.id)
            .execute();
        }
      }
      for (const d of wanted.values()) {
        await tx
          .insertInto('conflicts')
          .values({
            id: crypto.randomUUID(),
            tenant_id: tenantId,
            user_id: d.userId,
            user_principal_name: d.userPrincipalName,
            side: d.side,
            rule: d.rule,
            candidates: JSON.stringify(d.candidates),
            candidate_labels: labelsRow(d),
            status: 'open',
            resolution: null,
            resolution_target: null,
            created_at: foundAt,
            resolved_at: null,
          })
          .execute();
      }
    });
  }

  async function listConflicts(
    options: { tenantId?: string; status?: 'open' | 'resolved'; id?: string } = {},
  ): Promise<ConflictRecord[]> {
    // Conflicts found by one run share their time: they are listed by user, so that the list reads the same every time.
    let query = db
      .selectFrom('conflicts')
      .selectAll()
      .orderBy('created_at')
      .orderBy('user_principal_name')
      .orderBy('side')
      .orderBy('id');
    if (options.tenantId !== undefined) query = query.where('tenant_id', '=', options.tenantId);
    if (options.status !== undefined) query = query.where('status', '=', options.status);
    if (options.id !== undefined) query = query.where('id', '=', options.id);
    return (await query.execute()).map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      userId: row.user_id,
      userPrincipalName: row.user_principal_name,
      side: row.side as ConflictRecord['side'],
      rule: row.rule,
      candidates: JSON.parse(row.candidates) as string[],
      ...(row.candidate_labels === null
        ? {}
        : { candidateLabels: JSON.parse(row.candidate_labels) as Record<string, string> }),
      status: row.status as ConflictRecord['status'],
      resolution: row.resolution as ConflictRecord['resolution'],
      resolutionTarget: row.resolution_target,
      createdAt: row.created_at,
    }));
  }

  async function resolveConflict(
    id: string,
    resolution: 'link' | 'create' | 'ignore',
    target: string | null,
  ): Promise<ConflictRecord | null> {
    const conflict = (await listConflicts()).find((c) => c.id === id);
    if (conflict === undefined || conflict.status !== 'open') return null;
    await db
      .updateTable('conflicts')
      .set({ status: 'resolved', resolution, resolution_target: target, resolved_at: now() })
      .where('id', '=', id)
      .execute();
    await markDirty(conflict.tenantId);
    return { ...conflict, status: 'resolved', resolution, resolutionTarget: target };
  }

  /** The operators' create and ignore answers to disputes, as planner input. */
  async function decisions(tenantId: string): Promise<OperatorDecision[]> {
    const rows = await db
      .selectFrom('conflicts')
      .select(['user_id', 'side', 'resolution'])
      .where('tenant_id', '=', tenantId)
      .where('resolution', 'in', ['create', 'ignore'])
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      side: row.side as OperatorDecision['side'],
      choice: row.resolution as OperatorDecision['choice'],
    }));
  }

  /** One person's standing create or ignore decisions (at most one per side). */
  async function decisionsOf(
    tenantId: string,
    userId: string,
  ): Promise<(OperatorDecision & { readonly at: string })[]> {
    const rows = await db
      .selectFrom('conflicts')
      .select(['user_id', 'side', 'resolution', 'resolved_at'])
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('status', '=', 'resolved')
      .where('resolution', 'in', ['create', 'ignore'])
      .orderBy('resolved_at', 'desc')
      .execute();
    return rows.map((row) => ({
      userId: row.user_id,
      side: row.side as OperatorDecision['side'],
      choice: row.resolution as OperatorDecision['choice'],
      at: row.resolved_at ?? '',
    }));
  }

  /**
   * Takes back a person's create and ignore decisions (on one side, or both): their conflicts are open again, in the
   * queue, and the next sync decides them afresh. Returns how many were taken back.
   */
  async function reopenDecisions(tenantId: string, userId: string, side?: OperatorDecision['side']): Promise<number> {
    let query = db
      .updateTable('conflicts')
      .set({ status: 'open', resolution: null, resolution_target: null, resolved_at: null })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('status', '=', 'resolved')
      .where('resolution', 'in', ['create', 'ignore']);
    if (side !== undefined) query = query.where('side', '=', side);
    const result = await query.executeTakeFirst();
    const reopened = Number(result.numUpdatedRows);
    if (reopened > 0) await markDirty(tenantId);
    return reopened;
  }

  /** Closes a person's open conflicts on one side as settled by a link (an operator linked them by hand). */
  async function settleConflicts(
    tenantId: string,
    userId: string,
    side: OperatorDecision['side'],
    target: string,
  ): Promise<void> {
    await db
      .updateTable('conflicts')
      .set({ status: 'resolved', resolution: 'link', resolution_target: target, resolved_at: now() })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('side', '=', side)
      .where('status', '=', 'open')
      .execute();
  }

  return {
    syncConflicts,
    listConflicts,
    resolveConflict,
    decisions,
    decisionsOf,
    reopenDecisions,
    settleConflicts,
  };
}
