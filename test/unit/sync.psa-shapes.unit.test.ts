import { describe, expect, it } from 'vitest';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { huduProfile } from '../../src/connectors/hudu/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';
import type { TargetProfile } from '../../src/domain/target-profile.ts';
import { samePsaFields } from '../../src/sync/psa-fields.ts';
import { graphUser, link, planOne, psaContact } from '../support/builders.ts';

/**
 * A PSA whose contact has a field for each kind of phone and no typed lists, that requires a first and a last name and
 * nothing else (the shape of Autotask's contact), beside BMS's one typed phone and required location.
 */
const SLOTTED: TargetProfile = {
  ...bmsProfile,
  id: 'slotted',
  words: { ...bmsProfile.words, name: 'Slotted PSA' },
  requiredFields: [
    { field: 'firstName', label: 'first name' },
    { field: 'lastName', label: 'last name' },
  ],
  psa: { typed: false, phoneSlots: true },
};
const BOTH = { doc: itglueProfile, psa: SLOTTED };
const ALONE = { doc: null, psa: SLOTTED };

const ann = graphUser('u1', {
  givenName: 'Ann',
  surname: 'Lee',
  userPrincipalName: 'ann@contoso.com',
  mail: 'ann@contoso.com',
  businessPhones: ['+1 (415) 555-2671'],
  mobilePhone: '+1 206 555 0100',
});

describe('a PSA with a field for each kind of phone and no typed lists', () => {
  it('gets each Microsoft phone in its own field, and no type ids', () => {
    for (const targets of [BOTH, ALONE]) {
      const action = planOne({ targets, users: [ann], psaContacts: [] });
      expect(action.psa).toMatchObject({
        kind: 'create',
        fields: { phoneNumber: '+14155552671', mobilePhone: '+12065550100', emailTypeId: null, phoneTypeId: null },
      });
    }
  });

  it('keeps each phone in its field whichever kind is primary', () => {
    const action = planOne({ targets: ALONE, users: [ann], settings: { phones: { primaryType: 'mobile' } } });
    expect(action.psa).toMatchObject({ fields: { phoneNumber: '+14155552671', mobilePhone: '+12065550100' } });
  });

  it('puts the blank replacement in the field of the primary type', () => {
    const noPhones = graphUser('u1', { givenName: 'Ann', surname: 'Lee', businessPhones: [], mobilePhone: null });
    const settings = { phones: { primaryType: 'mobile' as const, blankReplacement: '+1 206 555 0199' } };
    const action = planOne({ targets: ALONE, users: [noPhones], settings });
    expect(action.psa).toMatchObject({ fields: { phoneNumber: null, mobilePhone: '+12065550199' } });
  });

  it('writes a contact without a phone, a location or a known type, none of which it requires', () => {
    const noPhones = graphUser('u1', { givenName: 'Ann', surname: 'Lee', businessPhones: [], mobilePhone: null });
    const action = planOne({ targets: ALONE, users: [noPhones], settings: { psa: { emailType: 'No such type' } } });
    expect(action.reasons).toEqual([]);
    expect(action.psa).toMatchObject({ kind: 'create', fields: { phoneNumber: null, mobilePhone: null } });
  });

  it('holds a user without a last name, naming the field, where BMS takes one', () => {
    const cher = graphUser('u1', {
      givenName: 'Cher',
      surname: null,
      displayName: 'Cher',
      userPrincipalName: 'cher@contoso.com',
    });
    const held = planOne({ targets: ALONE, users: [cher], settings: { names: { splitDisplayName: false } } });
    expect(held.psa).toEqual({ kind: 'held' });
    expect(held.reasons.map((r) => [r.code, r.field])).toEqual([['no-last-name', 'lastName']]);
    expect(held.reasons[0]!.message).toContain('Slotted PSA requires one');
    const bms = planOne({
      targets: { doc: null, psa: bmsProfile },
      users: [
        graphUser('u1', {
          givenName: 'Cher',
          surname: null,
          displayName: 'Cher',
          userPrincipalName: 'cher@contoso.com',
          businessPhones: ['+1 415 555 2671'],
        }),
      ],
      settings: { names: { splitDisplayName: false } },
    });
    expect(bms.psa).toMatchObject({ kind: 'create' });
  });

  it('matches a contact by an address the PSA holds besides its primary', () => {
    const other = psaContact(600, {
      firstName: 'A.',
      lastName: 'Lee-Smith',
      emailAddress: 'ann.private@example.com',
      otherEmails: ['ANN@contoso.com'],
    });
    const action = planOne({ targets: ALONE, users: [ann], psaContacts: [other] });
    expect(action.psa).toMatchObject({ kind: 'link', contactId: 600 });
  });

  it('never blanks a mobile phone the contact holds when Microsoft 365 has none', () => {
    const officeOnly = graphUser('u1', {
      givenName: 'Ann',
      surname: 'Lee',
      userPrincipalName: 'ann@contoso.com',
      mail: 'ann@contoso.com',
      proxyAddresses: ['SMTP:ann@contoso.com'],
      businessPhones: ['+1 (415) 555-2671'],
    });
    const held = psaContact(600, {
      firstName: 'Ann',
      lastName: 'Lee',
      emailAddress: 'ann@contoso.com',
      jobTitle: 'Engineer',
      phoneNumber: '+14155552671',
      mobilePhone: '+12065550142',
    });
    const action = planOne({
      targets: ALONE,
      users: [officeOnly],
      psaContacts: [held],
      links: [link('u1', '', { psaContactId: 600 })],
    });
    expect(action.psa, JSON.stringify(action.psa)).toMatchObject({ kind: 'unchanged' });
  });
});

