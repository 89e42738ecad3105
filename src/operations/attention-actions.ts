import { presentTargets, type Targets } from '../domain/target-profile.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { StateStore } from '../store/state-store.ts';
import type { SyncRunner } from '../run/sync-runner.ts';
import type { TenantRunResult } from '../run/run-result.ts';
import { countsSummary } from '../sync/run-counts.ts';
import { attentionItems, counted, type AttentionAction, type AttentionItem } from './attention.ts';
import {
  approveInactivations,
  OperationError,
  resolveConflict,
  saveTenantSettings,
  syncNow,
  syncTenant,
  tenantSettings,
} from './operator-actions.ts';

type Runner = Pick<SyncRunner, 'mapTenants' | 'runAll' | 'runTenant' | 'runUser'>;

const ACTION_WORDS: Readonly<Record<AttentionAction, string>> = {
  create: 'create a new contact',
  ignore: 'leave out',
  approve: 'approve',
  retry: 'sync again',
};

/**
 * What a sync did and what it left: `ok, released 17 held contacts; written: <PSA>: created 17; still disputed 9`
 * (released: fewer held than `heldBefore`, when known; written: each target's contacts created, linked, updated or
 * inactivated, counted under the target's id).
 */
function afterSync(result: TenantRunResult, targets: Targets, heldBefore: number | null = null): string {
  const counts = result.counts;
  if (result.error !== null) return `${result.status}: ${result.error}`;
  const released = heldBefore === null ? 0 : heldBefore - (counts.held ?? 0);
  const written = countsSummary(
    Object.fromEntries(
      Object.entries(counts).filter(
        ([key]) =>
          presentTargets(targets).some((target) => key.startsWith(`${target.id}.`)) && !key.endsWith('.unchanged'),
      ),
    ),
    targets,
  );
  const left = (['held', 'disputed', 'failed'] as const)
    .filter((k) => (counts[k] ?? 0) > 0)
    .map((k) => `${k} ${counts[k]}`)
    .join(', ');
  return [
    `${result.status}${released > 0 ? `, released ${counted(released, 'held contact')}` : ''}`,
    written === '' ? 'nothing written' : `written: ${written}`,
    left === '' ? 'nothing left waiting' : `still ${left}`,
  ].join('; ');
}

/**
 * One decision for many items (the page's bulk actions, the API, the CLI): create a contact for each dispute, leave
 * them out, approve the halts, or sync again; then each tenant touched is synced, so that what was decided is done
 * and the queue shows what is left. Items that do not take the action are skipped and counted.
 */
export async function actOnAttention(
  store: StateStore,
  runner: Runner,
  targets: Targets,
  ids: readonly string[],
  action: AttentionAction,
  actor: string,
): Promise<string> {
  if (ids.length === 0) throw new OperationError('Validation', 'Select at least one item, then choose the action.');
  const all = await attentionItems(store, targets);
  const chosen = ids.map((id) => all.find((item) => item.id === id));
  const gone = chosen.filter((item) => item === undefined).length;
  const items = chosen.filter((item): item is AttentionItem => item !== undefined);
  const fitting = items.filter((item) => item.actions.includes(action));
  const skipped = items.length - fitting.length;
  if (fitting.length === 0)
    throw new OperationError(
      'Validation',
      `None of the ${ids.length} item${ids.length === 1 ? '' : 's'} selected can ${ACTION_WORDS[action]}${gone > 0 ? ` (${gone} no longer wait)` : ''}.`,
    );
  const tenants = new Map<string, TenantRecord>();
  for (const item of fitting) {
    if (!tenants.has(item.tenantId)) {
      const tenant = await store.getTenant(item.tenantId);
      if (tenant !== null) tenants.set(tenant.id, tenant);
    }
  }
  if (action === 'create' || action === 'ignore')
    for (const item of fitting) await resolveConflict(store, targets, item.conflictId!, { kind: action }, actor);
  if (action === 'approve')
    for (const item of fitting) await approveInactivations(store, tenants.get(item.tenantId)!, actor);
  // One person alone is synced by Sync now; more of a tenant, or a tenant-wide item, by a sync of the tenant.
  const lines: string[] = [];
  for (const tenant of tenants.values()) {
    const mine = fitting.filter((item) => item.tenantId === tenant.id);
    const only = mine.length === 1 && mine[0]!.userId !== null && action === 'retry' ? mine[0]! : null;
    if (only !== null) {
      const result = await syncNow(store, runner, targets, tenant.id, only.userId!, actor, () => {});
      lines.push(`${only.subject}: ${result.outcome}`);
    } else lines.push(`${tenant.displayName}: ${afterSync(await syncTenant(store, runner, tenant, actor), targets)}`);
  }
  const extra = [
    skipped > 0
      ? `${skipped} selected item${skipped === 1 ? '' : 's'} cannot ${ACTION_WORDS[action]} and ${skipped === 1 ? 'was' : 'were'} left as ${skipped === 1 ? 'it was' : 'they were'}`
      : '',
    gone > 0 ? `${gone} no longer waited` : '',
  ].filter(Boolean);
  return `${ACTION_WORDS[action][0]!.toUpperCase()}${ACTION_WORDS[action].slice(1)}: ${fitting.length} item${fitting.length === 1 ? '' : 's'}. ${lines.join('; ')}.${extra.length === 0 ? '' : ` ${extra.join('; ')}.`}`;
}

/**
 * Sets a tenant's blank-phone replacement (the number written as the primary phone of a contact Microsoft 365 gives
 * none) and syncs it again, releasing the contacts held for lack of a phone.
 */
export async function setBlankPhoneAndSync(
  store: StateStore,
  runner: Runner,
  targets: Targets,
  tenant: TenantRecord,
  value: string,
  actor: string,
): Promise<string> {
  const { overrides } = await tenantSettings(store, tenant.id);
  await saveTenantSettings(
    store,
    targets,
    tenant,
    { ...overrides, phones: { ...overrides.phones, blankReplacement: value.trim() } },
    actor,
  );
  const heldBefore = (await store.standingResults(tenant.id)).filter((r) => r.outcome === 'held').length;
  const result = await syncTenant(store, runner, tenant, actor);
  return `${tenant.displayName}: phones.blankReplacement is now "${value.trim()}"; synced again: ${afterSync(result, targets, heldBefore)}.`;
}
