import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretBox } from '../../src/config/secret-box.ts';

/** Values the two boxes contactsync had before the merge sealed, with the key they were sealed with. */
const before = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'secrets', 'sealed-before-merge.json'), 'utf8'),
) as { keyHex: string; sealed: { by: string; plain: string; sealed: string }[] };
const key = Buffer.from(before.keyHex, 'hex');

describe('the secret box', () => {
  it.each(before.sealed)('opens a value stored by $by', ({ plain, sealed }) => {
    expect(secretBox(key).open(sealed)).toBe(plain);
    expect(secretBox(() => key).open(sealed)).toBe(plain);
  });

  it('seals a secret saved twice once, whether given the key or a way to load it', () => {
    for (const box of [secretBox(key), secretBox(() => key)]) {
      const sealed = box.seal('https://example.webhook.office.com/webhookb2/new');
      expect(sealed).toMatch(/^enc:v1:/);
      expect(box.seal(sealed)).toBe(sealed);
      expect(box.open(box.seal(sealed))).toBe('https://example.webhook.office.com/webhookb2/new');
    }
  });

  it('loads its key only when a secret is first sealed or opened, and once', () => {
    let loads = 0;
    const box = secretBox(() => {
      loads++;
      return key;
    });
    expect(loads).toBe(0);
    expect(box.open('https://hooks.example.com/plain')).toBe('https://hooks.example.com/plain');
    expect(loads).toBe(0);
    box.open(box.seal('a'));
    box.seal('b');
    expect(loads).toBe(1);
  });

  it('refuses a sealed value with another key, saying why', () => {
    expect(() => secretBox(Buffer.alloc(32, 1)).open(before.sealed[0]!.sealed)).toThrow(
      /cannot be read with this key: the key changed, or the value was altered/,
    );
  });
});
