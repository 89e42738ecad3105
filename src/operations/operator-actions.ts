import { settingValueChanges } from './setting-value-changes.ts';
import { didYouMean } from '../domain/did-you-mean.ts';
import { handLink, withHandPsaContact, type SyncDisabled } from '../domain/link.ts';
import { foldName } from '../normalize/name.ts';
import {
  parseSettingsOverride,
  resolveSettings,
  SettingsError,
  type Settings,
  type SettingsOverride,
} from '../domain/settings.ts';
import { liveSettingsProblems, type LiveSystems } from './settings-check.ts';
import { notApplyingProblems } from './settings-applying.ts';
import type { ConflictRecord } from '../domain/conflict-record.ts';
import type { TenantRecord } from '../domain/tenant-record.ts';
import type { UserResult } from '../domain/user-result.ts';
import type { StateStore } from '../store/state-store.ts';
import { TenantBusyError } from '../store/tenant-locks.ts';
import type { SyncRunner } from '../run/sync-runner.ts';
import { UnknownUserError, type SyncStep, type TenantRunResult } from '../run/run-result.ts';
import { OperationError } from './operation-error.ts';
import { aCustomerOf, targetNameOf } from '../domain/target-of-id.ts';
import { presentTargets, type Targets } from '../domain/target-profile.ts';

/**
 * The operator's actions on the state, shared by the CLI, the web pages and the REST API: each checks its input,
 * does the change, and writes the audit entry, so that every surface behaves the same.
 */

export { OperationError, type OperationErrorCode, type OperationProblem } from './operation-error.ts';

/** The tenant a person named, by id or display name. */
export async function tenantNamed(store: StateStore, name: string): Promise<TenantRecord> {
  const tenants = await store.listTenants();
  const wanted = foldName(name);
  const byId = tenants.find((t) => t.id.toLowerCase() === name.trim().toLowerCase());
  if (byId !== undefined) return byId;
  // Names match ignoring case, accents and spacing: "contoso  ltd" and "Contoso Ltd" are one tenant.
  const named = tenants.filter((t) => foldName(t.displayName) === wanted);
  if (named.length === 1) return named[0]!;
  if (named.length > 1)
    throw new OperationError(
      'Validation',
      `${named.length} tenants are named "${name}": ${named.map((t) => `${t.displayName} (${t.id})`).join(', ')}. Give the tenant id instead.`,
    );
  if (tenants.length === 0)
    throw new OperationError(
      'NotFound',
      `No tenant "${name}": no tenant is known yet. Run contactsync tenants discover (or list the tenants in the config) first.`,
    );
  const starting = tenants.filter((t) => foldName(t.displayName).startsWith(wanted));
  const guess =
    starting.length >= 1
      ? starting.map((t) => t.displayName)
      : [
          didYouMean(
            wanted,
            tenants.map((t) => foldName(t.displayName)),
          ),
        ]
          .filter((g): g is string => g !== null)
          .map((g) => tenants.find((t) => foldName(t.displayName) === g)!.displayName);
  throw new OperationError(
    'NotFound',
    guess.length > 0
      ? `No tenant "${name}". Did you mean ${guess
          .slice(0, 5)
          .map((g) => `"${g}"`)
          .join(' or ')}?`
      : `No tenant "${name}". The tenants are: ${tenants
          .slice(0, 10)
          .map((t) => t.displayName)
          .join(', ')}${tenants.length > 10 ? ` and ${tenants.length - 10} more (contactsync tenants list)` : ''}.`,
  );
}

/** A user of any tenant, by Entra object id or sign-in name. */
export async function userNamed(store: StateStore, name: string) {
  const found = await store.findUser(name);
  if (found === null)
    throw new OperationError(
      'NotFound',
      `No user ${name} in any tenant (give the Entra object id or the sign-in name; a user appears after the first sync of its tenant).`,
    );
  return found;
}

export type ConflictChoice =
  | { readonly kind: 'link'; readonly contactId: string }
  | { readonly kind: 'create' }
  | { readonly kind: 'ignore' };

