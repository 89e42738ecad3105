import {
  simulateSchema,
  type Seed,
  type TenantSeed,
  type GraphUserSeed,
  type ItGlueContactSeed,
  type BmsContactSeed,
} from './seed.ts';
import { seededRandom } from './sim-server.ts';

/**
 * The demo: three customers of an MSP, 320 users in all, built so that every matching rule and every scenario of
 * DESIGN.md occurs on the first sync. Deterministic: the same seed every time.
 */

const LICENSE = [{ skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df' }];
const TITLES = [
  'Accountant',
  'Sales Manager',
  'Engineer',
  'Office Manager',
  'Consultant',
  'Designer',
  'Support Specialist',
  'Analyst',
  null,
];

interface Person {
  readonly first: string;
  readonly last: string;
  /** the ASCII local part of addresses */
  readonly local: string;
}

interface TenantPlan {
  readonly id: string;
  readonly name: string;
  readonly domain: string;
  readonly initialDomain: string;
  readonly region: 'US' | 'DE' | 'GB';
  readonly size: number;
  readonly people: readonly Person[];
  readonly organization: TenantSeed['organization'];
  readonly settings: Record<string, unknown>;
  readonly locations: readonly { readonly name: string; readonly region: 'US' | 'DE' | 'GB' | 'AU' }[];
}

const US_PEOPLE: Person[] = [
  ['James', 'Smith'],
  ['Mary', 'Johnson'],
  ['Robert', 'Williams'],
  ['Patricia', 'Brown'],
  ['John', 'Jones'],
  ['Jennifer', 'Garcia'],
  ['Michael', 'Miller'],
  ['Linda', 'Davis'],
  ['David', 'Rodriguez'],
  ['Elizabeth', 'Martinez'],
  ['William', 'Hernandez'],
  ['Barbara', 'Lopez'],
  ['Richard', 'Gonzalez'],
  ['Susan', 'Wilson'],
  ['Joseph', 'Anderson'],
  ['Jessica', 'Thomas'],
  ['Thomas', 'Taylor'],
  ['Sarah', 'Moore'],
  ['Charles', 'Jackson'],
  ['Karen', 'Martin'],
  ['Christopher', 'Lee'],
  ['Nancy', 'Perez'],
  ['Daniel', 'Thompson'],
  ['Lisa', 'White'],
  ['Matthew', 'Harris'],
  ['Betty', 'Sanchez'],
  ['Anthony', 'Clark'],
  ['Margaret', 'Ramirez'],
  ['Mark', 'Lewis'],
  ['Sandra', 'Robinson'],
  ['José', 'Peña'],
  ['Zoë', 'Renée'],
  ['François', 'Dubois'],
  ['Chloé', 'Lefèvre'],
].map(([first, last]) => ({ first: first!, last: last!, local: '' }));
const DE_PEOPLE: Person[] = [
  ['Jürgen', 'Müller'],
  ['Anna', 'Schmidt'],
  ['Lukas', 'Schneider'],
  ['Lea', 'Fischer'],
  ['Felix', 'Weber'],
  ['Mia', 'Meyer'],
  ['Jonas', 'Wagner'],
  ['Sophie', 'Becker'],
  ['Leon', 'Schulz'],
  ['Marie', 'Hoffmann'],
  ['Paul', 'Schäfer'],
  ['Emma', 'Koch'],
  ['Ben', 'Bauer'],
  ['Hannah', 'Richter'],
  ['Elias', 'Klein'],
  ['Lena', 'Wolf'],
  ['Noah', 'Schröder'],
  ['Laura', 'Neumann'],
  ['Finn', 'Schwarz'],
  ['Jana', 'Weiß'],
  ['Łukasz', 'Nowak'],
  ['Søren', 'Østergaard'],
].map(([first, last]) => ({ first: first!, last: last!, local: '' }));
const GB_PEOPLE: Person[] = [
  ['Oliver', 'Smith'],
  ['Amelia', 'Jones'],
  ['George', 'Taylor'],
  ['Isla', 'Brown'],
  ['Harry', 'Williams'],
  ['Ava', 'Wilson'],
  ['Jack', 'Davies'],
  ['Emily', 'Evans'],
  ['Charlie', 'Thomas'],
  ['Grace', 'Roberts'],
  ['Jacob', 'Walker'],
  ['Poppy', 'Wright'],
  ['Siobhán', "O'Brien"],
  ['Aoife', 'Ní Bhriain'],
  ['伟', '李'],
  ['芳', '王'],
  ['Дмитрий', 'Иванов'],
  ['Ελένη', 'Παπαδοπούλου'],
  ['Mia', 'Nguyen'],
  ['Lachlan', 'Murphy'],
  ['Chloe', 'Kelly'],
].map(([first, last]) => ({ first: first!, last: last!, local: '' }));

function email(value: string, primary: boolean, label = 'Work') {
  return { value, primary, 'label-name': label };
}

function digits(value: string): string {
  return value.replace(/\D/g, '');
}

const CALLING_CODES = { US: '1', DE: '49', GB: '44', AU: '61' } as const;

/**
 * A phone as IT Glue shows one typed by hand: the national digits for a number of the customer's own country
 * (`+1 206 555 0085` → `2065550085`, `+44 20 7946 0001` → `02079460001`), the country code kept for another's.
 */
function itglueDigits(value: string, region: keyof typeof CALLING_CODES): string {
  const code = CALLING_CODES[region];
  if (!value.trim().startsWith('+')) return digits(value);
  const all = digits(value);
  if (!all.startsWith(code)) return all;
  return `${region === 'US' ? '' : '0'}${all.slice(code.length)}`;
}

function ascii(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/ø/gi, 'o')
    .replace(/ł/gi, 'l')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

/** A stable GUID from a name. */
function guidOf(name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const char of name) {
    h1 = Math.imul(h1 ^ char.charCodeAt(0), 16777619) >>> 0;
    h2 = Math.imul(h2 + char.charCodeAt(0), 2246822519) >>> 0;
  }
  const hex = (
    h1.toString(16).padStart(8, '0') +
    h2.toString(16).padStart(8, '0') +
    (h1 ^ h2).toString(16).padStart(8, '0') +
    (h1 + h2).toString(16).padStart(8, '0')
  ).slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function phone(region: 'US' | 'DE' | 'GB' | 'AU', kind: 'office' | 'mobile', n: number, style: number): string {
  const four = String(1000 + (n % 9000)).slice(-4);
  const three = four.slice(1);
  switch (region) {
    case 'US':
      return kind === 'office'
        ? [`(206) 555-0${three}`, `+1 206 555 0${three}`, `206.555.0${three}`][style % 3]!
        : [`(425) 555-0${three}`, `+1 425-555-0${three}`][style % 2]!;
    case 'DE':
      return kind === 'office'
        ? [`030 901820${four.slice(2)}`, `+49 30 901820${four.slice(2)}`][style % 2]!
        : `0151 2345${four}`;
    case 'GB':
      return kind === 'office' ? [`020 7946 ${four}`, `+44 20 7946 ${four}`][style % 2]! : `07911 12${four}`;
    case 'AU':
      return kind === 'office'
        ? [`(02) 9374 ${four}`, `+61 2 9374 ${four}`][style % 2]!
        : `0412 34${four.slice(0, 1)} ${three}`;
  }
}

const TENANTS: readonly TenantPlan[] = [
  {
    id: '6f9d1c2e-4b7a-4c1e-9a55-0c3e8f1d2a01',
    name: 'Contoso Ltd',
    domain: 'contoso.com',
    initialDomain: 'contoso.onmicrosoft.com',
    region: 'US',
    size: 150,
    people: US_PEOPLE,
    organization: {
      street: '1 Microsoft Way',
      city: 'Redmond',
      state: 'WA',
      postalCode: '98052',
      countryLetterCode: 'US',
      businessPhones: ['+1 206 555 0100'],
    },
    settings: {},
    locations: [
      { name: 'Seattle HQ', region: 'US' },
      { name: 'Portland', region: 'US' },
    ],
  },
  {
    id: '2a7e5b90-13c4-4d8f-8e21-7b6a9c0d3e02',
    name: 'Fabrikam GmbH',
    domain: 'fabrikam.de',
    initialDomain: 'fabrikamgmbh.onmicrosoft.com',
    region: 'DE',
    size: 90,
    people: DE_PEOPLE,
    organization: {
      street: 'Unter den Linden 1',
      city: 'Berlin',
      state: 'BE',
      postalCode: '10117',
      countryLetterCode: 'DE',
      businessPhones: ['+49 30 9018200'],
    },
    settings: { phones: { defaultRegion: 'DE', blankReplacement: 'tenantMain' } },
    locations: [{ name: 'Berlin', region: 'DE' }],
  },
  {
    id: 'c4d3e2f1-5a6b-4c7d-8e9f-0a1b2c3d4e03',
    name: 'Northwind Traders',
    domain: 'northwind.co.uk',
    initialDomain: 'northwindtraders.onmicrosoft.com',
    region: 'GB',
    size: 80,
    people: GB_PEOPLE,
    organization: {
      street: '10 Downing Lane',
      city: 'London',
      state: '',
      postalCode: 'SW1A 2AA',
      countryLetterCode: 'GB',
      businessPhones: ['+44 20 7946 0000'],
    },
    settings: { phones: { defaultRegion: 'GB' }, location: { strategy: 'officeLocation' } },
    locations: [
      { name: 'London', region: 'GB' },
      { name: 'Sydney', region: 'AU' },
    ],
  },
];

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
