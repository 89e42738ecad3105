import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../config/secret-box.ts';
import type { DirectoryNotice } from '../domain/directory-notice.ts';
import type { SubscriptionStore } from '../store/subscription-store.ts';

const CACHE_MS = 30_000;
const UNKNOWN_CACHE_MS = 10_000;
/** Unknown ids remembered at most: the oldest is forgotten first, so that strangers cannot grow the map. */
const UNKNOWN_CACHE_SIZE = 1000;
/**
 * Unknown ids looked up in the database per batch: Graph sends notices of our subscriptions only, so a batch with more
 * unknown ones is not from Graph, and the rest of it is ignored without reading the database.
 */
const UNKNOWN_READS_PER_BATCH = 3;
/** Refused notices are logged at most this often, with how many were refused meanwhile. */
const LOG_EVERY_MS = 10_000;

interface NoticeReceiverOptions {
  readonly subscriptions: SubscriptionStore;
  readonly secrets: SecretBox;
  /** the tenant's users changed, or notices were lost: read its changes soon (the notice is a hint, never the data) */
  readonly changed: (tenantId: string, why: 'change' | 'missed' | 'removed') => void;
  /** Graph asked something of a subscription (reauthorize, make again): the keeper should pass soon */
  readonly lifecycle?: () => void;
  readonly log?: (level: 'info' | 'warn', message: string, fields?: Record<string, unknown>) => void;
  readonly now?: () => number;
}

interface Known {
  readonly tenantId: string;
  readonly digest: Buffer | null;
  readonly until: number;
}

interface ReceiveResult {
  readonly accepted: number;
  readonly forged: number;
  readonly unknown: number;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * What the notification endpoint does with what it received, before it answers: each notice's subscription is looked
 * up (unknown ones are ignored), its `clientState` compared in constant time with the one made for the subscription
 * (a wrong one is a forgery: ignored and logged); the notice is then recorded in the database (the subscription's
 * `last_notice_at`, or the lifecycle event for the keeper) and only then is the tenant handed on to be read. Graph
 * takes a `202` to mean the notices are safe: when recording fails, `receive` throws so that the endpoint answers
 * `5xx` and Graph delivers again; a process that dies after the `202` leaves the nudge in the database, where the
 * keeper finds it (`SubscriptionKeeper`).
 */
export class NoticeReceiver {
  private readonly cache = new Map<string, Known | null>();
  private readonly unknownUntil = new Map<string, number>();
  private readonly refusals = new Map<string, { lastLogged: number; suppressed: number }>();

  constructor(private readonly options: NoticeReceiverOptions) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * The subscription; null when unknown. Once the batch has read `UNKNOWN_READS_PER_BATCH` unknown ids, what is not
   * cached is taken as unknown without a read.
   */
  private async lookup(subscriptionId: string, batch: { unknownReads: number }): Promise<Known | null> {
    const now = this.now();
    const cached = this.cache.get(subscriptionId);
    if (cached !== undefined && cached !== null && cached.until > now) return cached;
    if ((this.unknownUntil.get(subscriptionId) ?? 0) > now) return null;
    if (batch.unknownReads >= UNKNOWN_READS_PER_BATCH) return null;
    const record = await this.options.subscriptions.bySubscriptionId(subscriptionId);
    if (record === null) {
      batch.unknownReads += 1;
      // Many notices for one unknown id cost one read per 10 s.
      this.unknownUntil.delete(subscriptionId);
      if (this.unknownUntil.size >= UNKNOWN_CACHE_SIZE) {
        const oldest = this.unknownUntil.keys().next().value;
        if (oldest !== undefined) this.unknownUntil.delete(oldest);
      }
      this.unknownUntil.set(subscriptionId, now + UNKNOWN_CACHE_MS);
      return null;
    }
    let secret: Buffer | null = null;
    try {
      secret = record.clientState === null ? null : digest(this.options.secrets.open(record.clientState));
    } catch {
      secret = null;
    }
    const known: Known = { tenantId: record.tenantId, digest: secret, until: now + CACHE_MS };
    this.cache.set(subscriptionId, known);
    return known;
  }

  private refuse(kind: 'forged' | 'unknown', fields: Record<string, unknown>): void {
    const now = this.now();
    const state = this.refusals.get(kind) ?? { lastLogged: 0, suppressed: 0 };
    if (now - state.lastLogged >= LOG_EVERY_MS) {
      this.options.log?.(
        'warn',
        kind === 'forged'
          ? 'change notification ignored: its clientState is not the subscription’s (forged or stale)'
          : 'change notification ignored: no such subscription',
        { ...fields, alsoIgnoredSinceLastLine: state.suppressed },
      );
      this.refusals.set(kind, { lastLogged: now, suppressed: 0 });
    } else this.refusals.set(kind, { ...state, suppressed: state.suppressed + 1 });
  }

  /** How many unknown ids are remembered (bounded by `UNKNOWN_CACHE_SIZE`). */
  get unknownRemembered(): number {
    return this.unknownUntil.size;
  }

  /** Throws when the notices could not be recorded: then they must not be acknowledged (answer `5xx`). */
  async receive(notices: readonly DirectoryNotice[], source: { readonly ip: string }): Promise<ReceiveResult> {
    let accepted = 0;
    let forged = 0;
    let unknown = 0;
    /** the tenants of the change notices accepted, by subscription */
    const changed = new Map<string, string>();
    const batch = { unknownReads: 0 };
    for (const notice of notices) {
      const known = await this.lookup(notice.subscriptionId, batch);
      if (known === null) {
        unknown += 1;
        this.refuse('unknown', { subscriptionId: notice.subscriptionId, ip: source.ip });
        continue;
      }
      if (known.digest === null || !timingSafeEqual(known.digest, digest(notice.clientState))) {
        forged += 1;
        this.refuse('forged', { subscriptionId: notice.subscriptionId, tenantId: known.tenantId, ip: source.ip });
        continue;
      }
      accepted += 1;
      if (notice.kind === 'change') changed.set(notice.subscriptionId, known.tenantId);
      else await this.lifecycleEvent(notice.subscriptionId, known.tenantId, notice.event);
    }
    // One write per subscription in the batch, whatever the number of its notices: the nudge is then in the database.
    const at = new Date(this.now()).toISOString();
    for (const subscriptionId of changed.keys()) await this.options.subscriptions.noticed(subscriptionId, at);
    for (const tenantId of new Set(changed.values())) this.options.changed(tenantId, 'change');
    return { accepted, forged, unknown };
  }

  private async lifecycleEvent(subscriptionId: string, tenantId: string, event: string): Promise<void> {
    const { subscriptions } = this.options;
    this.options.log?.('info', 'lifecycle notification', { tenantId, subscriptionId, event });
    if (event === 'missed') {
      // Graph documents `missed` (and `subscriptionRemoved`) for Outlook and Teams, not for users; should one come,
      // a read of the changes catches up. The product does not count on them: pushed tenants are also polled.
      this.options.changed(tenantId, 'missed');
      return;
    }
    if (event === 'reauthorizationRequired')
      await subscriptions.flag(subscriptionId, 'reauthorize', 'Graph asked for the subscription to be reauthorized');
    else if (event === 'subscriptionRemoved') {
      await subscriptions.flag(subscriptionId, 'removed', 'Graph removed the subscription; it is being made again');
      this.options.changed(tenantId, 'removed');
    } else return;
    this.cache.delete(subscriptionId);
    this.options.lifecycle?.();
  }
}
