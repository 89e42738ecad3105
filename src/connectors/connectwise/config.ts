import { z } from 'zod';
import type { TargetConfig, TargetWebApp } from '../../domain/target-config.ts';

const typeName = z.string().min(1);

/** ConnectWise's block of the config file (`"connectwise": {...}`). */
export const connectwiseConfigSchema = z.strictObject({
  /** the login site (`na.myconnectwise.net`, `eu.myconnectwise.net`, or an on-premises host) */
  site: z.string().min(1, 'the ConnectWise site is the address of its login page, such as na.myconnectwise.net'),
  /** the company id typed at login */
  company: z.string().min(1, 'the ConnectWise company is the company id typed at login'),
  /** the API member's key pair (System > Members > API Members > API Keys) */
  publicKey: z.string().min(1),
  privateKey: z.string().min(1).optional(),
  /** the integration's clientId, registered at developer.connectwise.com */
  clientId: z.string().min(1, 'ConnectWise requires a clientId: register one at developer.connectwise.com'),
  /** the codebase (`v4_6_release/`): init writes the one `companyinfo` answers; without it, it is asked each start */
  codebase: z.string().min(1).nullable().optional(),
  /** a fixed API base (the simulator's): no codebase is discovered */
  baseUrl: z.url().nullable().optional(),
  /** the communication types contactsync writes: the primary email, the office phone and the mobile phone */
  emailType: typeName.default('Email'),
  phoneType: typeName.default('Direct'),
  mobileType: typeName.default('Cell'),
});

export type ConnectwiseConfig = z.infer<typeof connectwiseConfigSchema>;

export const connectwiseConfig: TargetConfig = {
  schema: connectwiseConfigSchema,
  customerId: z.number().int(),
  secretKey: 'privateKey',
  secretWords: 'private key',
};

/**
 * Links into ConnectWise's web app, on the login site with its codebase. Inferred from public integrations, not
 * from ConnectWise's reference: a record opens through `openrecord.rails` with `recordType=ContactFV`.
 */
export function connectwiseWebApp(block: unknown): TargetWebApp {
  const parsed = z.object({ site: z.string().nullish(), codebase: z.string().nullish() }).safeParse(block ?? {});
  const site = parsed.success ? (parsed.data.site ?? null) : null;
  const codebase = parsed.success ? (parsed.data.codebase ?? null) : null;
  const origin = site === null ? null : /^https?:\/\//i.test(site) ? new URL(site).origin : `https://${site}`;
  const base = origin === null || codebase === null ? null : `${origin}/${codebase.replace(/^\/+|\/+$/g, '')}/`;
  return {
    contactPage: (_companyId, contactId) =>
      base === null
        ? null
        : `${base}services/system_io/router/openrecord.rails?locale=en_US&recordType=ContactFV&recid=${encodeURIComponent(contactId)}`,
    missingLink:
      base === null
        ? 'Set connectwise.codebase in the config (such as "v4_6_release/"; contactsync doctor shows it) to link into ConnectWise.'
        : null,
  };
}
