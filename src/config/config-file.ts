import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { alertsSchema } from './alert-channels.ts';
import type { ConfigBlocks, ConfigTenantIds } from '../connectors/config-blocks.ts';
import { TARGETS, targetsOfBlocks, targetsOfRole } from '../connectors/registry.ts';
import { issueInWords, schemaKeysAt } from '../domain/issue-words.ts';
import { presentTargets, type TargetProfile, type TargetRole, type Targets } from '../domain/target-profile.ts';
import { parseJsonText } from './json-text.ts';
import { decryptSecret, isEncrypted, loadSecretKey } from './secrets.ts';

/**
 * The config file of a real installation (JSON). Which targets the installation writes to follows from the targets'
 * blocks it holds, each under the target's id with the schema of the target's folder. Secrets may stay out of the
 * file: CONTACTSYNC_MS_CLIENT_SECRET and each target's `secretEnv` supply or override them, and DATABASE_URL chooses
 * PostgreSQL over the SQLite file.
 */
const url = z.url().nullable().optional();

// Typed as nothing here: the blocks' types come from the targets' folders (ContactsyncConfig below).
const targetBlocks: object = Object.fromEntries(
  TARGETS.map((target) => [target.id, target.config.schema.nullable().optional()]),
);
const tenantCustomerIds: object = Object.fromEntries(
  TARGETS.map((target) => [target.customerIdKey, target.config.customerId.optional()]),
);

/** One API's limit: `{limit, windowMs}`, or `{share}` of the documented limit (more than 0, at most 1). */
const apiLimitSchema = z.union([
  z.strictObject({ limit: z.number().int().positive(), windowMs: z.number().int().positive() }),
  z.strictObject({ share: z.number().gt(0).max(1) }),
]);

/** What Fastify's trustProxy takes in a list: an address, a CIDR range, or one of proxy-addr's named ranges. */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address, prefix, extra] = value.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

export const configSchema = z.strictObject({
  database: z
    .strictObject({
      sqlitePath: z.string().min(1).default('./data/contactsync.db'),
      /** SQLite: how long a tenant stays locked by a process that died where its pid cannot be checked */
      leaseSeconds: z.number().int().min(2).max(3600).default(30),
    })
    .prefault({}),
  microsoft: z.strictObject({
    partnerTenantId: z.string().min(1).nullable().optional(),
    clientId: z.string().min(1, 'the application (client) id of the app registration is required'),
    clientSecret: z.string().min(1).optional(),
    certificate: z
      .strictObject({
        thumbprintSha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'a SHA-256 thumbprint is 64 hex digits'),
        privateKeyPath: z.string().min(1),
      })
      .optional(),
    loginUrl: url,
    graphUrl: url,
  }),
  ...targetBlocks,
  tenants: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        displayName: z.string().min(1),
        /** this tenant's settings over the global ones; the file leads, as for the global settings */
        settings: z.record(z.string(), z.unknown()).optional(),
        /** each target's customer record, when its name differs from the tenant's (mapped once) */
        ...tenantCustomerIds,
      }),
    )
    .default([]),
  /**
   * The request limits every process keeps inside: a limit of its own (lower than the documented one, when an account
   * has one), or a share of the documented one (the documentation platform's default: two thirds, its account being
   * shared); under `graph` and each target's id
   */
  apiLimits: z
    .strictObject(
      Object.fromEntries(
        ['graph', ...TARGETS.map((target) => target.id)].map((api) => [api, apiLimitSchema.optional()]),
      ),
    )
    .prefault({}),
  web: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** Secure cookies and HSTS: set when users reach the UI over HTTPS (a reverse proxy terminating TLS) */
      secureCookies: z.boolean().default(false),
      /**
       * The reverse proxies whose X-Forwarded-For is believed (the sign-in limit counts the address it gives): false
       * (none), true (any: only when nothing but the proxy can reach the port), or their addresses and CIDR ranges
       */
      trustProxy: z
        .union([
          z.boolean(),
          z.array(
            z
              .string()
              .refine(
                isProxyAddress,
                'each trusted proxy is an IP address, a CIDR range (10.0.0.0/8), loopback, linklocal or uniquelocal',
              ),
          ),
        ])
        .default(false),
      sessionHours: z
        .number()
        .positive()
        .max(24 * 30)
        .default(12),
      /**
       * the address people and Microsoft Graph reach this installation at (https://contactsync.example.com): links in
       * alerts, and Graph's change notifications (unset: every tenant polls)
       */
      publicUrl: z
        .url({ protocol: /^https?$/, error: 'give the address starting with https://' })
        .refine((value) => {
          const address = new URL(value);
          return address.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(address.hostname);
        }, 'Microsoft Graph posts notifications over HTTPS only: give an https:// address (http:// only on 127.0.0.1 for the simulators)')
        .optional(),
      /** sign-in with Microsoft Entra ID (the MSP's own tenant) beside the local logins; README "Sign in with Microsoft" */
      entra: z
        .strictObject({
          tenantId: z.string().min(1),
          clientId: z.string().min(1),
          clientSecret: z.string().min(1),
          adminGroupId: z.string().min(1),
          viewerGroupId: z.string().min(1),
        })
        .optional(),
      /** false: only Microsoft sign-in (refused until an admin has signed in with Microsoft once) */
      localLogins: z.boolean().default(true),
    })
    .refine((web) => web.localLogins || web.entra !== undefined, {
      path: ['localLogins'],
      message: 'local logins can be switched off only beside web.entra (Sign in with Microsoft)',
    })
    .refine((web) => web.entra === undefined || web.publicUrl !== undefined, {
      path: ['publicUrl'],
      message:
        'Sign in with Microsoft needs web.publicUrl: Microsoft sends people back to {publicUrl}/auth/microsoft/callback',
    })
    .prefault({}),
  settings: z.record(z.string(), z.unknown()).default({}),
  /** where alerts go (webhooks, Teams, Slack, email); applied to the state database when this block changes */
  alerts: alertsSchema.optional(),
});

