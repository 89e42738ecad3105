import { BMS_TEXT_LIMIT } from '../connectors/bms/wire.ts';
import { ITGLUE_TEXT_LIMIT } from '../connectors/itglue/wire.ts';
import { bmsProfile } from '../connectors/bms/profile.ts';
import { itglueProfile } from '../connectors/itglue/profile.ts';
import type { Targets } from '../domain/target-profile.ts';
import type { DirectoryUser } from '../domain/directory-user.ts';
import type { DocContact, DocContactType, DocLocation } from '../domain/doc-contact.ts';
import type { Link } from '../domain/link.ts';
import type { FieldDiff, Plan, PlannedAction } from '../domain/plan.ts';
import type { DirectoryChanges, DirectorySource, DocStore, Psa } from '../domain/ports.ts';
import type { PsaContact, PsaType } from '../domain/psa-contact.ts';
import { parseSettingsOverride, resolveSettings, type Settings } from '../domain/settings.ts';
import type { RunFacts } from '../alerts/alert-service.ts';
import type { MetricsSink } from '../metrics/metrics-recorder.ts';
import { normalizeDirectoryUser } from '../normalize/directory-user.ts';
import { reason } from '../domain/reason.ts';
import type { StateStore, TenantRecord, UserResult } from '../store/state-store.ts';
import { TenantBusyError, type TenantLease, type TenantLocks } from '../store/tenant-locks.ts';
import { isSmallRun, markLargeRun, runAs } from '../connectors/http/run-priority.ts';
import { applyPlan, type AppliedAction } from './apply.ts';
import { autoMapping } from './auto-mapping.ts';
import { disputeContactsCreatedTwice } from './created-twice.ts';
import { leasedWrites } from './leased-writes.ts';
import { docCreateDiffs } from './doc-fields.ts';
import { describeDiff, diffNames, namedDiff, type DiffNames } from './field-labels.ts';
import { differsOnlyUnlisted, psaCreateDiffs } from './psa-fields.ts';
import { storedEmailKey } from './match.ts';
import { docLabel, planTenantSync, psaLabel, type TenantSyncInput } from './plan.ts';
import {
  psaContactOf as bmsContactOf,
  psaReportOf as bmsReport,
  docContactOf as itglueContactOf,
  docReportOf as itglueReport,
} from './report.ts';

/** The targets a run writes: both roles, as before the targets were data. */
const TARGETS: Targets = { doc: itglueProfile, psa: bmsProfile };
import { countRun, countSamples, quietCounts, type RunCounts } from './run-counts.ts';

/** `busy`: another run holds the tenant; this one wrote nothing (the error says who holds it). */
export type TenantRunStatus = 'ok' | 'needs approval' | 'failed' | 'unmapped' | 'unchanged' | 'busy' | 'deferred';

/** A read with more changed users than this makes a large run (a backfill), which yields to small ones. */
export const SMALL_RUN_USERS = 25;

export interface TenantRunResult {
  readonly tenantId: string;
  readonly status: TenantRunStatus;
  readonly runId: string | null;
  /** the plan, when one was made (a dry run stops there) */
  readonly plan: Plan | null;
  readonly users: readonly UserResult[];
  readonly counts: Readonly<Record<string, number>>;
  readonly error: string | null;
}

/** Sync now was asked for a user that Microsoft 365 does not have (nor had, at the last read). */
export class UnknownUserError extends Error {
  readonly code = 'NotFound';
}

/** The steps of Sync now, each reported as it ends. */
export type SyncStep = 'read' | 'scope' | 'match' | 'plan' | 'apply';

/** Who starts a run, and how long it may wait for a run of the same tenant to end. */
export interface LockOptions {
  /** named in the busy message another caller gets: `worker`, `daemon`, `web:alice`, `api:automation`, `cli:root` */
  readonly by?: string;
  /** how long to wait for another run of the tenant to end before refusing (0, the default: refuse at once) */
  readonly waitSeconds?: number;
}

export interface RunOptions extends LockOptions {
  /** plan even when Microsoft reports no change (a full reconciliation) */
  readonly force?: boolean;
  /** plan and report, write nothing */
  readonly dryRun?: boolean;
  readonly onPhase?: (tenantId: string, phase: string) => void;
  readonly onProgress?: (tenantId: string, done: number, total: number) => void;
  /**
   * `express`: a run expected to be small (a poll, a notice), which takes the budgets' share kept for small runs. If
   * its read shows a large run (a first or full read, many changes, changed settings), `onLarge` says whether it goes
   * on as a large run or stops there (`deferred`: its caller gives the tenant to the large runs' lane).
   */
  readonly lane?: 'express' | 'bulk';
  readonly onLarge?: () => Promise<'continue' | 'stop'>;
}

