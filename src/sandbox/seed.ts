import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseJsonText } from '../config/json-text.ts';
import { issueInWords, schemaKeysAt } from '../domain/issue-words.ts';
import { autotaskSeedSchema, autotaskSimulateSchema } from './autotask/autotask-seed.ts';
import { huduSeedSchema, huduSimulateSchema } from './hudu/seed-schema.ts';
import { TARGETS } from '../connectors/registry.ts';

/**
 * The seed file of the sandbox (DESIGN.md, "Sandbox interface"): users in Graph's wire shape, IT Glue contacts in
 * IT Glue's attribute shape, BMS, Autotask and Hudu records in their own shapes. The dump has the same keys: `tenants`,
 * and `itglue`, `bms`, `autotask` and `hudu` where the seed has them.
 */

const nullableString = z.string().nullable().optional().default(null);

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

const tenantSeedSchema = z.looseObject({
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

const itglueEmailSchema = z.object({
  value: z.string(),
  primary: z.boolean().default(false),
  'label-name': z.string().nullable().default('Work'),
});
const itgluePhoneSchema = z.object({
  value: z.string(),
  extension: z.string().nullable().optional().default(null),
  primary: z.boolean().default(false),
  'label-name': z.string().nullable().default('Work'),
});
export const itglueContactSeedSchema = z.looseObject({
  id: z.string().min(1),
  'first-name': nullableString,
  'last-name': nullableString,
  title: nullableString,
  'contact-type-id': z.string().nullable().optional().default(null),
  'location-id': z.string().nullable().optional().default(null),
  important: z.boolean().default(false),
  notes: nullableString,
  'psa-integration': nullableString,
  'contact-emails': z.array(itglueEmailSchema).default([]),
  'contact-phones': z.array(itgluePhoneSchema).default([]),
});
export type ItGlueContactSeed = z.infer<typeof itglueContactSeedSchema>;

const itglueLocationSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  primary: z.boolean().default(false),
});

const itglueOrganizationSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  locations: z.array(itglueLocationSchema).default([]),
  contacts: z.array(itglueContactSeedSchema).default([]),
});

export const bmsContactSeedSchema = z.looseObject({
  id: z.number().int(),
  firstName: nullableString,
  lastName: nullableString,
  jobTitle: nullableString,
  emailAddress: nullableString,
  emailTypeId: z.number().int().nullable().optional().default(null),
  phoneNumber: nullableString,
  phoneTypeId: z.number().int().nullable().optional().default(null),
  locationId: z.number().int().nullable().optional().default(null),
  isActive: z.boolean().default(true),
  isPoc: z.boolean().default(false),
});
export type BmsContactSeed = z.infer<typeof bmsContactSeedSchema>;

const bmsAccountSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  locations: z
    .array(z.object({ id: z.number().int(), name: z.string(), isMain: z.boolean().default(false) }))
    .default([]),
  contacts: z.array(bmsContactSeedSchema).default([]),
});

const namedType = z.object({ id: z.number().int(), name: z.string() });

/**
 * How the simulators play a vendor that differs from what the connectors expect (DESIGN.md, "The simulators on
 * their own"). Unknown keys are refused, so that a misspelt knob does not silently simulate nothing.
 */
export const simulateSchema = z
  .strictObject({
    bms: z
      .strictObject({
        /** list pages are cut to this many items, silently */
        pageSizeCap: z.number().int().min(1).default(100),
        /** body fields that creates and updates accept but drop, as an API drops fields it does not know */
        ignoreFields: z.array(z.string().min(1)).default([]),
        /** the key case of every answer: both have been seen from BMS */
        keyCase: z.enum(['camel', 'pascal']).default('camel'),
        /** the status of a successful create: BMS's is not published */
        createStatus: z.union([z.literal(200), z.literal(201)]).default(200),
        /** false: the email and phone type lookups answer 404, as a BMS whose paths differ would */
        typeLists: z.boolean().default(true),
        /** the API user has multi-factor authentication: a sign-in without an MFA code is refused */
        mfa: z.boolean().default(false),
      })
      .prefault({}),
    itglue: z
      .strictObject({
        /** IT Glue contact id → the BMS contact id that IT Glue's PSA integration keeps it in step with */
        psaSynced: z.record(z.string().min(1), z.number().int()).default({}),
        /** false: a comma-separated `filter[psa_id]` matches nothing, as if IT Glue took the list as one id */
        psaIdLists: z.boolean().default(false),
      })
      .prefault({}),
    autotask: autotaskSimulateSchema,
    hudu: huduSimulateSchema,
  })
  .prefault({});
export type Simulate = z.infer<typeof simulateSchema>;

const itglueSeedSchema = z.object({
  organizations: z.array(itglueOrganizationSchema).default([]),
  contactTypes: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
});
export type ItGlueSeed = z.infer<typeof itglueSeedSchema>;

const bmsSeedSchema = z.object({
  accounts: z.array(bmsAccountSchema).default([]),
  emailTypes: z.array(namedType).default([]),
  phoneTypes: z.array(namedType).default([]),
});
export type BmsSeed = z.infer<typeof bmsSeedSchema>;

/**
 * A target's key present in the seed means the installation has that target: its simulator starts and the dump has
 * its key. A seed naming no target plays IT Glue and BMS, empty, as it always has.
 */
const seedKeysSchema = z.object({
  settings: z.record(z.string(), z.unknown()).default({}),
  tenants: z.array(tenantSeedSchema).default([]),
  itglue: itglueSeedSchema.optional(),
  bms: bmsSeedSchema.optional(),
  autotask: autotaskSeedSchema.optional(),
  hudu: huduSeedSchema.optional(),
  simulate: simulateSchema,
});

export type Seed = z.output<typeof seedKeysSchema>;

export const seedSchema = seedKeysSchema.transform((seed): Seed =>
  seed.itglue === undefined && seed.bms === undefined && seed.autotask === undefined && seed.hudu === undefined
    ? { ...seed, itglue: itglueSeedSchema.parse({}), bms: bmsSeedSchema.parse({}) }
    : seed,
);

/** The records of the simulated systems, in the seed's shape: one key per target present. */
export type SimulatedState = Pick<Seed, 'tenants' | 'itglue' | 'bms' | 'autotask' | 'hudu'>;

/** Thrown with every problem of a seed at once, each named by its path. */
export class SeedError extends Error {
  readonly code = 'Validation';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid seed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SeedError';
  }
}

export function parseSeed(value: unknown, source = 'seed'): Seed {
  const parsed = seedSchema.safeParse(value);
  if (!parsed.success) {
    throw new SeedError(
      source,
      parsed.error.issues.map(
        (issue) =>
          `${issue.path.map(String).join('.') || '(root)'}: ${issueInWords(issue, (at) => schemaKeysAt(seedKeysSchema, at))}`,
      ),
    );
  }
  return parsed.data;
}

export async function readSeedFile(path: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SeedError(path, [`cannot be read: ${(error as Error).message}`]);
  }
  return parseSeed(parseJsonText(text, path), path);
}
