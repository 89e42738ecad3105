import { simulateSchema, type BmsSeed, type ItGlueSeed, type Seed } from '../../src/sandbox/seed.ts';

/** `tenants` customers of `users` users each; a third of each already in IT Glue by alias, a tenth in BMS by email. */
export function generatedSeed(tenants: number, users: number): Seed {
  const seed: Seed = {
    settings: {},
    tenants: [],
    itglue: { organizations: [], contactTypes: [{ id: '1', name: 'Employee' }] },
    bms: { accounts: [], emailTypes: [{ id: 1, name: 'Work' }], phoneTypes: [{ id: 1, name: 'Office' }] },
    simulate: simulateSchema.parse({}),
  };
  let contactId = 10_000;
  let bmsId = 50_000;
  for (let t = 0; t < tenants; t++) {
    const name = `Customer ${String(t + 1).padStart(3, '0')}`;
    const domain = `customer${t + 1}.example`;
    const tenant: Seed['tenants'][number] = {
      id: `00000000-0000-4000-8000-${String(t + 1).padStart(12, '0')}`,
      displayName: name,
      initialDomain: `customer${t + 1}.onmicrosoft.com`,
      organization: {
        street: '',
        city: '',
        state: '',
        postalCode: '',
        countryLetterCode: 'US',
        businessPhones: ['+1 206 555 0100'],
      },
      settings: {},
      users: [],
      groups: [],
    };
    const organization: ItGlueSeed['organizations'][number] = {
      id: String(t + 1),
      name,
      locations: [{ id: String(1000 + t), name: 'HQ', primary: true }],
      contacts: [],
    };
    const account: BmsSeed['accounts'][number] = {
      id: t + 1,
      name,
      locations: [{ id: 2000 + t, name: 'HQ', isMain: true }],
      contacts: [],
    };
    for (let u = 0; u < users; u++) {
      const local = `user${u}`;
      tenant.users.push({
        id: `${String(t + 1).padStart(8, '0')}-0000-4000-8000-${String(u).padStart(12, '0')}`,
        userPrincipalName: `${local}@${domain}`,
        displayName: `First${u} Last${t}`,
        givenName: `First${u}`,
        surname: `Last${t}`,
        mail: `${local}@${domain}`,
        proxyAddresses: [`SMTP:${local}@${domain}`, `smtp:u${u}@${domain}`],
        otherMails: [],
        businessPhones: [`+1 206 555 ${String(1000 + ((u * 7) % 9000)).slice(-4)}`],
        mobilePhone: null,
        jobTitle: u % 2 === 0 ? 'Engineer' : 'Analyst',
        officeLocation: null,
        preferredLanguage: null,
        accountEnabled: true,
        userType: 'Member',
        assignedLicenses: [{ skuId: 'sku' }],
        usageLocation: 'US',
        streetAddress: null,
        city: null,
        state: null,
        postalCode: null,
        country: null,
        department: null,
        onPremisesSyncEnabled: null,
      });
      if (u % 3 === 0) {
        organization.contacts.push({
          id: String(contactId++),
          'first-name': `First${u}`,
          'last-name': `Last${t}`,
          title: null,
          'contact-type-id': '1',
          'location-id': String(1000 + t),
          important: false,
          notes: null,
          'psa-integration': null,
          'contact-emails': [{ value: `u${u}@${domain}`, primary: true, 'label-name': 'Work' }],
          'contact-phones': [],
        });
      }
      if (u % 10 === 0) {
        account.contacts.push({
          id: bmsId++,
          firstName: `First${u}`,
          lastName: `Last${t}`,
          jobTitle: null,
          emailAddress: `${local}@${domain}`,
          emailTypeId: 1,
          phoneNumber: '+12065550000',
          phoneTypeId: 1,
          locationId: 2000 + t,
          isActive: true,
          isPoc: false,
        });
      }
    }
    seed.tenants.push(tenant);
    seed.itglue!.organizations.push(organization);
    seed.bms!.accounts.push(account);
  }
  return seed;
}

/** A person a PSA already holds in a generated tenant, for a PSA's seed to shape as its contact. */
export interface HeldPerson {
  readonly id: number;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** the address the PSA holds as primary: the user's own, or an older one when the user's is held as an alias */
  readonly primary: string;
  /** the user's alias the PSA holds as another address, or null */
  readonly alias: string | null;
  /** a Microsoft user (its record has no title and an old phone, so that linking it writes); else a vendor's person */
  readonly isUser: boolean;
}

/**
 * The people a PSA already holds in each tenant of a generated seed, with ids from `firstId`: two users in five, one in
 * five by its primary address and one in five by an alias (its primary an older address), then 20 people of the
 * company who are not Microsoft users.
 */
export function heldByPsa(seed: Seed, firstId: number): HeldPerson[][] {
  let id = firstId;
  return seed.tenants.map((tenant, t) => {
    const domain = tenant.users[0]!.mail!.split('@')[1]!;
    const users = tenant.users.flatMap((user, u) =>
      u % 5 > 1
        ? []
        : [
            {
              id: id++,
              firstName: user.givenName,
              lastName: user.surname,
              primary: u % 5 === 0 ? user.mail! : `old${u}@${domain}`,
              alias: u % 5 === 1 ? `u${u}@${domain}` : null,
              isUser: true,
            },
          ],
    );
    const others = Array.from({ length: 20 }, (_, i) => ({
      id: id++,
      firstName: `Vendor${i}`,
      lastName: `Contact${t}`,
      primary: `vendor${i}@supplier${t}.example`,
      alias: null,
      isUser: false,
    }));
    return [...users, ...others];
  });
}
