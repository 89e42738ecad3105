import { BmsPsa } from '../../src/connectors/bms/bms-psa.ts';
import type { PsaContactFields } from '../../src/domain/psa-contact.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { addInBmsByHand, smallSeed } from '../support/simulators.ts';
import { psaAsContract, psaContractClient } from './psa-contract-client.ts';
import { simulatorFaults } from './simulator-faults.ts';
import type { ContractContact, ContractPerson, RunningTarget, TargetContractAdapter } from './target-contract.ts';

const WORK_EMAIL = 1;
const OFFICE_PHONE = 1;
const MOBILE_PHONE = 2;
const WRONG_PASSWORD = 'bms-wrong-contract';
const HAND_ADDED = {
  email: { emailAddress: 'personal.address@example.com', emailTypeId: WORK_EMAIL },
  phone: { phoneNumber: '+12065550142', phoneTypeId: MOBILE_PHONE },
};

/** A person as BMS fields, at the main location of the account (each account's is its id × 10 + 1). */
function fieldsOf(p: ContractPerson, accountId: number): PsaContactFields {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    jobTitle: p.title,
    emailAddress: p.email,
    emailTypeId: WORK_EMAIL,
    phoneNumber: p.phone,
    phoneTypeId: OFFICE_PHONE,
    mobilePhone: null,
    locationId: accountId * 10 + 1,
    isActive: true,
  };
}

/** Kaseya BMS as a PSA: the `Psa` port against the BMS simulator. */
export const bmsTarget: TargetContractAdapter = {
  name: 'BMS',
  // BMS is believed to serve at most 100 records a page (CONTRACTS.md).
  pageSize: 100,
  async start(seed) {
    const accounts = seed.customers.map((customer, c) => ({
      id: c + 1,
      name: customer.name,
      locations: [{ id: (c + 1) * 10 + 1, name: 'HQ', isMain: true }],
      contacts: customer.people.map((p, i) => ({ id: (c + 1) * 10_000 + i, ...fieldsOf(p, c + 1) })),
    }));
    const sims = await startSimulators(
      smallSeed(1, {
        bms: {
          accounts,
          emailTypes: [{ id: WORK_EMAIL, name: 'Work' }],
          phoneTypes: [
            { id: OFFICE_PHONE, name: 'Office' },
            { id: MOBILE_PHONE, name: 'Mobile' },
          ],
        },
      }),
    );
    const record = (id: string) =>
      accounts.flatMap((a) => sims.bms.contactsOf(a.id)).find((contact) => contact.id === Number(id)) ?? null;
    const running: RunningTarget = {
      url: sims.urls.bms!,
      customerIds: accounts.map((a) => String(a.id)),
      connect(options) {
        const psa = new BmsPsa({
          credentials:
            options.wrongCredentials === true
              ? { ...sims.credentials.bms, password: WRONG_PASSWORD }
              : sims.credentials.bms,
          baseUrl: options.baseUrl,
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
          ...(options.now === undefined ? {} : { now: options.now }),
        });
        return psaContractClient(psa, fieldsOf, (current, accountId) => ({
          emailTypeId: current.emailTypeId ?? WORK_EMAIL,
          phoneTypeId: current.phoneTypeId ?? OFFICE_PHONE,
          mobilePhone: null,
          locationId: current.locationId ?? accountId * 10 + 1,
        }));
      },
      held(id) {
        const contact = record(id);
        return contact === null ? null : psaAsContract(contact);
      },
      editByHand: (id) => addInBmsByHand(sims, Number(id), HAND_ADDED),
      handEditKept(id) {
        const { emails, phones } = sims.bms.entriesOf(Number(id));
        return (
          emails.some((e) => e.emailAddress === HAND_ADDED.email.emailAddress) &&
          phones.some((p) => p.phoneNumber === HAND_ADDED.phone.phoneNumber)
        );
      },
      throttle: (on) => simulatorFaults(sims, 'bms', on),
      advance: (ms) => sims.clock.advance(ms),
      now: () => sims.clock.now(),
      close: () => sims.close(),
    };
    return running;
  },
  isLogin: (url) => url.startsWith('/v2/security/'),
  isContactPage: (request) => request.method === 'GET' && request.url.startsWith('/v2/crm/contacts/summary?'),
  // BMS replaces the record on PUT: what a write changes is what it sends differently from the record it read.
  fieldsWritten(request, before) {
    const body = request.body as {
      firstName?: unknown;
      lastName?: unknown;
      jobTitle?: unknown;
      emails?: { emailAddress?: unknown }[];
      phones?: { phoneNumber?: unknown }[];
      isActive?: unknown;
    };
    const sent: Record<string, unknown> = {
      firstName: body.firstName,
      lastName: body.lastName,
      title: body.jobTitle,
      email: body.emails?.[0]?.emailAddress,
      phone: body.phones?.[0]?.phoneNumber,
      active: body.isActive,
    };
    return Object.keys(sent).filter((field) => sent[field] !== before[field as keyof ContractContact]);
  },
  refused: { change: { phone: '' }, field: 'phones[0].phoneNumber' },
  wrongCredentials: { advice: /user name, the password and the tenant/, secret: WRONG_PASSWORD },
};
