import { z } from 'zod';
import { nullableString } from '../tenant-seed.ts';

/** BMS's records in a seed and a dump (`bms`), in BMS's shape (DESIGN.md, "Sandbox interface"). */

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

export const bmsSeedSchema = z.object({
  accounts: z.array(bmsAccountSchema).default([]),
  emailTypes: z.array(namedType).default([]),
  phoneTypes: z.array(namedType).default([]),
});
export type BmsSeed = z.infer<typeof bmsSeedSchema>;

/** How the BMS simulator plays a BMS that differs from what the client expects (`simulate.bms`). */
export const bmsSimulateSchema = z
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
  .prefault({});
export type BmsSimulate = z.infer<typeof bmsSimulateSchema>;
