import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig, type CliRun } from './cli.ts';

/** The demo's customers on the simulators, discovered and synced once with `contactsync`: where a technician starts. */
export interface SyncedDemoCli {
  /** `contactsync ARGS` with the demo's config file and data directory */
  run(args: readonly string[]): Promise<CliRun>;
  /** starts the simulators, writes the config, discovers the tenants and syncs them once */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A synced demo in a fresh directory named after `name`; `env` is given to every run (CONTACTSYNC_ACTOR, say). */
export function syncedDemoCli(name: string, env: Record<string, string> = {}): SyncedDemoCli {
  const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  let sims: RunningSimulators | undefined;
  let config = '';
  const run = (args: readonly string[]): Promise<CliRun> =>
    runCli(['--config', config, ...args], { CONTACTSYNC_DATA_DIR: join(dir, 'data'), ...env }, dir);
  return {
    run,
    async start() {
      buildCli();
      sims = await startSimulators(seed);
      config = simulatorConfig(sims, dir, {
        tenants: seed.tenants.map((t) => ({ id: t.id, displayName: t.displayName })),
      });
      const discovered = await run(['tenants', 'discover']);
      if (discovered.code !== 0) throw new Error(discovered.stderr);
      await run(['sync']);
    },
    async close() {
      await sims?.close();
    },
  };
}
