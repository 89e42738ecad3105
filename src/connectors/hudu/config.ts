import { z } from 'zod';
import type { TargetConfig, TargetWebApp } from '../../domain/target-config.ts';

const label = z.string().trim().min(1, 'a field label cannot be empty');

/**
 * Hudu's block of the config file (`"hudu": {...}`): the instance's address, its API key, the layout people are kept
 * in and the labels of that layout's fields that hold what contactsync writes.
 */
export const huduConfigSchema = z.strictObject({
  /** the instance's own address: https://MSP.huducloud.com, or a self-hosted one */
  baseUrl: z.url(),
  apiKey: z.string().min(1).optional(),
  /** the asset layout people are kept in (default "People") */
  layout: z.string().trim().min(1, 'a layout name cannot be empty').optional(),
  /** the labels of the layout's fields contactsync writes (defaults: Title, Phone, Mobile, Other emails, Location) */
  fields: z
    .strictObject({
      title: label.optional(),
      phone: label.optional(),
      mobile: label.optional(),
      otherEmails: label.optional(),
      location: label.optional(),
    })
    .optional(),
});

export type HuduConfig = z.infer<typeof huduConfigSchema>;

export const huduConfig: TargetConfig = {
  schema: huduConfigSchema,
  customerId: z.union([z.string().regex(/^\d+$/, 'a Hudu company id is a number'), z.number().int()]).transform(String),
  secretKey: 'apiKey',
  secretWords: 'API key',
};

/**
 * Links into Hudu's web app, which lives at the instance's own address. Inferred, not documented: an asset's page is
 * under its company, as the API's paths are (the web app also serves pages by slug, which the sync does not keep).
 */
export function huduWebApp(block: unknown): TargetWebApp {
  const parsed = z.object({ baseUrl: z.url() }).safeParse(block ?? {});
  const base = parsed.success ? parsed.data.baseUrl.replace(/\/$/, '') : null;
  return {
    contactPage: (companyId, assetId) =>
      base === null || companyId === null
        ? null
        : `${base}/companies/${encodeURIComponent(companyId)}/assets/${encodeURIComponent(assetId)}`,
    missingLink: base === null ? 'Set hudu.baseUrl in the config (https://MSP.huducloud.com) to link into Hudu.' : null,
  };
}