type ParsedConfig = z.infer<typeof configSchema>;

/** The config, with the targets' blocks and a tenant entry's customer ids under today's keys. */
export type ContactsyncConfig = Omit<ParsedConfig, 'tenants'> &
  ConfigBlocks & { readonly tenants: readonly (ParsedConfig['tenants'][number] & ConfigTenantIds)[] };

/** A target of the installation with its block of the config. */
export interface TargetBlock {
  readonly target: TargetProfile;
  readonly block: Readonly<Record<string, unknown>>;
}

/** The config's blocks under their keys, as the registry reads the targets' blocks (each under its id). */
export function blocksOfConfig(config: ContactsyncConfig): Readonly<Record<string, unknown>> {
  return config as unknown as Readonly<Record<string, unknown>>;
}

/** The targets the installation writes to: those whose blocks its config holds. */
export function targetsOfConfig(config: ContactsyncConfig): Targets {
  return targetsOfBlocks(blocksOfConfig(config));
}

/** The installation's targets, with their config blocks, by role. */
export function configBlocks(config: ContactsyncConfig): {
  readonly doc: TargetBlock | null;
  readonly psa: TargetBlock | null;
} {
  const targets = targetsOfConfig(config);
  const of = (target: TargetProfile | null): TargetBlock | null =>
    target === null ? null : { target, block: blockOf(config, target) };
  return { doc: of(targets.doc), psa: of(targets.psa) };
}

/** The customer records a tenant entry of the config names, by role (null: none named). */
export function tenantCustomerIdsOf(
  entry: ContactsyncConfig['tenants'][number],
  targets: Targets,
): { readonly doc: string | null; readonly psa: string | number | null } {
  const ids = entry as unknown as Readonly<Record<string, string | number | undefined>>;
  const of = (target: TargetProfile | null) => (target === null ? null : (ids[target.customerIdKey] ?? null));
  return { doc: of(targets.doc) as string | null, psa: of(targets.psa) };
}

/** Thrown with every problem of the config at once, each with its key. */
class ConfigError extends Error {
  readonly code = 'Validation';
  constructor(
    readonly path: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${path} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** The key file that goes with a config: beside it. */
export function keyFileOf(configPath: string): string {
  return join(dirname(configPath), '.contactsync-secret.key');
}

export function loadConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { requireSecrets: boolean } = { requireSecrets: true },
): ContactsyncConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(path, [
      code === 'ENOENT'
        ? 'the file does not exist: contactsync init writes one (or give another with --config or CONTACTSYNC_CONFIG)'
        : `cannot be read: ${(error as Error).message}`,
    ]);
  }
  // A mistake in the JSON is shown where it is: line, column and the line itself, with a caret.
  const raw = parseJsonText(text, path);
  const parsed = configSchema.safeParse(withAlertSecretsOpened(raw, path, env));
  const problems = parsed.success
    ? []
    : parsed.error.issues.map(
        (issue) =>
          `${issue.path.map(String).join('.') || '(root)'}: ${issueInWords(issue, (at) => schemaKeysAt(configSchema, at))}`,
      );
  if (!parsed.success) throw new ConfigError(path, problems);
  const targets = targetsIn(parsed.data, path);
  const config = decrypted(parsed.data, targets, path, env);
  const secret = env.CONTACTSYNC_MS_CLIENT_SECRET;
  const merged = withBlockSecrets(
    { ...config, microsoft: { ...config.microsoft, ...(secret ? { clientSecret: secret } : {}) } },
    targets,
    (target, value) => env[target.secretEnv] || value,
  );
  const missing: string[] = [];
  if (merged.microsoft.clientSecret === undefined && merged.microsoft.certificate === undefined)
    missing.push('microsoft.clientSecret: give a client secret (or CONTACTSYNC_MS_CLIENT_SECRET) or a certificate');
  for (const target of targets)
    if (blockOf(merged, target)[target.config.secretKey] === undefined)
      missing.push(
        `${target.id}.${target.config.secretKey}: give the ${target.words.name} ${target.config.secretWords} (or ${target.secretEnv})`,
      );
  if (missing.length > 0 && options.requireSecrets) throw new ConfigError(path, missing);
  return merged;
}

