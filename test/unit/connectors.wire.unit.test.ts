import { describe, expect, it } from 'vitest';
import { fieldOfMessage } from '../../src/connectors/bms/wire.ts';
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
});
