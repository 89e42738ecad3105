import { runAs } from '../connectors/http/run-priority.ts';
import type { StateStore } from '../store/state-store.ts';
import type { TenantRunResult } from '../run/run-result.ts';
import { LIVE_READ_LIMITS, type LiveReadLimits } from './live-read-limits.ts';
import type { WebServices } from './web-context.ts';
import type { Targets } from '../domain/target-profile.ts';
import { targetNames } from './target-words.ts';

/** A preview reads every user of Microsoft 365 and of each target; a contact, a conflict or candidates a few. */
export const PREVIEW_COST = 5;

/** Too many fresh reads within the minute: the answer is 429 with Retry-After. */
export class LiveReadsExhausted extends Error {
  readonly statusCode = 429;
  constructor(
    readonly retryAfterSeconds: number,
    systems: string,
  ) {
    super(
      `Too many live reads of ${systems} in the last minute (previews, conflicts and contact pages share the API budgets with the syncs). Try again in ${retryAfterSeconds} s; what someone opened in the last moments is shown without waiting.`,
    );
    this.name = 'LiveReadsExhausted';
  }
}

/** How a read is served: shared with others (the default), or read fresh for an admin's decision. */
export interface ReadOptions {
  /** units it costs (default 1) */
  readonly cost?: number;
  /** read afresh even when a shared read is at hand (still counted, still refused beyond the budget) */
  readonly fresh?: boolean;
  /** counted, but never refused: the page shown after an admin's action has already run */
  readonly afterAction?: boolean;
}

/**
 * Every read of the vendors' APIs that a page or a read-only route makes on demand: the Preview page and the plan,
 * the conflicts' evidence, a contact's Manage page, the contacts a person can be linked to. Each spends the API
 * budgets the syncs need, and a viewer (or a leaked read-only token) may repeat them: so what is read about a tenant
 * is shared, keyed by what was read, for a short time (until a run or a change about the tenant is recorded); fresh
 * reads draw on one budget per minute for the process; and they run as large runs, which yield to a sync's small
 * runs and never take their reserve.
 */
export class LiveReads {
  private readonly shared = new Map<string, { fingerprint: string; at: number; result: Promise<unknown> }>();
  private readonly spent: { at: number; cost: number }[] = [];

  constructor(
    private readonly store: StateStore,
    /** the targets read, by name, for the message that refuses a read */
    private readonly systems: string,
    private readonly limits: LiveReadLimits = LIVE_READ_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What was recorded for the tenant since: a run started or ended, a read, its settings or the global ones, its
   * mapping, or an action about it (a decision, a link). Sign-ins and other tenants’ actions leave it alone: a failed
   * sign-in’s target is the name typed, which a stranger may make the tenant’s id, so entries are taken by tenant only.
   */
  private async fingerprint(tenantId: string): Promise<string> {
    const [tenant, runs, audit, read, global, own] = await Promise.all([
      this.store.getTenant(tenantId),
      this.store.listRuns(tenantId, 1),
      this.store.listAudit({ tenantId, aboutTenantOnly: true, limit: 1 }),
      this.store.lastReadAt(tenantId),
      this.store.latestSettings('global'),
      this.store.latestSettings(tenantId),
    ]);
    const run = runs[0];
    const last = audit[0];
    return JSON.stringify([
      tenant,
      run?.id,
      run?.status,
      run?.finishedAt,
      last?.at,
      last?.action,
      last?.target,
      read,
      global?.version,
      own?.version,
    ]);
  }

  /** Spends `cost` units of the minute's budget, or says when to try again. */
  private spend(cost: number, now: number, refusable: boolean): void {
    while (this.spent.length > 0 && this.spent[0]!.at <= now - 60_000) this.spent.shift();
    const used = this.spent.reduce((sum, s) => sum + s.cost, 0);
    if (refusable && used + cost > this.limits.perMinute) {
      // When enough of the oldest reads leave the minute.
      let freed = 0;
      let until = now;
      for (const s of this.spent) {
        freed += s.cost;
        until = s.at + 60_000;
        if (used - freed + cost <= this.limits.perMinute) break;
      }
      throw new LiveReadsExhausted(Math.max(1, Math.ceil((until - now) / 1000)), this.systems);
    }
    this.spent.push({ at: now, cost });
  }

  /** `read`, about `tenantId`, under `key` (what is read): shared while nothing about the tenant changes. */
  async read<T>(tenantId: string, key: string, read: () => Promise<T>, options: ReadOptions = {}): Promise<T> {
    const fingerprint = await this.fingerprint(tenantId);
    const now = this.now();
    const id = `${tenantId}\u0000${key}`;
    // From here to the `set`, nothing awaits: reads asked at once find the first one's.
    const entry = this.shared.get(id);
    if (
      options.fresh !== true &&
      entry !== undefined &&
      entry.fingerprint === fingerprint &&
      now - entry.at < this.limits.cacheSeconds * 1000
    )
      return entry.result as Promise<T>;
    this.spend(options.cost ?? 1, now, options.afterAction !== true);
    // What nobody may share any more goes, so that the reads kept stay as few as the budget allows.
    for (const [other, kept] of this.shared)
      if (now - kept.at >= this.limits.cacheSeconds * 1000) this.shared.delete(other);
    const result = runAs(false, read);
    this.shared.set(id, { fingerprint, at: now, result });
    result.catch(() => {
      if (this.shared.get(id)?.result === result) this.shared.delete(id);
    });
    return result;
  }

  /** The dry run of the Preview page and `GET /api/tenants/{id}/plan`. */
  preview(tenantId: string, run: () => Promise<TenantRunResult>): Promise<TenantRunResult> {
    return this.read(tenantId, 'preview', run, { cost: PREVIEW_COST });
  }
}

const readsByServices = new WeakMap<WebServices, LiveReads>();

/** The live reads of one web app (its pages and its REST API share them). */
export function liveReadsOf(services: WebServices): LiveReads {
  let reads = readsByServices.get(services);
  if (reads === undefined) {
    reads = new LiveReads(services.store, targetNames(services.targets), services.liveReadLimits ?? LIVE_READ_LIMITS);
    readsByServices.set(services, reads);
  }
  return reads;
}

/** The tenant's preview: shared, counted, and run as a large run. */
export function previewOf(services: WebServices, tenantId: string): Promise<TenantRunResult> {
  return liveReadsOf(services).preview(tenantId, () => services.apis().runner.runTenant(tenantId, { dryRun: true }));
}

/** The summary line the API's description gives of these limits. */
export function liveReadsWords(targets: Targets): string {
  return `One read per tenant is shared for ${LIVE_READ_LIMITS.cacheSeconds} s (or until a run or a change); fresh reads of ${targetNames(targets)} share a budget of ${LIVE_READ_LIMITS.perMinute} a minute (a preview counts ${PREVIEW_COST}), then 429 with Retry-After`;
}
