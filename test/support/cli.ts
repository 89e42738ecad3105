import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { CLI_BUILD_DIR, compileCli } from './build-cli.global.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BUILT = join(CLI_BUILD_DIR, 'cli', 'main.js');
let built = false;

/**
 * The CLI compiled from the current source, so that spawned runs test it: the integration project's global setup
 * compiled it once for the whole run; a project without that setup compiles it here, once per test process.
 */
export function buildCli(): void {
  if (built && existsSync(BUILT)) return;
  if (inject('cliBuild') !== CLI_BUILD_DIR || !existsSync(BUILT)) compileCli();
  built = true;
}

/** The compiled CLI, built if needed: for tests that drive a long-running command themselves. */
export function cliEntry(): string {
  buildCli();
  return BUILT;
}

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `contactsync ARGS` as a separate process. It keeps its state in the SQLite file its config names: the
 * `DATABASE_URL` of the test run (for the storage suite) is not passed on, so parallel tests never share a database.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): Promise<CliRun> {
  buildCli();
  const { DATABASE_URL: _shared, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT, ...args], {
      cwd,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** A config file that points `contactsync` at the simulators, with its state database in `dir`. */
export function simulatorConfig(sims: RunningSimulators, dir: string, extra: Record<string, unknown> = {}): string {
  const path = join(dir, 'contactsync.json');
  writeFileSync(
    path,
    JSON.stringify({
      database: { sqlitePath: join(dir, 'state.db') },
      microsoft: {
        clientId: sims.credentials.graph.clientId,
        clientSecret: sims.credentials.graph.clientSecret,
        loginUrl: sims.urls.login,
        graphUrl: sims.urls.graph,
      },
      itglue: { apiKey: sims.credentials.itglueApiKey, baseUrl: sims.urls.itglue! },
      bms: {
        userName: sims.credentials.bms.userName,
        password: sims.credentials.bms.password,
        tenant: sims.credentials.bms.tenant,
        baseUrl: sims.urls.bms!,
      },
      ...extra,
    }),
  );
  return path;
}

/** The answers of `contactsync init` from the environment: the simulators' credentials and addresses. */
export function initEnvOf(sims: RunningSimulators): Record<string, string> {
  return {
    CONTACTSYNC_PARTNER_TENANT_ID: sims.credentials.partnerTenantId,
    CONTACTSYNC_MS_CLIENT_ID: sims.credentials.graph.clientId,
    CONTACTSYNC_MS_CLIENT_SECRET: sims.credentials.graph.clientSecret,
    CONTACTSYNC_ITGLUE_API_KEY: sims.credentials.itglueApiKey,
    CONTACTSYNC_BMS_USER: sims.credentials.bms.userName,
    CONTACTSYNC_BMS_PASSWORD: sims.credentials.bms.password,
    CONTACTSYNC_BMS_TENANT: sims.credentials.bms.tenant,
    CONTACTSYNC_MS_LOGIN_URL: sims.urls.login,
    CONTACTSYNC_GRAPH_URL: sims.urls.graph,
    CONTACTSYNC_ITGLUE_URL: sims.urls.itglue!,
    CONTACTSYNC_BMS_URL: sims.urls.bms!,
  };
}
