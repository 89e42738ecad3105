import type { TargetProfile, Targets } from '../domain/target-profile.ts';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { AttemptLog, RecordedExchange } from '../connectors/http/http-client.ts';
import { countRateLimited, StoreMetrics } from '../metrics/metrics-recorder.ts';
import { createApiBudget } from '../connectors/api-budgets.ts';
import { GraphDirectory } from '../connectors/graph/graph-directory.ts';
import { GraphSubscriptions } from '../connectors/graph/graph-subscriptions.ts';
import { GraphTokenProvider } from '../connectors/graph/token-provider.ts';
import type { TransportOptions } from '../connectors/http/http-client.ts';
import { createTargetClients } from '../connectors/registry.ts';
import type { DocumentationClient } from '../connectors/target-clients.ts';
import type { Psa } from '../domain/ports.ts';
import { AlertService } from '../alerts/alert-service.ts';
import {
  blocksOfConfig,
  keyFileOf,
  loadConfig,
  targetsOfConfig,
  type ContactsyncConfig,
} from '../config/config-file.ts';
import { secretBox } from '../config/secret-box.ts';
import { loadSecretKey } from '../config/secrets.ts';
import { parseSettingsOverride, resolveSettings } from '../domain/settings.ts';
import { createLogger } from '../logging.ts';
import { openDatabase } from '../store/connect.ts';
import { migrateToLatest } from '../store/migrations.ts';
import { StateStore } from '../store/state-store.ts';
import { SyncRunner } from '../run/sync-runner.ts';

import { discoverTenants } from '../operations/operator-actions.ts';

export { tenantNamed } from '../operations/operator-actions.ts';

export const DATA_DIR = resolve(process.env.CONTACTSYNC_DATA_DIR ?? './data');

/** Where a config's log lives: CONTACTSYNC_DATA_DIR, else the data folder beside the config (not the working one). */
export function dataDirOf(configPath: string): string {
  return resolve(process.env.CONTACTSYNC_DATA_DIR ?? join(dirname(resolve(configPath)), 'data'));
}

/** Who did an admin action, for the audit log. */
export function actor(): string {
  return process.env.CONTACTSYNC_ACTOR ?? `cli:${userInfo().username}`;
}

/** Microsoft 365: its users and its change notifications. */
export interface MicrosoftClients {
  readonly directory: GraphDirectory;
  readonly subscriptions: GraphSubscriptions;
}

export interface ApiClients extends MicrosoftClients {
  readonly doc: DocumentationClient | null;
  readonly psa: Psa | null;
  readonly runner: SyncRunner;
}

export interface CliContext {
  readonly configPath: string;
  readonly config: ContactsyncConfig;
  /** the targets the config names */
  readonly targets: Targets;
  readonly store: StateStore;
  readonly databaseLocation: string;
  /** the PostgreSQL pool when `DATABASE_URL` is set (scale-out), else null */
  readonly pool: pg.Pool | null;
  readonly metrics: StoreMetrics;
  readonly logger: Logger;
  /** where alerts go, and what waits to be sent */
  readonly alerts: AlertService;
  /**
   * The address this process's web UI listens on (serve's --host and --port may differ from the config's): links in
   * alerts and exports start with it when neither the alert settings nor web.publicUrl name one.
   */
  listeningAt(url: string): void;
  /**
   * The API clients, made on first use (commands that only read the state need no credentials); with `record`, a
   * fresh set whose every answer is also handed to it.
   */
  apis(options?: { readonly record?: (exchange: RecordedExchange) => void }): ApiClients;
  /** How the API clients reach their services (the budgets, the log), with `record` handed every answer. */
  transport(options?: { readonly record?: (exchange: RecordedExchange) => void }): TransportOptions;
  /** Microsoft 365's clients, spending the transport's budgets. */
  microsoft(transport: TransportOptions): MicrosoftClients;
  close(): Promise<void>;
}

