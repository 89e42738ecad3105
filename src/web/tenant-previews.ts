import { runAs } from '../connectors/http/run-priority.ts';
import type { StateStore } from '../store/state-store.ts';
import type { TenantRunResult } from '../sync/tenant-runner.ts';
import type { WebServices } from './web-context.ts';

/** How often previews may read the vendors' APIs, and how long one read is shared. */
export interface PreviewLimits {
  /** previews that read afresh, in any minute, for the whole process (a shared one costs nothing) */
  readonly perMinute: number;
  /** how long a preview of a tenant is shared by everyone who asks, unless a run or a change comes in between */
  readonly cacheSeconds: number;
}

export const PREVIEW_LIMITS: PreviewLimits = { perMinute: 6, cacheSeconds: 30 };

/** Too many previews read afresh within the minute: the answer is 429 with Retry-After. */
export class PreviewsExhausted extends Error {
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(
      `Too many previews were read in the last minute (they share the API budgets with the syncs). Try again in ${retryAfterSeconds} s, or open the preview someone made in the last moments.`,
    );
    this.name = 'PreviewsExhausted';
  }
}

/**
 * The dry runs of the Preview page and `GET /api/tenants/{id}/plan`. Each costs a full read of Microsoft 365, IT Glue
 * and BMS, on the budgets the syncs need, and a viewer (or a leaked read-only token) may ask for them: so a tenant's
 * preview is read once and shared for a short time (until a run or a change is recorded), fresh reads are limited
 * per minute, and they run as large runs, which yield to a sync's small runs and never take their reserve.
 */
export class TenantPreviews {
  private readonly shared = new Map<string, { fingerprint: string; at: number; result: Promise<TenantRunResult> }>();
  private readonly reads: number[] = [];

  constructor(
    private readonly store: StateStore,
    private readonly read: (tenantId: string) => Promise<TenantRunResult>,
    private readonly limits: PreviewLimits = PREVIEW_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What was recorded for the tenant since: a run started or ended, a read, its settings or the global ones, its
   * mapping, or an action about it (a decision, a link). Sign-ins and other tenants' actions leave it alone: a failed
   * sign-in's target is the name typed, which a stranger may make the tenant's id, so entries are taken by tenant only.
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

  async preview(tenantId: string): Promise<TenantRunResult> {
    const fingerprint = await this.fingerprint(tenantId);
    const now = this.now();
    // From here to the `set`, nothing awaits: previews asked at once find the first one's read.
    const entry = this.shared.get(tenantId);
    if (entry !== undefined && entry.fingerprint === fingerprint && now - entry.at < this.limits.cacheSeconds * 1000)
      return entry.result;
    while (this.reads.length > 0 && this.reads[0]! <= now - 60_000) this.reads.shift();
    if (this.reads.length >= this.limits.perMinute)
      throw new PreviewsExhausted(Math.max(1, Math.ceil((this.reads[0]! + 60_000 - now) / 1000)));
    this.reads.push(now);
    const result = runAs(false, () => this.read(tenantId));
    this.shared.set(tenantId, { fingerprint, at: now, result });
    result.catch(() => {
      if (this.shared.get(tenantId)?.result === result) this.shared.delete(tenantId);
    });
    return result;
  }
}

const previewsByServices = new WeakMap<WebServices, TenantPreviews>();

/** The previews of one web app (its pages and its REST API share them). */
export function previewsOf(services: WebServices): TenantPreviews {
  let previews = previewsByServices.get(services);
  if (previews === undefined) {
    previews = new TenantPreviews(
      services.store,
      (tenantId) => services.apis().runner.runTenant(tenantId, { dryRun: true }),
      services.previewLimits ?? PREVIEW_LIMITS,
    );
    previewsByServices.set(services, previews);
  }
  return previews;
}
