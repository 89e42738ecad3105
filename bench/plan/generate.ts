import type { DirectoryUser } from '../../src/domain/directory-user.ts';
import type { DocContact } from '../../src/domain/doc-contact.ts';
import type { PsaContact } from '../../src/domain/psa-contact.ts';

export interface GeneratedTenant {
  readonly users: DirectoryUser[];
  readonly contacts: DocContact[];
  readonly psaContacts: PsaContact[];
}

const LICENSE = ['c7df2760-2c81-4ef7-b578-5b5392b571df'];
/** A GUID-shaped id that varies from its first character, as Entra object ids do. */
function guid(i: number): string {
  let h = (i + 1) * 2654435761;
  const hex = (width: number): string => {
    h = (h ^ (h >>> 15)) * 2246822519;
    h = (h ^ (h >>> 13)) >>> 0;
    return h.toString(16).padStart(8, '0').slice(0, width);
  };
  return `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(4)}${i.toString(16).padStart(8, '0')}`;
}

/**
 * The record as the planner receives it: parsed from JSON (the store's snapshots and the APIs' answers), so that its
 * strings are flat. Strings built by template literals are ropes that the first hash lookup flattens, a cost and a
 * memory the product never pays.
 */
function asParsed<T>(record: T): T {
  return JSON.parse(JSON.stringify(record)) as T;
}

const AREA_CODES = [212, 415, 312, 617, 206, 303, 404, 512, 702, 808, 213, 305];

/**
 * N users against N IT Glue contacts: 30% of users match a contact by an alias, 10% by UPN, 10% by name, 5% are
 * disputed (two contacts with their name), the rest are new; the remaining contacts are other people. A fifth of
 * the users already have a BMS contact with their address (linked instead of created).
 */
export function generateTenant(n: number): GeneratedTenant {
  const users: DirectoryUser[] = [];
  const contacts: DocContact[] = [];
  const psaContacts: PsaContact[] = [];
  const contact = (firstName: string, lastName: string, emails: string[], phone: string | null): DocContact =>
    asParsed({
      id: String(1_000_000 + contacts.length),
      organizationId: '1',
      firstName,
      lastName,
      title: null,
      contactTypeId: null,
      locationId: '10',
      important: false,
      notes: null,
      mirroredPsaContactId: null,
      emails: emails.map((value, i) => ({ value, primary: i === 0, label: 'Work' })),
      phones: phone === null ? [] : [{ value: phone, extension: null, primary: true, label: 'Work' }],
    } satisfies DocContact);
  for (let i = 0; i < n; i++) {
    const first = `First${i}`;
    const last = `Last${i}`;
    const local = `first${i}.last${i}`;
    const line = String(1000 + (i % 9000)).padStart(4, '0');
    const area = AREA_CODES[i % AREA_CODES.length]!;
    users.push(
      asParsed({
        id: guid(i),
        userPrincipalName: `${local}@contoso.onmicrosoft.com`,
        displayName: `${first} ${last}`,
        givenName: first,
        surname: last,
        mail: `${local}@contoso.com`,
        proxyAddresses: [`SMTP:${local}@contoso.com`, `smtp:f${i}@sales.contoso.com`],
        otherMails: [],
        businessPhones: i % 5 === 4 ? [] : [`+1 ${area} 555 ${line}`],
        mobilePhone: i % 2 === 0 ? `(${area}) 556-${line}` : null,
        jobTitle: i % 3 === 0 ? 'Engineer' : null,
        officeLocation: null,
        accountEnabled: true,
        userType: 'Member',
        assignedLicenseSkuIds: LICENSE,
        usageLocation: 'US',
        country: null,
      } satisfies DirectoryUser),
    );
    const kind = i % 100;
    if (kind < 30) contacts.push(contact(first, last, [`f${i}@sales.contoso.com`], `${area}555${line}`));
    else if (kind < 40) contacts.push(contact(first, last, [`${local}@contoso.onmicrosoft.com`], null));
    else if (kind < 50) contacts.push(contact(first.toUpperCase(), last, [`${local}@old-domain.com`], null));
    else if (kind < 55) {
      contacts.push(contact(first, last, [], null));
      contacts.push(contact(first, last, [], null));
    }
    if (i % 5 === 0) {
      psaContacts.push(
        asParsed({
          id: 500_000 + i,
          accountId: 1,
          firstName: first,
          lastName: last,
          jobTitle: null,
          emailAddress: `${local}@contoso.com`,
          emailTypeId: null,
          phoneNumber: null,
          phoneTypeId: null,
          mobilePhone: null,
          otherEmails: [],
          locationId: 11,
          isActive: true,
        } satisfies PsaContact),
      );
    }
  }
  for (let j = 0; contacts.length < n; j++)
    contacts.push(contact(`Other${j}`, `Person${j}`, [`other${j}@partner.com`], null));
  // The store hands users to the planner sorted by id.
  users.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { users, contacts, psaContacts };
}
