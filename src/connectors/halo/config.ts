import { z } from 'zod';
import type { TargetConfig, TargetWebApp } from '../../domain/target-config.ts';

/** Halo's block of the config file (`"halo": {...}`). */
export const haloConfigSchema = z.strictObject({
  /** the instance's address: https://MSP.halopsa.com, a self-hosted one, or the simulator's */
  baseUrl: z.url(),
  /** the API application's client id (Configuration > Integrations > HaloPSA API > Applications) */
  clientId: z.string().min(1, "the Halo client id is the API application's client id"),
  secret: z.string().min(1).optional(),
  /** the tenant of a hosted instance, sent with the token request (Halo's API details show it) */
  tenant: z.string().min(1).nullable().optional(),
  /** the auth server's address, where `authinfo` is not to be asked */
  authUrl: z.url().nullable().optional(),
  /** where people open Halo, when not at baseUrl */
  webUrl: z.url().nullable().optional(),
});

export type HaloConfig = z.infer<typeof haloConfigSchema>;

export const haloConfig: TargetConfig = {
  schema: haloConfigSchema,
  customerId: z.number().int(),
  secretKey: 'secret',
  secretWords: 'client secret',
};

/**
 * Links into Halo's web app, at the instance's address. Inferred from Halo's agent pages, not from a reference: a
 * user opens under `customers` by its id.
 */
export function haloWebApp(block: unknown): TargetWebApp {
  const parsed = z.object({ baseUrl: z.url(), webUrl: haloConfigSchema.shape.webUrl }).safeParse(block ?? {});
  const base = parsed.success ? (parsed.data.webUrl ?? parsed.data.baseUrl).replace(/\/+$/, '') : null;
  return {
    contactPage: (_clientId, userId) =>
      base === null ? null : `${base}/customers?userid=${encodeURIComponent(userId)}`,
    missingLink: base === null ? 'Set halo.baseUrl in the config (https://MSP.halopsa.com) to link into Halo.' : null,
  };
}
