import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import type { Kysely } from 'kysely';
import { BmsPsa } from '../connectors/bms/bms-psa.ts';
import { createApiBudget } from '../connectors/api-budgets.ts';
import { GraphDirectory } from '../connectors/graph/graph-directory.ts';
import { GraphTokenProvider } from '../connectors/graph/token-provider.ts';
import { ItGlueDocStore } from '../connectors/itglue/itglue-doc-store.ts';
import { ConfigError, loadConfig } from '../config/config-file.ts';
import { parseSettingsOverride, SettingsError } from '../domain/settings.ts';
import { createLogger } from '../logging.ts';
import { demoSeed } from '../sandbox/demo-seed.ts';
import { startSandbox, writeDump } from '../sandbox/run-sandbox.ts';
import { parseSeed, readSeedFile, SeedError } from '../sandbox/seed.ts';
import { openDatabase } from '../store/connect.ts';
import { migrateToLatest } from '../store/migrations.ts';
import { StateStore } from '../store/state-store.ts';
import { SyncRunner, type TenantRunResult } from '../sync/tenant-runner.ts';
import { exitCodeOf, progressBars, summaryTable } from './output.ts';

const DATA_DIR = resolve(process.env.CONTACTSYNC_DATA_DIR ?? './data');

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 1) throw new InvalidArgumentError('give a number of seconds, 1 or more');
  return seconds;
}

/** A problem a person can fix: printed plainly, without a stack trace. */
function fail(error: unknown): never {
  const known = error instanceof ConfigError || error instanceof SeedError || error instanceof SettingsError;
  process.stderr.write(`contactsync: ${known ? (error as Error).message : `${(error as Error).message ?? String(error)}`}\n`);
  process.exit(1);
}