/** Settles an open conflict: link to a candidate, create a new contact, or leave the user out. The next sync applies it. */
export async function resolveConflict(
  store: StateStore,
  targets: Targets,
  id: string,
  choice: ConflictChoice,
  actor: string,
): Promise<{ conflict: ConflictRecord; message: string }> {
  const [conflict] = await store.listConflicts({ status: 'open', id });
  if (conflict === undefined)
    throw new OperationError(
      'NotFound',
      `No open conflict ${id}: it was resolved already, or a later sync settled it.`,
    );
  const system = targetNameOf(targets, conflict.side);
  const onPsa = conflict.side === targets.psa?.id;
  const docName = targets.doc?.words.name ?? 'documentation platform';
  if (choice.kind === 'link') {
    if (!conflict.candidates.includes(choice.contactId)) {
      const candidates =
        conflict.candidates.length === 1
          ? `the only candidate is ${system} contact ${conflict.candidates[0]}`
          : `the candidates are ${system} contacts ${conflict.candidates.join(', ')}`;
      throw new OperationError(
        'Validation',
        `Contact ${choice.contactId} is not a candidate of this conflict; ${candidates}.`,
      );
    }
    const link = await store.getLink(conflict.tenantId, conflict.userId);
    if (!onPsa) {
      await store.saveLink(
        conflict.tenantId,
        link === null
          ? handLink(conflict.userId, choice.contactId)
          : { ...link, docContactId: choice.contactId, rule: 'hand' },
      );
    } else {
      // With a documentation platform, the PSA contact joins the user's link there; without one, it is the link.
      if (link === null && targets.doc !== null)
        throw new OperationError(
          'Conflict',
          `The user has no ${docName} contact yet: resolve its ${docName} conflict first.`,
        );
      await store.saveLink(conflict.tenantId, withHandPsaContact(link, conflict.userId, Number(choice.contactId)));
    }
  }
  const target = choice.kind === 'link' ? choice.contactId : null;
  await store.resolveConflict(id, choice.kind, target);
  await store.markDirty(conflict.tenantId);
  await store.audit(
    actor,
    'conflict.resolve',
    id,
    {
      tenant: (await store.getTenant(conflict.tenantId))?.displayName ?? conflict.tenantId,
      user: conflict.userPrincipalName,
      side: conflict.side,
      resolution: choice.kind,
      target,
    },
    { tenantId: conflict.tenantId, userId: conflict.userId },
  );
  if (choice.kind === 'link')
    await store.addContactAction({
      tenantId: conflict.tenantId,
      userId: conflict.userId,
      actor,
      action: 'link',
      // Named as the run that found the dispute read it; a dispute found before names were kept shows its id.
      summary: `Linked by hand to ${system} contact ${conflict.candidateLabels?.[choice.contactId] ?? choice.contactId}.`,
    });
  const outcome =
    choice.kind === 'link'
      ? `linked to ${system} contact ${choice.contactId}`
      : choice.kind === 'create'
        ? `create: a new ${system} contact`
        : `ignore: left out of ${onPsa ? system : 'the sync'}`;
  return { conflict, message: `Resolved: ${conflict.userPrincipalName} → ${outcome}. The next sync applies it.` };
}

/** Approves the inactivations the deletion guard held back; the next sync applies them. */
export async function approveInactivations(store: StateStore, tenant: TenantRecord, actor: string): Promise<string> {
  if (tenant.status !== 'needs approval')
    throw new OperationError(
      'Conflict',
      `${tenant.displayName} is not waiting for approval (status: ${tenant.status}).`,
    );
  await store.setApproval(tenant.id, true);
  await store.markDirty(tenant.id);
  await store.audit(actor, 'tenant.approve', tenant.id, { tenant: tenant.displayName }, { tenantId: tenant.id });
  return `Approved: the next sync of ${tenant.displayName} inactivates the contacts it held back.`;
}

/** The targets a disabled sync leaves alone, in words: "<PSA> is left alone", "<doc> and <PSA> are left alone". */
function leftAloneText(targets: Targets, value: SyncDisabled): string {
  const names = presentTargets(value === 'psa' ? { doc: null, psa: targets.psa } : targets).map(
    (target) => target.words.name,
  );
  return `${names.join(' and ')} ${names.length === 1 ? 'is' : 'are'} left alone`;
}

