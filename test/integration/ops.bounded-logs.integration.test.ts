import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sizes = (folder: string) =>
  readdirSync(folder)
    .filter((name) => name.startsWith('contactsync.log'))
    .map((name) => statSync(join(folder, name)).size);

describe('the log stays bounded', () => {
  it('a flood of different warnings keeps the log files under the cap: rotated by size, a few files kept', () => {
    dir = mkdtempSync(join(tmpdir(), 'contactsync-log-'));
    const file = join(dir, 'contactsync.log');
    const logger = createLogger(file, { limits: { maxBytes: 64 * 1024, keep: 3 } });
    for (let i = 0; i < 20_000; i++)
      logger.warn({ ip: `10.0.${i % 250}.1` }, `a sign-in post without its form token ${i}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['contactsync.log', 'contactsync.log.1', 'contactsync.log.2', 'contactsync.log.3']);
    for (const size of sizes(dir)) expect(size).toBeLessThanOrEqual(64 * 1024);
    expect(sizes(dir).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4 * 64 * 1024);
    // The newest lines are in the current file, each a whole JSON line.
    const last = readFileSync(file, 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ msg: 'a sign-in post without its form token 19999' });
    for (const name of files) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
  });

  it('repeated identical warnings are counted, not written line by line', () => {
    dir = mkdtempSync(join(tmpdir(), 'contactsync-log-'));
    const file = join(dir, 'contactsync.log');
    let now = 1_000_000;
    const logger = createLogger(file, { repeatWindowMs: 60_000, now: () => now });
    for (let i = 0; i < 1000; i++)
      logger.warn({ ip: `10.0.0.${i % 250}` }, 'the sign-in form was refused: no CSRF cookie');
    logger.info('something else');
    now += 61_000;
    logger.warn({ ip: '10.0.0.1' }, 'the sign-in form was refused: no CSRF cookie');
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; repeated?: number });
    expect(lines.map((line) => line.msg)).toEqual([
      'the sign-in form was refused: no CSRF cookie',
      'something else',
      'the sign-in form was refused: no CSRF cookie (repeated 999 times in 60 s)',
      'the sign-in form was refused: no CSRF cookie',
    ]);
    expect(lines[2]!.repeated).toBe(999);
  });

  it('a command logs into the data folder beside its config, not the folder it runs in', async () => {
    dir = mkdtempSync(join(tmpdir(), 'contactsync-log-'));
    const configDir = join(dir, 'srv');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(configDir);
    mkdirSync(elsewhere);
    writeFileSync(
      join(configDir, 'contactsync.json'),
      JSON.stringify({ microsoft: { clientId: '00000000-0000-4000-8000-000000000000' }, itglue: {} }),
    );
    const { CONTACTSYNC_DATA_DIR: _unset, ...env } = process.env;
    const run = await runCli(
      ['--config', join(configDir, 'contactsync.json'), 'migrate'],
      { ...env, DATABASE_URL: '' } as Record<string, string>,
      elsewhere,
    );
    expect(run.stderr).toBe('');
    expect(existsSync(join(configDir, 'data', 'contactsync.log'))).toBe(true);
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });
});
