import type { Psa, WriteResult } from '../../src/domain/ports.ts';
import type { PsaContact, PsaContactFields } from '../../src/domain/psa-contact.ts';
import type { ContractClient, ContractContact, ContractPerson } from './target-contract.ts';

/** A PSA contact as the suite reads it. */
export function psaAsContract(
  contact: Pick<PsaContact, 'id' | 'firstName' | 'lastName' | 'jobTitle' | 'emailAddress' | 'phoneNumber' | 'isActive'>,
): ContractContact {
  return {
    id: String(contact.id),
    firstName: contact.firstName ?? '',
    lastName: contact.lastName ?? '',
    title: contact.jobTitle,
    email: contact.emailAddress ?? '',
    phone: contact.phoneNumber,
    active: contact.isActive,
  };
}

/**
 * A person as the sync fills a PSA without typed lists: no type ids, no mobile phone, at the customer's main location
 * (the adapters seed each customer's as its id × 10 + 1).
 */
export function untypedFieldsOf(p: ContractPerson, customerId: number): PsaContactFields {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    jobTitle: p.title,
    emailAddress: p.email,
    emailTypeId: null,
    phoneNumber: p.phone,
    phoneTypeId: null,
    mobilePhone: null,
    locationId: customerId * 10 + 1,
    isActive: true,
  };
}

const asText = (result: WriteResult<number>): WriteResult<string> =>
  result.ok ? { ok: true, id: String(result.id) } : result;

/** The port's name of each field of the suite's person. */
const PORT_FIELD = {
  firstName: 'firstName',
  lastName: 'lastName',
  title: 'jobTitle',
  email: 'emailAddress',
  phone: 'phoneNumber',
} as const satisfies Record<keyof ContractPerson, keyof PsaContactFields>;

/**
 * A PSA's client as the suite's neutral operations. `fieldsOf` fills a person into the PSA's fields at a customer;
 * `kept` gives the fields the suite does not speak of (types, mobile phone, location) from the contact as it stands.
 * An update is built as the sync builds it: the contact as it stands plus what changed, with the names of the fields
 * that changed.
 */
export function psaContractClient(
  psa: Psa,
  fieldsOf: (person: ContractPerson, accountId: number) => PsaContactFields,
  kept: (
    current: PsaContact,
    accountId: number,
  ) => Pick<PsaContactFields, 'emailTypeId' | 'phoneTypeId' | 'mobilePhone' | 'locationId'>,
): ContractClient {
  return {
    list: async (accountId) => (await psa.listContacts(Number(accountId))).map(psaAsContract),
    findByEmail: async (accountId, email) =>
      (await psa.findContactsByEmail(Number(accountId), email)).map(psaAsContract),
    findByName: async (accountId, firstName, lastName) =>
      (await psa.findContactsByName(Number(accountId), firstName, lastName)).map(psaAsContract),
    create: async (accountId, p) => asText(await psa.createContact(Number(accountId), fieldsOf(p, Number(accountId)))),
    async update(accountId, id, change) {
      const current = await psa.readContact(Number(id));
      if (current === null) throw new Error(`no contact ${id}`);
      const fields: PsaContactFields = {
        firstName: change.firstName ?? current.firstName ?? '',
        lastName: change.lastName ?? current.lastName,
        jobTitle: change.title === undefined ? current.jobTitle : change.title,
        emailAddress: change.email ?? current.emailAddress ?? '',
        phoneNumber: change.phone ?? current.phoneNumber,
        ...kept(current, Number(accountId)),
        isActive: current.isActive,
      };
      const changed = (Object.keys(change) as (keyof ContractPerson)[]).map((field) => PORT_FIELD[field]);
      return asText(await psa.updateContact(Number(accountId), Number(id), fields, changed));
    },
    inactivate: async (accountId, id) => asText(await psa.inactivateContact(Number(accountId), Number(id))),
  };
}
