import { describe, expect, it } from 'vitest';
import { contactPatch, itemWrites, toPsaContact } from '../../src/connectors/connectwise/mapping.ts';
import {
  apiBaseOf,
  companyInfoAnswer,
  contactsByName,
  contactWire,
  nextLinkOf,
  siteOriginOf,
} from '../../src/connectors/connectwise/wire.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';

const TYPES = { email: 1, phone: 2, mobile: 4 };

describe("ConnectWise's wire", () => {
  it('builds the API base from companyinfo: its SiteUrl when given, else the login site, with the codebase', () => {
    const site = siteOriginOf('na.myconnectwise.net');
    expect(site).toBe('https://na.myconnectwise.net');
    expect(apiBaseOf(site, { Codebase: 'v2025_1/', SiteUrl: 'api-na.myconnectwise.net' })).toBe(
      'https://api-na.myconnectwise.net/v2025_1/apis/3.0/',
    );
    const info = companyInfoAnswer.parse({
      Codebase: 'v2025_1/',
      SiteURL: 'api-eu.myconnectwise.net',
      IsCloud: 'True',
    });
    expect(apiBaseOf(site, info)).toBe('https://api-eu.myconnectwise.net/v2025_1/apis/3.0/');
    expect(apiBaseOf('https://cw.msp.example', { Codebase: 'v4_6_release' })).toBe(
      'https://cw.msp.example/v4_6_release/apis/3.0/',
    );
  });

  it('reads the next page of a Link header, and none on the last', () => {
    const link = '<https://h/x?page=2&pageSize=25>; rel="next", <https://h/x?page=9&pageSize=25>; rel="last"';
    expect(nextLinkOf(link)).toBe('https://h/x?page=2&pageSize=25');
    expect(nextLinkOf('<https://h/x?page=1>; rel="first"')).toBeNull();
    expect(nextLinkOf(null)).toBeNull();
  });

  it('quotes names in conditions, a quote or a backslash in them escaped', () => {
    expect(contactsByName(7, 'Ann "Jo"', 'O\\Neil')).toBe(
      'company/id=7 and firstName="Ann \\"Jo\\"" and lastName="O\\\\Neil"',
    );
  });
});

describe('ConnectWise contacts and the PSA port', () => {
  const wire = contactWire.parse({
    id: 9,
    firstName: 'Ann',
    company: { id: 3 },
    site: { id: 31, name: 'Main' },
    communicationItems: [
      { id: 1, type: { id: 1 }, value: 'home@example.com', communicationType: 'Email' },
      { id: 2, type: { id: 1 }, value: 'ann@contoso.com', communicationType: 'Email', defaultFlag: true },
      { id: 3, type: { id: 5 }, value: '+12065550142', communicationType: 'Phone', defaultFlag: true },
      { id: 4, type: { id: 4 }, value: '+12065550177', communicationType: 'Phone' },
    ],
  });

  it('reads the default email item as the primary, the others as other emails, and phones by their configured types', () => {
    expect(toPsaContact(wire, 3, TYPES)).toMatchObject({
      emailAddress: 'ann@contoso.com',
      otherEmails: ['home@example.com'],
      phoneNumber: null,
      mobilePhone: '+12065550177',
      lastName: null,
      locationId: 31,
      isActive: true,
    });
  });

  it('writes only the items of the fields that changed, leaving every other item alone', () => {
    const fields: PsaContactFields = {
      firstName: 'Ann',
      lastName: null,
      jobTitle: null,
      emailAddress: 'ann@fabrikam.com',
      emailTypeId: null,
      phoneNumber: '+12065550100',
      phoneTypeId: null,
      mobilePhone: null,
      locationId: 31,
      isActive: true,
    };
    expect(itemWrites(wire.communicationItems, fields, ['emailAddress', 'phoneNumber', 'mobilePhone'], TYPES)).toEqual([
      // The older primary is kept as another email: the new address is a new default item.
      {
        kind: 'add',
        body: { type: { id: 1 }, value: 'ann@fabrikam.com', defaultFlag: true, communicationType: 'Email' },
      },
      {
        kind: 'add',
        body: { type: { id: 2 }, value: '+12065550100', defaultFlag: false, communicationType: 'Phone' },
      },
      { kind: 'remove', itemId: 4 },
    ]);
    expect(itemWrites(wire.communicationItems, fields, ['jobTitle'], TYPES)).toEqual([]);
    // The contact's own fields by one JSON Patch: a site by its `/id` path, a leaver by `inactiveFlag`.
    expect(contactPatch({ ...fields, isActive: false }, ['locationId', 'emailAddress', 'isActive'])).toEqual([
      { op: 'replace', path: 'site/id', value: 31 },
      { op: 'replace', path: 'inactiveFlag', value: true },
    ]);
  });
});
