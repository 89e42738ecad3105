import { describe, expect, it } from 'vitest';
import { autotaskProfile } from '../../src/connectors/autotask/profile.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { huduProfile } from '../../src/connectors/hudu/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { notApplyingProblems, settingsNotApplying } from '../../src/operations/settings-applying.ts';
import { settingGroups } from '../../src/web/settings-form.ts';

const keysOf = (targets: Parameters<typeof settingGroups>[0]) =>
  settingGroups(targets).flatMap((group) => group.fields.map((field) => field.key));

describe('the settings each installation reads', () => {
  it('IT Glue and BMS: every setting, as today', () => {
    expect(settingsNotApplying({ doc: itglueProfile, psa: bmsProfile }).size).toBe(0);
    expect(keysOf({ doc: itglueProfile, psa: bmsProfile })).toEqual(
      expect.arrayContaining(['contactType', 'psa.emailType', 'psa.phoneType', 'psa.leaverContactType']),
    );
  });

  it('IT Glue and Autotask: no email or phone type, and the form says where each goes', () => {
    const targets = { doc: itglueProfile, psa: autotaskProfile };
    expect([...settingsNotApplying(targets).keys()]).toEqual(['psa.emailType', 'psa.phoneType']);
    expect(keysOf(targets)).not.toContain('psa.emailType');
    expect(keysOf(targets)).toContain('contactType');
    expect(settingGroups(targets).find((g) => g.legend === 'Autotask PSA')?.note).toBe(
      'Autotask has no email or phone types: the primary email goes in its Email field, the office phone in Phone and the mobile phone in Mobile phone.',
    );
  });

  it('Autotask, which takes a contact without a phone: a user without one is not held for it', () => {
    const help = (targets: Parameters<typeof settingGroups>[0], key: string) =>
      settingGroups(targets)
        .flatMap((group) => group.fields)
        .find((field) => field.key === key)?.help;
    expect(help({ doc: null, psa: autotaskProfile }, 'phones.blankReplacement')).toMatch(
      /^Empty: no phone is written \(Autotask does not require one\)\./,
    );
    expect(help({ doc: null, psa: autotaskProfile }, 'phones.setPrimary')).toBe('Mark one Microsoft phone as primary.');
    expect(help({ doc: itglueProfile, psa: bmsProfile }, 'phones.blankReplacement')).toMatch(
      /^Empty: hold the contact from BMS\./,
    );
  });

  it('Hudu: no contact type, and no leaver contact type since Hudu archives its leavers', () => {
    const targets = { doc: huduProfile, psa: bmsProfile };
    expect(settingsNotApplying(targets).get('contactType')).toBe('Hudu has no contact types');
    expect(keysOf(targets)).not.toContain('contactType');
    expect(settingsNotApplying(targets).get('psa.leaverContactType')).toBe(
      'Hudu archives leavers rather than giving them a contact type',
    );
    expect(keysOf(targets)).not.toContain('psa.leaverContactType');
  });

  it('a documentation platform alone: no PSA setting', () => {
    const keys = keysOf({ doc: itglueProfile, psa: null });
    expect(keys.filter((key) => key.startsWith('psa.'))).toEqual([]);
  });
});

describe('a save setting what the installation does not read', () => {
  const alone = { doc: null, psa: autotaskProfile };

  it('is refused for a key it sets, saying why', () => {
    expect(notApplyingProblems(alone, { contactType: 'Employee' }, ['contactType'])).toEqual([
      {
        key: 'contactType',
        message: "not used here: a documentation platform's setting, and this installation has Autotask alone.",
      },
    ]);
  });

  it('is not refused for a key it removes, or one it leaves as it was', () => {
    expect(notApplyingProblems(alone, {}, ['contactType'])).toEqual([]);
    expect(notApplyingProblems(alone, { contactType: 'Employee', pollSeconds: 30 }, ['pollSeconds'])).toEqual([]);
  });
});