/** Opens the config, the state database (migrated) and, on demand, the API clients. */
export async function openContext(
  configPath: string,
  options: { requireSecrets: boolean } = { requireSecrets: true },
): Promise<CliContext> {
  const path = resolve(configPath);
  const config = loadConfig(path, process.env, options);
  const logger = createLogger(join(dataDirOf(path), 'contactsync.log'));
  let metrics: StoreMetrics | null = null;
  // A relative database path is relative to the config file.
  const database = openDatabase({
    databaseUrl: process.env.DATABASE_URL,
    sqlitePath: resolve(dirname(path), config.database.sqlitePath),
    leaseSeconds: config.database.leaseSeconds,
    onConnectionError: (error) => {
      logger.warn(
        { error: error.message },
        'database connection lost: the work in flight on it fails and is retried; the next query reconnects',
      );
      metrics?.increment('contactsync_db_connection_errors_total');
    },
  });
  await migrateToLatest(database.db as Kysely<unknown>);
  const targets = targetsOfConfig(config);
  const store = new StateStore(database.db, targets);
  const global = parseSettingsOverride(config.settings, `${configPath}: settings`);
  if (JSON.stringify((await store.latestSettings('global'))?.json ?? {}) !== JSON.stringify(global))
    await store.saveSettings('global', global);
  let clients: ApiClients | null = null;
  let listening: string | null = null;
  const alerts = new AlertService({
    store,
    targets,
    box: secretBox(() => loadSecretKey(keyFileOf(path), { create: true })),
    baseUrl: () => config.web.publicUrl ?? listening ?? `http://${config.web.host}:${config.web.port}`,
    listening: () => listening !== null,
    publicUrl: () => config.web.publicUrl ?? null,
    log: (level, message, fields) => logger[level](fields ?? {}, message),
  });
  if (config.alerts !== undefined) await alerts.applyConfig(config.alerts);
  metrics = new StoreMetrics(store);
  const countLimited = countRateLimited(metrics);
  const log = (entry: AttemptLog) => {
    countLimited(entry);
    logger.debug(entry, 'api attempt');
  };
  const transport = (extra: { readonly record?: (exchange: RecordedExchange) => void } = {}): TransportOptions => {
    // With PostgreSQL the budgets are shared by every process of the installation.
    const limits = Object.fromEntries(
      Object.entries(config.apiLimits).filter(([, limit]) => limit !== undefined),
    ) as Parameters<typeof createApiBudget>[0];
    return { budget: createApiBudget(limits, database.pool), log, ...extra };
  };
  const microsoftOf = (over: TransportOptions): MicrosoftClients => {
    const { microsoft } = config;
    const certificate =
      microsoft.certificate === undefined
        ? undefined
        : {
            thumbprintSha256: microsoft.certificate.thumbprintSha256,
            privateKey: readFileSync(resolve(microsoft.certificate.privateKeyPath), 'utf8'),
          };
    const tokens = new GraphTokenProvider({
      credential: {
        clientId: microsoft.clientId,
        ...(microsoft.clientSecret === undefined ? {} : { clientSecret: microsoft.clientSecret }),
        ...(certificate === undefined ? {} : { certificate }),
      },
      loginBaseUrl: microsoft.loginUrl ?? null,
    });
    // Microsoft's answers are not recorded: only the targets' are captured.
    const { budget } = over;
    const graph = {
      tokens,
      ...(microsoft.graphUrl ? { baseUrl: microsoft.graphUrl } : {}),
      ...(budget === undefined ? {} : { budget }),
      log,
    };
    return { directory: new GraphDirectory(graph), subscriptions: new GraphSubscriptions(graph) };
  };
  return {
    configPath: path,
    config,
    targets,
    store,
    databaseLocation: database.location,
    pool: database.pool,
    metrics,
    logger,
    alerts,
    listeningAt(url) {
      listening = url;
    },
    transport,
    microsoft: microsoftOf,
    apis(extra = {}) {
      if (clients !== null && extra.record === undefined) return clients;
      const made = transport(extra.record === undefined ? {} : { record: extra.record });
      const { directory, subscriptions } = microsoftOf(made);
      const { doc, psa } = createTargetClients(targets, blocksOfConfig(config), made);
      const runner = new SyncRunner({
        store,
        directory,
        targets,
        doc,
        psa,
        locks: database.locks,
        metrics,
        alerts,
        log: (level, message, fields) => logger[level](fields ?? {}, message),
      });
      const apis = { directory, subscriptions, doc, psa, runner };
      if (extra.record === undefined) clients = apis;
      return apis;
    },
    async close() {
      await metrics.flush().catch(() => {});
      await store.close();
      logger.flush();
    },
  };
}

/** Runs a command with its context, closing it whatever happens. */
export async function withContext<T>(
  configPath: string,
  run: (context: CliContext) => Promise<T>,
  options: { requireSecrets: boolean } = { requireSecrets: true },
): Promise<T> {
  const context = await openContext(configPath, options);
  try {
    return await run(context);
  } finally {
    await context.close();
  }
}

