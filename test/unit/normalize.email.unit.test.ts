import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizeEmail } from '../../src/normalize/email.ts';
import { parseProxyAddresses } from '../../src/normalize/proxy-addresses.ts';

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Bob.Smith@Contoso.COM ')).toBe('bob.smith@contoso.com');
  });
  it('converts an internationalized domain to ASCII', () => {
    expect(normalizeEmail('anna@bücher.de')).toBe('anna@xn--bcher-kva.de');
  });
  it('applies NFC so that composed and decomposed forms agree', () => {
    expect(normalizeEmail('anna@bu\u0308cher.de')).toBe(normalizeEmail('anna@b\u00fccher.de'));
  });
  it.each([
    '',
    'not-an-address',
    'a@b',
    '@contoso.com',
    'bob@',
    'bob smith@contoso.com',
    'bob..x@contoso.com',
    'bob@-contoso.com',
    `${'a'.repeat(65)}@contoso.com`,
  ])('refuses %j', (raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });
  it('returns null for null', () => {
    expect(normalizeEmail(null)).toBeNull();
  });
  it('gives the same address for a canonical address and its upper-case, padded variant', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (raw) => {
        const canonical = raw.toLowerCase();
        expect(normalizeEmail(canonical)).toBe(canonical);
        expect(normalizeEmail(` <${raw.toUpperCase()}> `)).toBe(canonical);
      }),
    );
    expect(normalizeEmail(`${'a'.repeat(64)}@contoso.com`)).toBe(`${'a'.repeat(64)}@contoso.com`);
    expect(normalizeEmail(`bob@${'a'.repeat(64)}.com`)).toBeNull();
    expect(normalizeEmail(`bob@${'a.'.repeat(126)}com`)).toBeNull();
  });
  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string()), (raw) => {
        const once = normalizeEmail(raw);
        fc.pre(once !== null);
        expect(normalizeEmail(once)).toBe(once);
      }),
    );
  });
});

describe('parseProxyAddresses', () => {
  it('takes SMTP: as the primary and smtp: as aliases, ignoring other prefixes', () => {
    const result = parseProxyAddresses([
      'smtp:bob@sales.contoso.com',
      'SIP:bob@contoso.com',
      'SMTP:Bob@Contoso.com',
      'X500:/o=ExchangeLabs/cn=bob',
    ]);
    expect(result.primary).toBe('bob@contoso.com');
    expect(result.aliases).toEqual(['bob@sales.contoso.com']);
  });
  it('folds duplicates and case variants, and drops the primary from the aliases', () => {
    const result = parseProxyAddresses([
      'SMTP:bob@contoso.com',
      'smtp:BOB@contoso.com',
      'smtp:b@contoso.com',
      'smtp:B@Contoso.com',
    ]);
    expect(result.aliases).toEqual(['b@contoso.com']);
  });
  it('reports entries that are not addresses', () => {
    const result = parseProxyAddresses(['SMTP:not an address', 'smtp:ok@contoso.com']);
    expect(result.primary).toBeNull();
    expect(result.invalid).toEqual(['SMTP:not an address']);
    expect(result.aliases).toEqual(['ok@contoso.com']);
  });
});
