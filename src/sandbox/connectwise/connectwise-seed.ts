import { z } from 'zod';

/**
 * The seed's `connectwise` key (DESIGN.md, "Targets"): companies with their sites and contacts, and the communication
 * types, each in ConnectWise PSA's REST wire shape (CONTRACTS.md, "ConnectWise PSA (Manage) REST API 3.0"). The dump
 * has the same shape.
 */

const nullableString = z.string().nullable().optional().default(null);

const reference = z.looseObject({ id: z.number().int(), name: z.string().optional() });

export const connectwiseItemSeedSchema = z.looseObject({
  /** given by the simulator when the seed has none */
  id: z.number().int().optional(),
  type: reference,
  communicationType: z.enum(['Email', 'Phone', 'Fax']).optional(),
  value: z.string(),
  extension: nullableString,
  defaultFlag: z.boolean().default(false),
});
export type ConnectwiseItemSeed = z.infer<typeof connectwiseItemSeedSchema>;

export const connectwiseContactSeedSchema = z.looseObject({
  id: z.number().int(),
  firstName: nullableString,
  lastName: nullableString,
  title: nullableString,
  site: z.object({ id: z.number().int() }).nullable().optional().default(null),
  inactiveFlag: z.boolean().default(false),
  communicationItems: z.array(connectwiseItemSeedSchema).default([]),
});
export type ConnectwiseContactSeed = z.infer<typeof connectwiseContactSeedSchema>;

export const connectwiseSiteSeedSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  primaryAddressFlag: z.boolean().default(false),
  inactiveFlag: z.boolean().default(false),
});
export type ConnectwiseSiteSeed = z.infer<typeof connectwiseSiteSeedSchema>;

const connectwiseCompanySeedSchema = z.object({
  id: z.number().int(),
  identifier: z.string().min(1),
  name: z.string().min(1),
  sites: z.array(connectwiseSiteSeedSchema).default([]),
  contacts: z.array(connectwiseContactSeedSchema).default([]),
});

export const connectwiseTypeSeedSchema = z.looseObject({
  id: z.number().int(),
  description: z.string().min(1),
  emailFlag: z.boolean().default(false),
  phoneFlag: z.boolean().default(false),
  faxFlag: z.boolean().default(false),
  defaultFlag: z.boolean().default(false),
});
export type ConnectwiseTypeSeed = z.infer<typeof connectwiseTypeSeedSchema>;

/** ConnectWise's own types of a new database, when the seed names none. */
const DEFAULT_TYPES = [
  { id: 1, description: 'Email', emailFlag: true, defaultFlag: true },
  { id: 2, description: 'Direct', phoneFlag: true, defaultFlag: true },
  { id: 3, description: 'Fax', faxFlag: true },
  { id: 4, description: 'Cell', phoneFlag: true },
];

export const connectwiseSeedSchema = z.object({
  companies: z.array(connectwiseCompanySeedSchema).default([]),
  communicationTypes: z
    .array(connectwiseTypeSeedSchema)
    .default(() => z.array(connectwiseTypeSeedSchema).parse(DEFAULT_TYPES)),
});
export type ConnectwiseSeed = z.infer<typeof connectwiseSeedSchema>;
export type ConnectwiseCompanySeed = ConnectwiseSeed['companies'][number];

/** How the ConnectWise simulator plays a database that differs from the defaults (the seed's `simulate.connectwise`). */
export const connectwiseSimulateSchema = z
  .strictObject({
    /** list pages are cut to this many records, silently (ConnectWise's own cap is 1,000) */
    pageSizeCap: z.number().int().min(1).max(1000).default(1000),
    /** contact fields (JSON Patch paths, create keys) that writes accept but drop, as an API drops what it does not know */
    ignoreFields: z.array(z.string().min(1)).default([]),
    /** the cloud front's limit: requests per window for each API member; 429 past it (none by default) */
    rateLimit: z
      .strictObject({ limit: z.number().int().min(1), windowMs: z.number().int().min(1) })
      .nullable()
      .default(null),
  })
  .prefault({});
export type ConnectwiseSimulate = z.infer<typeof connectwiseSimulateSchema>;