/** Disable sync (the PSA leg, or both legs) or enable it again, for one linked contact. */
export async function setContactSync(
  store: StateStore,
  targets: Targets,
  tenantId: string,
  userId: string,
  value: SyncDisabled,
  actor: string,
): Promise<string> {
  const tenant = await store.getTenant(tenantId);
  const name = (await store.directoryUser(tenantId, userId))?.userPrincipalName ?? userId;
  // Enabling a person an operator left out takes that decision back: "enabled" must be true.
  const leftOut =
    value === 'none' ? (await store.decisionsOf(tenantId, userId)).filter((d) => d.choice === 'ignore') : [];
  if (leftOut.length > 0) await store.reopenDecisions(tenantId, userId);
  const linked = await store.setSyncDisabled(tenantId, userId, value);
  if (!linked && leftOut.length === 0)
    throw new OperationError('Conflict', `${name} is not linked to a contact yet: sync the tenant first.`);
  await store.markDirty(tenantId);
  await store.audit(
    actor,
    value === 'none' ? 'contact.enable' : 'contact.disable',
    userId,
    {
      tenant: tenant?.displayName ?? tenantId,
      user: name,
      leg: value,
      ...(leftOut.length === 0 ? {} : { reopened: leftOut.map((d) => d.side) }),
    },
    { tenantId, userId },
  );
  if (leftOut.length === 0)
    await store.addContactAction({
      tenantId,
      userId,
      actor,
      action: value === 'none' ? 'enable' : 'disable',
      summary: value === 'none' ? 'Sync enabled.' : `Sync disabled (${leftAloneText(targets, value)}).`,
    });
  if (leftOut.length > 0) {
    await store.addContactAction({
      tenantId,
      userId,
      actor,
      action: 'reopen',
      summary: 'Sync enabled: the decision to leave them out was taken back.',
    });
    return `Sync enabled for ${name}: the decision to leave them out is taken back. The next sync matches them afresh; if the dispute still stands, it is in the conflicts queue again.`;
  }
  return value === 'none'
    ? `Sync enabled for ${name}.`
    : `Sync disabled for ${name} (${leftAloneText(targets, value)}).`;
}

/** The global settings, the tenant's overrides, and the effective settings they make. */
export async function tenantSettings(
  store: StateStore,
  tenantId: string,
): Promise<{ global: Settings; overrides: SettingsOverride; effective: Settings; version: number | null }> {
  const globalOverride = parseSettingsOverride((await store.latestSettings('global'))?.json ?? {}, 'global settings');
  const own = await store.latestSettings(tenantId);
  const overrides = parseSettingsOverride(own?.json ?? {}, "the tenant's settings");
  return {
    global: resolveSettings(globalOverride),
    overrides,
    effective: resolveSettings(globalOverride, overrides),
    version: own?.version ?? null,
  };
}