/** The targets whose blocks the config holds: one at least, and at most one per role. */
function targetsIn(config: ContactsyncConfig, path: string): readonly TargetProfile[] {
  let targets: Targets;
  try {
    targets = targetsOfConfig(config);
  } catch (error) {
    throw new ConfigError(path, [(error as Error).message]);
  }
  const present = presentTargets(targets);
  if (present.length === 0) {
    throw new ConfigError(path, [
      `(root): the config names no target to write to: add a documentation platform's block (${blockNames('documentation')}), a PSA's (${blockNames('psa')}), or one of each`,
    ]);
  }
  return present;
}

/** The config keys of the targets of one role, as "a or b". */
function blockNames(role: TargetRole): string {
  return targetsOfRole(role)
    .map((target) => target.id)
    .join(' or ');
}

function blockOf(config: ContactsyncConfig, target: TargetProfile): Readonly<Record<string, unknown>> {
  return (config as unknown as Readonly<Record<string, Readonly<Record<string, unknown>>>>)[target.id] ?? {};
}

/** The config with each target's secret replaced by `secret(target, value)` (kept out when that is undefined). */
function withBlockSecrets(
  config: ContactsyncConfig,
  targets: readonly TargetProfile[],
  secret: (target: TargetProfile, value: string | undefined) => string | undefined,
): ContactsyncConfig {
  const blocks = Object.fromEntries(
    targets.map((target) => {
      const block = blockOf(config, target);
      const value = secret(target, block[target.config.secretKey] as string | undefined);
      return [target.id, { ...block, ...(value === undefined ? {} : { [target.config.secretKey]: value }) }];
    }),
  );
  return { ...config, ...blocks };
}

/** The config with its `enc:v1:` secrets decrypted (the key is loaded only when one is encrypted). */
function decrypted(
  config: ContactsyncConfig,
  targets: readonly TargetProfile[],
  path: string,
  env: NodeJS.ProcessEnv,
): ContactsyncConfig {
  const values = [
    config.microsoft.clientSecret,
    ...targets.map((target) => blockOf(config, target)[target.config.secretKey] as string | undefined),
    config.web.entra?.clientSecret,
  ];
  if (!values.some((v) => v !== undefined && isEncrypted(v))) return config;
  const key = loadSecretKey(keyFileOf(path), { create: false, env });
  const open = (value: string | undefined) => (value === undefined ? undefined : decryptSecret(value, key));
  const clientSecret = open(config.microsoft.clientSecret);
  const entra =
    config.web.entra === undefined
      ? undefined
      : { ...config.web.entra, clientSecret: open(config.web.entra.clientSecret)! };
  return withBlockSecrets(
    {
      ...config,
      web: { ...config.web, ...(entra === undefined ? {} : { entra }) },
      microsoft: { ...config.microsoft, ...(clientSecret === undefined ? {} : { clientSecret }) },
    },
    targets,
    (_target, value) => open(value),
  );
}

/** The `enc:v1:` webhook addresses and SMTP passwords of the `alerts` block, opened so that they can be checked. */
function withAlertSecretsOpened(raw: unknown, path: string, env: NodeJS.ProcessEnv): unknown {
  const alerts = (raw as { alerts?: { channels?: unknown } } | null)?.alerts;
  if (!Array.isArray(alerts?.channels)) return raw;
  let key: Buffer | null = null;
  const open = (value: unknown) =>
    typeof value === 'string' && isEncrypted(value)
      ? decryptSecret(value, (key ??= loadSecretKey(keyFileOf(path), { create: false, env })))
      : value;
  const channels = alerts.channels.map((channel: unknown) => {
    if (typeof channel !== 'object' || channel === null) return channel;
    const c = channel as { url?: unknown; smtp?: { password?: unknown } };
    return {
      ...c,
      ...(c.url === undefined ? {} : { url: open(c.url) }),
      ...(typeof c.smtp === 'object' && c.smtp !== null && c.smtp.password !== undefined
        ? { smtp: { ...c.smtp, password: open(c.smtp.password) } }
        : {}),
    };
  });
  return { ...(raw as object), alerts: { ...alerts, channels } };
}
