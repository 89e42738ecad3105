import { z } from 'zod';
import type { TargetConfig, TargetWebApp } from '../../domain/target-config.ts';

/** Autotask's block of the config file (`"autotask": {...}`). */
export const autotaskConfigSchema = z.strictObject({
  /** the API user: an API-only resource, named by its email address */
  userName: z.string().min(1, 'the Autotask API user is its email address'),
  secret: z.string().min(1).optional(),
  /** the integration's tracking identifier (Admin > Resources > the API user's API Tracking Identifier) */
  integrationCode: z.string().min(1, 'the Autotask integration code is the API tracking identifier'),
  /** a fixed zone URL (the simulator's); without it the zone is discovered from the API user */
  baseUrl: z.url().nullable().optional(),
  /** the web address of the zone (https://ww5.autotask.net/): links into Autotask need it; init writes it */
  webUrl: z.url().nullable().optional(),
});

export type AutotaskConfig = z.infer<typeof autotaskConfigSchema>;

export const autotaskConfig: TargetConfig = {
  schema: autotaskConfigSchema,
  customerId: z.number().int(),
  secretKey: 'secret',
  secretWords: 'secret',
};

/**
 * Links into Autotask's web app, on the zone's web address. Inferred from public clients, not from Autotask's
 * reference: a contact opens with the AutotaskExtend command `OpenContact`.
 */
export function autotaskWebApp(block: unknown): TargetWebApp {
  const parsed = z.object({ webUrl: autotaskConfigSchema.shape.webUrl }).safeParse(block ?? {});
  const webUrl = parsed.success ? (parsed.data.webUrl ?? null) : null;
  const base = webUrl === null ? null : webUrl.endsWith('/') ? webUrl : `${webUrl}/`;
  return {
    contactPage: (_companyId, contactId) =>
      base === null
        ? null
        : `${base}Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenContact&ContactID=${encodeURIComponent(contactId)}`,
    missingLink:
      base === null
        ? "Set autotask.webUrl in the config (the zone's web address, such as https://ww5.autotask.net/; contactsync doctor shows it) to link into Autotask."
        : null,
  };
}