/** Validates and saves a tenant's overrides (every problem reported at once, by key); the next sync plans with them. */
export async function saveTenantSettings(
  store: StateStore,
  targets: Targets,
  tenant: TenantRecord,
  overrides: unknown,
  actor: string,
  live: LiveSystems | null = null,
): Promise<{ version: number; effective: Settings }> {
  const source = `settings of ${tenant.displayName}`;
  const parsed = parseSettingsOverride(overrides, source);
  const globalOverride = parseSettingsOverride((await store.latestSettings('global'))?.json ?? {}, 'global settings');
  const effective = resolveSettings(globalOverride, parsed);
  const before = (await store.latestSettings(tenant.id))?.json ?? {};
  // A setting the targets present do not read (a documentation platform's without one) is refused, saying why.
  const unused = notApplyingProblems(targets, parsed, changedKeys(before, parsed));
  if (unused.length > 0) throw new SettingsError(source, unused);
  // A name the live systems do not have is refused now, with the names they have, rather than found later as held
  // contacts. Only the settings this save changes are checked.
  if (live !== null) {
    const problems = await liveSettingsProblems(live, targets, tenant, effective, new Set(changedKeys(before, parsed)));
    if (problems.length > 0) throw new SettingsError(source, problems);
  }
  const version = await store.saveSettings(tenant.id, parsed);
  await store.markDirty(tenant.id);
  const changes = changedKeys(before, parsed);
  const was = resolveSettings(globalOverride, parseSettingsOverride(before, source));
  await store.audit(
    actor,
    'tenant.settings',
    tenant.id,
    { tenant: tenant.displayName, version, changes, values: settingValueChanges(changes, was, effective) },
    { tenantId: tenant.id },
  );
  return { version, effective };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The dotted keys whose values differ between two settings documents. */
function changedKeys(before: unknown, after: unknown, prefix = ''): string[] {
  if (isObject(before) || isObject(after)) {
    const a = isObject(before) ? before : {};
    const b = isObject(after) ? after : {};
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .sort()
      .flatMap((key) => changedKeys(a[key], b[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

/**
 * Registers the customer tenants `find` returns (the config's list, or the partner tenant's GDAP customers) and maps
 * each unmapped one by name where exactly one customer record of each target has it.
 */
export async function discoverTenants(
  store: StateStore,
  find: () => Promise<readonly { readonly id: string; readonly displayName: string }[]>,
  mapByName: () => Promise<void>,
  actor: string,
  source: string,
): Promise<string> {
  const found = await find();
  for (const tenant of found) await store.upsertTenant(tenant.id, tenant.displayName);
  await mapByName();
  await store.audit(actor, 'tenants.discover', source, { found: found.length });
  const list = await store.listTenants();
  const unmapped = list.filter((t) => t.docCustomerId === null && t.psaCustomerId === null).length;
  return `${found.length} tenant${found.length === 1 ? '' : 's'} found; ${list.length - unmapped} mapped, ${unmapped} unmapped${unmapped > 0 ? ' (map them on their page, or with contactsync tenants map)' : ''}.`;
}

type Runner = Pick<SyncRunner, 'mapTenants' | 'runAll' | 'runTenant' | 'runUser'>;

/**
 * Syncs every tenant now (a full reconciliation), mapping new ones by name first. A tenant another run holds is
 * left to it: its result is `busy`, with who holds it.
 */
export async function syncAllTenants(store: StateStore, runner: Runner, actor: string): Promise<TenantRunResult[]> {
  await runner.mapTenants();
  const results = await runner.runAll({ force: true, by: actor });
  await store.audit(actor, 'tenants.sync', 'all', { tenants: results.length });
  return results;
}

/** Syncs one tenant now (a full reconciliation); refused (Conflict) while another run holds the tenant. */
export async function syncTenant(
  store: StateStore,
  runner: Runner,
  tenant: TenantRecord,
  actor: string,
  options: { readonly waitSeconds?: number } = {},
): Promise<TenantRunResult> {
  const result = await runner.runTenant(tenant.id, { force: true, by: actor, ...options });
  if (result.status === 'busy') throw new OperationError('Conflict', result.error ?? `${tenant.displayName} is busy.`);
  await store.audit(
    actor,
    'tenant.sync',
    tenant.id,
    { tenant: tenant.displayName, status: result.status, runId: result.runId },
    { tenantId: tenant.id },
  );
  return result;
}

/** Sync now for one person: each step is reported to `onStep` as it ends; refused (Conflict) while the tenant is busy. */
export async function syncNow(
  store: StateStore,
  runner: Runner,
  targets: Targets,
  tenantId: string,
  userId: string,
  actor: string,
  onStep: (step: SyncStep, detail: string) => void,
  options: { readonly waitSeconds?: number } = {},
): Promise<UserResult> {
  const tenant = await store.getTenant(tenantId);
  if (tenant === null) throw new OperationError('NotFound', `No tenant ${tenantId}.`);
  const first = targets.doc ?? targets.psa;
  if (tenant.docCustomerId === null && tenant.psaCustomerId === null)
    throw new OperationError(
      'Conflict',
      `${tenant.displayName} is not mapped to ${first === null ? 'a customer record' : aCustomerOf(first)} yet: map it on its page (or contactsync tenants map), then sync again.`,
    );
  let result: UserResult;
  try {
    result = await runner.runUser(tenantId, userId, onStep, { by: actor, ...options });
  } catch (error) {
    if (error instanceof UnknownUserError) throw new OperationError('NotFound', error.message);
    if (error instanceof TenantBusyError) throw new OperationError('Conflict', error.message);
    throw error;
  }
  await store.addContactAction({
    tenantId,
    userId: result.userId,
    actor,
    action: 'sync-now',
    summary: `Sync now: ${result.outcome}; ${presentTargets(targets)
      .map((target) => `${target.words.name} ${target.role === 'psa' ? result.psa : result.doc}`)
      .join(', ')}.`,
    result,
  });
  await store.audit(
    actor,
    'contact.sync-now',
    result.userId,
    { tenant: tenant.displayName, user: result.userPrincipalName, outcome: result.outcome },
    { tenantId, userId: result.userId },
  );
  return result;
}
