import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsError, parseSettingsOverride, resolveSettings } from '../../src/domain/settings.ts';

describe('settings', () => {
  it('defaults to the table of DESIGN.md', () => {
    expect(resolveSettings()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.deletionGuard).toEqual({ minCount: 5, maxFraction: 0.1 });
    expect(DEFAULT_SETTINGS.phones).toEqual({
      setPrimary: true,
      primaryType: 'office',
      blankReplacement: null,
      blankReplacementEverywhere: false,
      defaultRegion: 'US',
    });
  });
  it('layers global then tenant overrides, key by key', () => {
    const global = parseSettingsOverride({ phones: { blankReplacement: '000-000-0000' }, psa: { phoneType: 'Main' } });
    const tenant = parseSettingsOverride({ phones: { defaultRegion: 'GB' }, location: { strategy: 'officeLocation' } });
    const settings = resolveSettings(global, tenant);
    expect(settings.phones).toEqual({
      setPrimary: true,
      primaryType: 'office',
      blankReplacement: '000-000-0000',
      blankReplacementEverywhere: false,
      defaultRegion: 'GB',
    });
    expect(settings.psa.phoneType).toBe('Main');
    expect(settings.psa.emailType).toBe('Work');
    expect(settings.location).toEqual({ strategy: 'officeLocation', default: null });
  });
  it('lets a tenant set a value back to null', () => {
    const settings = resolveSettings(
      parseSettingsOverride({ contactType: 'Employee' }),
      parseSettingsOverride({ contactType: null }),
    );
    expect(settings.contactType).toBeNull();
  });
  it('lists every problem with its key in one error', () => {
    let error: unknown;
    try {
      parseSettingsOverride(
        {
          scope: { requireEnabled: 'yes' },
          phones: { defaultRegion: 'XX', primaryType: 'fax' },
          pollSecond: 60,
          deletionGuard: { maxFraction: 2 },
        },
        'config.json',
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const problems = (error as SettingsError).problems.map((p) => p.key).sort();
    expect(problems).toEqual([
      'deletionGuard.maxFraction',
      'phones.defaultRegion',
      'phones.primaryType',
      'pollSecond',
      'scope.requireEnabled',
    ]);
    expect((error as Error).message).toContain('config.json has 5 problems');
  });
  it('refuses a blank replacement that is no number', () => {
    expect(() => parseSettingsOverride({ phones: { blankReplacement: 'none' } })).toThrow(/phones.blankReplacement/);
  });
});

describe('BMS type settings', () => {
  it('take a name, or a BMS type id as a number or as digits typed in a form', () => {
    const psa = (value: unknown) => resolveSettings(parseSettingsOverride({ psa: { emailType: value } }, 'test')).psa;
    expect(psa('Work').emailType).toBe('Work');
    expect(psa(3).emailType).toBe(3);
    expect(psa(' 7 ').emailType).toBe(7);
    expect(() => psa(0)).toThrow(/psa\.emailType: a type id is a whole number above 0/);
    expect(() => psa('')).toThrow(/psa\.emailType/);
  });
});
