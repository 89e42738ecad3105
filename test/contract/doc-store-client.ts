import type { DocContact, DocContactFields, DocContactPatch } from '../../src/domain/doc-contact.ts';
import type { DocStore, WriteResult } from '../../src/domain/ports.ts';
import type { ContractClient, ContractContact, ContractPerson } from './target-contract.ts';

/** What differs between documentation platforms in the suite's terms: how a contact is active, new and a leaver. */
export interface DocStoreTerms {
  /** whether the contact is active, the target's way (not of the leaver type, not archived) */
  active(contact: DocContact): boolean;
  /** what a new contact of the customer gets besides the person: its type and its place */
  readonly placed: (customerId: string) => Pick<DocContactFields, 'contactTypeId' | 'locationId'>;
  /** the change that makes a contact a leaver */
  readonly leaver: DocContactPatch;
}

const digits = (phone: string) => phone.replace(/\D/g, '');

/** A contact as the suite reads it: its primary email and phone, the phone in E.164. */
function asContract(contact: DocContact, active: boolean): ContractContact {
  const email = contact.emails.find((e) => e.primary) ?? contact.emails[0];
  const phone = contact.phones.find((p) => p.primary) ?? contact.phones[0];
  return {
    id: contact.id,
    firstName: contact.firstName ?? '',
    lastName: contact.lastName ?? '',
    title: contact.title,
    email: email?.value ?? '',
    phone: phone === undefined ? null : `+${phone.value}`,
    active,
  };
}

/** The suite's change as a documentation patch: the email primary and labelled Work, the phone's digits. */
function patchOf(change: Partial<ContractPerson>): DocContactPatch {
  return {
    ...(change.firstName === undefined ? {} : { firstName: change.firstName }),
    ...(change.lastName === undefined ? {} : { lastName: change.lastName }),
    ...(change.title === undefined ? {} : { title: change.title }),
    ...(change.email === undefined ? {} : { emails: [{ value: change.email, primary: true, label: 'Work' }] }),
    ...(change.phone === undefined
      ? {}
      : { phones: [{ value: digits(change.phone), extension: null, primary: true, label: 'Work' }] }),
  };
}

const only = (results: readonly WriteResult<string>[]): WriteResult<string> => results[0]!;

/**
 * The suite's operations on a documentation platform's `DocStore`. The port has no search: the sync matches within
 * the customer's contacts it reads whole, and so do `findByEmail` and `findByName`.
 */
export function docStoreClient(store: DocStore, terms: DocStoreTerms): ContractClient {
  const list = async (customerId: string) =>
    (await store.listContacts(customerId)).map((contact) => asContract(contact, terms.active(contact)));
  return {
    list,
    findByEmail: async (customerId, email) =>
      (await list(customerId)).filter((c) => c.email.toLowerCase() === email.toLowerCase()),
    findByName: async (customerId, firstName, lastName) =>
      (await list(customerId)).filter(
        (c) =>
          c.firstName.toLowerCase() === firstName.toLowerCase() && c.lastName.toLowerCase() === lastName.toLowerCase(),
      ),
    async create(customerId, p) {
      const draft: DocContactFields = {
        firstName: p.firstName,
        lastName: p.lastName,
        title: p.title,
        ...terms.placed(customerId),
        ...(patchOf(p) as Pick<DocContactFields, 'emails' | 'phones'>),
      };
      return only(await store.createContacts(customerId, [draft]));
    },
    update: async (_customerId, id, change) => only(await store.updateContacts([{ id, patch: patchOf(change) }])),
    inactivate: async (_customerId, id) => only(await store.updateContacts([{ id, patch: terms.leaver }])),
  };
}
