import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { writeConfigFile } from '../../config/config-file-write.ts';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { writeDump } from '../../sandbox/run-sandbox.ts';
import { demoLimitsOfOptions, seedOfOptions, targetsOptionHelp } from '../demo-targets-option.ts';
import { limitSimulators, standaloneConfig } from '../../sandbox/standalone-config.ts';
import { startSimulators } from '../../sandbox/simulators.ts';
import { SANDBOX_TARGETS, seedTargetIds } from '../../sandbox/sandbox-targets.ts';
import { targetById } from '../../connectors/registry.ts';
import { presentTargets } from '../../domain/target-profile.ts';
import { portNumber } from '../option-parsers.ts';
import { untilStopped } from '../output.ts';
import { printable, writeOut } from '../terminal-text.ts';

/** The farthest simulator from login's port N: every target keeps its place (DESIGN.md, "Targets"). */
const LAST_PORT_OFFSET = Math.max(...SANDBOX_TARGETS.map((target) => target.portOffset));

interface SimulatorsOptions {
  readonly seed?: string;
  readonly targets?: string;
  readonly configOut: string;
  readonly port?: number;
  readonly dump?: string;
}

async function simulators(options: SimulatorsOptions): Promise<void> {
  const seed = await seedOfOptions(options);
  if (options.port !== undefined && options.port + LAST_PORT_OFFSET > 65535)
    throw new Error(
      `--port ${options.port} leaves no room for the simulators (ports N to N+${LAST_PORT_OFFSET}): give at most ${65535 - LAST_PORT_OFFSET}.`,
    );
  const sims = await startSimulators(seed, options.port === undefined ? {} : { basePort: options.port });
  // the demo's shortened windows (Halo's), played by the simulators and kept to by the config's clients
  const limits = demoLimitsOfOptions(options);
  limitSimulators(sims, limits);
  const configPath = resolve(options.configOut);
  const config: Record<string, unknown> = {
    ...standaloneConfig(sims, seed, configPath),
    ...(Object.keys(limits).length === 0 ? {} : { apiLimits: limits }),
  };
  const database = resolve(dirname(configPath), (config.database as { sqlitePath: string }).sqlitePath);
  const earlier = existsSync(database);
  await mkdir(dirname(configPath), { recursive: true });
  writeConfigFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
  const { urls } = sims;
  writeOut(
    [
      `Simulators on 127.0.0.1, seeded from ${options.seed === undefined ? `the demo seed (three customers)${options.targets === undefined ? '' : ` on ${seedTargetIds(seed).join(', ')}`}` : resolve(options.seed)}:`,
      `  Microsoft login  ${urls.login}`,
      `  Microsoft Graph  ${urls.graph}`,
      ...presentTargets(sims.targets).map((t) => `  ${t.words.fullName.padEnd(17)}${sims.urlOf(t.id)}`),
      `Config: ${configPath} — run any command with --config ${configPath}`,
      'Customers (the tenant id is the one the control routes take):',
      ...seed.tenants.map((t) => `  ${printable(t.displayName)}  ${t.id}`),
      ...(earlier
        ? [
            `The state database ${database} is from an earlier run: its links point at that run's records. Delete it to start afresh.`,
          ]
        : []),
      `Control (no credentials, JSON): GET ${urls.graph}/_sim/state; POST ${urls.graph}/_sim/tenants/{tenantId}/users;`,
      `  PATCH and DELETE ${urls.graph}/_sim/tenants/{tenantId}/users/{id}; POST ${urls.graph}/_sim/faults`,
      `Stop with Ctrl-C or SIGTERM${options.dump === undefined ? '' : `; the final state is then written to ${resolve(options.dump)}`}.`,
      '',
    ].join('\n'),
  );
  await untilStopped();
  if (options.dump !== undefined)
    await writeDump(resolve(options.dump), { ...sims.dump(), requests: sims.requestCounts() });
  await sims.close();
  process.exit(0);
}

export function registerSimulators(cli: Command): void {
  cli
    .command('simulators')
    .description(
      'Start the simulators of Microsoft login, Microsoft Graph and the targets, seeded from a seed file (or the demo, on the targets of --targets), and write a config that points every command at them; runs until stopped.',
    )
    .option('--seed <file>', 'seed file (the sandbox seed format, simulate included; default: the demo seed)')
    .option('--targets <ids>', targetsOptionHelp())
    .requiredOption('--config-out <file>', 'where to write the contactsync config that points at the simulators')
    .option(
      '--port <port>',
      `login on N, Graph on N+1, ${[...SANDBOX_TARGETS]
        .sort((a, b) => a.portOffset - b.portOffset)
        .map((t) => `${targetById(t.id)?.words.name ?? t.id} on N+${t.portOffset}`)
        .join(', ')} (default: free ports)`,
      portNumber,
    )
    .option(
      '--dump <file>',
      "on stop, write the simulated systems' final state and the request counts to this JSON file",
    )
    .action((options: SimulatorsOptions) => simulators(options));
}
