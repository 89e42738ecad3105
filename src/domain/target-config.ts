import type { z } from 'zod';

/**
 * How a target is configured: the schema of its block in the config file (under its id), what a tenant entry names
 * its customer record by, and the block's secret. The values live in the target's own folder.
 */
export interface TargetConfig {
  /** the target's block in the config file */
  readonly schema: z.ZodType<Readonly<Record<string, unknown>>>;
  /** the id of a customer record, as a tenant entry of the config gives it under the profile's `customerIdKey` */
  readonly customerId: z.ZodType<string | number>;
  /** the key of the block's secret, supplied or overridden by the profile's `secretEnv` */
  readonly secretKey: string;
  /** the secret in words, after the target's name ("API key": "give the … API key") */
  readonly secretWords: string;
}

/** A target's contact page in its own web app, from what its config block says of where the account lives. */
export interface TargetWebApp {
  /** the page of one contact of a customer record, or null when the block lacks what the address needs */
  contactPage(customerId: string | null, contactId: string): string | null;
  /** why a contact has no page link, and what to set to have one; null when links are made */
  readonly missingLink: string | null;
}
