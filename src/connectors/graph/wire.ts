import { z } from 'zod';
import type { DirectoryOrganization, DirectoryUser } from '../../domain/directory-user.ts';

/** Microsoft Graph's wire shapes, parsed at the boundary and mapped to the domain here and nowhere else. */

/** Every user property the sync reads; with `$select`, Graph returns only these. */
export const USER_SELECT = [
  'id',
  'userPrincipalName',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'proxyAddresses',
  'otherMails',
  'businessPhones',
  'mobilePhone',
  'jobTitle',
  'officeLocation',
  'accountEnabled',
  'userType',
  'assignedLicenses',
  'usageLocation',
  'country',
] as const;

const text = z.string().nullable().optional();

export const userWire = z.object({
  id: z.string(),
  userPrincipalName: text,
  displayName: text,
  givenName: text,
  surname: text,
  mail: text,
  proxyAddresses: z.array(z.string()).nullable().optional(),
  otherMails: z.array(z.string()).nullable().optional(),
  businessPhones: z.array(z.string()).nullable().optional(),
  mobilePhone: text,
  jobTitle: text,
  officeLocation: text,
  accountEnabled: z.boolean().nullable().optional(),
  userType: text,
  assignedLicenses: z
    .array(z.object({ skuId: z.string().nullable().optional() }))
    .nullable()
    .optional(),
  usageLocation: text,
  country: text,
});
type UserWire = z.infer<typeof userWire>;

const removedWire = z.object({ id: z.string(), '@removed': z.object({ reason: z.string().optional() }) });

export const userPageWire = z.object({
  value: z.array(userWire),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

export const deltaPageWire = z.object({
  value: z.array(z.union([removedWire, userWire])),
  '@odata.nextLink': z.string().optional(),
  '@odata.deltaLink': z.string().optional(),
});

export const organizationWire = z.object({
  value: z.array(
    z.object({
      id: z.string(),
      displayName: z.string().nullable().optional(),
      countryLetterCode: z.string().nullable().optional(),
      businessPhones: z.array(z.string()).nullable().optional(),
    }),
  ),
});

export const customersWire = z.object({
  value: z.array(
    z.object({ tenantId: z.string().optional(), id: z.string(), displayName: z.string().nullable().optional() }),
  ),
  '@odata.nextLink': z.string().optional(),
});

export const membersWire = z.object({
  value: z.array(z.object({ id: z.string(), '@odata.type': z.string().optional() })),
  '@odata.nextLink': z.string().optional(),
});

export const errorWire = z.object({ error: z.object({ code: z.string(), message: z.string().optional() }) });

/**
 * The error codes with which Graph says a delta token can no longer be used, in lower case: they come on any 4xx and
 * are compared ignoring case (`SyncStateNotFound` has been seen as well as `syncStateNotFound`).
 */
const RESYNC_CODES: ReadonlySet<string> = new Set(['syncstatenotfound', 'syncstateinvalid', 'resyncrequired']);

/** True when a delta round must restart with a full read: `410 Gone`, or a 4xx carrying a resync code. */
export function needsResync(status: number, body: unknown): boolean {
  if (status === 410) return true;
  if (status < 400 || status >= 500) return false;
  const parsed = errorWire.safeParse(body);
  return parsed.success && RESYNC_CODES.has(parsed.data.error.code.toLowerCase());
}

/** Graph's resource units: `transitiveMembers` costs 5, a `/users` list without `$select` 2, other requests 1. */
export const TRANSITIVE_MEMBERS_COST = 5;

/** The application permission that listing GDAP customers needs, in the partner tenant. */
export const GDAP_PERMISSION = 'DelegatedAdminRelationship.Read.All';

export function isRemoved(entry: z.infer<typeof deltaPageWire>['value'][number]): entry is z.infer<typeof removedWire> {
  return '@removed' in entry;
}

export function toDirectoryUser(wire: UserWire): DirectoryUser {
  return {
    id: wire.id,
    userPrincipalName: wire.userPrincipalName ?? '',
    displayName: wire.displayName ?? null,
    givenName: wire.givenName ?? null,
    surname: wire.surname ?? null,
    mail: wire.mail ?? null,
    proxyAddresses: wire.proxyAddresses ?? [],
    otherMails: wire.otherMails ?? [],
    businessPhones: wire.businessPhones ?? [],
    mobilePhone: wire.mobilePhone ?? null,
    jobTitle: wire.jobTitle ?? null,
    officeLocation: wire.officeLocation ?? null,
    accountEnabled: wire.accountEnabled ?? null,
    userType: wire.userType ?? null,
    assignedLicenseSkuIds: (wire.assignedLicenses ?? []).flatMap((license) => (license.skuId ? [license.skuId] : [])),
    usageLocation: wire.usageLocation ?? null,
    country: wire.country ?? null,
  };
}

export function toOrganization(wire: z.infer<typeof organizationWire>['value'][number]): DirectoryOrganization {
  return {
    displayName: wire.displayName ?? '',
    countryLetterCode: wire.countryLetterCode ?? null,
    businessPhones: wire.businessPhones ?? [],
  };
}
