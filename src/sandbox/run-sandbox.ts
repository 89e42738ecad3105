import { createTargetClients } from '../connectors/registry.ts';
import type { TargetClients } from '../connectors/target-clients.ts';
import { existsSync, mkdtempSync } from 'node:fs';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { AlertService } from '../alerts/alert-service.ts';
import { secretBox } from '../config/secret-box.ts';
import { loadSecretKey } from '../config/secrets.ts';
import { createApiBudget } from '../connectors/api-budgets.ts';
import { GraphDirectory } from '../connectors/graph/graph-directory.ts';
import { GraphTokenProvider } from '../connectors/graph/token-provider.ts';
import type { AttemptLog, TransportOptions } from '../connectors/http/http-client.ts';
import type { BudgetLimit } from '../connectors/http/request-budget.ts';
import { parseSettingsOverride } from '../domain/settings.ts';
import { countRateLimited, StoreMetrics } from '../metrics/metrics-recorder.ts';
import { webAppsOf } from '../operations/deep-links.ts';
import { discoverTenants } from '../operations/operator-actions.ts';
import type { WebServices } from '../web/web-context.ts';
import { openSqlite } from '../store/connect.ts';
import { migrateToLatest } from '../store/migrations.ts';
import { StateStore } from '../store/state-store.ts';
import { SyncRunner } from '../run/sync-runner.ts';
import type { RunOptions } from '../run/run-options.ts';
import type { TenantRunResult } from '../run/run-result.ts';
import { reportedUser } from '../sync/report.ts';
import type { TargetId, TargetProfile, Targets } from '../domain/target-profile.ts';
import { readSeedFile, type Seed, type TenantSeed } from './seed.ts';
import { seedTargetIds } from './sandbox-targets.ts';
import { SANDBOX_TARGETS } from './simulator-registry.ts';
import type { RunningSimulators } from './running-simulators.ts';
import { startSimulators } from './simulators.ts';
import { limitSimulators, simulatorBlocks } from './standalone-config.ts';
import type { Kysely } from 'kysely';

export interface SandboxOptions {
  readonly seed: Seed;
  /**
   * The seed was given explicitly (`--seed`): the simulators start from it even with a kept database, and its
   * settings are applied. Otherwise (the demo) the simulated systems carry on where the kept database left them, and
   * the seed's settings are applied only to a new database, so that settings changed since stand.
   */
  readonly explicitSeed?: boolean;
  /** the state database file; a fresh temporary one when absent, removed with its folder on close */
  readonly dbPath?: string;
  readonly logger: Logger;
  readonly onPhase?: RunOptions['onPhase'];
  readonly onProgress?: RunOptions['onProgress'];
  /**
   * API limits other than the documented ones, for the simulators and the clients alike (benchmarks compress time),
   * by target id
   */
  readonly limits?: Partial<Record<TargetId, BudgetLimit>>;
  /** timeouts and retries of the clients other than the defaults (fault tests shorten them) */
  readonly transport?: Pick<TransportOptions, 'timeoutMs' | 'policy'>;
  /** seeds the simulators' fault injection, so that a faulty run can be replayed */
  readonly faultSeed?: number;
}

export interface Sandbox {
  readonly sims: RunningSimulators;
  readonly store: StateStore;
  readonly runner: SyncRunner;
  /** the targets the seed has (a key per target: `itglue`, `bms`) */
  readonly targets: Targets;
  /** the API clients the runner uses, for readers other than the sync (the web UI's contact page) */
  readonly clients: TargetClients;
  /** what the sync measured (429s, change-to-BMS latency), added to the store's counters */
  readonly metrics: StoreMetrics;
  readonly dbPath: string;
  /** where alerts go, and what waits to be sent (links point at the address given to `setPublicUrl`) */
  readonly alerts: AlertService;
  /** the web UI's address, once it listens, for the links in alerts */
  setPublicUrl(url: string): void;
  /** what the web UI and REST API work with: this sandbox's state, sync and API clients */
  webServices(): WebServices;
  /** syncs every tenant once */
  syncAll(options?: RunOptions): Promise<TenantRunResult[]>;
  /** the final state of the simulated systems, the run report and the request counts (the `--dump` document) */
  dump(results: readonly TenantRunResult[]): unknown;
  close(): Promise<void>;
}

