import { AutotaskPsa } from '../../src/connectors/autotask/autotask-psa.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { psaContractClient, untypedFieldsOf } from './psa-contract-client.ts';
import { simulatorFaults } from './simulator-faults.ts';
import type { ContractContact, RunningTarget, TargetContractAdapter } from './target-contract.ts';

const WRONG_SECRET = 'at-wrong-contract';
/** What a technician types into a contact by hand: the person's second address and another phone. */
const HAND_ADDED = { emailAddress2: 'personal.address@example.com', alternatePhone: '+12065550142' };

/** A contact as the simulator holds it, in Autotask's own names. */
interface HeldContact {
  readonly id: number;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly title: string | null;
  readonly emailAddress: string | null;
  readonly phone: string | null;
  readonly isActive: number;
}

function heldAsContract(contact: HeldContact): ContractContact {
  return {
    id: String(contact.id),
    firstName: contact.firstName ?? '',
    lastName: contact.lastName ?? '',
    title: contact.title,
    email: contact.emailAddress ?? '',
    phone: contact.phone,
    active: contact.isActive === 1,
  };
}

/** The suite's name of each field Autotask is sent. */
const CONTRACT_FIELD: Readonly<Record<string, string>> = {
  firstName: 'firstName',
  lastName: 'lastName',
  title: 'title',
  emailAddress: 'email',
  phone: 'phone',
  isActive: 'active',
};

/** Autotask PSA as a PSA: the `Psa` port against the Autotask simulator. */
export const autotaskTarget: TargetContractAdapter = {
  name: 'Autotask',
  // A query answers at most 500 records a page (CONTRACTS.md).
  pageSize: 500,
  async start(seed) {
    const companies = seed.customers.map((customer, c) => ({
      id: c + 1,
      companyName: customer.name,
      locations: [{ id: (c + 1) * 10 + 1, name: 'HQ', isPrimary: true }],
      contacts: customer.people.map((p, i) => ({
        id: (c + 1) * 10_000 + i,
        firstName: p.firstName,
        lastName: p.lastName,
        title: p.title,
        emailAddress: p.email,
        phone: p.phone,
        companyLocationID: (c + 1) * 10 + 1,
        isActive: 1,
      })),
    }));
    const sims = await startSimulators(
      parseSeed({
        tenants: [
          { id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users: [user('a1')] },
        ],
        autotask: { companies },
      }),
    );
    const record = (id: string) =>
      companies.flatMap((c) => sims.autotask.contactsOf(c.id)).find((contact) => contact.id === Number(id)) ?? null;
    const running: RunningTarget = {
      url: sims.urls.autotask!,
      customerIds: companies.map((c) => String(c.id)),
      connect(options) {
        const psa = new AutotaskPsa({
          credentials:
            options.wrongCredentials === true
              ? { ...sims.credentials.autotask, secret: WRONG_SECRET }
              : sims.credentials.autotask,
          // The zone's URL, as the sandbox's config gives it: no zone is discovered.
          baseUrl: `${options.baseUrl}/atservicesrest/`,
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
        sims.autotask.editContact(Number(id), HAND_ADDED);
      },
      handEditKept(id) {
        const contact = record(id);
        return (
          contact?.emailAddress2 === HAND_ADDED.emailAddress2 && contact.alternatePhone === HAND_ADDED.alternatePhone
        );
      },
      throttle: (on) => simulatorFaults(sims, 'autotask', on),
      advance: (ms) => sims.clock.advance(ms),
      now: () => sims.clock.now(),
      close: () => sims.close(),
    };
    return running;
  },
  isLogin: (url) => /\/zoneInformation\b/i.test(url),
  isContactPage: (request) => /\/v1\.0\/Contacts\/query(\/next)?\b/.test(request.url),
  // Autotask patches: what a write changes is what it carries besides the id.
  fieldsWritten(request) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    return Object.keys(body)
      .filter((field) => field !== 'id')
      .map((field) => CONTRACT_FIELD[field] ?? field);
  },
  refused: { change: { email: 'not-an-email' }, field: 'emailAddress' },
  wrongCredentials: { advice: /API user, its secret and the integration code/, secret: WRONG_SECRET },
};
