import type { SecretBox } from '../config/secret-box.ts';
import type { DirectorySubscriptions } from '../domain/directory-notice.ts';
import type { StateStore } from '../store/state-store.ts';
import { SubscriptionStore } from '../store/subscription-store.ts';
import { ChangeCoalescer } from './change-coalescer.ts';
import { deliveryModeOf, type DeliveryMode } from './delivery-mode.ts';
import { NoticeReceiver } from './notice-receiver.ts';
import { SubscriptionKeeper } from './subscription-keeper.ts';

/** Graph's notices for one tenant within this long become one run. */
export const COALESCE_MS = 1_000;

export interface PushDependencies {
  readonly store: StateStore;
  readonly directory: DirectorySubscriptions;
  readonly secrets: SecretBox;
  /** where Graph reaches this installation (`web.publicUrl`); null: every tenant polls */
  readonly publicUrl: string | null;
  readonly log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
  readonly coalesceMs?: number;
  /** the clock subscriptions expire by (tests move it) */
  readonly now?: () => number;
}

/** Change notifications in a process: the receiver of notices, the keeper of subscriptions, and each tenant's mode. */
export interface PushServices {
  readonly publicUrl: string | null;
  readonly subscriptions: SubscriptionStore;
  readonly receiver: NoticeReceiver;
  /** started only by the one process that keeps the subscriptions (the daemon, or the scheduler that leads) */
  readonly keeper: SubscriptionKeeper;
  deliveryModes(): Promise<ReadonlyMap<string, DeliveryMode>>;
  stop(): Promise<void>;
}

/**
 * `changed` hears the tenants whose users Graph says changed (or whose notices were lost), a burst gathered into one
 * call per `coalesceMs`: the daemon reads them at once; in scale-out the web process queues their jobs.
 */
export function createPushServices(
  deps: PushDependencies,
  changed: (tenantIds: readonly string[]) => void,
): PushServices {
  const { store, secrets, publicUrl, log } = deps;
  const subscriptions = new SubscriptionStore(store.db);
  const coalescer = new ChangeCoalescer(deps.coalesceMs ?? COALESCE_MS, changed);
  const keeper = new SubscriptionKeeper({
    store,
    subscriptions,
    directory: deps.directory,
    secrets,
    publicUrl,
    catchUp: (tenantId) => coalescer.add(tenantId),
    log,
    ...(deps.now === undefined ? {} : { now: deps.now }),
  });
  const receiver = new NoticeReceiver({
    subscriptions,
    secrets,
    changed: (tenantId) => coalescer.add(tenantId),
    lifecycle: () => keeper.wake(),
    log,
  });
  return {
    publicUrl,
    subscriptions,
    receiver,
    keeper,
    async deliveryModes() {
      const records = new Map((await subscriptions.list()).map((r) => [r.tenantId, r]));
      const tenants = await store.listTenants();
      const now = (deps.now ?? Date.now)();
      return new Map(tenants.map((t) => [t.id, deliveryModeOf(records.get(t.id) ?? null, publicUrl, now)]));
    },
    async stop() {
      coalescer.stop();
      await keeper.stop();
    },
  };
}
