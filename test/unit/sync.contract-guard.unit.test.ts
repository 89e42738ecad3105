import { describe, expect, it } from 'vitest';
import type { DocContact } from '../../src/domain/doc-contact.ts';
import type { PsaContact } from '../../src/domain/psa-contact.ts';
import { docMismatch, psaMismatch, samePhoneNumber } from '../../src/sync/contract-guard.ts';

const psa: PsaContact = {
  id: 5,
  accountId: 1,
  firstName: 'Ann',
  lastName: 'Lee',
  jobTitle: 'CFO',
  emailAddress: 'ann@contoso.com',
  emailTypeId: 1,
  phoneNumber: '(206) 555-0123',
  phoneTypeId: 2,
  mobilePhone: null,
  otherEmails: [],
  locationId: 11,
  isActive: true,
};

const doc: DocContact = {
  id: '7',
  organizationId: '1',
  firstName: 'Ann',
  lastName: 'Lee',
  title: 'CFO',
  contactTypeId: null,
  locationId: '10',
  important: false,
  notes: null,
  emails: [{ value: 'Ann@Contoso.com', primary: true, label: 'Work' }],
  phones: [{ value: '2065550123', extension: null, primary: true, label: 'Work' }],
  mirroredPsaContactId: null,
};

describe('the read-back comparison', () => {
  it('takes a value as the API kept it: case of an email, separators and national form of a phone', () => {
    expect(
      psaMismatch({ emailAddress: 'ANN@contoso.com', phoneNumber: '+12065550123', jobTitle: 'CFO ' }, psa),
    ).toBeNull();
    expect(
      docMismatch(
        {
          firstName: 'Ann',
          emails: [{ value: 'ann@contoso.com', primary: true, label: 'Work' }],
          phones: [{ value: '12065550123', extension: null, primary: true, label: 'Work' }],
        },
        doc,
      ),
    ).toBeNull();
    expect(samePhoneNumber('+12065550123', '5550123')).toBe(true);
    expect(samePhoneNumber('+12065550123', '550123')).toBe(false);
  });

  it('names the first field that did not land, with what was sent and what came back', () => {
    expect(psaMismatch({ firstName: 'Ann', phoneNumber: '+12065550199' }, psa)).toEqual({
      field: 'phoneNumber',
      sent: '+12065550199',
      found: '(206) 555-0123',
    });
    expect(psaMismatch({ locationId: 12 }, psa)).toMatchObject({ field: 'locationId' });
    expect(psaMismatch({ isActive: false }, psa)).toMatchObject({ field: 'isActive', sent: false, found: true });
    expect(docMismatch({ title: 'CEO' }, doc)).toEqual({ field: 'title', sent: 'CEO', found: 'CFO' });
    expect(docMismatch({ emails: [{ value: 'ann@contoso.com', primary: true, label: 'Home' }] }, doc)).toMatchObject({
      field: 'emails',
    });
    // Only what was sent is compared.
    expect(docMismatch({}, { ...doc, title: null })).toBeNull();
  });

  it('compares a name kept in one field whole, and an archive by the state read back', () => {
    const split = { ...doc, firstName: 'Mary', lastName: 'Ann Smith' };
    expect(docMismatch({ firstName: 'Mary Ann', lastName: 'Smith' }, split, true)).toBeNull();
    expect(docMismatch({ firstName: 'Mary Ann', lastName: 'Smith' }, split)).toMatchObject({ field: 'firstName' });
    expect(docMismatch({ firstName: 'Mary Ann', lastName: 'Jones' }, split, true)).toEqual({
      field: 'name',
      sent: 'Mary Ann Jones',
      found: 'Mary Ann Smith',
    });
    expect(docMismatch({ archived: true }, { ...doc, archived: true })).toBeNull();
    expect(docMismatch({ archived: true }, doc)).toMatchObject({ field: 'archived', sent: true });
  });
});