async function sandbox(options: { seed?: string; once?: boolean; dump?: string; db?: string; json?: boolean; pollSeconds?: number }): Promise<void> {
  const seed = options.seed === undefined ? parseSeed(demoSeed(), 'the demo seed') : await readSeedFile(options.seed);
  const logFile = join(DATA_DIR, 'sandbox.log');
  const logger = createLogger(logFile);
  const names = new Map(seed.tenants.map((t) => [t.id, t.displayName]));
  const bars = progressBars(process.stderr.isTTY === true && options.json !== true, names);
  const box = await startSandbox({
    seed,
    ...(options.db === undefined ? {} : { dbPath: resolve(options.db) }),
    logger,
    ...(bars.onPhase === undefined ? {} : { onPhase: bars.onPhase, onProgress: bars.onProgress }),
  });
  let results: TenantRunResult[];
  try {
    results = await box.syncAll({ force: true });
  } finally {
    bars.stop();
  }
  if (options.dump !== undefined) await writeDump(resolve(options.dump), box.dump(results));
  if (options.json === true) process.stdout.write(`${JSON.stringify(box.dump(results))}\n`);
  else {
    process.stdout.write(`\n${summaryTable(results, names)}\n\n`);
    const users = seed.tenants.reduce((n, t) => n + t.users.length, 0);
    process.stdout.write(`Synced ${users} Microsoft 365 users of ${seed.tenants.length} customers into the IT Glue and BMS simulators.\n`);
    process.stdout.write(`State database: ${box.dbPath}\nLog: ${logFile}\n`);
    if (options.dump !== undefined) process.stdout.write(`Dump: ${resolve(options.dump)}\n`);
  }
  const failed = results.some((r) => r.status === 'failed');
  if (options.once === true) {
    await box.close();
    process.exit(failed ? 1 : 0);
  }
  const pollSeconds = options.pollSeconds ?? 60;
  process.stdout.write(
    `\nSimulators: Graph ${box.sims.urls.graph}, IT Glue ${box.sims.urls.itglue}, BMS ${box.sims.urls.bms}\n` +
      `Watching Microsoft 365 for changes every ${pollSeconds} s (Ctrl-C to stop).\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await box.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  for (;;) {
    await new Promise((resolvePoll) => setTimeout(resolvePoll, pollSeconds * 1000));
    if (stopping) return;
    const round = await box.syncAll();
    for (const result of round.filter((r) => r.status !== 'unchanged')) {
      process.stdout.write(`${new Date().toISOString()} ${names.get(result.tenantId) ?? result.tenantId}: ${result.status} ${JSON.stringify(result.counts)}\n`);
    }
  }
}

async function sync(options: { config: string; tenant?: string; dryRun?: boolean; json?: boolean }): Promise<void> {
  const config = loadConfig(resolve(options.config));
  const logger = createLogger(join(DATA_DIR, 'contactsync.log'));
  const database = openDatabase({ databaseUrl: process.env.DATABASE_URL, sqlitePath: resolve(config.database.sqlitePath) });
  await migrateToLatest(database.db as Kysely<unknown>);
  const store = new StateStore(database.db);
  try {
    const global = parseSettingsOverride(config.settings, `${options.config}: settings`);
    if (JSON.stringify((await store.latestSettings('global'))?.json ?? {}) !== JSON.stringify(global)) await store.saveSettings('global', global);
    const budget = createApiBudget();
    const log = (entry: object) => logger.debug(entry, 'api attempt');
    const { microsoft } = config;
    const certificate = microsoft.certificate === undefined ? undefined : { thumbprintSha256: microsoft.certificate.thumbprintSha256, privateKey: readFileSync(resolve(microsoft.certificate.privateKeyPath), 'utf8') };
    const tokens = new GraphTokenProvider({
      credential: { clientId: microsoft.clientId, ...(microsoft.clientSecret === undefined ? {} : { clientSecret: microsoft.clientSecret }), ...(certificate === undefined ? {} : { certificate }) },
      loginBaseUrl: microsoft.loginUrl ?? null,
    });
    const directory = new GraphDirectory({ tokens, ...(microsoft.graphUrl ? { baseUrl: microsoft.graphUrl } : {}), budget, log });
    const itglue = new ItGlueDocStore({ apiKey: config.itglue.apiKey!, region: config.itglue.region, ...(config.itglue.baseUrl ? { baseUrl: config.itglue.baseUrl } : {}), budget, log });
    const bms = config.bms ? new BmsPsa({ credentials: { userName: config.bms.userName, password: config.bms.password!, tenant: config.bms.tenant }, region: config.bms.region, ...(config.bms.baseUrl ? { baseUrl: config.bms.baseUrl } : {}), budget, log }) : null;

    const tenants = config.tenants.length > 0 || !microsoft.partnerTenantId ? config.tenants : (await directory.listCustomerTenants(microsoft.partnerTenantId)).map((c) => ({ id: c.tenantId, displayName: c.displayName }));
    for (const tenant of tenants) await store.upsertTenant(tenant.id, tenant.displayName);
    const runner = new SyncRunner({ store, directory, itglue, bms, log: (level, message, fields) => logger[level](fields ?? {}, message) });
    await runner.mapTenants();
    const known = await store.listTenants();
    const names = new Map(known.map((t) => [t.id, t.displayName]));
    if (options.tenant !== undefined && !names.has(options.tenant)) throw new Error(`No tenant ${options.tenant}. Known tenants: ${known.map((t) => `${t.id} (${t.displayName})`).join(', ') || 'none'}.`);
    const bars = progressBars(process.stderr.isTTY === true && options.json !== true, names);
    const runOptions = { dryRun: options.dryRun === true, ...(bars.onPhase === undefined ? {} : { onPhase: bars.onPhase, onProgress: bars.onProgress }) };
    let results: TenantRunResult[];
    try {
      results = options.tenant === undefined ? await runner.runAll(runOptions) : [await runner.runTenant(options.tenant, runOptions)];
    } finally {
      bars.stop();
    }
    if (options.json === true) process.stdout.write(`${JSON.stringify({ tenants: results.map((r) => ({ id: r.tenantId, status: r.status, counts: r.counts, error: r.error, users: r.users })) })}\n`);
    else {
      process.stdout.write(`${summaryTable(results, names)}\n`);
      for (const result of results.filter((r) => r.error !== null)) process.stdout.write(`${names.get(result.tenantId)}: ${result.error}\n`);
      if (options.dryRun === true) process.stdout.write('Dry run: nothing was written.\n');
    }
    process.exitCode = exitCodeOf(results);
  } finally {
    await store.close();
    logger.flush();
  }
}

export function program(): Command {
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const cli = new Command('contactsync')
    .description('Keeps Microsoft 365 users, IT Glue contacts and Kaseya BMS contacts in step for every customer.')
    .version(version)
    .showHelpAfterError();
  cli
    .command('sandbox')
    .description('Start the simulators of Microsoft 365, IT Glue and BMS (seeded with the demo, or --seed), sync every tenant once, then keep watching for changes.')
    .option('--seed <file>', 'seed file (the sandbox seed format); the demo seed when absent')
    .option('--once', 'sync once and exit (0 on success)')
    .option('--dump <file>', 'write the final state of the three systems, the run report and the request counts to this JSON file')
    .option('--db <file>', 'keep the state database in this SQLite file between runs (default: a fresh temporary one)')
    .option('--poll-seconds <seconds>', 'how often to look for changes after the first sync', positiveSeconds, 60)
    .option('--json', 'print the dump document instead of the summary')
    .action((options) => sandbox(options).catch(fail));
  cli
    .command('sync')
    .description('Sync the tenants of a real installation (Microsoft Graph, IT Glue, BMS), as the config file describes.')
    .requiredOption('--config <file>', 'the config file (JSON)')
    .option('--tenant <id>', 'only this tenant')
    .option('--dry-run', 'plan and report, write nothing')
    .option('--json', 'print the results as JSON')
    .action((options) => sync(options).catch(fail));
  return cli;
}

await program().parseAsync(process.argv);