/** The id a seed's tenant names its customer record in the target by (its `customerIdKey`), or null. */
function customerIdOf(tenant: TenantSeed, target: TargetProfile | null): string | number | null {
  if (target === null) return null;
  const parsed = target.config.customerId.safeParse(
    Object.entries(tenant).find(([key]) => key === target.customerIdKey)?.[1],
  );
  return parsed.success && parsed.data !== undefined ? (parsed.data as string | number) : null;
}

/**
 * The sandbox: the simulators seeded from a seed, the state database, and the sync wired to them with the
 * credentials the sandbox registered (a seed holds none).
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const { logger } = options;
  const temporary = options.dbPath === undefined ? mkdtempSync(join(tmpdir(), 'contactsync-sandbox-')) : null;
  const dbPath = options.dbPath ?? join(temporary!, 'contactsync.db');
  // A kept state database goes with the simulated systems it describes: their state is kept beside it, and the demo
  // carries on from it. An explicit seed is what the simulators start from (an outside check plays "the next day").
  const simulatorsPath = `${dbPath}.simulators.json`;
  const explicit = options.explicitSeed === true;
  const kept =
    !explicit && options.dbPath !== undefined && existsSync(simulatorsPath) ? await readSeedFile(simulatorsPath) : null;
  if (kept !== null && seedTargetIds(kept).join(',') !== seedTargetIds(options.seed).join(','))
    throw new Error(
      `The simulated systems kept at ${simulatorsPath} are ${seedTargetIds(kept).join(',')}, not ${seedTargetIds(options.seed).join(',')}: start with --targets ${seedTargetIds(kept).join(',')}, or with another --db.`,
    );
  const seed: Seed =
    kept === null ? options.seed : { ...kept, settings: options.seed.settings, simulate: options.seed.simulate };
  const sims = await startSimulators(seed, options.faultSeed === undefined ? {} : { faultSeed: options.faultSeed });
  limitSimulators(sims, options.limits ?? {});
  const { db, locks } = openSqlite(dbPath);
  await migrateToLatest(db as Kysely<unknown>);
  const { targets } = sims;
  const store = new StateStore(db, targets);
  // Delta links of earlier simulators mean nothing to these: every tenant starts with a full read.
  await store.clearCheckpoints();

  // An explicit seed's settings become the stored settings; the demo's only when the database is new, so that
  // settings changed in the UI or the CLI stand across restarts.
  const newDatabase = (await store.latestSettings('global')) === null;
  const applySettings = explicit || newDatabase;
  const global = parseSettingsOverride(seed.settings, "the seed's settings");
  // A new database is marked seeded by its first global version, even an empty one.
  if (
    applySettings &&
    (newDatabase || JSON.stringify((await store.latestSettings('global'))?.json) !== JSON.stringify(global))
  )
    await store.saveSettings('global', global);
  for (const tenant of seed.tenants) {
    await store.upsertTenant(tenant.id, tenant.displayName);
    const own = parseSettingsOverride(tenant.settings, `the settings of tenant ${tenant.displayName}`);
    if (applySettings && JSON.stringify((await store.latestSettings(tenant.id))?.json ?? {}) !== JSON.stringify(own))
      await store.saveSettings(tenant.id, own);
    const docId = customerIdOf(tenant, targets.doc);
    const psaId = customerIdOf(tenant, targets.psa);
    if (docId !== null || psaId !== null) {
      await store.setMapping(
        tenant.id,
        docId === null ? null : String(docId),
        psaId === null ? null : Number(psaId),
        'manual',
      );
      await store.setTenantStatus(tenant.id, 'ok');
    }
  }

  const metrics = new StoreMetrics(store);
  const countLimited = countRateLimited(metrics);
  const log = (entry: AttemptLog) => {
    countLimited(entry);
    logger.debug(entry, 'api attempt');
  };
  let publicUrl = 'http://127.0.0.1:8080';
  const alerts = new AlertService({
    store,
    targets: sims.targets,
    box: secretBox(() => loadSecretKey(join(dirname(dbPath), '.contactsync-secret.key'), { create: true })),
    baseUrl: () => publicUrl,
    log: (level, message, fields) => logger[level](fields ?? {}, message),
  });
  const budget = createApiBudget(options.limits ?? {});
  const common = { budget, log, ...options.transport };
  const clients = createTargetClients(targets, simulatorBlocks(sims), common);
  const directory = new GraphDirectory({
    tokens: new GraphTokenProvider({ credential: sims.credentials.graph, loginBaseUrl: sims.urls.login }),
    baseUrl: sims.urls.graph,
    ...common,
  });
  const runner = new SyncRunner({
    store,
    directory,
    targets,
    doc: clients.doc,
    psa: clients.psa,
    locks,
    metrics,
    alerts,
    log: (level, message, fields) => logger[level](fields ?? {}, message),
  });
  const persist = async () => {
    if (options.dbPath !== undefined) {
      // The simulated systems' state holds people's data, as the database beside it does: readable by the owner alone.
      await writeFile(simulatorsPath, JSON.stringify({ settings: seed.settings, ...sims.dump() }), { mode: 0o600 });
      await chmod(simulatorsPath, 0o600);
    }
  };

  return {
    sims,
    store,
    runner,
    targets,
    clients,
    metrics,
    dbPath,
    alerts,
    setPublicUrl(url) {
      publicUrl = url;
    },
    webServices: () => ({
      store,
      targets,
      alerts,
      apis: () => ({ runner, directory, doc: clients.doc, psa: clients.psa }),
      // The simulated web apps' addresses, where the simulators' records give one (IT Glue's resource-url).
      links: webAppsOf(
        targets,
        Object.fromEntries(
          SANDBOX_TARGETS.flatMap((target) => (target.webApp === undefined ? [] : [[target.id, target.webApp]])),
        ),
      ),
      discover: (actor) =>
        discoverTenants(
          store,
          async () => seed.tenants,
          () => runner.mapTenants(),
          actor,
          'the sandbox seed',
        ),
    }),
    async syncAll(runOptions = {}) {
      await runner.mapTenants();
      const results = await runner.runAll({
        ...runOptions,
        ...(options.onPhase === undefined ? {} : { onPhase: options.onPhase }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      });
      await persist();
      return results;
    },
    dump(results) {
      return {
        ...sims.dump(),
        report: {
          tenants: results.map((result) => ({
            id: result.tenantId,
            status: result.status === 'unchanged' ? 'ok' : result.status,
            ...(result.error === null ? {} : { error: result.error }),
            users: result.users.map((u) => ({
              userId: u.userId,
              userPrincipalName: u.userPrincipalName,
              outcome: u.outcome,
              rule: u.rule,
              ...reportedUser(
                { doc: u.doc, psa: u.psa, docContactId: u.docContactId, psaContactId: u.psaContactId },
                targets,
              ),
              reasons: u.reasons.map((r) => ({ code: r.code, message: r.message })),
            })),
          })),
        },
        requests: sims.requestCounts(),
      };
    },
    async close() {
      await persist();
      await metrics.flush().catch(() => {});
      await store.close();
      await sims.close();
      // A temporary database lives as long as the sandbox: nothing of it (nor its secret key) stays behind.
      if (temporary !== null) await rm(temporary, { recursive: true, force: true });
    },
  };
}

export async function writeDump(path: string, document: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
}
