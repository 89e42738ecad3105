import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/store/connect.ts';
import { migrateToLatest } from '../../src/store/migrations.ts';
import { StateStore } from '../../src/store/state-store.ts';
import { buildCli, runCli, type CliRun } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-users-'));
const config = join(dir, 'contactsync.json');

function cs(args: readonly string[], password?: string): Promise<CliRun> {
  return runCli(['--config', config, 'user', ...args], {
    CONTACTSYNC_DATA_DIR: dir,
    CONTACTSYNC_ACTOR: 'cli:ops',
    ...(password === undefined ? {} : { CONTACTSYNC_USER_PASSWORD: password }),
  });
}

/** The state database as the web UI sees it: who is signed in, what the audit log says. */
async function withStore<T>(use: (store: StateStore) => Promise<T>): Promise<T> {
  const { db } = openSqlite(join(dir, 'state.db'));
  await migrateToLatest(db as Kysely<unknown>);
  const store = new StateStore(db);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

const signIn = (username: string, token: string) =>
  withStore((store) => store.createSession(token, username, new Date(Date.now() + 3600_000)));
const signedIn = (token: string) => withStore((store) => store.sessionUser(token));

beforeAll(() => {
  buildCli();
  writeFileSync(
    config,
    JSON.stringify({ database: { sqlitePath: join(dir, 'state.db') }, microsoft: { clientId: 'app' }, itglue: {} }),
  );
});

describe('contactsync user', () => {
  it('add and list', async () => {
    expect((await cs(['list'])).stdout).toMatch(/No logins yet/);
    expect((await cs(['add', 'boss', '--role', 'admin'], 'a long enough password')).stdout).toBe(
      'Added boss (admin).\n',
    );
    expect((await cs(['add', 'tech'], 'another long password')).stdout).toBe('Added tech (viewer).\n');
    const bad = await cs(['add', 'x y', '--role', 'owner'], 'a long enough password');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/A role is viewer \(sees everything\) or admin \(changes things\), not "owner"/);
    await signIn('tech', 'session-of-tech');
    const list = await cs(['list']);
    expect(list.stdout).toMatch(
      /^user\s+role\s+added\s+sessions\n[- ]+\nboss\s+admin\s+\S+\s+0\ntech\s+viewer\s+\S+\s+1\n$/,
    );
    expect(JSON.parse((await cs(['list', '--json'])).stdout)).toEqual([
      expect.objectContaining({ username: 'boss', role: 'admin', sessions: 0 }),
      expect.objectContaining({ username: 'tech', role: 'viewer', sessions: 1 }),
    ]);
  });

  it('role: changes it and ends the sessions; the last admin stays one', async () => {
    const promoted = await cs(['role', 'tech', '--role', 'admin']);
    expect(promoted.stdout).toBe('tech is now an admin; their sessions have ended.\n');
    expect(await signedIn('session-of-tech')).toBeNull();
    expect((await cs(['role', 'boss', '--role', 'viewer'])).code).toBe(0);
    await signIn('tech', 'second-session-of-tech');
    const refused = await cs(['role', 'tech', '--role', 'viewer']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'contactsync: tech is the last admin: making them a viewer would leave no one able to change anything. Make another user admin first.\n',
    );
    expect(await signedIn('second-session-of-tech')).toEqual({ username: 'tech', role: 'admin' });
    expect((await cs(['role', 'tech'])).stderr).toMatch(/required option '--role <role>' not specified/);
  });

  it('passwd: a new password, from the environment, and the sessions end', async () => {
    const short = await cs(['passwd', 'boss'], 'short');
    expect(short.stderr).toMatch(/at least 12 characters/);
    await signIn('boss', 'session-of-boss');
    expect((await cs(['passwd', 'boss'], 'a new long password')).stdout).toBe(
      'Set a new password for boss; their sessions have ended.\n',
    );
    expect(await signedIn('session-of-boss')).toBeNull();
    expect((await cs(['passwd', 'ghost'], 'a new long password')).stderr).toMatch(/There is no user ghost/);
  });

  it('remove: gone, sessions ended, never the last admin; every change audited', async () => {
    const last = await cs(['remove', 'tech']);
    expect(last.code).toBe(1);
    expect(last.stderr).toMatch(/tech is the last admin: removing them/);
    await signIn('boss', 'another-session-of-boss');
    expect((await cs(['remove', 'boss'])).stdout).toBe('Removed boss; their sessions have ended.\n');
    expect(await signedIn('another-session-of-boss')).toBeNull();
    expect((await cs(['list'])).stdout).not.toMatch(/boss/);
    const audit = await withStore((store) => store.listAudit(100));
    expect(
      audit
        .filter((e) => e.action.startsWith('user.'))
        .map((e) => `${e.actor} ${e.action} ${e.target}`)
        .reverse(),
    ).toEqual([
      'cli:ops user.add boss',
      'cli:ops user.add tech',
      'cli:ops user.role tech',
      'cli:ops user.role boss',
      'cli:ops user.passwd boss',
      'cli:ops user.remove boss',
    ]);
    // The audit log says it in words, as it says every other action.
    const log = await runCli(['--config', config, 'audit'], { CONTACTSYNC_DATA_DIR: dir });
    for (const line of [
      'added the login boss (admin)',
      'added the login tech (viewer)',
      'made the login tech admin',
      'set a new password for the login boss',
      'removed the login boss',
    ])
      expect(log.stdout).toContain(line);
    expect(log.stdout).not.toMatch(/user\.(add|role|passwd|remove)/);
  });
});
