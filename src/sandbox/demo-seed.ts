import {
  simulateSchema,
  type Seed,
  type TenantSeed,
  type GraphUserSeed,
  type ItGlueContactSeed,
  type BmsContactSeed,
} from './seed.ts';
import { seededRandom } from './sim-server.ts';
import { ascii, email, guidOf, itglueDigits, LICENSE, phone, TENANTS, TITLES, type TenantPlan } from './demo-people.ts';

/**
 * The demo: three customers of an MSP, 320 users in all, built so that every matching rule and every scenario of
 * DESIGN.md occurs on the first sync. Deterministic: the same seed every time.
 */

interface Built {
  tenant: TenantSeed;
  contacts: ItGlueContactSeed[];
  bmsContacts: BmsContactSeed[];
  /** IT Glue contacts kept in step with a BMS contact by IT Glue's PSA integration */
  psaSynced: Record<string, number>;
}

function buildTenant(plan: TenantPlan, t: number, ids: { itglue: number; bms: number }): Built {
  const random = seededRandom(1000 + t);
  const users: GraphUserSeed[] = [];
  const contacts: ItGlueContactSeed[] = [];
  const bmsContacts: BmsContactSeed[] = [];
  const psaSynced: Record<string, number> = {};
  const locationIds = plan.locations.map((_, i) => `${t + 1}${i}`);
  const bmsLocationIds = plan.locations.map((_, i) => (t + 1) * 10 + i + 1);
  const itglueId = (): string => String(ids.itglue++);
  const bmsId = (): number => ids.bms++;
  const usedLocals = new Set<string>();

  for (let i = 0; i < plan.size; i++) {
    const base = plan.people[i % plan.people.length]!;
    const round = Math.floor(i / plan.people.length);
    // Later rounds get a different person with the same first name and a suffixed surname, except for a few
    // deliberate namesakes (two users with one name) further down.
    const last =
      round === 0
        ? base.last
        : `${base.last}-${['Hill', 'Stone', 'Wood', 'Field', 'Brook', 'Lane', 'Marsh'][round - 1] ?? round}`;
    const first = base.first;
    let local = `${ascii(first) || `user${i}`}.${ascii(last) || `n${i}`}`;
    if (usedLocals.has(local)) local = `${local}${i}`;
    usedLocals.add(local);
    const kind = i % 20;
    const officeLocation =
      plan.region === 'GB'
        ? i % 4 === 3
          ? 'Sydney'
          : i % 7 === 5
            ? 'Remote'
            : 'London'
        : plan.locations[i % plan.locations.length]!.name;
    const phoneRegion = officeLocation === 'Sydney' ? 'AU' : plan.region;
    const cloudOnly = kind === 7; // UPN on the onmicrosoft.com domain, mail on the custom domain
    const upn = cloudOnly ? `${local}@${plan.initialDomain}` : `${local}@${plan.domain}`;
    const mail = `${local}@${plan.domain}`;
    const alias = `${ascii(first) || `u${i}`}${i}@${plan.domain}`;
    const noPhones = kind === 11 || kind === 17;
    const invalidPhone = kind === 13 && i % 40 === 13;
    const user: GraphUserSeed = {
      id: guidOf(`${plan.id}/${i}`),
      userPrincipalName: upn,
      displayName: `${first} ${last}`,
      givenName: kind === 9 ? null : first,
      surname: kind === 9 ? null : last,
      mail,
      proxyAddresses: [
        `SMTP:${mail}`,
        `smtp:${alias}`,
        ...(cloudOnly ? [] : [`smtp:${local}@${plan.initialDomain}`]),
        `SIP:${mail}`,
      ],
      otherMails: i % 10 === 3 ? [`${local}.private@example.net`] : [],
      businessPhones: noPhones ? [] : invalidPhone ? ['12345'] : [phone(phoneRegion, 'office', i, i)],
      mobilePhone: noPhones || i % 3 !== 0 ? null : phone(phoneRegion, 'mobile', i, i),
      jobTitle: TITLES[Math.floor(random() * TITLES.length)] ?? null,
      officeLocation,
      preferredLanguage: plan.region === 'DE' ? 'de-DE' : 'en-US',
      accountEnabled: kind !== 19,
      userType: 'Member',
      assignedLicenses: kind === 18 ? [] : LICENSE,
      usageLocation: phoneRegion,
      streetAddress: null,
      city: null,
      state: null,
      postalCode: null,
      country: null,
      department: null,
      onPremisesSyncEnabled: null,
    };
    users.push(user);

    const locationId = plan.region === 'GB' && officeLocation === 'Sydney' ? locationIds[1]! : locationIds[0]!;
    // Existing IT Glue contacts, in the ways MSPs have them.
    if (kind === 0 || kind === 1 || kind === 2) {
      // Matches by an alias of the mailbox; some kept in step with BMS by IT Glue's own PSA integration.
      const contact: ItGlueContactSeed = {
        id: itglueId(),
        'first-name': first,
        'last-name': last,
        title: null,
        'contact-type-id': '1',
        'location-id': locationId,
        important: kind === 0,
        notes: kind === 0 ? 'Key contact for billing questions.' : null,
        'psa-integration': kind === 1 ? 'kaseya-bms' : null,
        'contact-emails': [email(alias, true)],
        'contact-phones':
          kind === 2 ? [{ value: '5550199', extension: null, primary: false, 'label-name': 'Home' }] : [],
      };
      contacts.push(contact);
      if (kind === 1) {
        const mirrored = bmsId();
        psaSynced[contact.id] = mirrored;
        bmsContacts.push({
          id: mirrored,
          firstName: first,
          lastName: last,
          jobTitle: null,
          emailAddress: alias,
          emailTypeId: 1,
          phoneNumber: '+1 000 000 0000',
          phoneTypeId: 1,
          locationId: bmsLocationIds[0]!,
          isActive: true,
          isPoc: false,
        });
      }
    } else if (kind === 7) {
      // Matches by the user principal name only.
      contacts.push({
        id: itglueId(),
        'first-name': first,
        'last-name': last,
        title: 'Old title',
        'contact-type-id': '1',
        'location-id': null,
        important: false,
        notes: null,
        'psa-integration': null,
        'contact-emails': [email(upn, true)],
        'contact-phones': [],
      });
    } else if (kind === 4) {
      // Matches by name: different case and no accents, an old address.
      contacts.push({
        id: itglueId(),
        'first-name': ascii(first) === '' ? first : first.toUpperCase(),
        'last-name': last.normalize('NFD').replace(/\p{M}/gu, ''),
        title: null,
        'contact-type-id': null,
        'location-id': locationId,
        important: false,
        notes: null,
        'psa-integration': null,
        'contact-emails': [email(`${local}@old-${plan.domain}`, true)],
        'contact-phones': [
          {
            value: itglueDigits(phone(phoneRegion, 'office', i + 500, 0), plan.region),
            extension: null,
            primary: true,
            'label-name': 'Work',
          },
        ],
      });
    } else if (kind === 5 && i % 40 === 5) {
      // Two IT Glue contacts with this user's name: a dispute for a person to settle, from what each holds. The
      // old one has a former address and phone; the newer one the user's office phone, title and location.
      contacts.push(
        {
          id: itglueId(),
          'first-name': first,
          'last-name': last,
          title: 'Former employee',
          'contact-type-id': null,
          'location-id': null,
          important: false,
          notes: 'Created by hand (old)',
          'psa-integration': null,
          'contact-emails': [email(`${local}@old-${plan.domain}`, true)],
          'contact-phones': [
            {
              value: itglueDigits(phone(phoneRegion, 'office', i + 700, 0), plan.region),
              extension: null,
              primary: true,
              'label-name': 'Work',
            },
          ],
          'created-at': '2019-03-04T09:12:00.000Z',
          'updated-at': '2021-06-30T16:40:00.000Z',
        },
        {
          id: itglueId(),
          'first-name': first,
          'last-name': last,
          title: user.jobTitle,
          'contact-type-id': null,
          'location-id': locationIds[plan.locations.findIndex((l) => l.name === officeLocation)] ?? locationId,
          important: false,
          notes: 'Created by hand (duplicate)',
          'psa-integration': null,
          'contact-emails': [email(`${local}.home@example.net`, true)],
          'contact-phones': [
            {
              value: itglueDigits(user.businessPhones[0] ?? '', plan.region),
              extension: null,
              primary: true,
              'label-name': 'Work',
            },
          ],
          'created-at': '2025-10-02T11:05:00.000Z',
          'updated-at': '2025-10-02T11:05:00.000Z',
        },
      );
    } else if (kind === 6) {
      // Not in IT Glue yet, but already in BMS with the same email: linked there, never duplicated.
      bmsContacts.push({
        id: bmsId(),
        firstName: first,
        lastName: last,
        jobTitle: null,
        emailAddress: mail,
        emailTypeId: 1,
        phoneNumber: '(000) 000-0000',
        phoneTypeId: 1,
        locationId: bmsLocationIds[0]!,
        isActive: i % 40 !== 6,
        isPoc: false,
      });
    } else if (kind === 8 && i % 40 === 8) {
      // Two BMS contacts with this user's name and no email: a dispute on the BMS side. One has the user's phone
      // and title; the other was an agency temp, made inactive.
      for (let k = 0; k < 2; k++) {
        bmsContacts.push({
          id: bmsId(),
          firstName: first,
          lastName: last,
          jobTitle: k === 0 ? user.jobTitle : 'Temp (agency)',
          emailAddress: null,
          emailTypeId: null,
          phoneNumber: k === 0 ? (user.businessPhones[0] ?? '(000) 000-0000') : '(000) 000-0000',
          phoneTypeId: 1,
          locationId: bmsLocationIds[0]!,
          isActive: k === 0,
          isPoc: false,
        });
      }
    }
  }

  // Namesakes: two users with one name and one IT Glue contact of that name; neither is guessed.
  const namesake = (n: number): GraphUserSeed => {
    const local = `alex.morgan${n}`;
    return {
      ...users[0]!,
      id: guidOf(`${plan.id}/namesake/${n}`),
      userPrincipalName: `${local}@${plan.domain}`,
      displayName: 'Alex Morgan',
      givenName: 'Alex',
      surname: 'Morgan',
      mail: `${local}@${plan.domain}`,
      proxyAddresses: [`SMTP:${local}@${plan.domain}`],
      otherMails: [],
      businessPhones: [phone(plan.region, 'office', 900 + n, 0)],
      mobilePhone: null,
      jobTitle: 'Consultant',
    };
  };
  users.push(namesake(1), namesake(2));
  contacts.push({
    id: itglueId(),
    'first-name': 'Alex',
    'last-name': 'Morgan',
    title: null,
    'contact-type-id': null,
    'location-id': null,
    important: false,
    notes: null,
    'psa-integration': null,
    'contact-emails': [],
    'contact-phones': [],
  });

  // Out of scope: a guest, a room mailbox, a break-glass admin.
  users.push({
    ...users[0]!,
    id: guidOf(`${plan.id}/guest`),
    userPrincipalName: `pat.partner_fabrikam.example#EXT#@${plan.initialDomain}`,
    displayName: 'Pat Partner (Guest)',
    givenName: 'Pat',
    surname: 'Partner',
    mail: 'pat.partner@fabrikam.example',
    proxyAddresses: ['SMTP:pat.partner@fabrikam.example'],
    userType: 'Guest',
    assignedLicenses: [],
    businessPhones: [],
    mobilePhone: null,
  });
  users.push({
    ...users[0]!,
    id: guidOf(`${plan.id}/room`),
    userPrincipalName: `boardroom@${plan.domain}`,
    displayName: 'Boardroom',
    givenName: null,
    surname: null,
    mail: `boardroom@${plan.domain}`,
    proxyAddresses: [`SMTP:boardroom@${plan.domain}`],
    accountEnabled: false,
    assignedLicenses: [],
    businessPhones: [],
    mobilePhone: null,
    jobTitle: null,
    officeLocation: null,
  });
  users.push({
    ...users[0]!,
    id: guidOf(`${plan.id}/breakglass`),
    userPrincipalName: `admin.breakglass@${plan.initialDomain}`,
    displayName: 'Break Glass Admin',
    givenName: 'Break Glass',
    surname: 'Admin',
    mail: null,
    proxyAddresses: [],
    businessPhones: [],
    mobilePhone: null,
    jobTitle: null,
  });

  // People in IT Glue and BMS who are not users: vendors and former staff, left alone.
  contacts.push({
    id: itglueId(),
    'first-name': 'Victor',
    'last-name': 'Vendor',
    title: 'Account Manager',
    'contact-type-id': '3',
    'location-id': null,
    important: false,
    notes: 'Printer lease',
    'psa-integration': null,
    'contact-emails': [email('victor@printers.example', true)],
    'contact-phones': [],
  });
  bmsContacts.push({
    id: bmsId(),
    firstName: 'Victor',
    lastName: 'Vendor',
    jobTitle: 'Account Manager',
    emailAddress: 'victor@printers.example',
    emailTypeId: 1,
    phoneNumber: '(000) 000-0000',
    phoneTypeId: 1,
    locationId: bmsLocationIds[0]!,
    isActive: true,
    isPoc: false,
  });

  return {
    tenant: {
      id: plan.id,
      displayName: plan.name,
      initialDomain: plan.initialDomain,
      organization: plan.organization,
      settings: plan.settings,
      users,
      groups: [
        {
          id: guidOf(`${plan.id}/group/staff`),
          displayName: 'All Staff',
          members: users.filter((u) => u.userType === 'Member').map((u) => u.id),
        },
      ],
    },
    contacts,
    bmsContacts,
    psaSynced,
  };
}

