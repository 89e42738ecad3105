import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config-file.ts';

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
