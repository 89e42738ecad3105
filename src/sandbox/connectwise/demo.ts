import type { BmsSeed } from '../bms/bms-seed.ts';
import { connectwiseSeedSchema, type ConnectwiseSeed } from './connectwise-seed.ts';

/** ConnectWise's own communication types of a new database (the config's defaults name them). */
const EMAIL = { id: 1, name: 'Email' };
const DIRECT = { id: 2, name: 'Direct' };
const CELL = { id: 4, name: 'Cell' };

/**
 * The demo's PSA records on ConnectWise: each BMS account becomes a company with the same id, name and locations as
 * sites, and each BMS contact a ConnectWise contact with the same id (so that IT Glue's mirrored contacts still point
 * at it), the same person, and its email and phone as communication items, so that every matching case of the demo
 * occurs on ConnectWise too. A phone BMS types as mobile is a Cell item, any other a Direct one.
 */
export function connectwiseDemo(bms: BmsSeed): ConnectwiseSeed {
  const mobileTypes = new Set(bms.phoneTypes.filter((type) => /mobile/i.test(type.name)).map((type) => type.id));
  return connectwiseSeedSchema.parse({
    companies: bms.accounts.map((account) => ({
      id: account.id,
      identifier: account.name.replace(/\W/g, '').slice(0, 25) || `Company${account.id}`,
      name: account.name,
      sites: account.locations.map((location) => ({
        id: location.id,
        name: location.name,
        primaryAddressFlag: location.isMain,
      })),
      contacts: account.contacts.map((contact) => {
        const mobile = contact.phoneTypeId !== null && mobileTypes.has(contact.phoneTypeId);
        return {
          id: contact.id,
          firstName: contact.firstName,
          lastName: contact.lastName,
          title: contact.jobTitle,
          site: contact.locationId === null ? null : { id: contact.locationId },
          inactiveFlag: !contact.isActive,
          communicationItems: [
            ...(contact.emailAddress === null
              ? []
              : [{ type: EMAIL, communicationType: 'Email', value: contact.emailAddress, defaultFlag: true }]),
            ...(contact.phoneNumber === null
              ? []
              : [
                  {
                    type: mobile ? CELL : DIRECT,
                    communicationType: 'Phone',
                    value: contact.phoneNumber,
                    defaultFlag: true,
                  },
                ]),
          ],
        };
      }),
    })),
  });
}
