import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptSecret, loadSecretKey } from '../../src/config/secrets.ts';
import { buildCli, runCli } from '../support/cli.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'secret key-'));

describe('the secret key file', () => {
  it('is made readable by its owner alone, whatever the umask', () => {
    const file = join(fresh(), '.contactsync-secret.key');
    const previous = process.umask(0o000);
    try {
      const key = loadSecretKey(file, { create: true, env: {} });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(loadSecretKey(file, { create: false, env: {} })).toEqual(key);
    } finally {
      process.umask(previous);
    }
  });

  it.each([0o644, 0o640, 0o604, 0o660])(
    'is refused when others can read it (mode %o), naming the command that fixes it',
    (mode) => {
      const file = join(fresh(), '.contactsync-secret.key');
      const key = loadSecretKey(file, { create: true, env: {} });
      chmodSync(file, mode);
      expect(() => loadSecretKey(file, { create: false, env: {} })).toThrow(
        `can be read by other users of this machine (mode 0${mode.toString(8)}), and it opens every secret it seals. Make it yours alone: chmod 600 '${file}'`,
      );
      chmodSync(file, 0o600);
      expect(loadSecretKey(file, { create: false, env: {} })).toEqual(key);
    },
  );

  it('stops a command whose config it opens, with the fix, before anything else is done', async () => {
    buildCli();
    const dir = fresh();
    const file = join(dir, '.contactsync-secret.key');
    const key = loadSecretKey(file, { create: true, env: {} });
    const config = join(dir, 'contactsync.json');
    writeFileSync(
      config,
      JSON.stringify({
        database: { sqlitePath: join(dir, 'state.db') },
        microsoft: { clientId: 'app', clientSecret: encryptSecret('s3cret-value', key) },
        itglue: { apiKey: 'k' },
      }),
    );
    chmodSync(file, 0o644);
    const run = await runCli(['--config', config, 'tenants', 'list'], { CONTACTSYNC_DATA_DIR: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Make it yours alone: chmod 600 '${file}'`);
    chmodSync(file, 0o600);
    expect((await runCli(['--config', config, 'tenants', 'list'], { CONTACTSYNC_DATA_DIR: dir })).code).toBe(0);
  });
});
