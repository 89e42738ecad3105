import type { DirectoryUser } from '../domain/directory-user.ts';
import type { PlannedAction } from '../domain/plan.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { UserResult } from '../domain/user-result.ts';
import type { TenantLease } from '../store/tenant-locks.ts';
import { describeDiff } from '../sync/field-labels.ts';
import { applyActions, readAndPlan, type RunContext } from './pipeline.ts';
import { isMapped, unmappedMessage } from './tenant-mapped.ts';
import { UnknownUserError, type SyncStep } from './run-result.ts';
import { settingsOf } from './tenant-state.ts';
import { changesOf, plannedResult, type ResultNames } from './user-results.ts';

type OnStep = (step: SyncStep, detail: string) => void;

/** The user as Microsoft 365 has them now (null: gone), and the tenant's users with them in. */
async function readOneUser(
  context: RunContext,
  tenant: TenantRecord,
  userKey: string,
): Promise<{ readonly userId: string; readonly fresh: DirectoryUser | null; readonly users: DirectoryUser[] }> {
  const { store, directory } = context.deps;
  // The user is named by object id or sign-in name: Graph reads either, even an account made a moment ago.
  const fresh = await directory.readUser(tenant.id, userKey);
  const snapshot = await store.loadUsers(tenant.id);
  const wanted = userKey.toLowerCase();
  const userId =
    fresh?.id ?? snapshot.find((u) => u.id === userKey || u.userPrincipalName.toLowerCase() === wanted)?.id ?? null;
  if (userId === null)
    throw new UnknownUserError(
      `Microsoft 365 of ${tenant.displayName} has no user ${userKey}: give the sign-in name or the object id. A new account can take a minute to be readable; try again then.`,
    );
  const others = snapshot.filter((u) => u.id !== userId);
  const users = fresh === null ? others : [...others, fresh].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { userId, fresh, users };
}

/** What each target present gets, by the target's name and in the result's words ("<name>: created"). */
function perTarget(
  targets: Targets,
  result: Pick<UserResult, 'doc' | 'psa' | 'docContactId' | 'psaContactId'>,
  withIds: boolean,
): string {
  const legs = [
    targets.doc === null ? null : { name: targets.doc.words.name, word: result.doc, id: result.docContactId },
    targets.psa === null ? null : { name: targets.psa.words.name, word: result.psa, id: result.psaContactId },
  ];
  return legs
    .flatMap((leg) =>
      leg === null
        ? []
        : [
            withIds
              ? `${leg.name} ${leg.word}${leg.id === null ? '' : ` (contact ${leg.id})`}`
              : `${leg.name}: ${leg.word}`,
          ],
    )
    .join(', ');
}

/** The steps scope, match and plan, as Sync now tells them of the user's action. */
function tellPlan(onStep: OnStep, action: PlannedAction, named: ResultNames, gone: boolean): void {
  const { targets } = named;
  const excluded = action.outcome === 'excluded' || (gone && action.outcome !== 'inactivated');
  onStep('scope', excluded ? `out of scope: ${action.reasons.map((r) => r.message).join(' ')}` : 'in scope');
  const first = targets.doc ?? targets.psa;
  const creates = (targets.doc !== null ? action.doc.kind : action.psa.kind) === 'create';
  onStep(
    'match',
    action.rule === null
      ? creates && first !== null
        ? `no ${first.words.name} contact matches: one will be created`
        : 'no match'
      : action.outcome === 'disputed'
        ? `disputed at rule "${action.rule}"`
        : `matched by rule "${action.rule}"`,
  );
  const planned = changesOf(action, named);
  onStep(
    'plan',
    `${perTarget(targets, plannedResult(action, named), false)}${planned.length === 0 ? '' : `; ${planned.map((diff) => describeDiff(diff, targets)).join('; ')}`}`,
  );
}

/**
 * Sync now: the tenant's pipeline for one user. Reads the user from Microsoft, plans the tenant with that user as
 * Microsoft has them now (matching needs every contact), applies that user's action alone, and tells the alerts.
 * `onStep` hears each step: read, scope, match, plan, apply.
 */
export async function syncUserNow(
  context: RunContext,
  tenantId: string,
  userKey: string,
  onStep: OnStep,
  lease: TenantLease,
): Promise<UserResult> {
  const { store, alerts, targets } = context.deps;
  const tenant = await store.getTenant(tenantId);
  if (tenant === null) throw new Error(`No tenant ${tenantId}.`);
  if (!isMapped(tenant, targets)) throw new Error(unmappedMessage(tenant));
  const settings = await settingsOf(store, tenant);
  const { userId, fresh, users } = await readOneUser(context, tenant, userKey);
  onStep(
    'read',
    fresh === null
      ? 'the user no longer exists in Microsoft 365'
      : `${fresh.userPrincipalName} (${fresh.displayName ?? 'no display name'})`,
  );
  if (fresh !== null) await store.saveUser(tenantId, fresh);
  const planned = await readAndPlan(context, tenant, users, { settings, recover: true });
  const action = planned.plan.actions.find((a) => a.userId === userId);
  if (action === undefined) throw new UnknownUserError(`User ${userKey} is not known in tenant ${tenant.displayName}.`);
  tellPlan(onStep, action, planned.named, fresh === null);
  // Sync now is an action on one person, kept on their history: not a run of the tenant. Its writes are journalled
  // under a key of their own all the same, so that an interrupted one is recovered like any other.
  const [result] = await applyActions(context, planned, [action], { runId: `sync-now:${crypto.randomUUID()}`, lease });
  await alerts?.record(tenant, { status: 'ok', runId: null, users: [result!], error: null, complete: false });
  onStep(
    'apply',
    result!.outcome === 'failed'
      ? `failed: ${result!.reasons.map((r) => r.message).join(' ')}`
      : perTarget(targets, result!, true),
  );
  return result!;
}
