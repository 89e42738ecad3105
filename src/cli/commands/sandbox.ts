import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createLogger } from '../../logging.ts';
import { demoSeed } from '../../sandbox/demo-seed.ts';
import { startSandbox, writeDump } from '../../sandbox/run-sandbox.ts';
import { parseSeed, readSeedFile } from '../../sandbox/seed.ts';
import type { TenantRunResult } from '../../sync/tenant-runner.ts';
import { DATA_DIR } from '../context.ts';
import { progressBars, summaryTable } from '../output.ts';

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 1) throw new InvalidArgumentError('give a number of seconds, 1 or more');
  return seconds;
}

interface SandboxOptions {
  seed?: string;
  once?: boolean;
  dump?: string;
  db?: string;
  json?: boolean;
  pollSeconds?: number;
}

async function sandbox(options: SandboxOptions): Promise<void> {
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

export function registerSandbox(cli: Command): void {
  cli
    .command('sandbox')
    .description('Start the simulators of Microsoft 365, IT Glue and BMS (seeded with the demo, or --seed), sync every tenant once, then keep watching for changes.')
    .option('--seed <file>', 'seed file (the sandbox seed format); the demo seed when absent')
    .option('--once', 'sync once and exit (0 on success)')
    .option('--dump <file>', 'write the final state of the three systems, the run report and the request counts to this JSON file')
    .option('--db <file>', 'keep the state database in this SQLite file between runs, with the simulators\' state beside it (default: a fresh temporary one)')
    .option('--poll-seconds <seconds>', 'how often to look for changes after the first sync', positiveSeconds, 60)
    .option('--json', 'print the dump document instead of the summary')
    .action((options: SandboxOptions) => sandbox(options));
}
