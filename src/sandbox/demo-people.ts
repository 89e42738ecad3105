import type { TenantSeed } from './tenant-seed.ts';

/** The demo's customers and people: who works where, their names, titles, addresses and phones. */

export const LICENSE = [{ skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df' }];
export const TITLES = [
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

export interface Person {
  readonly first: string;
  readonly last: string;
  /** the ASCII local part of addresses */
  readonly local: string;
}

export const US_PEOPLE: Person[] = [
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
export const DE_PEOPLE: Person[] = [
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
export const GB_PEOPLE: Person[] = [
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

export interface TenantPlan {
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

export function email(value: string, primary: boolean, label = 'Work') {
  return { value, primary, 'label-name': label };
}

export function digits(value: string): string {
  return value.replace(/\D/g, '');
}

export const CALLING_CODES = { US: '1', DE: '49', GB: '44', AU: '61' } as const;

/**
 * A phone as IT Glue shows one typed by hand: the national digits for a number of the customer's own country
 * (`+1 206 555 0085` → `2065550085`, `+44 20 7946 0001` → `02079460001`), the country code kept for another's.
 */
export function itglueDigits(value: string, region: keyof typeof CALLING_CODES): string {
  const code = CALLING_CODES[region];
  if (!value.trim().startsWith('+')) return digits(value);
  const all = digits(value);
  if (!all.startsWith(code)) return all;
  return `${region === 'US' ? '' : '0'}${all.slice(code.length)}`;
}

export function ascii(value: string): string {
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
export function guidOf(name: string): string {
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

export function phone(region: 'US' | 'DE' | 'GB' | 'AU', kind: 'office' | 'mobile', n: number, style: number): string {
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

export const TENANTS: readonly TenantPlan[] = [
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
