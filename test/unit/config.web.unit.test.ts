import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config-file.ts';
import { encryptSecret } from '../../src/config/secrets.ts';

function configWith(web: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'config-')), 'contactsync.json');
  writeFileSync(
    path,
    JSON.stringify({ microsoft: { clientId: 'app', clientSecret: 's' }, itglue: { apiKey: 'k' }, web }),
  );
  return path;
}

describe('web.trustProxy in the config', () => {
  it('is off unless set', () => {
    expect(loadConfig(configWith({}), {}).web.trustProxy).toBe(false);
  });

  it('takes true, or proxies by address, CIDR range or named range', () => {
    expect(loadConfig(configWith({ trustProxy: true }), {}).web.trustProxy).toBe(true);
    const list = ['10.0.0.5', '192.168.0.0/16', 'fd00::/8', '::1', 'loopback', 'uniquelocal'];
    expect(loadConfig(configWith({ trustProxy: list }), {}).web.trustProxy).toEqual(list);
  });

  it('refuses what names no address, saying what it takes', () => {
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.0/8/1', '300.1.1.1', 'fd00::/129', '10.0.0.0/x'])
      expect(() => loadConfig(configWith({ trustProxy: [bad] }), {}), bad).toThrow(
        /web\.trustProxy\.0: each trusted proxy is an IP address, a CIDR range/,
      );
    expect(() => loadConfig(configWith({ trustProxy: 'yes' }), {})).toThrow(/web\.trustProxy/);
  });
});

describe('web.entra and web.localLogins in the config', () => {
  const entra = { tenantId: 't', clientId: 'c', clientSecret: 'x', adminGroupId: 'a', viewerGroupId: 'v' };

  it('keeps local logins on unless set, and switches them off only beside Sign in with Microsoft', () => {
    expect(loadConfig(configWith({}), {}).web.localLogins).toBe(true);
    expect(() => loadConfig(configWith({ localLogins: false }), {})).toThrow(
      /web\.localLogins: local logins can be switched off only beside web\.entra/,
    );
    const both = loadConfig(configWith({ localLogins: false, entra, publicUrl: 'https://sync.example.com' }), {});
    expect(both.web).toMatchObject({ localLogins: false, entra });
  });

  it('needs the public address Microsoft sends people back to', () => {
    expect(() => loadConfig(configWith({ entra }), {})).toThrow(
      /web\.publicUrl: Sign in with Microsoft needs web\.publicUrl/,
    );
  });

  it('opens a sealed client secret with the config key', () => {
    const key = randomBytes(32);
    const path = configWith({
      entra: { ...entra, clientSecret: encryptSecret('entra s3cret', key) },
      publicUrl: 'https://sync.example.com',
    });
    const config = loadConfig(path, { CONTACTSYNC_SECRET_KEY: key.toString('hex') });
    expect(config.web.entra?.clientSecret).toBe('entra s3cret');
  });
});
