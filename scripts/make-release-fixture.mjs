#!/usr/bin/env node
// Makes the databases of this release for the upgrade tests (test/fixtures/releases/README.md): the built CLI syncs
// test/fixtures/releases/seed.json against the simulators, once on SQLite and once on PostgreSQL, with a person's
// decisions on top (a dispute resolved, one left open, a contact disabled, a login, an API token, a sealed alert
// address, settings changed), and keeps each database with the simulated systems as they were left.
//
//   npm run build && node scripts/make-release-fixture.mjs [DATABASE_URL]
//
// DATABASE_URL (default postgres://postgres@127.0.0.1:5432/h_fixture) names a database that is dropped and made
// afresh for it. The result goes to test/fixtures/releases/<version>-<commit>/.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin', 'contactsync.js');
const SEED = join(ROOT, 'test', 'fixtures', 'releases', 'seed.json');
const databaseUrl = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/h_fixture';
const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const out = join(ROOT, 'test', 'fixtures', 'releases', `${version}-${commit}`);

function cli(args, env) {
  try {
    return execFileSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // `sync` ends 3 when some users wait for a person: still a finished run.
    if (error.status === 3) return error.stdout;
    throw new Error(`contactsync ${args.join(' ')} failed (${error.status}): ${error.stderr}`, {
      cause: error,
    });
  }
}

/** Starts the simulators on the seed; resolves once they listen and the config is written. */
function simulators(dir) {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'simulators',
      '--seed',
      SEED,
      '--config-out',
      join(dir, 'contactsync.json'),
      '--dump',
      join(dir, 'sims.json'),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('Stop with')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`the simulators stopped (${code}): ${text}`)));
  });
}

async function stop(child) {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The seed synced, then decided on by a person, then synced again: every table of the state has rows. */
async function makeState(dir, env) {
  const sims = await simulators(dir);
  try {
    const configPath = join(dir, 'contactsync.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    config.database.sqlitePath = './contactsync.db';
    config.alerts = {
      channels: [{ name: 'Ops', type: 'webhook', url: 'https://hooks.example.invalid/T000/sealed-secret-path' }],
    };
    writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    const all = { CONTACTSYNC_CONFIG: configPath, CONTACTSYNC_DATA_DIR: join(dir, 'data'), ...env };
    cli(['config', 'set-secret', 'itglue.apiKey'], { ...all, CONTACTSYNC_SECRET_VALUE: config.itglue.apiKey });
    cli(['sync'], all);
    cli(['conflicts', 'resolve', 'dana.dupe@contoso.com', '--link', '502'], all);
    cli(['contact', 'disable', 'cara.cole@contoso.com'], all);
    cli(['tenants', 'settings', 'Contoso Ltd', '--set', 'phones.blankReplacement=000-000-0000'], all);
    cli(['user', 'add', 'alex', '--role', 'admin'], { ...all, CONTACTSYNC_USER_PASSWORD: 'fixture-pass-1234' });
    cli(['token', 'add', 'monitor'], all);
    cli(['sync'], all);
  } finally {
    await stop(sims);
  }
  // What the test starts the simulators from: the three systems as this release left them.
  const { requests: _requests, ...systems } = JSON.parse(readFileSync(join(dir, 'sims.json'), 'utf8'));
  return systems;
}

function write(path, text) {
  writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'sqlite'), { recursive: true });
mkdirSync(join(out, 'postgres'), { recursive: true });

const sqliteDir = mkdtempSync(join(tmpdir(), 'contactsync-fixture-'));
const sqliteSystems = await makeState(sqliteDir, { DATABASE_URL: '' });
if (existsSync(join(sqliteDir, 'contactsync.db-wal')))
  throw new Error('the SQLite database still has a write-ahead log: a process did not close it');
copyFileSync(join(sqliteDir, 'contactsync.db'), join(out, 'sqlite', 'contactsync.db'));
copyFileSync(join(sqliteDir, '.contactsync-secret.key'), join(out, 'sqlite', 'contactsync-secret.key'));
write(join(out, 'sqlite', 'simulators.json'), JSON.stringify(sqliteSystems, null, 2));

const admin = new URL(databaseUrl);
const name = admin.pathname.slice(1);
admin.pathname = '/postgres';
execFileSync('psql', [admin.href, '-qc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]);
execFileSync('psql', [admin.href, '-qc', `CREATE DATABASE "${name}"`]);
const pgDir = mkdtempSync(join(tmpdir(), 'contactsync-fixture-'));
const pgSystems = await makeState(pgDir, { DATABASE_URL: databaseUrl });
// INSERT statements rather than COPY: the dump restores through any client, not only psql.
const dump = execFileSync('pg_dump', ['--no-owner', '--no-privileges', '--inserts', databaseUrl], { encoding: 'utf8' });
write(join(out, 'postgres', 'contactsync.sql'), dump);
copyFileSync(join(pgDir, '.contactsync-secret.key'), join(out, 'postgres', 'contactsync-secret.key'));
write(join(out, 'postgres', 'simulators.json'), JSON.stringify(pgSystems, null, 2));

rmSync(sqliteDir, { recursive: true, force: true });
rmSync(pgDir, { recursive: true, force: true });
process.stdout.write(`Release fixture written to ${out}\n`);
