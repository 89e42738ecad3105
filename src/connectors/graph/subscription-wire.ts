import { z } from 'zod';
import type { DirectoryNotice } from '../../domain/directory-notice.ts';

/**
 * Microsoft Graph's change notifications on users: the subscription resource and the notifications posted to the
 * notification and lifecycle URLs, parsed at the boundary and mapped to `DirectoryNotice` here and nowhere else.
 */

/** Graph's documented longest life of a subscription on users: 41,760 minutes (under 29 days). */
export const USER_SUBSCRIPTION_MAX_MINUTES = 41_760;

/** What contactsync subscribes to: every user; `updated` reports creations, updates and soft deletions. */
export const USER_SUBSCRIPTION = { resource: 'users', changeType: 'updated,deleted' } as const;

export const subscriptionWire = z.object({
  id: z.string().min(1),
  expirationDateTime: z.string(),
});

const text = z.string().nullable().optional();

/**
 * Graph's subscription ids are GUIDs: anything else is not from Graph, and is refused before it is looked up or kept
 * (a stranger's 250 KB id would otherwise be held in memory).
 */
const subscriptionIdWire = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

const changeItemWire = z.object({
  subscriptionId: subscriptionIdWire,
  clientState: text,
  tenantId: text,
  changeType: z.string(),
  resource: text,
  resourceData: z
    .object({ id: z.string().optional(), organizationId: z.string().optional() })
    .loose()
    .nullable()
    .optional(),
});

const lifecycleItemWire = z.object({
  subscriptionId: subscriptionIdWire,
  clientState: text,
  tenantId: text,
  lifecycleEvent: z.string(),
});

const noticeCollectionWire = z.object({
  value: z.array(z.union([lifecycleItemWire, changeItemWire])).max(1000),
});

/** The notices of a posted collection; items of a shape Graph does not send are left out. */
export function toDirectoryNotices(body: unknown): DirectoryNotice[] | null {
  const parsed = noticeCollectionWire.safeParse(body);
  if (!parsed.success) return null;
  return parsed.data.value.map((item): DirectoryNotice => {
    const common = {
      subscriptionId: item.subscriptionId,
      clientState: item.clientState ?? '',
      tenantId: item.tenantId ?? null,
    };
    if ('lifecycleEvent' in item) return { ...common, kind: 'lifecycle', event: item.lifecycleEvent };
    const userId = item.resourceData?.id ?? item.resource?.replace(/^users\//i, '') ?? null;
    return { ...common, kind: 'change', changeType: item.changeType, userId };
  });
}
