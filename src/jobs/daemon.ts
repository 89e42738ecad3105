import type { TenantRunResult } from '../run/run-result.ts';
import { mappedToAny } from '../run/tenant-mapped.ts';
import type { StateStore } from '../store/state-store.ts';
import type { DeliveryMode } from './delivery-mode.ts';

/**
 * What the daemon does with a tenant that is due: run it here (the embedded mode: the `SyncRunner` itself), or put it
 * in the queue for the workers (scale-out), which gives no result.
 */
export interface TenantDispatcher {
  mapTenants(): Promise<void>;
  runTenant(
    tenantId: string,
    options: { readonly force: boolean; readonly by: string },
  ): Promise<TenantRunResult | null>;
}

/** A tenant another process is syncing is tried again this soon (or at its next poll, if that comes first). */
const BUSY_RETRY_MS = 5_000;

interface DaemonOptions {
  readonly store: StateStore;
  readonly runner: TenantDispatcher;
  /** how often each tenant's Microsoft 365 changes are read (one Graph request when nothing changed) */
  readonly pollSeconds: number;
  /** the tenants whose own settings override pollSeconds, with theirs (read again at each turn of the loop) */
  readonly ownPollSeconds?: () => Promise<ReadonlyMap<string, number>>;
  /** how often a tenant is planned in full even without a change, to catch what delta cannot (edits in the targets) */
  readonly reconcileHours: number;
  /** how each tenant hears of changes: a tenant whose notifications are pushed is polled only every `pushPollSeconds` */
  readonly modes?: () => Promise<ReadonlyMap<string, DeliveryMode>>;
  /** the safety poll of a pushed tenant: Graph does not promise to say when it lost a notification for users */
  readonly pushPollSeconds?: number;
  readonly onResult?: (result: TenantRunResult) => void;
  readonly onError?: (tenantId: string, error: Error) => void;
  readonly random?: () => number;
  readonly now?: () => number;
}

/**
 * The embedded scheduler: every tenant is polled every `pollSeconds` (or its own), the tenants spread over the interval with
 * jitter so that they do not all call the APIs at once, and reconciled in full every `reconcileHours`. Tenants run side
 * by side, one run per tenant at a time, as many as the dispatcher's lanes take. `stop()` lets the runs in flight
 * finish (every write is journalled, so even a kill is safe) and resolves when the loop is done.
 */
export class Daemon {
  private stopping = false;
  private wake: (() => void) | null = null;
  private readonly nextPoll = new Map<string, number>();
  private readonly nextReconcile = new Map<string, number>();
  private loop: Promise<void> | null = null;
  private readonly lastPoll = new Map<string, number>();
  private readonly pushed = new Set<string>();
  private readonly nudged = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private beatAt: number | null = null;
  private ownPoll: ReadonlyMap<string, number> = new Map();

  constructor(private readonly options: DaemonOptions) {}

  start(): Promise<void> {
    this.loop ??= this.run();
    return this.loop;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
  }

  /** When the loop last went round (epoch ms), for readiness checks; null before its first turn. */
  lastBeatAt(): number | null {
    return this.beatAt;
  }

  /** Graph said the tenant changed: it is read as soon as the loop can (once, however many notices came). */
  nudge(tenantId: string): void {
    this.nudged.add(tenantId);
    this.nextPoll.set(tenantId, this.now());
    this.wake?.();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private intervalOf(push: boolean, tenantId: string): number {
    if (push) return (this.options.pushPollSeconds ?? 900) * 1000;
    return (this.ownPoll.get(tenantId) ?? this.options.pollSeconds) * 1000;
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  private async run(): Promise<void> {
    const { store, runner } = this.options;
    const random = this.options.random ?? Math.random;
    const interval = this.options.pollSeconds * 1000;
    while (!this.stopping) {
      this.beatAt = this.now();
      await runner.mapTenants().catch((error: unknown) => this.options.onError?.('*', error as Error));
      const tenants = (await store.listTenants()).filter(mappedToAny);
      const modes = (await this.options.modes?.().catch(() => null)) ?? new Map<string, DeliveryMode>();
      this.ownPoll = (await this.options.ownPollSeconds?.().catch(() => null)) ?? this.ownPoll;
      const now = this.now();
      for (const tenant of tenants) {
        // A tenant seen for the first time is placed somewhere in the first interval.
        if (!this.nextPoll.has(tenant.id))
          this.nextPoll.set(tenant.id, now + Math.floor(random() * this.intervalOf(false, tenant.id)));
        const push = modes.get(tenant.id)?.mode === 'push';
        if (push !== this.pushed.has(tenant.id)) {
          // A tenant that starts or stops being pushed is polled at its new pace, counted from its last poll.
          const last = this.lastPoll.get(tenant.id);
          if (last !== undefined) this.nextPoll.set(tenant.id, Math.max(now, last + this.intervalOf(push, tenant.id)));
          if (push) this.pushed.add(tenant.id);
          else this.pushed.delete(tenant.id);
        }
        if (!this.nextReconcile.has(tenant.id))
          this.nextReconcile.set(tenant.id, now + this.options.reconcileHours * 3600_000);
      }
      const due = tenants
        .filter((t) => this.nextPoll.get(t.id)! <= now && !this.inFlight.has(t.id))
        .sort((a, b) => this.nextPoll.get(a.id)! - this.nextPoll.get(b.id)!);
      // Runs go on side by side (the dispatcher's lanes bound them); one per tenant at a time.
      for (const tenant of due) if (!this.stopping) this.launch(tenant.id, random);
      const waiting = tenants.filter((t) => !this.inFlight.has(t.id)).map((t) => this.nextPoll.get(t.id)!);
      const next = Math.min(...waiting, this.now() + interval);
      if (!this.stopping) await this.sleep(Math.max(50, next - this.now()));
    }
    await Promise.all(this.inFlight.values());
  }

  private launch(tenantId: string, random: () => number): void {
    const { runner } = this.options;
    const force = this.nextReconcile.get(tenantId)! <= this.now();
    this.nudged.delete(tenantId);
    let busy = false;
    const done = runner
      .runTenant(tenantId, { force, by: 'daemon' })
      .then((result) => {
        busy = result?.status === 'busy';
        if (result !== null) this.options.onResult?.(result);
      })
      .catch((error: unknown) => this.options.onError?.(tenantId, error as Error))
      .finally(() => {
        this.inFlight.delete(tenantId);
        if (busy) {
          // Another process is syncing the tenant: not a failure; this poll (and a reconciliation due) comes back soon.
          this.nextPoll.set(tenantId, this.now() + Math.min(this.options.pollSeconds * 1000, BUSY_RETRY_MS));
          this.wake?.();
          return;
        }
        if (force) this.nextReconcile.set(tenantId, this.now() + this.options.reconcileHours * 3600_000);
        this.lastPoll.set(tenantId, this.now());
        // A nudge during the run stands: the tenant is read again at once. Otherwise the next poll keeps the
        // tenant's place in the interval, with a little jitter.
        const every = this.intervalOf(this.pushed.has(tenantId), tenantId);
        if (!this.nudged.has(tenantId))
          this.nextPoll.set(tenantId, this.now() + every + Math.floor((random() - 0.5) * 0.1 * every));
        this.wake?.();
      });
    this.inFlight.set(tenantId, done);
  }
}
