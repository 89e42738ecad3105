import { HaloPsa } from '../../src/connectors/halo/halo-psa.ts';
import { parseSeed } from '../../src/sandbox/seed.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { TENANT_A, user } from '../support/simulators.ts';
import { psaContractClient, untypedFieldsOf } from './psa-contract-client.ts';
import { simulatorFaults } from './simulator-faults.ts';
import type { ContractContact, RunningTarget, TargetContractAdapter } from './target-contract.ts';

const WRONG_SECRET = 'halo-wrong-contract';
/** What a technician types into a user by hand: the person's second and third addresses. */
const HAND_ADDED = { email2: 'personal.address@example.com', email3: 'assistant@example.com' };

/** A user as the simulator holds it, in Halo's own names. */
interface HeldUser {
  readonly id: number;
  readonly firstname: string | null;
  readonly surname: string | null;
  readonly jobtitle: string | null;
  readonly emailaddress: string | null;
  readonly phonenumber: string | null;
  readonly inactive: boolean;
}

function heldAsContract(held: HeldUser): ContractContact {
  return {
    id: String(held.id),
    firstName: held.firstname ?? '',
    lastName: held.surname ?? '',
    title: held.jobtitle,
    email: held.emailaddress ?? '',
    phone: held.phonenumber,
    active: !held.inactive,
  };
}

/** The suite's name of each field Halo is sent. */
const CONTRACT_FIELD: Readonly<Record<string, string>> = {
  firstname: 'firstName',
  surname: 'lastName',
  jobtitle: 'title',
  emailaddress: 'email',
  phonenumber: 'phone',
  inactive: 'active',
};

/** HaloPSA as a PSA: the `Psa` port against the Halo simulator. */
export const haloTarget: TargetContractAdapter = {
  name: 'Halo',
  // The client's page size: Halo's largest is unknown (CONTRACTS.md); the simulator cuts pages to 100.
  pageSize: 100,
  async start(seed) {
    const clients = seed.customers.map((customer, c) => ({
      id: c + 1,
      name: customer.name,
      sites: [{ id: (c + 1) * 10 + 1, name: 'Main' }],
      users: customer.people.map((p, i) => ({
        id: (c + 1) * 10_000 + i,
        firstname: p.firstName,
        surname: p.lastName,
        name: `${p.firstName} ${p.lastName}`,
        jobtitle: p.title,
        emailaddress: p.email,
        phonenumber: p.phone,
        site_id: (c + 1) * 10 + 1,
        inactive: false,
      })),
    }));
    const sims = await startSimulators(
      parseSeed({
        tenants: [
          { id: TENANT_A, displayName: 'Contoso Ltd', initialDomain: 'contoso.onmicrosoft.com', users: [user('a1')] },
        ],
        halo: { clients },
      }),
    );
    const running: RunningTarget = {
      url: sims.urls.halo!,
      customerIds: clients.map((c) => String(c.id)),
      connect(options) {
        const { clientId, secret } = sims.credentials.halo;
        const psa = new HaloPsa({
          baseUrl: options.baseUrl,
          credentials: { clientId, secret: options.wrongCredentials === true ? WRONG_SECRET : secret },
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
        const held = sims.halo.user(Number(id));
        return held === null ? null : heldAsContract(held);
      },
      async editByHand(id) {
        sims.halo.editUser(Number(id), HAND_ADDED);
      },
      handEditKept(id) {
        const held = sims.halo.user(Number(id));
        return held?.email2 === HAND_ADDED.email2 && held.email3 === HAND_ADDED.email3;
      },
      throttle: (on) => simulatorFaults(sims, 'halo', on),
      advance: (ms) => sims.clock.advance(ms),
      now: () => sims.clock.now(),
      close: () => sims.close(),
    };
    return running;
  },
  isLogin: (url) => /\/api\/authinfo\b|\/auth\/token\b/i.test(url),
  isContactPage: (request) => request.method === 'GET' && /\/api\/Users\?/.test(request.url),
  // Halo's POST carries the id and what changes; every body names the user's site too (CONTRACTS.md), unchanged here.
  fieldsWritten(request) {
    const items = Array.isArray(request.body) ? (request.body as Record<string, unknown>[]) : [];
    return items.flatMap((item) =>
      Object.keys(item)
        .filter((field) => field !== 'id' && field !== 'site_id')
        .map((field) => CONTRACT_FIELD[field] ?? field),
    );
  },
  refused: { change: { email: 'not-an-email' }, field: 'emailaddress' },
  wrongCredentials: { advice: /client id and secret/, secret: WRONG_SECRET },
};
