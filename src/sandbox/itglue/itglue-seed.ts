import { z } from 'zod';
import { nullableString } from '../tenant-seed.ts';

/** IT Glue's records in a seed and a dump (`itglue`), in IT Glue's attribute shape (DESIGN.md, "Sandbox interface"). */

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

export const itglueSeedSchema = z.object({
  organizations: z.array(itglueOrganizationSchema).default([]),
  contactTypes: z.array(z.object({ id: z.string(), name: z.string() })).default([]),
});
export type ItGlueSeed = z.infer<typeof itglueSeedSchema>;

/** How the IT Glue simulator plays IT Glue's PSA integration (`simulate.itglue`). */
export const itglueSimulateSchema = z
  .strictObject({
    /** IT Glue contact id → the BMS contact id that IT Glue's PSA integration keeps it in step with */
    psaSynced: z.record(z.string().min(1), z.number().int()).default({}),
    /** false: a comma-separated `filter[psa_id]` matches nothing, as if IT Glue took the list as one id */
    psaIdLists: z.boolean().default(false),
  })
  .prefault({});
export type ItGlueSimulate = z.infer<typeof itglueSimulateSchema>;
