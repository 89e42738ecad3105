import { z } from 'zod';
import { fieldNamed, WRITABLE_CONTACT_FIELDS } from './autotask-entities.ts';

/**
 * The seed's `autotask` key (DESIGN.md, "Targets"): companies with their locations and contacts, each in Autotask's
 * REST wire shape (CONTRACTS.md, "Autotask PSA REST API"). The dump has the same shape.
 */

const nullableString = z.string().nullable().optional().default(null);
const nullableId = z.number().int().nullable().optional().default(null);

export const autotaskContactSeedSchema = z.looseObject({
  id: z.number().int(),
  firstName: nullableString,
  lastName: nullableString,
  title: nullableString,
  emailAddress: nullableString,
  emailAddress2: nullableString,
  emailAddress3: nullableString,
  phone: nullableString,
  mobilePhone: nullableString,
  alternatePhone: nullableString,
  extension: nullableString,
  companyLocationID: nullableId,
  /** an integer, as Autotask's contact has it: 1 active, 0 inactive */
  isActive: z.union([z.literal(0), z.literal(1)]).default(1),
  primaryContact: z.boolean().default(false),
  userDefinedFields: z.array(z.object({ name: z.string(), value: z.string().nullable() })).default([]),
});
export type AutotaskContactSeed = z.infer<typeof autotaskContactSeedSchema>;

export const autotaskLocationSeedSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  address1: nullableString,
  city: nullableString,
  isPrimary: z.boolean().default(false),
  isActive: z.boolean().default(true),
});
export type AutotaskLocationSeed = z.infer<typeof autotaskLocationSeedSchema>;

const autotaskCompanySeedSchema = z.object({
  id: z.number().int(),
  companyName: z.string().min(1),
  /** Autotask's company type picklist: 1 is Customer */
  companyType: z.number().int().default(1),
  /** a boolean on companies (unlike contacts) */
  isActive: z.boolean().default(true),
  locations: z.array(autotaskLocationSeedSchema).default([]),
  contacts: z.array(autotaskContactSeedSchema).default([]),
});

export const autotaskSeedSchema = z.object({
  companies: z.array(autotaskCompanySeedSchema).default([]),
});
export type AutotaskSeed = z.infer<typeof autotaskSeedSchema>;
export type AutotaskCompanySeed = AutotaskSeed['companies'][number];

/** How the Autotask simulator plays a database that differs from the defaults (the seed's `simulate.autotask`). */
export const autotaskSimulateSchema = z
  .strictObject({
    /** query pages are cut to this many records, silently (Autotask's own cap is 500) */
    pageSizeCap: z.number().int().min(1).max(500).default(500),
    /** contact body fields that creates and updates accept but drop, as an API drops fields it does not know */
    ignoreFields: z.array(z.string().min(1)).default([]),
    /** further contact fields this database requires on create (an administrator can make fields required) */
    requiredFields: z
      .array(
        z
          .string()
          .refine((name) => fieldNamed(WRITABLE_CONTACT_FIELDS, name) !== undefined, 'not a writable contact field'),
      )
      .default([]),
    /** requests per hour per database, every integration together (Autotask's: 10,000) */
    hourlyLimit: z.number().int().min(1).default(10_000),
    /** requests per hour the MSP's other integrations make, counted against the same limit */
    otherIntegrationsPerHour: z.number().int().min(0).default(0),
    /**
     * how long each request holds one of its integration's threads on its endpoint (the time the real API takes to
     * answer): with 0, requests never overlap and the thread limit cannot be reached
     */
    serviceMs: z.number().int().min(0).max(60_000).default(0),
    /** the delay Autotask adds to each call past half the hourly limit (it is said to add 0.5–1 s); 0: none */
    delayPastHalfMs: z.number().int().min(0).max(60_000).default(0),
  })
  .prefault({});
export type AutotaskSimulate = z.infer<typeof autotaskSimulateSchema>;
