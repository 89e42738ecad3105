import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { buildCli, runCli, simulatorConfig } from '../support/cli.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';

/**
 * A full disk under the state database and the log: the CLI stops within seconds, non-zero, saying why (never
 * hanging on a log flush, never hiding the cause behind a failed rollback).
 */
let sims: RunningSimulators;
let disk: string;

beforeAll(() => {
  buildCli();
  disk = mkdtempSync(join(tmpdir(), 'disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
  } catch (error) {
    throw new Error(
      `This test needs a small disk to fill: it mounts a 2 MB tmpfs at ${disk}, which takes root (mount -t tmpfs -o size=2m tmpfs DIR) or a container allowed to mount. ${(error as Error).message}`,
      { cause: error },
    );
  }
}, 120_000);

afterAll(async () => {
  await sims?.close();
  if (disk !== undefined) execFileSync('umount', [disk]);
});

describe('a full disk', () => {
  it('ends contactsync sync within 10 s, non-zero, with the cause', async () => {
    sims = await startSimulators(smallSeed(150));
    const home = mkdtempSync(join(tmpdir(), 'disk-full-config-'));
    const config = simulatorConfig(sims, home, {
      database: { sqlitePath: join(disk, 'state.db') },
      tenants: [{ id: TENANT_A, displayName: 'Contoso Ltd' }],
    });
    const env = { CONTACTSYNC_DATA_DIR: disk, CONTACTSYNC_LOG_LEVEL: 'debug' };
    expect((await runCli(['--config', config, 'migrate'], env)).code).toBe(0);
    // What is left of the disk is far less than the sync of 150 users writes.
    const { bavail, bsize } = statfsSync(disk);
    writeFileSync(join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 48 * 1024)));
    try {
      const started = Date.now();
      const run = await runCli(['--config', config, 'sync'], env);
      const seconds = (Date.now() - started) / 1000;
      expect(run.code, run.stderr).not.toBe(0);
      expect(run.code).not.toBeNull();
      expect(seconds).toBeLessThan(10);
      expect(`${run.stdout}\n${run.stderr}`).toMatch(/disk is full|no space left on device/i);
      expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/cannot rollback/);
    } finally {
      rmSync(join(disk, 'filler'));
    }
  }, 60_000);
});