describe('a PSA whose contact list gives every field', () => {
  it('compares with what the contact holds, not with what contactsync wrote last', () => {
    // The contact's phone was cleared in the PSA. BMS's list gives no phone, so there what contactsync wrote last
    // stands in for it; a PSA whose list gives the phone has it written again.
    const user = graphUser('u1', {
      givenName: 'Ann',
      surname: 'Lee',
      userPrincipalName: 'ann@contoso.com',
      mail: 'ann@contoso.com',
      proxyAddresses: ['SMTP:ann@contoso.com'],
      businessPhones: ['+1 (415) 555-2671'],
    });
    const held = psaContact(600, {
      firstName: 'Ann',
      lastName: 'Lee',
      emailAddress: 'ann@contoso.com',
      phoneNumber: null,
    });
    const pushed: PsaContactFields = {
      firstName: 'Ann',
      lastName: 'Lee',
      jobTitle: 'Engineer',
      emailAddress: 'ann@contoso.com',
      emailTypeId: null,
      phoneNumber: '+14155552671',
      phoneTypeId: null,
      mobilePhone: null,
      locationId: 11,
      isActive: true,
    };
    const parts = {
      users: [user],
      psaContacts: [{ ...held, jobTitle: 'Engineer' }],
      links: [link('u1', '', { psaContactId: 600, psaPushed: pushed })],
    };
    expect(planOne({ ...parts, targets: ALONE }).psa).toMatchObject({
      kind: 'update',
      diffs: [{ field: 'phoneNumber', old: null, new: '+14155552671' }],
    });
    const bmsPushed = { ...pushed, emailTypeId: 1, phoneTypeId: 1 };
    const bms = planOne({
      ...parts,
      links: [link('u1', '', { psaContactId: 600, psaPushed: bmsPushed })],
      targets: { doc: null, psa: bmsProfile },
    });
    expect(bms.psa).toMatchObject({ kind: 'unchanged' });
  });
});

describe('what an earlier release remembers of a BMS write', () => {
  it('is the same write as today’s, though it has no mobile phone field', () => {
    const today = {
      firstName: 'Ann',
      lastName: 'Lee',
      jobTitle: null,
      emailAddress: 'ann@contoso.com',
      emailTypeId: 1,
      phoneNumber: '+14155552671',
      phoneTypeId: 1,
      mobilePhone: null,
      locationId: 11,
      isActive: true,
    };
    const { mobilePhone: _none, ...earlier } = today;
    expect(samePsaFields(earlier as typeof today, today)).toBe(true);
    expect(samePsaFields({ ...today, mobilePhone: '+12065550100' }, today)).toBe(false);
  });
});

describe('a documentation platform that keeps places as text, beside a PSA that requires a location', () => {
  it("gives a person without a place the PSA customer's main location, where IT Glue's missing location holds", () => {
    const user = graphUser('u1', { givenName: 'Ann', surname: 'Lee' });
    const hudu = planOne({ targets: { doc: huduProfile, psa: bmsProfile }, users: [user], docLocations: [] });
    expect(hudu.psa).toMatchObject({ kind: 'create', fields: { locationId: 11 } });
    const itglue = planOne({ targets: { doc: itglueProfile, psa: bmsProfile }, users: [user], docLocations: [] });
    expect(itglue.psa).toEqual({ kind: 'held' });
  });
});
