import { describe, expect, it } from 'vitest';
import {
  fieldOfError,
  toCreateBody,
  toInactiveBody,
  toPatchBody,
  toPsaContact,
} from '../../src/connectors/autotask/mapping.ts';
import { contactWire } from '../../src/connectors/autotask/wire.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';

const fields: PsaContactFields = {
  firstName: 'Ann',
  lastName: 'Lee',
  jobTitle: null,
  emailAddress: 'ann@contoso.com',
  emailTypeId: null,
  phoneNumber: '+12065550100',
  phoneTypeId: null,
  mobilePhone: null,
  locationId: 11,
  isActive: true,
};

describe('Autotask contacts and the PSA port', () => {
  it('reads a contact: title, phone, location and isActive as an integer', () => {
    const wire = contactWire.parse({
      id: 30,
      companyID: 1,
      firstName: 'Ann',
      lastName: 'Lee',
      title: 'CFO',
      emailAddress: 'ann@contoso.com',
      emailAddress2: 'ann.lee@gmail.com',
      emailAddress3: null,
      phone: '+1 206 555 0100',
      mobilePhone: '',
      companyLocationID: 11,
      isActive: 0,
    });
    expect(toPsaContact(wire, 1)).toMatchObject({
      id: 30,
      accountId: 1,
      jobTitle: 'CFO',
      emailAddress: 'ann@contoso.com',
      phoneNumber: '+1 206 555 0100',
      mobilePhone: null,
      // The person's other addresses are matched on, never written.
      otherEmails: ['ann.lee@gmail.com'],
      emailTypeId: null,
      locationId: 11,
      isActive: false,
    });
  });

  it('creates with the company, the fields it has values for, and isActive as 1; never a second or third email', () => {
    const body = toCreateBody(1, { ...fields, mobilePhone: '+12065550199' });
    expect(body).toEqual({
      companyID: 1,
      firstName: 'Ann',
      lastName: 'Lee',
      emailAddress: 'ann@contoso.com',
      phone: '+12065550100',
      mobilePhone: '+12065550199',
      companyLocationID: 11,
      isActive: 1,
    });
    expect(Object.keys(body)).not.toContain('emailAddress2');
  });

  it('PATCHes the id and only the fields that changed', () => {
    expect(toPatchBody(30, { ...fields, jobTitle: 'CFO' }, ['jobTitle', 'emailTypeId'])).toEqual({
      id: 30,
      title: 'CFO',
    });
    expect(toPatchBody(30, { ...fields, isActive: false }, ['isActive'])).toEqual({ id: 30, isActive: 0 });
    // A phone cleared in Microsoft 365 is cleared in Autotask; a mobile phone has its own field.
    expect(
      toPatchBody(30, { ...fields, phoneNumber: null, mobilePhone: '+12065550199' }, ['phoneNumber', 'mobilePhone']),
    ).toEqual({ id: 30, phone: null, mobilePhone: '+12065550199' });
    expect(toInactiveBody(30)).toEqual({ id: 30, isActive: 0 });
  });

  it("names the field an error is about, by Autotask's name for it", () => {
    expect(fieldOfError('Value for field firstName is required.')).toBe('firstName');
    expect(fieldOfError("The value for 'COMPANYLOCATIONID' does not belong to this company.")).toBe(
      'companyLocationID',
    );
    expect(fieldOfError('emailAddress2: "x" is not a valid email address.')).toBe('emailAddress2');
    expect(fieldOfError('phone: length exceeds 25')).toBe('phone');
    expect(fieldOfError('Something went wrong.')).toBeNull();
  });
});