export function demoSeed(): Seed {
  const ids = { itglue: 1000, bms: 500 };
  const built = TENANTS.map((plan, t) => buildTenant(plan, t, ids));
  return {
    settings: { scope: { excludeUpnPatterns: ['admin.*'] } },
    tenants: built.map((b) => b.tenant),
    itglue: {
      contactTypes: [
        { id: '1', name: 'Employee' },
        { id: '2', name: 'Former Employee' },
        { id: '3', name: 'Vendor' },
      ],
      organizations: TENANTS.map((plan, t) => ({
        id: String(t + 1),
        name: plan.name,
        locations: plan.locations.map((l, i) => ({ id: `${t + 1}${i}`, name: l.name, primary: i === 0 })),
        contacts: built[t]!.contacts,
      })),
    },
    bms: {
      emailTypes: [
        { id: 1, name: 'Work' },
        { id: 2, name: 'Personal' },
      ],
      phoneTypes: [
        { id: 1, name: 'Office' },
        { id: 2, name: 'Mobile' },
        { id: 3, name: 'Home' },
      ],
      accounts: TENANTS.map((plan, t) => ({
        id: t + 1,
        name: plan.name,
        locations: plan.locations.map((l, i) => ({ id: (t + 1) * 10 + i + 1, name: l.name, isMain: i === 0 })),
        contacts: built[t]!.bmsContacts,
      })),
    },
    simulate: simulateSchema.parse({
      itglue: { psaSynced: Object.assign({}, ...built.map((b) => b.psaSynced)) as Record<string, number> },
    }),
  };
}
