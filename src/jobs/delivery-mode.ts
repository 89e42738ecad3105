import type { SubscriptionRecord } from '../store/subscription-store.ts';

/** How a tenant hears of changes in Microsoft 365: pushed by Graph's notifications, or read by polling; and why. */
export interface DeliveryMode {
  readonly mode: 'push' | 'poll';
  readonly why: string;
}

/** Push only while the tenant's subscription is active and not expired; polling covers every other case. */
export function deliveryModeOf(
  record: SubscriptionRecord | null,
  publicUrl: string | null,
  now: number = Date.now(),
): DeliveryMode {
  if (publicUrl === null)
    return { mode: 'poll', why: 'no public address (web.publicUrl) for Microsoft Graph to send notifications to' };
  if (record === null || record.subscriptionId === null)
    return {
      mode: 'poll',
      why: record?.reason ?? 'the subscription to change notifications is not made yet',
    };
  if (record.state !== 'active') return { mode: 'poll', why: record.reason ?? `the subscription is ${record.state}` };
  if (record.expiresAt === null || Date.parse(record.expiresAt) <= now)
    return { mode: 'poll', why: 'the subscription expired; it is being made again' };
  return {
    mode: 'push',
    why: `Graph notifies changes; subscription renewed until ${record.expiresAt.slice(0, 10)}${record.lastNoticeAt === null ? '' : `, last notice ${record.lastNoticeAt.replace('T', ' ').slice(0, 19)}`}`,
  };
}
