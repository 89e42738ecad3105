import { describe, expect, it } from 'vitest';
import {
  contactItem,
  fieldOfMessage,
  lowerKeys,
  otherEntriesOf,
  toContactBody,
  toInactiveBody,
  toPsaContact,
} from '../../src/connectors/bms/wire.ts';
import { toDirectoryUser, userWire } from '../../src/connectors/graph/wire.ts';
import {
  bulkUpdatable,
  bulkUpdateItem,
  contactResource,
  createItem,
  errorDocument,
  fieldOfPointer,
  toAttributes,
  toDocContact,
} from '../../src/connectors/itglue/wire.ts';

describe('Graph wire → DirectoryUser', () => {
  it('maps a selected user, with absent properties as null or empty', () => {
    const user = toDirectoryUser(
      userWire.parse({
        id: 'u1',
        userPrincipalName: 'a@b.c',
        assignedLicenses: [{ skuId: 's1' }, { skuId: null }],
        businessPhones: ['1'],
      }),
    );
    expect(user).toMatchObject({
      id: 'u1',
      mail: null,
      proxyAddresses: [],
      assignedLicenseSkuIds: ['s1'],
      businessPhones: ['1'],
      accountEnabled: null,
    });
  });
});

describe('IT Glue wire', () => {
  it('maps a contact resource to a DocContact, phones as digits', () => {
    const contact = toDocContact(
      contactResource.parse({
        id: 7,
        attributes: {
          'organization-id': 1,
          'first-name': 'Ann',
          'location-id': 10,
          'contact-emails': [{ value: 'a@b.c', primary: true, 'label-name': 'Work' }],
          'contact-phones': [{ value: '(206) 555-0100', primary: true, 'label-name': 'Work' }],
        },
      }),
      '1',
    );
    expect(contact).toMatchObject({
      id: '7',
      organizationId: '1',
      firstName: 'Ann',
      locationId: '10',
      emails: [{ value: 'a@b.c', primary: true, label: 'Work' }],
      phones: [{ value: '2065550100', extension: null, primary: true, label: 'Work' }],
    });
  });

  it('writes only the attributes of a patch', () => {
    expect(toAttributes({ title: 'CFO', locationId: '10' })).toEqual({ title: 'CFO', 'location-id': 10 });
    expect(toAttributes({ phones: [{ value: '12065550100', extension: '12', primary: true, label: 'Work' }] })).toEqual(
      {
        'contact-phones': [{ value: '12065550100', extension: '12', primary: true, 'label-name': 'Work' }],
      },
    );
  });

  it('puts the id of a bulk update inside attributes, as a number, and never beside them', () => {
    expect(bulkUpdateItem('72', { locationId: '795' })).toEqual({
      type: 'contacts',
      attributes: { id: 72, 'location-id': 795 },
    });
    expect(createItem({ title: 'CFO' })).toEqual({ type: 'contacts', attributes: { title: 'CFO' } });
    expect(bulkUpdatable({ title: 'CFO' })).toBe(true);
    expect(bulkUpdatable({ emails: [] })).toBe(false);
    expect(bulkUpdatable({ phones: [] })).toBe(false);
  });

  it('reads errors with a numeric status and without detail or source', () => {
    expect(errorDocument.parse({ errors: [{ status: 422, title: 'Unprocessable Entity' }] }).errors[0]).toEqual({
      status: 422,
      title: 'Unprocessable Entity',
    });
    expect(errorDocument.parse({ errors: [{ status: '403' }] }).errors[0]!.status).toBe(403);
  });

  it('reads the record and field of an error pointer', () => {
    expect(fieldOfPointer('/data/3/attributes/contact-emails/0/value')).toEqual({
      index: 3,
      field: 'contact-emails[0].value',
    });
    expect(fieldOfPointer('/data/attributes/location-id')).toEqual({ index: null, field: 'location-id' });
  });
});

describe('BMS wire', () => {
  it('reads the field a validation message names', () => {
    expect(fieldOfMessage('firstName: the first name is required.')).toBe('firstName');
    expect(fieldOfMessage('Something went wrong')).toBeNull();
  });

  // A single read in PascalCase whose primary entries are not the first, and one entry without a type.
  const read = contactItem.parse(
    lowerKeys({
      Id: 7,
      AccountId: 1,
      FirstName: 'Ann',
      LocationId: 11,
      Emails: [
        { EmailAddress: 'ann.home@example.com', EmailTypeId: 2, IsPrimary: false },
        { EmailAddress: 'Ann@contoso.com', EmailTypeId: 1, IsPrimary: true },
        { EmailAddress: 'ann.old@example.com' },
      ],
      Phones: [
        { PhoneNumber: '+1 206 555 0142', PhoneTypeId: 2 },
        { PhoneNumber: '+12065550100', PhoneTypeId: 1, IsPrimary: true },
      ],
    }),
  );

  it("reads a contact's emails and phones beyond its own, with their types as read", () => {
    expect(toPsaContact(read, 1)).toMatchObject({ emailAddress: 'Ann@contoso.com', phoneNumber: '+12065550100' });
    expect(otherEntriesOf(read)).toEqual({
      emails: [
        { emailAddress: 'ann.home@example.com', emailTypeId: 2 },
        { emailAddress: 'ann.old@example.com', emailTypeId: null },
      ],
      phones: [{ phoneNumber: '+1 206 555 0142', phoneTypeId: 2 }],
    });
  });

  it('sends the other entries back after the managed ones, without one equal to a managed one', () => {
    const fields = {
      firstName: 'Ann',
      lastName: null,
      jobTitle: null,
      emailAddress: 'ANN.HOME@example.com',
      emailTypeId: 1,
      phoneNumber: '+12065550100',
      phoneTypeId: 1,
      mobilePhone: null,
      locationId: 11,
      isActive: true,
    };
    const body = toContactBody(1, fields, 'update', otherEntriesOf(read));
    expect(body.emails).toEqual([
      { emailAddress: 'ANN.HOME@example.com', emailTypeId: 1 },
      { emailAddress: 'ann.old@example.com' },
    ]);
    expect(body.phones).toEqual([
      { phoneNumber: '+12065550100', phoneTypeId: 1 },
      { phoneNumber: '+1 206 555 0142', phoneTypeId: 2 },
    ]);
    expect(toContactBody(1, fields, 'create')).toMatchObject({
      emails: [{ emailAddress: 'ANN.HOME@example.com', emailTypeId: 1 }],
      phones: [{ phoneNumber: '+12065550100', phoneTypeId: 1 }],
    });
    expect(toInactiveBody(toPsaContact(read, 1), otherEntriesOf(read))).toMatchObject({
      emails: [
        { emailAddress: 'Ann@contoso.com', emailTypeId: 1 },
        { emailAddress: 'ann.home@example.com', emailTypeId: 2 },
        { emailAddress: 'ann.old@example.com' },
      ],
      phones: [
        { phoneNumber: '+12065550100', phoneTypeId: 1 },
        { phoneNumber: '+1 206 555 0142', phoneTypeId: 2 },
      ],
      isActive: false,
    });
  });
});
