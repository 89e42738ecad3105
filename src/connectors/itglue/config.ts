import { z } from 'zod';
import type { TargetConfig, TargetWebApp } from '../../domain/target-config.ts';

/** IT Glue's block of the config file (`"itglue": {...}`). */
export const itglueConfigSchema = z.strictObject({
  region: z.enum(['us', 'eu', 'au']).default('us'),
  /** the account's web address is https://SUBDOMAIN.itglue.com: links into IT Glue need it */
  subdomain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/i, 'the subdomain is the MSP in https://MSP.itglue.com (letters, digits, -)')
    .optional(),
  apiKey: z.string().min(1).optional(),
  baseUrl: z.url().nullable().optional(),
});

export type ItGlueConfig = z.infer<typeof itglueConfigSchema>;

export const itglueConfig: TargetConfig = {
  schema: itglueConfigSchema,
  customerId: z.string().min(1),
  secretKey: 'apiKey',
  secretWords: 'API key',
};

/** IT Glue's web domains by data center (the API's are api.itglue.com, api.eu.itglue.com, api.au.itglue.com). */
const WEB_DOMAINS: Readonly<Record<ItGlueConfig['region'], string>> = {
  us: 'itglue.com',
  eu: 'eu.itglue.com',
  au: 'au.itglue.com',
};

/**
 * Links into IT Glue's web app. The address pattern is inferred, not documented: the web app lives on the account's
 * own subdomain (the API's `resource-url` attributes show it).
 */
export function itglueWebApp(block: unknown): TargetWebApp {
  const parsed = itglueConfigSchema.safeParse(block ?? {});
  const subdomain = parsed.success ? (parsed.data.subdomain ?? null) : null;
  const domain = WEB_DOMAINS[parsed.success ? parsed.data.region : 'us'];
  return {
    contactPage: (organizationId, contactId) =>
      subdomain === null || organizationId === null
        ? null
        : `https://${subdomain}.${domain}/${encodeURIComponent(organizationId)}/contacts/${encodeURIComponent(contactId)}`,
    missingLink:
      subdomain === null
        ? 'Set itglue.subdomain in the config (the MSP in https://MSP.itglue.com; contactsync doctor shows it) to link into IT Glue.'
        : null,
  };
}

/** The account subdomain in an IT Glue web address (`https://msp.itglue.com/123/...` → `msp`), or null. */
export function itglueSubdomainOf(address: string): string | null {
  let host: string;
  try {
    host = new URL(address).hostname.toLowerCase();
  } catch {
    return null;
  }
  const match = /^([a-z0-9][a-z0-9-]*)\.(?:eu\.|au\.)?itglue\.com$/.exec(host);
  return match === null || match[1] === 'api' || match[1] === 'app' ? null : match[1]!;
}
