import { describe, expect, it } from 'vitest';
import { toCreateItem, toInactiveItem, toPsaContact, toUpdateItem } from '../../src/connectors/halo/mapping.ts';
import { fieldOfError, meaningOfAnswer } from '../../src/connectors/halo/wire.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';

const ann: PsaContactFields = {
  firstName: 'Ann',
  lastName: 'Lee',
  jobTitle: 'CFO',
  emailAddress: 'ann@contoso.com',
  emailTypeId: null,
  phoneNumber: '+12065550100',
  phoneTypeId: null,
  mobilePhone: null,
  locationId: 71,
  isActive: true,
  directoryId: 'oid-1',
  directoryTenantId: 'tid-1',
};

describe('Halo users and the PSA port', () => {
  it('creates a user with the name Halo shows, its site, the Entra ids, and nothing it has no value for', () => {
    expect(toCreateItem(ann)).toEqual({
      name: 'Ann Lee',
      firstname: 'Ann',
      surname: 'Lee',
      jobtitle: 'CFO',
      emailaddress: 'ann@contoso.com',
      phonenumber: '+12065550100',
      site_id: 71,
      inactive: false,
      azureoid: 'oid-1',
      azure_tenant_id: 'tid-1',
    });
  });

  it('updates only what changed, naming the site, and the shown name with a changed surname', () => {
    expect(toUpdateItem(5, 71, ann, ['jobTitle'])).toEqual({ id: 5, jobtitle: 'CFO', site_id: 71 });
    expect(toUpdateItem(5, 71, { ...ann, lastName: 'Smith' }, ['lastName', 'emailTypeId'])).toEqual({
      id: 5,
      surname: 'Smith',
      name: 'Ann Smith',
      site_id: 71,
    });
    // A cleared job title is sent as null; a type Halo does not have is not sent at all.
    expect(toUpdateItem(5, 71, { ...ann, jobTitle: null }, ['jobTitle'])).toEqual({
      id: 5,
      jobtitle: null,
      site_id: 71,
    });
    expect(toUpdateItem(5, 71, ann, ['emailTypeId'])).toEqual({ id: 5 });
    expect(toInactiveItem(5, 71)).toEqual({ id: 5, inactive: true, site_id: 71 });
  });

  it('reads the second and third addresses as other emails, and inactive as not active', () => {
    const contact = toPsaContact(
      {
        id: 5,
        client_id: 7,
        site_id: 71,
        firstname: 'Ann',
        surname: 'Lee',
        name: 'Ann Lee',
        jobtitle: null,
        emailaddress: 'ann@contoso.com',
        email2: 'ann@home.example',
        email3: null,
        phonenumber: null,
        mobilenumber: '+12065550199',
        inactive: true,
        azureoid: 'oid-1',
        azure_tenant_id: null,
      },
      7,
    );
    expect(contact).toMatchObject({
      accountId: 7,
      otherEmails: ['ann@home.example'],
      mobilePhone: '+12065550199',
      isActive: false,
      directoryId: 'oid-1',
    });
  });

  it('reads a refusal naming the field, and the limit as a throttle', () => {
    expect(fieldOfError('site_id: a new user must name its site.')).toBe('site_id');
    expect(fieldOfError('emailaddress of the new user is not a valid email address')).toBe('emailaddress');
    expect(meaningOfAnswer(400, 'emailaddress is not valid')).toBe('refused');
    expect(meaningOfAnswer(429, '300 Requests per rolling 5 minute window')).toBe('throttled');
    expect(meaningOfAnswer(500, 'An error occurred.')).toBeNull();
  });
});
