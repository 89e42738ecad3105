import { describe, expect, it } from 'vitest';
import { autotaskProfile } from '../../src/connectors/autotask/profile.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import type { PsaContact, PsaContactFields } from '../../src/domain/psa-contact.ts';
import { fieldLabel, namedDiff, shownValue } from '../../src/sync/field-labels.ts';
import { diffPsaContact } from '../../src/sync/psa-fields.ts';

const NOT_LISTED = '(not in BMS’s list)';

/** A BMS contact as the account's contact list gives it: no phone and no types (BMS's summaries carry none). */
const listed: PsaContact = {
  id: 502,
  accountId: 1,
  firstName: 'Jordan',
  lastName: 'Lee',
  jobTitle: 'Analyst',
  emailAddress: 'jordan.lee@contoso.com',
  emailTypeId: null,
  phoneNumber: null,
  phoneTypeId: null,
  mobilePhone: null,
  otherEmails: [],
  locationId: 11,
  isActive: true,
};
const desired: PsaContactFields = {
  firstName: 'Jordan',
  lastName: 'Lee',
  jobTitle: 'Analyst',
  emailAddress: 'jordan.lee@contoso.com',
  emailTypeId: 1,
  phoneNumber: '+12065550008',
  phoneTypeId: 1,
  mobilePhone: null,
  locationId: 11,
  isActive: true,
};
const names = {
  contactTypes: new Map<string, string>(),
  emailTypes: new Map([['1', 'Work']]),
  phoneTypes: new Map([['1', 'Office']]),
  psaLocations: new Map([['11', 'Seattle HQ']]),
};
const shown = (diffs: ReturnType<typeof diffPsaContact>['diffs']) =>
  diffs.map((d) => {
    const named = namedDiff(bmsProfile, d, names);
    return `${fieldLabel(named, { doc: null, psa: bmsProfile })}: ${shownValue(named.old)} → ${shownValue(named.new)}`;
  });

describe('a BMS contact linked for the first time', () => {
  it('says its phone and types are not in BMS’s list, instead of showing them empty', () => {
    expect(shown(diffPsaContact(listed, null, desired, true, bmsProfile).diffs)).toEqual([
      `BMS · Email type: ${NOT_LISTED} → Work`,
      `BMS · Phone: ${NOT_LISTED} → +12065550008`,
      `BMS · Phone type: ${NOT_LISTED} → Office`,
    ]);
  });

  it('compares with what contactsync wrote last once it has written the contact', () => {
    const pushed = { ...desired, phoneNumber: '+12065550001' };
    expect(shown(diffPsaContact(listed, pushed, desired, true, bmsProfile).diffs)).toEqual([
      'BMS · Phone: +12065550001 → +12065550008',
    ]);
  });

  it('shows a field BMS’s list does give, and holds empty, as ∅', () => {
    expect(shown(diffPsaContact({ ...listed, jobTitle: null }, desired, desired, true, bmsProfile).diffs)).toEqual([
      'BMS · Job title: ∅ → Analyst',
    ]);
  });
});

describe('an Autotask contact, whose contact list gives every field it has', () => {
  const autotask = autotaskProfile;
  const untyped = { ...desired, emailTypeId: null, phoneTypeId: null };
  const shownAt = (diffs: ReturnType<typeof diffPsaContact>['diffs']) =>
    diffs.map((d) => {
      const named = namedDiff(autotaskProfile, d, names);
      return `${fieldLabel(named, { doc: null, psa: autotaskProfile })}: ${shownValue(named.old)} → ${shownValue(named.new)}`;
    });

  it('shows an empty phone as ∅, never as not in its list, and offers no types', () => {
    expect(shownAt(diffPsaContact(listed, null, untyped, true, autotask).diffs)).toEqual([
      'Autotask · Phone: ∅ → +12065550008',
    ]);
  });

  it('writes a phone cleared in Autotask again, although contactsync wrote it before', () => {
    expect(shownAt(diffPsaContact(listed, untyped, untyped, true, autotask).diffs)).toEqual([
      'Autotask · Phone: ∅ → +12065550008',
    ]);
  });

  it('names the mobile phone in words', () => {
    const mobile = { ...untyped, mobilePhone: '+12065550199' };
    expect(shownAt(diffPsaContact(listed, null, mobile, true, autotask).diffs)).toContain(
      'Autotask · Mobile phone: ∅ → +12065550199',
    );
  });
});
