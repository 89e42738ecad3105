import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { normalizePhone, phoneRegion, storedPhoneKey } from '../../src/normalize/phone.ts';

function e164(raw: string, region: string): string | null {
  const result = normalizePhone(raw, region);
  return result?.ok ? result.phone.e164 : null;
}

describe('normalizePhone', () => {
  it.each([
    ['(415) 555-2671', 'US', '+14155552671'],
    ['+1 415-555-2671', 'GB', '+14155552671'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['07911 123456', 'GB', '+447911123456'],
    ['030 901820', 'DE', '+4930901820'],
    ['0151 23456789', 'DE', '+4915123456789'],
    ['(02) 9374 4000', 'AU', '+61293744000'],
    ['0412 345 678', 'AU', '+61412345678'],
  ])('%s in %s is %s', (raw, region, expected) => {
    expect(e164(raw, region)).toBe(expected);
  });

  it('keeps the extension', () => {
    const result = normalizePhone('+1 415 555 2671 ext. 204', 'US');
    expect(result).toEqual({
      ok: true,
      phone: {
        e164: '+14155552671',
        digits: '14155552671',
        national: '4155552671',
        callingCode: '1',
        extension: '204',
      },
    });
  });

  it('reports an invalid number instead of guessing', () => {
    const result = normalizePhone('555-0199', 'US');
    expect(result?.ok).toBe(false);
    expect(result?.ok === false && result.message).toContain('555-0199');
  });

  it('treats blank as absent', () => {
    expect(normalizePhone('   ', 'US')).toBeNull();
    expect(normalizePhone(null, 'US')).toBeNull();
  });

  it('reads the same number the same way in any region when it is international', () => {
    expect(e164('+44 20 7946 0958', 'US')).toBe(e164('020 7946 0958', 'GB'));
  });

  it('is idempotent: a normalized number normalizes to itself in any region', () => {
    const regions = ['US', 'GB', 'DE', 'AU', 'FR'];
    fc.assert(
      fc.property(fc.constantFrom(...regions), fc.stringMatching(/^[0-9 ()+-]{6,16}$/), (region, raw) => {
        const once = e164(raw, region);
        if (once === null) return;
        for (const other of regions) expect(e164(once, other)).toBe(once);
      }),
    );
  });
});

describe('storedPhoneKey', () => {
  it('reads IT Glue digits in national or international form to the same E.164', () => {
    expect(storedPhoneKey('4155552671', 'US')).toBe('+14155552671');
    expect(storedPhoneKey('14155552671', 'US')).toBe('+14155552671');
    expect(storedPhoneKey('14155552671', 'GB')).toBe('+14155552671');
    expect(storedPhoneKey('442079460958', 'GB')).toBe('+442079460958');
  });
  it('keeps digits that are no valid number', () => {
    expect(storedPhoneKey('000-000-0000', 'US')).toBe('0000000000');
  });
});

describe('phoneRegion', () => {
  it('accepts ISO codes and refuses free text', () => {
    expect(phoneRegion('gb')).toBe('GB');
    expect(phoneRegion('United States')).toBeNull();
    expect(phoneRegion(null)).toBeNull();
  });
});
