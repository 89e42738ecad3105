import { ItGlueDocStore } from '../../src/connectors/itglue/itglue-doc-store.ts';
import { startSimulators } from '../../src/sandbox/simulators.ts';
import { smallSeed } from '../support/simulators.ts';
import { docStoreClient } from './doc-store-client.ts';
import type { RunningTarget, TargetContractAdapter } from './target-contract.ts';
import { simulatorFaults } from './simulator-faults.ts';

/** The contact type a leaver is moved to: IT Glue has no inactive flag, and the sync inactivates this way. */
const EMPLOYEE = '1';
const LEAVER = '2';
const HAND_NOTE = 'Prefers Teams; desk phone ext. 4411';
const WRONG_KEY = 'ITG.wrongkey-contract';

const digits = (phone: string) => phone.replace(/\D/g, '');

/** The IT Glue attributes the suite's fields are written as. */
const FIELD_OF_ATTRIBUTE: Readonly<Record<string, string>> = {
  'first-name': 'firstName',
  'last-name': 'lastName',
  title: 'title',
  'contact-emails': 'email',
  'contact-phones': 'phone',
  'contact-type-id': 'active',
};

/** IT Glue as a documentation platform: the `DocStore` port against the IT Glue simulator. */
export const itglueTarget: TargetContractAdapter = {
  name: 'IT Glue',
  // IT Glue documents page[size] up to 1000.
  pageSize: 1000,
  async start(seed) {
    const organizations = seed.customers.map((customer, c) => ({
      id: String(c + 1),
      name: customer.name,
      locations: [{ id: `${c + 1}0`, name: 'HQ', primary: true }],
      contacts: customer.people.map((p, i) => ({
        id: String((c + 1) * 10_000 + i),
        'first-name': p.firstName,
        'last-name': p.lastName,
        title: p.title,
        'contact-type-id': EMPLOYEE,
        'location-id': `${c + 1}0`,
        'contact-emails': [{ value: p.email, primary: true, 'label-name': 'Work' }],
        'contact-phones': [{ value: digits(p.phone), primary: true, 'label-name': 'Work' }],
      })),
    }));
    const sims = await startSimulators(
      smallSeed(1, {
        itglue: {
          organizations,
          contactTypes: [
            { id: EMPLOYEE, name: 'Employee' },
            { id: LEAVER, name: 'Former employee' },
          ],
        },
      }),
    );
    const record = (id: string) =>
      organizations.flatMap((o) => sims.itglue.contactsOf(o.id)).find((contact) => contact.id === id) ?? null;
    const running: RunningTarget = {
      url: sims.urls.itglue!,
      customerIds: organizations.map((o) => o.id),
      connect(options) {
        const store = new ItGlueDocStore({
          apiKey: options.wrongCredentials === true ? WRONG_KEY : sims.credentials.itglueApiKey,
          baseUrl: options.baseUrl,
          ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
          ...(options.now === undefined ? {} : { now: options.now }),
        });
        return docStoreClient(store, {
          active: (contact) => contact.contactTypeId !== LEAVER,
          placed: (organizationId) => ({ contactTypeId: EMPLOYEE, locationId: `${organizationId}0` }),
          leaver: { contactTypeId: LEAVER },
        });
      },
      held(id) {
        const contact = record(id);
        if (contact === null) return null;
        const email = contact['contact-emails'].find((e) => e.primary);
        const phone = contact['contact-phones'].find((p) => p.primary);
        return {
          id,
          firstName: contact['first-name'] ?? '',
          lastName: contact['last-name'] ?? '',
          title: contact.title,
          email: email?.value ?? '',
          phone: phone === undefined ? null : `+${phone.value}`,
          active: contact['contact-type-id'] !== LEAVER,
        };
      },
      async editByHand(id) {
        sims.itglue.editContact(id, { notes: HAND_NOTE, important: true });
      },
      handEditKept: (id) => record(id)?.notes === HAND_NOTE && record(id)?.important === true,
      throttle: (on) => simulatorFaults(sims, 'itglue', on),
      advance: (ms) => sims.clock.advance(ms),
      now: () => sims.clock.now(),
      close: () => sims.close(),
    };
    return running;
  },
  isLogin: () => false,
  isContactPage: (request) =>
    request.method === 'GET' &&
    /contacts/.test(request.url) &&
    decodeURIComponent(request.url).includes('page[number]'),
  fieldsWritten(request) {
    const body = request.body as { data?: unknown };
    const data = Array.isArray(body.data) ? body.data : [body.data];
    return data.flatMap((item) =>
      Object.keys((item as { attributes?: Record<string, unknown> }).attributes ?? {})
        .filter((key) => key !== 'id')
        .map((key) => FIELD_OF_ATTRIBUTE[key] ?? key),
    );
  },
  refused: { change: { email: 'not-an-email' }, field: 'contact-emails[0].value' },
  wrongCredentials: { advice: /check the key and its region/, secret: WRONG_KEY },
};
