import type { BmsSeed } from '../bms/bms-seed.ts';
import type { AutotaskContactSeed, AutotaskSeed } from './autotask-seed.ts';

/**
 * The demo's PSA records on Autotask: each BMS account becomes a company with the same id, name and locations, and
 * each BMS contact an Autotask contact with the same id (so that IT Glue's mirrored contacts still point at it), the
 * same person, email and phone, so that every matching case of the demo (by email, by name, disputes, inactive
 * contacts, vendors) occurs on Autotask too. A phone BMS types as mobile goes in `mobilePhone`, any other in `phone`.
 */
export function autotaskDemo(bms: BmsSeed): AutotaskSeed {
  const mobileTypes = new Set(bms.phoneTypes.filter((type) => /mobile/i.test(type.name)).map((type) => type.id));
  return {
    companies: bms.accounts.map((account) => ({
      id: account.id,
      companyName: account.name,
      companyType: 1,
      isActive: true,
      locations: account.locations.map((location) => ({
        id: location.id,
        name: location.name,
        address1: null,
        city: null,
        isPrimary: location.isMain,
        isActive: true,
      })),
      contacts: account.contacts.map((contact): AutotaskContactSeed => {
        const mobile = contact.phoneTypeId !== null && mobileTypes.has(contact.phoneTypeId);
        return {
          id: contact.id,
          firstName: contact.firstName,
          lastName: contact.lastName,
          title: contact.jobTitle,
          emailAddress: contact.emailAddress,
          emailAddress2: null,
          emailAddress3: null,
          phone: mobile ? null : contact.phoneNumber,
          mobilePhone: mobile ? contact.phoneNumber : null,
          alternatePhone: null,
          extension: null,
          companyLocationID: contact.locationId,
          isActive: contact.isActive ? 1 : 0,
          primaryContact: contact.isPoc,
          userDefinedFields: [],
        };
      }),
    })),
  };
}