/** The customer tenants the config names, else the GDAP customers of the partner tenant (not yet registered). */
export async function configuredTenants(context: CliContext): Promise<readonly { id: string; displayName: string }[]> {
  const partner = context.config.microsoft.partnerTenantId;
  return context.config.tenants.length > 0 || !partner
    ? context.config.tenants
    : (await context.apis().directory.listCustomerTenants(partner)).map((c) => ({
        id: c.tenantId,
        displayName: c.displayName,
      }));
}

/**
 * The per-tenant parts of the config, for tenants it lists: their settings, saved when they differ from the latest
 * saved (the file leads, as for the global settings), and their mapping, given to a tenant not yet mapped.
 */
async function applyTenantConfig(context: CliContext): Promise<void> {
  const { store, config } = context;
  for (const [i, tenant] of config.tenants.entries()) {
    if (tenant.settings !== undefined) {
      const own = parseSettingsOverride(tenant.settings, `${context.configPath}: tenants[${i}].settings`);
      if (JSON.stringify((await store.latestSettings(tenant.id))?.json ?? {}) !== JSON.stringify(own))
        await store.saveSettings(tenant.id, own);
    }
    // The entry names each target's customer by id under the target's key; the config has checked their types.
    const idOf = (target: TargetProfile | null) =>
      target === null ? undefined : Object.entries(tenant).find(([key]) => key === target.customerIdKey)?.[1];
    const docId = idOf(context.targets.doc) as string | undefined;
    const psaId = idOf(context.targets.psa) as number | undefined;
    if (docId === undefined && psaId === undefined) continue;
    if ((await store.getTenant(tenant.id))?.mapping !== 'unmapped') continue;
    await store.setMapping(tenant.id, docId ?? null, psaId ?? null, 'manual');
    await store.setTenantStatus(tenant.id, 'ok');
  }
}

/** Discover: the configured (or GDAP) tenants registered and mapped by name, for the CLI and `serve` alike. */
export function discoverConfiguredTenants(context: CliContext, who: string): Promise<string> {
  const source = context.config.tenants.length > 0 ? 'config' : (context.config.microsoft.partnerTenantId ?? 'config');
  return discoverTenants(
    context.store,
    () => configuredTenants(context),
    async () => {
      await applyTenantConfig(context);
      await context.apis().runner.mapTenants();
    },
    who,
    source,
  );
}

/** The customer tenants the config names, else the GDAP customers of the partner tenant; registered in the store. */
export async function registerConfiguredTenants(
  context: CliContext,
): Promise<readonly { id: string; displayName: string }[]> {
  const tenants = await configuredTenants(context);
  for (const tenant of tenants) await context.store.upsertTenant(tenant.id, tenant.displayName);
  await applyTenantConfig(context);
  return tenants;
}

/**
 * For a command that keeps running (`serve --daemon`, `daemon`, `scheduler`): as registerConfiguredTenants, but a
 * failure to list the partner's GDAP customers (Microsoft's login or Graph out of reach at start) is said and the
 * tenants already known are served, instead of ending the service; the web UI and its health checks stay up.
 */
export async function registerConfiguredTenantsOrCarryOn(
  context: CliContext,
  warn: (line: string) => void,
): Promise<void> {
  try {
    await registerConfiguredTenants(context);
  } catch (error) {
    const known = (await context.store.listTenants()).length;
    context.logger.warn({ error: (error as Error).message }, 'could not list the configured tenants');
    warn(
      `Could not list the tenants to serve: ${(error as Error).message} Carrying on with the ${known} tenant${known === 1 ? '' : 's'} already known; restart once Microsoft 365 can be reached to pick up new customers.`,
    );
  }
}

/** How often tenants are polled: the command's override, else the configured pollSeconds setting. */
export function pollSecondsOf(context: CliContext, override?: number): number {
  return override ?? resolveSettings(parseSettingsOverride(context.config.settings, 'settings')).pollSeconds;
}

/** The tenants whose own settings set pollSeconds, with theirs: the daemon polls them at their own pace. */
export async function ownPollSeconds(store: StateStore): Promise<ReadonlyMap<string, number>> {
  const own = new Map<string, number>();
  for (const tenant of await store.listTenants()) {
    const json = (await store.latestSettings(tenant.id))?.json ?? {};
    const seconds = parseSettingsOverride(json, `${tenant.displayName}'s settings`).pollSeconds;
    if (seconds !== undefined) own.set(tenant.id, seconds);
  }
  return own;
}
