import { mappedToAny } from '../run/tenant-mapped.ts';
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../config/secret-box.ts';
import { isConnectorError } from '../connectors/http/connector-error.ts';
import type { DirectorySubscriptions } from '../domain/directory-notice.ts';
import type { StateStore } from '../store/state-store.ts';
import type { SubscriptionRecord, SubscriptionStore } from '../store/subscription-store.ts';

/** Graph allows subscriptions on users 41,760 minutes; an hour less leaves room for clocks that differ. */
const LIFETIME_MINUTES = 41_760 - 60;
/** A subscription is renewed this long before it expires. */
const RENEW_WITHIN_MS = 3 * 24 * 3600_000;
/** Subscriptions made or renewed at once (each makes Graph call the notification URL). */
const PARALLEL = 8;
/** A notice recorded this long ago and not followed by a read was never handed on (its process stopped)... */
const NOTICE_HANDED_ON_MS = 60_000;
/** ...unless it is older than this: the safety poll of a pushed tenant (15 minutes) has read it since. */
const NOTICE_SWEEP_MS = 20 * 60_000;

interface SubscriptionKeeperOptions {
  readonly store: StateStore;
  readonly subscriptions: SubscriptionStore;
  readonly directory: DirectorySubscriptions;
  readonly secrets: SecretBox;
  /** where Graph reaches this installation (`web.publicUrl`); null: no subscriptions, every tenant polls */
  readonly publicUrl: string | null;
  /** a tenant whose changes may have gone unnotified (its subscription was removed) is read at once */
  readonly catchUp: (tenantId: string) => void;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  readonly now?: () => number;
}

/** The notification and lifecycle URLs under the public address. */
function notificationUrls(publicUrl: string): { notificationUrl: string; lifecycleNotificationUrl: string } {
  const base = publicUrl.replace(/\/+$/, '');
  return { notificationUrl: `${base}/graph/notifications`, lifecycleNotificationUrl: `${base}/graph/lifecycle` };
}

/** After n failures in a row, the next try waits 30 s × 2^(n-1), at most an hour. */
function backoffMs(failures: number): number {
  return Math.min(3600_000, 30_000 * 2 ** Math.max(0, failures - 1));
}

/**
 * Keeps one Graph subscription per mapped tenant alive: made when missing (Graph validates the notification URL
 * first), renewed before it expires, reauthorized when Graph asks, made again after Graph removed it (with a read of
 * the tenant's changes, since notifications were lost meanwhile), retried with backoff when Graph refuses. Without a
 * public URL it removes what it made. One process keeps the subscriptions: the daemon, or the scheduler in scale-out.
 */
export class SubscriptionKeeper {
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private started = false;

  constructor(private readonly options: SubscriptionKeeperOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    this.options.log?.(level, message, fields);
  }

  /** Passes now and then every `intervalMs` until stopped. */
  start(intervalMs = 60_000): void {
    this.started = true;
    const loop = async () => {
      await this.reconcile().catch((error: unknown) =>
        this.log('error', 'keeping the subscriptions failed', { error: (error as Error).message }),
      );
      if (!this.stopped) this.timer = setTimeout(() => void loop(), intervalMs);
    };
    void loop();
  }

