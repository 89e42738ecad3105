/**
 * What the directory pushes: a change to a user (a hint to read the tenant's changes, never the data itself), or a
 * lifecycle event of the subscription (`subscriptionRemoved`, `reauthorizationRequired`, `missed`, or one Graph adds
 * later). `clientState` is the secret given when subscribing: a notice without the right one is not Graph's.
 */
export type DirectoryNotice =
  | {
      readonly kind: 'change';
      readonly subscriptionId: string;
      readonly clientState: string;
      readonly tenantId: string | null;
      readonly changeType: string;
      readonly userId: string | null;
    }
  | {
      readonly kind: 'lifecycle';
      readonly subscriptionId: string;
      readonly clientState: string;
      readonly tenantId: string | null;
      readonly event: string;
    };

/** A subscription to a tenant's user changes, as the directory made it. */
export interface DirectorySubscription {
  readonly id: string;
  readonly expiresAt: string;
}

export interface SubscriptionRequest {
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl: string;
  readonly clientState: string;
  readonly expiresAt: Date;
}

/** The directory's change notifications: subscriptions to a tenant's user changes, kept alive by the caller. */
export interface DirectorySubscriptions {
  /** Fails when the directory cannot validate the notification URL (unreachable, slow, or not answering its token). */
  subscribe(tenantId: string, request: SubscriptionRequest): Promise<DirectorySubscription>;
  /** Extends a subscription (which reauthorizes it too); a `NotFound` error says it is gone. */
  renew(tenantId: string, subscriptionId: string, expiresAt: Date): Promise<DirectorySubscription>;
  reauthorize(tenantId: string, subscriptionId: string): Promise<void>;
  /** Removes a subscription; one already gone is no error. */
  unsubscribe(tenantId: string, subscriptionId: string): Promise<void>;
}
