import { z } from 'zod';

/**
 * The seed's `halo` key (DESIGN.md, "Targets"): clients with their sites and users (Halo's contacts), each in Halo's
 * wire shape (CONTRACTS.md, "HaloPSA API"). The dump has the same shape.
 */

const nullableString = z.string().nullable().optional().default(null);

export const haloUserSeedSchema = z.looseObject({
  id: z.number().int(),
  firstname: nullableString,
  surname: nullableString,
  name: z.string().default(''),
  jobtitle: nullableString,
  emailaddress: nullableString,
  email2: nullableString,
  email3: nullableString,
  phonenumber: nullableString,
  mobilenumber: nullableString,
  site_id: z.number().int(),
  inactive: z.boolean().default(false),
  /** the Entra object id of the Microsoft 365 user the Halo user stands for */
  azureoid: nullableString,
  azure_tenant_id: nullableString,
});
export type HaloUserSeed = z.infer<typeof haloUserSeedSchema>;

export const haloSiteSeedSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().min(1),
  inactive: z.boolean().default(false),
});
export type HaloSiteSeed = z.infer<typeof haloSiteSeedSchema>;

const haloClientSeedSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  inactive: z.boolean().default(false),
  /** the client's main site; the first site when not given */
  main_site_id: z.number().int().nullable().optional().default(null),
  /** the Microsoft 365 tenants linked to the client (Halo's Azure AD integration) */
  azure_tenants: z.array(z.looseObject({ azure_tenant_id: z.string() })).default([]),
  sites: z.array(haloSiteSeedSchema).default([]),
  users: z.array(haloUserSeedSchema).default([]),
});

export const haloSeedSchema = z.object({
  clients: z.array(haloClientSeedSchema).default([]),
});
export type HaloSeed = z.infer<typeof haloSeedSchema>;
export type HaloClientSeed = HaloSeed['clients'][number];

/** How the Halo simulator plays an instance that differs from the defaults (the seed's `simulate.halo`). */
export const haloSimulateSchema = z
  .strictObject({
    /** list pages are cut to this many records, silently (Halo's own maximum is unknown) */
    pageSizeCap: z.number().int().min(1).max(10_000).default(100),
    /** user body fields that writes accept but drop, as an API drops fields it does not know */
    ignoreFields: z.array(z.string().min(1)).default([]),
    /** requests per rolling window, every tool of the MSP together (hosted Halo: 300 per 5 minutes) */
    requestLimit: z.number().int().min(1).default(300),
    windowMs: z.number().int().min(1).default(300_000),
    /** requests per window the MSP's other tools make, counted against the same limit */
    otherToolsPerWindow: z.number().int().min(0).default(0),
  })
  .prefault({});
export type HaloSimulate = z.infer<typeof haloSimulateSchema>;
