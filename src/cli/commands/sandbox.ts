import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { lanedDispatcher } from '../../jobs/run-lanes.ts';
import type { Command } from 'commander';
import { listenProblem } from '../listen-problem.ts';
import { portNumber, positiveNumber } from '../option-parsers.ts';
import { createLogger } from '../../logging.ts';
import { startSandbox, writeDump } from '../../sandbox/run-sandbox.ts';
import { demoLimitsOfOptions, seedOfOptions, targetsOptionHelp } from '../demo-targets-option.ts';
import { presentTargets } from '../../domain/target-profile.ts';
import type { TenantRunResult } from '../../run/run-result.ts';
import { startAlertTimer } from '../../alerts/alert-timer.ts';
import { Daemon } from '../../jobs/daemon.ts';
import { buildWebApp } from '../../web/web-app.ts';
import { hashPassword } from '../../config/passwords.ts';
import { DATA_DIR } from '../context.ts';
import { exitCodeOf, progressBars, runLine, summaryTable, untilStopped, webUiLines } from '../output.ts';
import { printable, writeErr, writeLines, writeOut } from '../terminal-text.ts';

interface SandboxOptions {
  seed?: string;
  targets?: string;
  once?: boolean;
  dump?: string;
  db?: string;
  json?: boolean;
  pollSeconds?: number;
  port?: number;
  host?: string;
}

/** The sandbox's own admin login, printed at start. */
export const DEMO_LOGIN = { username: 'demo', password: 'contactsync-demo' } as const;

async function sandbox(options: SandboxOptions): Promise<void> {
  // Ctrl-C is heard from the start: while the simulators start or the first sync runs, it is said at once, the sync
  // ends and the sandbox stops.
  const stopped = untilStopped();
  let stopping = false;
  void stopped.then(() => (stopping = true));
  const seed = await seedOfOptions(options);
  // The log lives with the state it describes: beside --db when given (CONTACTSYNC_DATA_DIR moves it, as for the
  // other commands), else in the data folder of the working directory, beside the temporary database's runs.
  const logFile = join(
    process.env.CONTACTSYNC_DATA_DIR !== undefined || options.db === undefined
      ? DATA_DIR
      : dirname(resolve(options.db)),
    'sandbox.log',
  );
  const logger = createLogger(logFile);
  const names = new Map(seed.tenants.map((t) => [t.id, t.displayName]));
  const bars = progressBars(process.stderr.isTTY === true && options.json !== true, names);
  const box = await startSandbox({
    seed,
    explicitSeed: options.seed !== undefined,
    ...(options.db === undefined ? {} : { dbPath: resolve(options.db) }),
    logger,
    ...(bars.onPhase === undefined ? {} : { onPhase: bars.onPhase, onProgress: bars.onProgress }),
    limits: demoLimitsOfOptions(options),
  });
  let results: TenantRunResult[];
  try {
    results = await box.syncAll({ force: true });
  } finally {
    bars.stop();
  }
  if (options.dump !== undefined) await writeDump(resolve(options.dump), box.dump(results));
  if (options.json === true) writeOut(`${JSON.stringify(box.dump(results))}\n`);
  else {
    writeOut(`\n${summaryTable(results, names, box.targets)}\n\n`);
    const users = seed.tenants.reduce((n, t) => n + t.users.length, 0);
    const simulated = presentTargets(box.targets).map((t) => t.words.name);
    writeOut(
      `Synced ${users} Microsoft 365 users of ${seed.tenants.length} customers into the ${simulated.join(' and ')} simulator${simulated.length === 1 ? '' : 's'}.\n`,
    );
    const kept = options.db === undefined ? ' (temporary: removed on exit; keep one with --db FILE)' : '';
    writeOut(`State database: ${box.dbPath}${kept}\nLog: ${logFile}\n`);
    if (options.dump !== undefined) writeOut(`Dump: ${resolve(options.dump)}\n`);
  }
  if (options.once === true) {
    await box.close();
    process.exit(exitCodeOf(results));
  }
  if (stopping) {
    await box.close();
    writeOut('Stopped.\n');
    process.exit(0);
  }
  const pollSeconds = options.pollSeconds ?? 60;
  // The sandbox is for trying the product on this machine: a known admin login, on loopback only by default.
  if ((await box.store.getUser(DEMO_LOGIN.username)) === null)
    await box.store.addUser(DEMO_LOGIN.username, await hashPassword(DEMO_LOGIN.password), 'admin');
  const app = await buildWebApp({ services: box.webServices(), logger });
  let address: string;
  try {
    address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8080 });
  } catch (error) {
    await box.close();
    throw listenProblem(error, options.host ?? '127.0.0.1', options.port ?? 8080);
  }
  box.setPublicUrl(address);
  const daemon = new Daemon({
    store: box.store,
    runner: lanedDispatcher(box.runner),
    pollSeconds,
    reconcileHours: 24,
    onResult: (result) => {
      if (result.status === 'unchanged') return;
      writeOut(runLine(names.get(result.tenantId) ?? result.tenantId, result, box.targets));
    },
    onError: (tenantId, error) =>
      writeErr(`${printable(`${new Date().toISOString()} ${names.get(tenantId) ?? tenantId}: ${error.message}`)}\n`),
  });
  writeOut('\n');
  writeLines(
    webUiLines(
      'Web UI',
      options.host ?? '127.0.0.1',
      (app.server.address() as AddressInfo).port,
      `  — sign in as ${DEMO_LOGIN.username} / ${DEMO_LOGIN.password} (a sandbox-only admin login)`,
    ),
  );
  const simulatorUrls = presentTargets(box.targets).map((t) => `, ${t.words.name} ${box.sims.urlOf(t.id)}`);
  writeOut(
    `Simulators: Graph ${box.sims.urls.graph}${simulatorUrls.join('')}\nWatching Microsoft 365 for changes every ${pollSeconds} s (Ctrl-C to stop).\n`,
  );
  const stopAlerts = startAlertTimer(box.alerts);
  void daemon.start();
  await stopped;
  stopAlerts();
  await daemon.stop();
  await app.close();
  await box.close();
  writeOut('Stopped.\n');
  process.exit(0);
}

export function registerSandbox(cli: Command): void {
  cli
    .command('sandbox')
    .description(
      'Start the simulators of Microsoft 365 and the targets (seeded with the demo, the demo on the targets of --targets, or --seed), sync every tenant once, then serve the web UI and keep watching for changes.',
    )
    .option('--seed <file>', 'seed file (the sandbox seed format); the demo seed when absent')
    .option('--targets <ids>', targetsOptionHelp())
    .option('--once', 'sync once and exit (0 on success)')
    .option(
      '--dump <file>',
      'write the final state of the simulated systems, the run report and the request counts to this JSON file',
    )
    .option(
      '--db <file>',
      "keep the state database in this SQLite file between runs, with the simulators' state beside it (default: a fresh temporary one)",
    )
    .option('--poll-seconds <seconds>', 'how often to look for changes after the first sync', positiveNumber, 60)
    .option('--json', 'print the dump document instead of the summary')
    .option('--port <port>', "the web UI's port (without --once)", portNumber, 8080)
    .option('--host <host>', "the web UI's address (without --once)", '127.0.0.1')
    .action((options: SandboxOptions) => sandbox(options));
}