  /** A pass soon (a lifecycle event arrived), when this process keeps the subscriptions. */
  wake(): void {
    if (!this.started || this.stopped) return;
    void this.reconcile().catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass over every tenant; a pass asked for while one runs follows it. */
  reconcile(): Promise<void> {
    if (this.pass !== null) {
      this.again = true;
      return this.pass;
    }
    this.pass = (async () => {
      do {
        this.again = false;
        await this.reconcileOnce();
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.pass = null;
    });
    return this.pass;
  }

  private async reconcileOnce(): Promise<void> {
    const { store, subscriptions, publicUrl } = this.options;
    const tenants = (await store.listTenants()).filter(mappedToAny);
    const records = new Map((await subscriptions.list()).map((r) => [r.tenantId, r]));
    const wanted = new Set(publicUrl === null ? [] : tenants.map((t) => t.id));
    // Subscriptions no longer wanted (no public URL, a tenant unmapped or gone) are removed from Graph.
    for (const record of records.values()) {
      if (wanted.has(record.tenantId)) continue;
      if (record.subscriptionId !== null)
        await this.options.directory.unsubscribe(record.tenantId, record.subscriptionId).catch(() => {});
      await subscriptions.remove(record.tenantId);
    }
    if (publicUrl === null) return;
    await this.catchUpNoticed(records.values());
    const due = tenants.filter((t) => this.needsWork(records.get(t.id) ?? null, publicUrl));
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, due.length) }, async () => {
        while (next < due.length && !this.stopped) {
          const tenant = due[next++]!;
          await this.keep(tenant.id, records.get(tenant.id) ?? null, publicUrl);
        }
      }),
    );
  }

  /**
   * The receiver records each notice before it answers Graph, then hands the tenant on; a process that stops in
   * between leaves a notice that no read followed. Such a tenant is read now rather than at its safety poll.
   */
  private async catchUpNoticed(records: Iterable<SubscriptionRecord>): Promise<void> {
    const now = this.now();
    for (const record of records) {
      if (record.lastNoticeAt === null) continue;
      const at = Date.parse(record.lastNoticeAt);
      if (now - at < NOTICE_HANDED_ON_MS || now - at > NOTICE_SWEEP_MS) continue;
      const read = await this.options.store.lastReadAt(record.tenantId);
      if (read === null || Date.parse(read) < at) this.options.catchUp(record.tenantId);
    }
  }

  private needsWork(record: SubscriptionRecord | null, publicUrl: string): boolean {
    if (record === null) return true;
    if (record.nextAttemptAt !== null && Date.parse(record.nextAttemptAt) > this.now()) return false;
    if (record.state !== 'active' || record.subscriptionId === null || record.expiresAt === null) return true;
    if (record.notificationUrl !== notificationUrls(publicUrl).notificationUrl) return true;
    return Date.parse(record.expiresAt) - this.now() < RENEW_WITHIN_MS;
  }

  private async keep(tenantId: string, record: SubscriptionRecord | null, publicUrl: string): Promise<void> {
    const { directory, subscriptions, secrets } = this.options;
    const urls = notificationUrls(publicUrl);
    const expiresAt = new Date(this.now() + LIFETIME_MINUTES * 60_000);
    const reusable =
      record !== null &&
      record.subscriptionId !== null &&
      record.state !== 'removed' &&
      record.notificationUrl === urls.notificationUrl &&
      record.expiresAt !== null &&
      Date.parse(record.expiresAt) > this.now();
    try {
      if (reusable) {
        try {
          // Renewing reauthorizes as well: one call answers both a near expiry and Graph's reauthorization request.
          const renewed = await directory.renew(tenantId, record.subscriptionId!, expiresAt);
          await subscriptions.save({
            ...record,
            expiresAt: renewed.expiresAt,
            state: 'active',
            reason: null,
            failures: 0,
            nextAttemptAt: null,
          });
          if (record.state !== 'active') this.log('info', 'subscription reauthorized', { tenantId });
          return;
        } catch (error) {
          if (!isConnectorError(error) || error.code !== 'NotFound') throw error;
          // Gone at Graph's end: made again below.
        }
      } else if (record?.subscriptionId) {
        await directory.unsubscribe(tenantId, record.subscriptionId).catch(() => {});
      }
      const clientState = randomBytes(32).toString('base64url');
      const made = await directory.subscribe(tenantId, { ...urls, clientState, expiresAt });
      await subscriptions.save({
        tenantId,
        subscriptionId: made.id,
        clientState: secrets.seal(clientState),
        notificationUrl: urls.notificationUrl,
        expiresAt: made.expiresAt,
        state: 'active',
        reason: null,
        failures: 0,
        nextAttemptAt: null,
        lastNoticeAt: null,
      });
      this.log('info', 'subscribed to user changes', { tenantId, subscriptionId: made.id, expiresAt: made.expiresAt });
      // Changes made while the subscription was missing were not notified; a read of the changes finds them.
      if (record !== null) this.options.catchUp(tenantId);
    } catch (error) {
      const failures = (record?.failures ?? 0) + 1;
      const message = (error as Error).message;
      await subscriptions.save({
        tenantId,
        subscriptionId: record?.subscriptionId ?? null,
        clientState: record?.clientState ?? null,
        notificationUrl: record?.notificationUrl ?? null,
        expiresAt: record?.expiresAt ?? null,
        state: 'failed',
        reason: `Graph refused the subscription (${message}); polling meanwhile, tried again later`,
        failures,
        nextAttemptAt: new Date(this.now() + backoffMs(failures)).toISOString(),
        lastNoticeAt: record?.lastNoticeAt ?? null,
      });
      this.log('warn', 'subscription to user changes failed', { tenantId, failures, error: message });
    }
  }
}
