import { z } from 'zod';

/**
 * The `hudu` key of the sandbox seed and dump (DESIGN.md, "Targets"): asset layouts with their labelled fields, and
 * companies with their assets in Hudu's own wire shape (`primary_mail`, `fields: [{label, value}]`).
 */

const layoutFieldSchema = z.object({
  label: z.string().min(1),
  required: z.boolean().default(false),
  /** Hudu's field types (`Text`, `Email`, `Phone`, `RichText`, ...); the simulator stores every value as text */
  field_type: z.string().min(1).default('Text'),
});

const assetLayoutSchema = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  fields: z.array(layoutFieldSchema).default([]),
});

const assetFieldSchema = z.object({
  label: z.string().min(1),
  value: z.string().nullable().default(null),
});

export const huduAssetSeedSchema = z.object({
  id: z.number().int(),
  asset_layout_id: z.number().int(),
  name: z.string(),
  primary_mail: z.string().nullable().default(null),
  archived: z.boolean().default(false),
  fields: z.array(assetFieldSchema).default([]),
});
export type HuduAssetSeed = z.infer<typeof huduAssetSeedSchema>;

const companySchema = z.object({
  id: z.number().int(),
  name: z.string().min(1),
  assets: z.array(huduAssetSeedSchema).default([]),
});

export const huduSeedSchema = z.object({
  assetLayouts: z.array(assetLayoutSchema).default([]),
  companies: z.array(companySchema).default([]),
});
export type HuduSeed = z.infer<typeof huduSeedSchema>;
export type HuduLayoutSeed = z.infer<typeof assetLayoutSchema>;

/**
 * `simulate.hudu`: how the simulator plays the points CONTRACTS.md leaves unknown, and the scope of the API key the
 * sandbox registers. Unknown keys are refused, so that a misspelt knob does not silently simulate nothing.
 */
export const huduSimulateSchema = z
  .strictObject({
    /** the largest `page_size` served; a larger one is cut to this, silently (the official client asks 1000) */
    pageSizeCap: z.number().int().min(1).default(1000),
    /** asset body keys that creates and updates accept but drop, as an API drops what it does not know */
    ignoreFields: z.array(z.string().min(1)).default([]),
    /** requests per 5-minute window of the whole instance; the real number is not published */
    rateLimit: z.number().int().min(1).default(1500),
    /** the key may perform destructive actions (DELETE); archiving is not one */
    destructive: z.boolean().default(true),
    /** the companies the key is scoped to; null: every company */
    companyScope: z.array(z.number().int()).nullable().default(null),
  })
  .prefault({});
export type HuduSimulate = z.infer<typeof huduSimulateSchema>;
