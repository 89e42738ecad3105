import type { BmsSeed } from '../bms/bms-seed.ts';
import type { TenantSeed } from '../tenant-seed.ts';
import type { HaloSeed, HaloUserSeed } from './halo-seed.ts';

/**
 * The demo's PSA records on Halo: each BMS account becomes a client with the same id and name, its locations sites
 * (the main one its `main_site_id`), and each BMS contact a Halo user with the same id, person, email and phone, so
 * that every matching case of the demo occurs on Halo too. A client lists the tenant of its name among its Azure
 * tenants, as Halo's Azure AD integration links them: the tenant maps to it by id. A phone BMS types as mobile goes
 * in `mobilenumber`, any other in `phonenumber`.
 */
export function haloDemo(bms: BmsSeed, tenants: readonly TenantSeed[]): HaloSeed {
  const mobileTypes = new Set(bms.phoneTypes.filter((type) => /mobile/i.test(type.name)).map((type) => type.id));
  return {
    clients: bms.accounts.map((account) => ({
      id: account.id,
      name: account.name,
      inactive: false,
      main_site_id: account.locations.find((location) => location.isMain)?.id ?? null,
      azure_tenants: tenants
        .filter((tenant) => tenant.displayName === account.name)
        .map((tenant) => ({ azure_tenant_id: tenant.id })),
      sites: account.locations.map((location) => ({ id: location.id, name: location.name, inactive: false })),
      users: account.contacts.map((contact): HaloUserSeed => {
        const mobile = contact.phoneTypeId !== null && mobileTypes.has(contact.phoneTypeId);
        return {
          id: contact.id,
          firstname: contact.firstName,
          surname: contact.lastName,
          name: [contact.firstName, contact.lastName].filter(Boolean).join(' '),
          jobtitle: contact.jobTitle,
          emailaddress: contact.emailAddress,
          email2: null,
          email3: null,
          phonenumber: mobile ? null : contact.phoneNumber,
          mobilenumber: mobile ? contact.phoneNumber : null,
          site_id: contact.locationId ?? account.locations[0]?.id ?? 0,
          inactive: !contact.isActive,
          azureoid: null,
          azure_tenant_id: null,
        };
      }),
    })),
  };
}