export interface RunnerDependencies {
  readonly store: StateStore;
  readonly directory: DirectorySource;
  readonly doc: DocStore;
  readonly psa: Psa | null;
  /** one writer per tenant, across every process sharing the state database */
  readonly locks: TenantLocks;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  /** hears the time from a change in Microsoft 365 to its contact written in BMS */
  readonly metrics?: MetricsSink;
  /** hears what each run left waiting for a person, and sends the alerts that are due after it */
  readonly alerts?: RunAlerts;
}

/** The alerts' side of a run (see AlertService): recorded inside the run, sent after it, outside the tenant's turn. */
export interface RunAlerts {
  record(tenant: TenantRecord, facts: RunFacts): Promise<void>;
  dispatch(): Promise<unknown>;
}

/** Applies a delta round to the snapshot it was taken against. */
function mergeChanges(snapshot: readonly DirectoryUser[], changes: DirectoryChanges): DirectoryUser[] {
  if (changes.kind === 'full') return [...changes.users];
  const users = new Map(snapshot.map((user) => [user.id, user]));
  for (const removed of changes.removed) users.delete(removed.id);
  for (const user of changes.changed) users.set(user.id, user);
  return [...users.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What reports need to show a plan's changes by name: the ids' names, and IT Glue's locations for new contacts. */
interface ResultNames {
  readonly names: DiffNames;
  readonly docLocations: ReadonlyMap<string, DocLocation>;
}

function resultNames(input: Omit<TenantSyncInput, 'links'>): ResultNames {
  return {
    names: diffNames({
      contactTypes: input.doc.contactTypes,
      emailTypes: input.psa?.emailTypes ?? [],
      phoneTypes: input.psa?.phoneTypes ?? [],
      psaLocations: input.psa?.locations ?? [],
    }),
    docLocations: new Map(input.doc.locations.map((location) => [location.id, location])),
  };
}

/** The changes of an action, by system and in names; a new contact's are every field it is created with. */
function changesOf(action: PlannedAction, named: ResultNames): FieldDiff[] {
  const doc =
    action.doc.kind === 'create'
      ? docCreateDiffs(action.doc.fields, { locationsById: named.docLocations })
      : 'diffs' in action.doc
        ? action.doc.diffs
        : [];
  const psa =
    action.psa.kind === 'create' ? psaCreateDiffs(action.psa.fields) : 'diffs' in action.psa ? action.psa.diffs : [];
  return [
    ...doc.map((diff) => namedDiff(itglueProfile, diff, named.names)),
    ...psa.map((diff) => namedDiff(bmsProfile, diff, named.names)),
  ];
}

function toResult(applied: AppliedAction, named: ResultNames): UserResult {
  const { action } = applied;
  return {
    userId: action.userId,
    userPrincipalName: action.userPrincipalName,
    displayName: action.displayName,
    outcome: applied.failure === null ? action.outcome : 'failed',
    rule: action.rule,
    doc: applied.doc,
    psa: applied.psa,
    docContactId: applied.docContactId,
    psaContactId: applied.psaContactId,
    reasons: [...action.reasons, ...(applied.failure ?? [])],
    diffs: changesOf(action, named),
  };
}

/** Why a tenant is not synced: the note mapping by name left, else how to map it. */
function unmappedMessage(tenant: TenantRecord): string {
  return `${tenant.displayName} is not mapped: ${tenant.mappingNote ?? 'map it on its page, or with contactsync tenants map.'}`;
}

/**
 * Runs the pipeline for tenants: read → scope → normalize → match → plan → journal → IT Glue writes → BMS writes →
 * links and results → checkpoint. The checkpoint (the delta link) is saved only after the run applied what it read.
 */
export class SyncRunner {
  private contactTypes: Promise<readonly DocContactType[]> | null = null;
  private readonly psaTypes: Record<'email' | 'phone', Promise<readonly PsaType[]> | null> = {
    email: null,
    phone: null,
  };

  constructor(private readonly deps: RunnerDependencies) {}

  /**
   * Runs `work` holding the tenant's lock, whoever asks (CLI, web, REST, daemon, worker): a second run of the tenant
   * waits up to `waitSeconds` for the first to end, then is refused with a TenantBusyError naming the holder.
   */
  private async exclusive<T>(
    tenantId: string,
    options: LockOptions,
    work: (lease: TenantLease) => Promise<T>,
  ): Promise<T> {
    const by = options.by ?? 'contactsync';
    const deadline = Date.now() + (options.waitSeconds ?? 0) * 1000;
    for (;;) {
      const attempt = await this.deps.locks.tryAcquire(tenantId, by);
      if ('lease' in attempt) {
        try {
          return await work(attempt.lease);
        } finally {
          await attempt.lease.release().catch((error: unknown) =>
            this.log('warn', 'the tenant lock could not be released; it is freed when its lease runs out', {
              tenantId,
              error: (error as Error).message,
            }),
          );
        }
      }
      if (Date.now() >= deadline) {
        const tenant = await this.deps.store.getTenant(tenantId);
        throw new TenantBusyError(tenant?.displayName ?? tenantId, attempt.holder);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, Math.max(50, deadline - Date.now()))));
    }
  }

  /** The plan, with a dispute for each user contactsync created two contacts for in one system (any run, ever). */
  /**
   * Plans the tenant. A BMS write that differs from the contact only in fields BMS's listing does not give (phone,
   * types) is planned again from the contact read in full: one that holds them already (its write landed, but the
   * record of it was lost to a crash or to a backup taken before it) is not written again, and its link remembers them.
   */
  private async planned(input: Omit<TenantSyncInput, 'links'>, links: readonly Link[]): Promise<Plan> {
    const plan = planTenantSync({ ...input, links });
    const { psa: bms } = this.deps;
    if (bms === null || input.psa === null) return plan;
    const listed = new Map(input.psa.contacts.map((c) => [c.id, c]));
    const unsure = plan.actions.flatMap((action) => {
      const psa = action.psa;
      if (psa.kind !== 'update' && !(psa.kind === 'link' && psa.write)) return [];
      const current = listed.get(psa.contactId);
      return current !== undefined && differsOnlyUnlisted(current, psa.diffs) ? [psa.contactId] : [];
    });
    if (unsure.length === 0) return plan;
    const read = new Map<number, PsaContact>();
    for (const id of unsure) {
      // A contact that cannot be read is written as planned, as it would have been.
      const found = await bms.readContact(id).catch(() => null);
      if (found !== null) read.set(id, found);
    }
    if (read.size === 0) return plan;
    const contacts = input.psa.contacts.map((c) => read.get(c.id) ?? c);
    return planTenantSync({ ...input, psa: { ...input.psa, contacts }, links });
  }

  private async withCreatedTwice(tenantId: string, plan: Plan, input: Omit<TenantSyncInput, 'links'>): Promise<Plan> {
    const created = await this.deps.store.createdContacts(tenantId);
    if (created.length === 0) return plan;
    const settled = (await this.deps.store.listConflicts({ tenantId, status: 'resolved' })).filter(
      (c) => c.resolution !== null,
    );
    return disputeContactsCreatedTwice(
      plan,
      created,
      {
        doc: new Set(input.doc.contacts.map((c) => c.id)),
        psa: new Set((input.psa?.contacts ?? []).map((c) => String(c.id))),
      },
      settled,
    );
  }

  /** The ports as this run may write them: nothing more once its lease is lost. */
  private writers(lease: TenantLease): { readonly doc: DocStore; readonly psa: Psa | null } {
    return leasedWrites(lease, this.deps.doc, this.deps.psa);
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    this.deps.log?.(level, message, fields);
  }

  /**
   * Maps each unmapped tenant by name (see `autoMapping`): both systems, IT Glue alone when BMS lacks the name, or
   * unmapped with a note saying which system lacks it. Mapped tenants whose names are not known yet get them.
   */
  async mapTenants(): Promise<void> {
    const { store } = this.deps;
    const all = await store.listTenants();
    const unmapped = all.filter((t) => t.mapping === 'unmapped');
    const unnamed = all.filter((t) => t.docCustomerId !== null && t.docCustomerName === null);
    if (unmapped.length === 0 && unnamed.length === 0) return;
    const organizations = await this.deps.doc.listOrganizations();
    const accounts = this.deps.psa === null ? null : await this.deps.psa.listAccounts();
    for (const tenant of unnamed) {
      const organization = organizations.find((o) => o.id === tenant.docCustomerId);
      const account = accounts?.find((a) => a.id === tenant.psaCustomerId);
      // The same mapping, named: not a change that calls for a full plan of the tenant.
      await store.setMappingNames(
        tenant.id,
        { doc: tenant.docCustomerId, bms: tenant.psaCustomerId },
        {
          itglue: organization?.name ?? null,
          psa: account?.name ?? null,
          note:
            tenant.psaCustomerId === null && this.deps.psa !== null
              ? (tenant.mappingNote ?? 'Mapped to IT Glue only: nothing is written to BMS.')
              : tenant.mappingNote,
        },
      );
    }
    const taken = {
      organizations: new Set(all.flatMap((t) => (t.docCustomerId === null ? [] : [t.docCustomerId]))),
      accounts: new Set(all.flatMap((t) => (t.psaCustomerId === null ? [] : [t.psaCustomerId]))),
    };
    for (const tenant of unmapped) {
      const decided = autoMapping(tenant.displayName, organizations, accounts, taken);
      if (decided.kind === 'map') {
        await store.setMapping(tenant.id, decided.organization.id, decided.account?.id ?? null, 'auto', {
          doc: decided.organization.name,
          bms: decided.account?.name ?? null,
          note: decided.note,
        });
        await store.setTenantStatus(tenant.id, 'ok');
        taken.organizations.add(decided.organization.id);
        if (decided.account !== null) taken.accounts.add(decided.account.id);
      } else {
        await store.setMappingNote(tenant.id, decided.note);
        this.log('warn', 'tenant left unmapped: a person must choose', { tenantId: tenant.id, why: decided.note });
      }
    }
  }

  private async settingsOf(tenant: TenantRecord): Promise<Settings> {
    const global = await this.deps.store.latestSettings('global');
    const own = await this.deps.store.latestSettings(tenant.id);
    return resolveSettings(
      parseSettingsOverride(global?.json ?? {}, 'global settings'),
      parseSettingsOverride(own?.json ?? {}, `settings of tenant ${tenant.displayName}`),
    );
  }

  /** Finishes what a crashed run left between a write and its record: the target is looked up by email. */
  private async recover(tenant: TenantRecord, contacts: readonly DocContact[]): Promise<number> {
    const { store } = this.deps;
    const unfinished = await store.unfinishedJournal(tenant.id);
    let recovered = 0;
    for (const entry of unfinished) {
      const payload = entry.payload as { email?: string | null; accountId?: number | null };
      const link = await store.getLink(tenant.id, entry.userId);
      if (entry.operation === 'create' && payload.email) {
        const email = payload.email.toLowerCase();
        if (entry.system === 'itglue') {
          const found = contacts.filter((c) => c.emails.some((e) => e.primary && storedEmailKey(e.value) === email));
          if (found.length === 1) {
            const next: Link =
              link === null
                ? {
                    userId: entry.userId,
                    docContactId: found[0]!.id,
                    psaContactId: null,
                    rule: null,
                    syncDisabled: 'none',
                    ownedEmails: [],
                    ownedPhones: [],
                    psaPushed: null,
                  }
                : { ...link, docContactId: found[0]!.id };
            await store.journalDone(entry.id, found[0]!.id, { tenantId: tenant.id, link: next });
            recovered += 1;
            continue;
          }
        } else if (
          this.deps.psa !== null &&
          payload.accountId !== undefined &&
          payload.accountId !== null &&
          link !== null
        ) {
          const found = await this.deps.psa.findContactsByEmail(payload.accountId, email);
          if (found.length === 1) {
            await store.journalDone(entry.id, String(found[0]!.id), {
              tenantId: tenant.id,
              link: { ...link, psaContactId: found[0]!.id },
            });
            recovered += 1;
            continue;
          }
        }
      }
      // Not found, or not a create: the new plan decides again from what the systems hold.
      await store.journalFailed(entry.id, 'interrupted; superseded by the next run');
    }
    if (unfinished.length > 0)
      this.log('info', 'recovered interrupted writes', {
        tenantId: tenant.id,
        unfinished: unfinished.length,
        recovered,
      });
    return recovered;
  }

  /**
   * What the planner needs besides the users and links: IT Glue and BMS as they are now, settings, decisions,
   * approval. Links are read by the caller once recovery has settled them.
   */
  private async planInput(
    tenant: TenantRecord,
    settings: Settings,
    users: readonly DirectoryUser[],
    onRead: () => void,
  ): Promise<{ input: Omit<TenantSyncInput, 'links'>; contacts: readonly DocContact[] }> {
    const { store, directory, doc: itglue, psa: bms } = this.deps;
    const groupIds = settings.scope.groupIds;
    const groupMemberIds =
      groupIds.length === 0
        ? null
        : new Set((await Promise.all(groupIds.map((g) => directory.readGroupMembers(tenant.id, g)))).flat());
    const organizationPhone =
      settings.phones.blankReplacement === 'tenantMain'
        ? ((await directory.readOrganization(tenant.id)).businessPhones[0] ?? null)
        : null;
    onRead();
    const organizationId = tenant.docCustomerId!;
    this.contactTypes ??= itglue.listContactTypes();
    const readPsa = async (): Promise<TenantSyncInput['psa']> => {
      if (bms === null || tenant.psaCustomerId === null) return null;
      const [psaContacts, psaLocations, emailTypes, phoneTypes] = await Promise.all([
        bms.listContacts(tenant.psaCustomerId),
        bms.listLocations(tenant.psaCustomerId),
        this.typesFor(bms, 'email', settings.psa.emailType),
        this.typesFor(bms, 'phone', settings.psa.phoneType),
      ]);
      return { contacts: psaContacts, locations: psaLocations, emailTypes, phoneTypes };
    };
    const [listed, locations, contactTypes, psaInput] = await Promise.all([
      itglue.listContacts(organizationId),
      itglue.listLocations(organizationId),
      this.contactTypes,
      readPsa(),
    ]);
    // Contacts IT Glue's own PSA integration keeps in step with a BMS contact of the account refuse edits; a link to
    // any other BMS contact is not this account's.
    const psaIds = new Set(psaInput?.contacts.map((c) => c.id) ?? []);
    const contacts = listed.map((contact) =>
      contact.mirroredPsaContactId === null || psaIds.has(contact.mirroredPsaContactId)
        ? contact
        : { ...contact, mirroredPsaContactId: null },
    );
    // Mapped to IT Glue alone: every user is told why nothing goes to BMS.
    const psaAbsence =
      psaInput !== null
        ? null
        : reason(
            'no-bms-account',
            tenant.mappingNote ??
              (bms === null ? 'BMS is not configured: only IT Glue is synced.' : 'No BMS account is mapped.'),
          );
    const normalizeOptions = {
      splitDisplayName: settings.names.splitDisplayName,
      defaultRegion: settings.phones.defaultRegion,
    };
    const input: Omit<TenantSyncInput, 'links'> = {
      tenantId: tenant.id,
      targets: TARGETS,
      settings,
      users: users.map((user) => normalizeDirectoryUser(user, normalizeOptions)),
      groupMemberIds,
      organizationPhone,
      doc: { contacts, locations, contactTypes },
      psa: psaInput,
      psaAbsence,
      decisions: await store.decisions(tenant.id),
      approveInactivations: tenant.approveInactivations,
      textLimits: { doc: ITGLUE_TEXT_LIMIT, psa: BMS_TEXT_LIMIT },
    };
    return { input, contacts };
  }

  /**
   * BMS's email or phone types, read once; not at all when the setting gives the type's id. A list that cannot be
   * read fails the run with the connector's word on how to give the id instead, and is asked again next time.
   */
  private typesFor(bms: Psa, kind: 'email' | 'phone', setting: string | number): Promise<readonly PsaType[]> {
    if (typeof setting === 'number') return Promise.resolve([]);
    this.psaTypes[kind] ??= (kind === 'email' ? bms.listEmailTypes() : bms.listPhoneTypes()).catch((error: unknown) => {
      this.psaTypes[kind] = null;
      throw error;
    });
    return this.psaTypes[kind];
  }

  /**
   * Sync now: reads one user from Microsoft, plans the tenant with that user as Microsoft has it now (matching needs
   * every contact), and applies that user's action alone. `onStep` hears each step: read, scope, match, plan, apply.
   */
  async runUser(
    tenantId: string,
    userId: string,
    onStep: (step: SyncStep, detail: string) => void,
    options: LockOptions = {},
  ): Promise<UserResult> {
    const result = await this.exclusive(tenantId, options, (lease) =>
      runAs(true, () => this.runUserNow(tenantId, userId, onStep, lease)),
    );
    await this.sendAlerts();
    return result;
  }

  /** Sends the alerts that are due, outside any tenant's turn; an alert problem never fails a sync. */
  private async sendAlerts(): Promise<void> {
    await this.deps.alerts?.dispatch().catch((error: unknown) => {
      this.log('error', 'alerts: sending failed', { error: (error as Error).message });
    });
  }

  private async runUserNow(
    tenantId: string,
    userKey: string,
    onStep: (step: SyncStep, detail: string) => void,
    lease: TenantLease,
  ): Promise<UserResult> {
    const { store, directory } = this.deps;
    const tenant = await store.getTenant(tenantId);
    if (tenant === null) throw new Error(`No tenant ${tenantId}.`);
    if (tenant.docCustomerId === null) throw new Error(unmappedMessage(tenant));
    const settings = await this.settingsOf(tenant);
    // The user is named by object id or sign-in name: Graph reads either, even an account made a moment ago.
    const fresh = await directory.readUser(tenantId, userKey);
    const snapshot = await store.loadUsers(tenantId);
    const wanted = userKey.toLowerCase();
    const userId =
      fresh?.id ?? snapshot.find((u) => u.id === userKey || u.userPrincipalName.toLowerCase() === wanted)?.id ?? null;
    if (userId === null)
      throw new UnknownUserError(
        `Microsoft 365 of ${tenant.displayName} has no user ${userKey}: give the sign-in name or the object id. A new account can take a minute to be readable; try again then.`,
      );
    onStep(
      'read',
      fresh === null
        ? 'the user no longer exists in Microsoft 365'
        : `${fresh.userPrincipalName} (${fresh.displayName ?? 'no display name'})`,
    );
    if (fresh !== null) await store.saveUser(tenantId, fresh);
    const users =
      fresh === null
        ? snapshot.filter((u) => u.id !== userId)
        : [...snapshot.filter((u) => u.id !== userId), fresh].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const { input, contacts } = await this.planInput(tenant, settings, users, () => {});
    await this.recover(tenant, contacts);
    const links = await store.listLinks(tenantId);
    const plan = await this.withCreatedTwice(tenantId, await this.planned(input, links), input);
    const action = plan.actions.find((a) => a.userId === userId);
    if (action === undefined)
      throw new UnknownUserError(`User ${userKey} is not known in tenant ${tenant.displayName}.`);
    const excluded = action.outcome === 'excluded' || (fresh === null && action.outcome !== 'inactivated');
    onStep('scope', excluded ? `out of scope: ${action.reasons.map((r) => r.message).join(' ')}` : 'in scope');
    onStep(
      'match',
      action.rule === null
        ? action.doc.kind === 'create'
          ? 'no IT Glue contact matches: one will be created'
          : 'no match'
        : action.outcome === 'disputed'
          ? `disputed at rule "${action.rule}"`
          : `matched by rule "${action.rule}"`,
    );
    const named = resultNames(input);
    const planned = changesOf(action, named);
    onStep(
      'plan',
      `IT Glue: ${itglueReport(action.doc)}, BMS: ${bmsReport(action.psa)}${planned.length === 0 ? '' : `; ${planned.map((diff) => describeDiff(diff, TARGETS)).join('; ')}`}`,
    );
    // Sync now is an action on one person, kept on their history: not a run of the tenant. Its writes are journalled
    // under a key of their own all the same, so that an interrupted one is recovered like any other.
    const actionId = `sync-now:${crypto.randomUUID()}`;
    const [applied] = await applyPlan([action], {
      tenantId,
      runId: actionId,
      organizationId: tenant.docCustomerId,
      accountId: tenant.psaCustomerId,
      store,
      targets: TARGETS,
      ...this.writers(lease),
      links: new Map(links.map((link) => [link.userId, link])),
    });
    // The lock was lost during the write: the next Sync now or run (holding the lock) finishes it.
    const lost = lease.lost();
    if (lost !== null) throw lost;
    const result = toResult(applied!, named);
    await this.deps.alerts?.record(tenant, {
      status: 'ok',
      runId: null,
      users: [result],
      error: null,
      complete: false,
    });
    onStep(
      'apply',
      result.outcome === 'failed'
        ? `failed: ${result.reasons.map((r) => r.message).join(' ')}`
        : `IT Glue ${result.doc}${result.docContactId === null ? '' : ` (contact ${result.docContactId})`}, BMS ${result.psa}${result.psaContactId === null ? '' : ` (contact ${result.psaContactId})`}`,
    );
    return result;
  }

  /**
   * One tenant: read, plan and (unless a dry run) apply, holding the tenant's lock. When another run holds it (and does
   * not end within `waitSeconds`), nothing is done and the result is `busy`, its error naming the holder.
   */
  async runTenant(tenantId: string, options: RunOptions = {}): Promise<TenantRunResult> {
    const result = await this.runTenantLocked(tenantId, options);
    if (!options.dryRun && result.status !== 'busy') await this.sendAlerts();
    return result;
  }

  private async runTenantLocked(tenantId: string, options: RunOptions): Promise<TenantRunResult> {
    // A dry run writes nothing: it needs no lock, and runs beside a sync.
    if (options.dryRun === true) return this.runTenantNow(tenantId, options, null);
    try {
      return await this.exclusive(tenantId, options, (lease) =>
        runAs(options.lane === 'express', () => this.runTenantNow(tenantId, options, lease)),
      );
    } catch (error) {
      if (!(error instanceof TenantBusyError)) throw error;
      return { tenantId, status: 'busy', runId: null, plan: null, users: [], counts: {}, error: error.message };
    }
  }

  private async runTenantNow(
    tenantId: string,
    options: RunOptions,
    lease: TenantLease | null,
  ): Promise<TenantRunResult> {
    const { store, directory } = this.deps;
    const tenant = await store.getTenant(tenantId);
    if (tenant === null) throw new Error(`No tenant ${tenantId}: add or discover it first.`);
    const phase = (name: string) => options.onPhase?.(tenantId, name);
    if (tenant.docCustomerId === null) {
      await store.setTenantStatus(tenantId, 'unmapped');
      return {
        tenantId,
        status: 'unmapped',
        runId: null,
        plan: null,
        users: [],
        counts: {},
        error: unmappedMessage(tenant),
      };
    }
    let runId: string | null = null;
    try {
      const settings = await this.settingsOf(tenant);
      const previousRead = await store.lastReadAt(tenantId);
      phase('read');
      const changes = await directory.readChanges(tenantId, await store.deltaLink(tenantId));
      const nothingChanged = changes.kind === 'delta' && changes.changed.length === 0 && changes.removed.length === 0;
      if (nothingChanged && !tenant.dirty && !options.force && !options.dryRun) {
        // A poll that finds nothing is counted, not written as a run: the runs are the ones that looked at contacts.
        await store.saveDirectory(tenantId, changes);
        this.deps.metrics?.increment('contactsync_quiet_polls_total');
        const open = await store.openUsers(tenantId);
        const counts = quietCounts({ held: open.held.size, disputed: open.disputed.size });
        return { tenantId, status: 'unchanged', runId: null, plan: null, users: [], counts, error: null };
      }
      const large =
        changes.kind === 'full' ||
        tenant.dirty ||
        options.force === true ||
        changes.changed.length + changes.removed.length > SMALL_RUN_USERS;
      if (large && isSmallRun() && !options.dryRun) {
        if ((await options.onLarge?.()) === 'stop') {
          // Nothing applied, and the delta link not kept: the large run reads the same changes again.
          return { tenantId, status: 'deferred', runId: null, plan: null, users: [], counts: {}, error: null };
        }
        markLargeRun();
      }
      if (!options.dryRun) runId = await store.startRun(tenantId);
      const snapshot = changes.kind === 'full' ? [] : await store.loadUsers(tenantId);
      const { input, contacts } = await this.planInput(tenant, settings, mergeChanges(snapshot, changes), () =>
        phase('read IT Glue and BMS'),
      );
      if (!options.dryRun) await this.recover(tenant, contacts);
      phase('plan');
      const links = await store.listLinks(tenantId);
      const plan = await this.withCreatedTwice(tenantId, await this.planned(input, links), input);
      if (options.dryRun) {
        // A dry run reports what the writes would be.
        const named = resultNames(input);
        const planned = plan.actions.map((action) =>
          toResult(
            {
              action,
              doc: itglueReport(action.doc),
              psa: bmsReport(action.psa),
              docContactId: itglueContactOf(action),
              psaContactId: bmsContactOf(action),
              failure: null,
            },
            named,
          ),
        );
        return {
          tenantId,
          status: plan.status === 'needs approval' ? 'needs approval' : 'ok',
          runId: null,
          plan,
          users: planned,
          counts: countRun(planned, await store.openUsers(tenantId), TARGETS),
          error: null,
        };
      }

      phase('apply');
      const applied = await applyPlan(plan.actions, {
        tenantId,
        runId: runId!,
        organizationId: tenant.docCustomerId,
        accountId: tenant.psaCustomerId,
        store,
        targets: TARGETS,
        ...this.writers(lease!),
        links: new Map(links.map((link) => [link.userId, link])),
        onProgress: (done, total) => options.onProgress?.(tenantId, done, total),
      });
      // Writes stopped when the lock was lost: the run fails, and its next run (once it holds the lock) finishes it.
      const lost = lease!.lost();
      if (lost !== null) throw lost;
      const named = resultNames(input);
      const results = applied.map((one) => toResult(one, named));
      // A change seen by a delta round happened after the previous read: the time since then bounds its latency.
      if (changes.kind === 'delta' && previousRead !== null) {
        const seconds = (Date.now() - Date.parse(previousRead)) / 1000;
        for (const result of results)
          if (result.psa === 'created' || result.psa === 'updated')
            this.deps.metrics?.observe('contactsync_change_to_bms_seconds', seconds);
      }
      const before = await store.openUsers(tenantId);
      await store.saveResults(runId!, tenantId, results);
      // The candidates' names, read by this run, are kept with the dispute for whoever settles it.
      let docById: Map<string, DocContact> | undefined;
      let psaById: Map<number, PsaContact> | undefined;
      await store.syncConflicts(
        tenantId,
        plan.actions.flatMap((a) => {
          const side = a.doc.kind === 'disputed' ? 'itglue' : a.psa.kind === 'disputed' ? 'bms' : null;
          if (side === null) return [];
          const candidates =
            a.doc.kind === 'disputed'
              ? a.doc.candidateIds
              : a.psa.kind === 'disputed'
                ? a.psa.candidateIds.map(String)
                : [];
          const label = (id: string) =>
            side === 'itglue'
              ? (docById ??= new Map(input.doc.contacts.map((c) => [c.id, c]))).has(id)
                ? docLabel(docById.get(id)!)
                : id
              : psaLabel(Number(id), (psaById ??= new Map((input.psa?.contacts ?? []).map((c) => [c.id, c]))));
          const candidateLabels = Object.fromEntries(candidates.map((id) => [id, label(id)]));
          return [
            {
              userId: a.userId,
              userPrincipalName: a.userPrincipalName,
              side,
              rule: a.rule,
              candidates,
              candidateLabels,
            },
          ];
        }),
      );
      const counts = countRun(results, before, TARGETS);
      this.countResults(counts);
      const status: TenantRunStatus = plan.status === 'needs approval' ? 'needs approval' : 'ok';
      await store.setTenantStatus(tenantId, status);
      // An approval covers the inactivations it was given for; a later halt needs a new one.
      if (tenant.approveInactivations && plan.guard.inactivations > 0) await store.setApproval(tenantId, false);
      await store.saveDirectory(tenantId, changes);
      await store.markDirty(tenantId, false);
      await store.finishRun(runId!, counts.failed! > 0 ? 'failed-users' : status, counts);
      await this.deps.alerts?.record(tenant, { status, runId, users: results, error: null, complete: true });
      phase('done');
      return { tenantId, status, runId, plan, users: results, counts, error: null };
    } catch (error) {
      const message = (error as Error).message;
      this.log('error', 'tenant run failed', { tenantId, error: message });
      // A run that failed before it looked at contacts is recorded all the same: the failure is news.
      const failedRun = runId ?? (options.dryRun ? null : await store.startRun(tenantId).catch(() => null));
      if (failedRun !== null) await store.finishRun(failedRun, 'failed', {}, message);
      await store.setTenantStatus(tenantId, 'failed');
      await this.deps.alerts?.record(tenant, { status: 'failed', runId, users: [], error: message, complete: false });
      return { tenantId, status: 'failed', runId: failedRun, plan: null, users: [], counts: {}, error: message };
    }
  }

  /** Adds a run's figures to the metrics: the same figures the run's summary shows. */
  private countResults(counts: RunCounts): void {
    for (const sample of countSamples(counts, TARGETS))
      this.deps.metrics?.increment('contactsync_sync_results_total', sample.labels, sample.n);
  }

  /** Every tenant, one after another. */
  async runAll(options: RunOptions = {}): Promise<TenantRunResult[]> {
    const results: TenantRunResult[] = [];
    // One round of alerts after every tenant ran: a full sync's items of one kind go out in one message.
    for (const tenant of await this.deps.store.listTenants())
      results.push(await this.runTenantLocked(tenant.id, options));
    if (!options.dryRun) await this.sendAlerts();
    return results;
  }
}
