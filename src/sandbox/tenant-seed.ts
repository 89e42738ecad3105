import { z } from 'zod';
import { TARGETS } from '../connectors/registry.ts';

/**
 * The Microsoft side of the sandbox's seed (DESIGN.md, "Sandbox interface"): the tenants, their users in Graph's wire
 * shape and groups, and the ids of their customer records in the targets. Each target's own records are in its folder.
 */

export const nullableString = z.string().nullable().optional().default(null);

export const graphUserSeedSchema = z.looseObject({
  id: z.string().min(1),
  userPrincipalName: z.string().min(1),
  displayName: nullableString,
  givenName: nullableString,
  surname: nullableString,
  mail: nullableString,
  proxyAddresses: z.array(z.string()).default([]),
  otherMails: z.array(z.string()).default([]),
  businessPhones: z.array(z.string()).default([]),
  mobilePhone: nullableString,
  jobTitle: nullableString,
  officeLocation: nullableString,
  preferredLanguage: nullableString,
  accountEnabled: z.boolean().default(true),
  userType: z.string().default('Member'),
  assignedLicenses: z.array(z.object({ skuId: z.string() })).default([]),
  usageLocation: nullableString,
  streetAddress: nullableString,
  city: nullableString,
  state: nullableString,
  postalCode: nullableString,
  country: nullableString,
  department: nullableString,
  onPremisesSyncEnabled: z.boolean().nullable().optional().default(null),
});
export type GraphUserSeed = z.infer<typeof graphUserSeedSchema>;

const groupSeedSchema = z.object({
  id: z.string().min(1),
  displayName: z.string(),
  members: z.array(z.string()).default([]),
});

/** Typed as nothing here: each target's customer id schema comes from its folder, as in the config file. */
const tenantCustomerIds: object = Object.fromEntries(
  TARGETS.map((target) => [target.customerIdKey, target.config.customerId.optional()]),
);

export const tenantSeedSchema = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().min(1),
  initialDomain: z.string().min(1),
  organization: z
    .object({
      street: z.string().default(''),
      city: z.string().default(''),
      state: z.string().default(''),
      postalCode: z.string().default(''),
      countryLetterCode: z.string().default('US'),
      businessPhones: z.array(z.string()).default([]),
    })
    .prefault({}),
  settings: z.record(z.string(), z.unknown()).default({}),
  users: z.array(graphUserSeedSchema).default([]),
  groups: z.array(groupSeedSchema).default([]),
  // the ids of the tenant's customer records, each under its target's key (`bmsAccountId`, `autotaskCompanyId`, ...)
  ...tenantCustomerIds,
});
export type TenantSeed = z.infer<typeof tenantSeedSchema>;
