import { z } from 'zod';
import type { TargetConfig, TargetWebApp } from '../../domain/target-config.ts';

/** BMS's block of the config file (`"bms": {...}`). */
export const bmsConfigSchema = z.strictObject({
  region: z.enum(['us', 'emea', 'apac']).default('us'),
  userName: z.string().min(1),
  password: z.string().min(1).optional(),
  tenant: z.string().min(1, 'the BMS tenant is the company name used at login'),
  baseUrl: z.url().nullable().optional(),
});

export type BmsConfig = z.infer<typeof bmsConfigSchema>;

export const bmsConfig: TargetConfig = {
  schema: bmsConfigSchema,
  customerId: z.number().int(),
  secretKey: 'password',
  secretWords: 'password',
};

/** BMS's web app by region (the API's hosts are the same with `api.` in front). */
const WEB_HOSTS: Readonly<Record<BmsConfig['region'], string>> = {
  us: 'https://bms.kaseya.com',
  emea: 'https://bmsemea.kaseya.com',
  apac: 'https://bmsapac.kaseya.com',
};

/** Links into BMS's web app: a host per region (an inferred pattern, not a documented one). */
export function bmsWebApp(block: unknown): TargetWebApp {
  const parsed = z.object({ region: bmsConfigSchema.shape.region }).safeParse(block ?? {});
  const host = WEB_HOSTS[parsed.success ? parsed.data.region : 'us'];
  return {
    contactPage: (_accountId, contactId) => `${host}/react/crm/contacts/${contactId}`,
    missingLink: null,
  };
}
