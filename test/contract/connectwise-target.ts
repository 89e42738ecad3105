import { ConnectwisePsa } from '../../src/connectors/connectwise/connectwise-psa.ts';
import type { ConnectwiseContactSeed } from '../../src/sandbox/connectwise/connectwise-seed.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { psaContractClient, untypedFieldsOf } from './psa-contract-client.ts';
import { simulatorFaults } from './simulator-faults.ts';
import type { ContractContact, RunningTarget, TargetContractAdapter } from './target-contract.ts';

const WRONG_KEY = 'cw-wrong-private-key';
/** The database's communication types: ConnectWise's own, and a Home phone a person may use. */
const TYPES = [
  { id: 1, description: 'Email', emailFlag: true },
  { id: 2, description: 'Direct', phoneFlag: true },
  { id: 4, description: 'Cell', phoneFlag: true },
  { id: 5, description: 'Home', phoneFlag: true },
];
/** What a technician types into a contact by hand: the person's second address and a home phone. */
const HAND_ADDED = [
  { typeId: 1, value: 'personal.address@example.com' },
  { typeId: 5, value: '+12065550142' },
];

function heldAsContract(contact: ConnectwiseContactSeed): ContractContact {
  const items = contact.communicationItems;
  const email = items.find((i) => i.communicationType === 'Email' && i.defaultFlag) ?? null;
  return {
    id: String(contact.id),
    firstName: contact.firstName ?? '',
    lastName: contact.lastName ?? '',
    title: contact.title,
    email: email?.value ?? '',
    phone: items.find((i) => i.type.id === 2)?.value ?? null,
    active: !contact.inactiveFlag,
  };
}

/** The suite's name of each contact field a JSON Patch sends. */
const CONTRACT_FIELD: Readonly<Record<string, string>> = {
  firstName: 'firstName',
  lastName: 'lastName',
  title: 'title',
  inactiveFlag: 'active',
};

/** ConnectWise PSA as a PSA: the `Psa` port against the ConnectWise simulator. */
export const connectwiseTarget: TargetContractAdapter = {
  name: 'ConnectWise',
  // A list answers at most 1,000 records a page (CONTRACTS.md).
  pageSize: 1000,
  async start(seed) {
    const companies = seed.customers.map((customer, c) => ({
      id: c + 1,
      identifier: customer.name.replace(/\W/g, ''),
      name: customer.name,
      sites: [{ id: (c + 1) * 10 + 1, name: 'Main', primaryAddressFlag: true }],
      contacts: customer.people.map((p, i) => ({
        id: (c + 1) * 10_000 + i,
        firstName: p.firstName,
        lastName: p.lastName,
        title: p.title,
        site: { id: (c + 1) * 10 + 1 },
        communicationItems: [
          { type: { id: 1 }, communicationType: 'Email', value: p.email, defaultFlag: true },
          { type: { id: 2 }, communicationType: 'Phone', value: p.phone, defaultFlag: true },
        ],
      })),
    }));
    const sims = await startSimulators(
      parseSeed({
        tenants: [
          { id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users: [user('a1')] },
        ],
        connectwise: { companies, communicationTypes: TYPES },
      }),
    );
    const record = (id: string) => sims.connectwise.contactsWithIds([Number(id)])[0] ?? null;
    const running: RunningTarget = {
      url: sims.urls.connectwise!,
      customerIds: companies.map((c) => String(c.id)),
      connect(options) {
        const { credentials } = sims;
        const psa = new ConnectwisePsa({
          credentials:
            options.wrongCredentials === true
              ? { ...credentials.connectwise, privateKey: WRONG_KEY }
              : credentials.connectwise,
          // The API base, as the sandbox's config gives it: no codebase is discovered.
          baseUrl: `${options.baseUrl}/v4_6_release/apis/3.0/`,
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
          ...(options.now === undefined ? {} : { now: options.now }),
        });
        return psaContractClient(psa, untypedFieldsOf, (current) => ({
          emailTypeId: null,
          phoneTypeId: null,
          mobilePhone: current.mobilePhone,
          locationId: current.locationId,
        }));
      },
      held(id) {
        const contact = record(id);
        return contact === null ? null : heldAsContract(contact);
      },
      async editByHand(id) {
        for (const item of HAND_ADDED) sims.connectwise.addItem(Number(id), item);
      },
      handEditKept(id) {
        const values = (record(id)?.communicationItems ?? []).map((i) => i.value);
        return HAND_ADDED.every((item) => values.includes(item.value));
      },
      throttle: (on) => simulatorFaults(sims, 'connectwise', on),
      advance: (ms) => sims.clock.advance(ms),
      now: () => sims.clock.now(),
      close: () => sims.close(),
    };
    return running;
  },
  isLogin: (url) => /\/login\/companyinfo\//i.test(url),
  isContactPage: (request) => request.method === 'GET' && /\/company\/contacts\?/.test(request.url),
  // ConnectWise patches: what a write changes is the paths of its operations (an email or phone item: its kind).
  fieldsWritten(request) {
    if (/\/communications/.test(request.url)) return ['communications'];
    const operations = Array.isArray(request.body) ? (request.body as { path: string }[]) : [];
    return operations.map((o) => {
      const path = o.path.replace(/^\//, '').split('/')[0]!;
      return CONTRACT_FIELD[path] ?? path;
    });
  },
  refused: { change: { email: 'not-an-email' }, field: 'communicationItems[0].value' },
  wrongCredentials: { advice: /public and private keys/, secret: WRONG_KEY },
};
