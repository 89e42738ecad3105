import type { RunningSimulators } from '../../src/sandbox/running-simulators.ts';
import { describe, expect, it } from 'vitest';
import { graphUser, TENANT_A } from '../support/simulators.ts';
import { call } from '../support/connectwise-simulator.ts';
import {
  caseSeed,
  COMPANY,
  contactOf,
  contactsOf,
  cwContact,
  emailsOf,
  EMAIL,
  forbiddenRequests,
  INSTALLS,
  MAIN,
  person,
  resultOf,
  useConnectwiseBox,
  writesSince,
} from '../support/connectwise-cases.ts';

/**
 * ConnectWise beside the MSP's other tools: IT Glue's own ConnectWise integration (`manage`), which keeps some IT Glue
 * contacts in step with ConnectWise contacts (they refuse API edits), and the contacts technicians or other tools make
 * in ConnectWise by hand (ConnectWise has no Microsoft 365 contact sync of its own), before contactsync comes to a
 * person or between its runs.
 */

describe("IT Glue's ConnectWise integration (IT Glue + ConnectWise)", () => {
  const start = useConnectwiseBox();

  it('changes the contacts it mirrors through ConnectWise alone: never a PATCH in IT Glue, reported mirrored', async () => {
    const box = await start(
      caseSeed({
        install: 'itglue',
        users: [person('m1', 'Mia', 'Mirror', { jobTitle: 'Buyer' }), person('n1', 'Ned', 'Normal')],
        itglueContacts: [
          {
            id: '100',
            'first-name': 'Mia',
            'last-name': 'Mirror',
            'contact-emails': [{ value: 'm1@contoso.com', primary: true }],
          },
        ],
        psaSynced: { '100': 601 },
        contacts: [cwContact(601, 'Mia', 'Mirror', { emails: ['m1@contoso.com'] })],
      }),
    );
    const itglueWrites = (from: number) =>
      box.sims.requests.slice(from).filter((r) => r.server === 'itglue' && r.path.includes('/100'));
    const first = await box.syncAll({ force: true });
    const mia = resultOf(first, 'm1');
    expect(mia).toMatchObject({
      outcome: 'synced',
      rule: 'alias',
      doc: 'mirrored',
      docContactId: '100',
      psa: 'updated',
      psaContactId: 601,
    });
    expect(mia.reasons.map((r) => r.code)).toContain('psa-mirrored');
    expect(resultOf(first, 'n1')).toMatchObject({ doc: 'created', psa: 'created' });
    expect(itglueWrites(0).filter((r) => r.method !== 'GET')).toEqual([]);
    expect(box.sims.requests.filter((r) => r.server === 'itglue' && r.status === 422)).toEqual([]);
    expect(contactOf(box, 601).title).toBe('Buyer');
    // What went to ConnectWise came back to IT Glue through its integration.
    const mirrored = () => box.sims.dump().itglue!.organizations[0]!.contacts.find((c) => c.id === '100')!;
    expect(mirrored().title).toBe('Buyer');

    // Microsoft 365 changes the person's title and address: ConnectWise is written, and IT Glue follows it.
    box.sims.graph.updateUser(TENANT_A, 'm1', {
      jobTitle: 'Head Buyer',
      mail: 'mia@contoso.com',
      proxyAddresses: ['SMTP:mia@contoso.com', 'smtp:m1@contoso.com'],
    });
    const before = box.sims.requests.length;
    const second = await box.syncAll();
    expect(resultOf(second, 'm1')).toMatchObject({ rule: 'link', doc: 'mirrored', psa: 'updated' });
    expect(contactOf(box, 601).title).toBe('Head Buyer');
    expect(emailsOf(contactOf(box, 601))).toEqual(['mia@contoso.com', 'm1@contoso.com']);
    expect(mirrored().title).toBe('Head Buyer');
    expect(mirrored()['contact-emails'].find((e) => e.primary)?.value).toBe('mia@contoso.com');
    expect(itglueWrites(before).filter((r) => r.method !== 'GET')).toEqual([]);

    const settled = box.sims.requests.length;
    const third = await box.syncAll({ force: true });
    expect(resultOf(third, 'm1')).toMatchObject({ outcome: 'unchanged', doc: 'mirrored' });
    expect(writesSince(box, settled)).toEqual([]);
    // One ConnectWise contact per person, one IT Glue contact per person.
    expect(contactsOf(box)).toHaveLength(2);
    expect(box.sims.dump().itglue!.organizations[0]!.contacts).toHaveLength(2);
    expect(forbiddenRequests(box)).toEqual([]);
  });
});

/** A contact made in ConnectWise by another hand, through its API: returns its id. */
async function madeByHand(sims: RunningSimulators, firstName: string, lastName: string, email: string) {
  const made = await call(sims, 'POST', 'company/contacts', {
    firstName,
    lastName,
    company: { id: COMPANY },
    site: { id: MAIN },
    communicationItems: [{ type: { id: EMAIL }, communicationType: 'Email', value: email, defaultFlag: true }],
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return made.body.id as number;
}

describe.each(INSTALLS)('contacts made in ConnectWise by hand (%s)', (install) => {
  const start = useConnectwiseBox();

  it('links the contact a technician made for a person, before the first run or between runs: never a second one', async () => {
    const box = await start(caseSeed({ install, users: [person('e1', 'Eli', 'Early'), person('e2', 'Eva', 'Even')] }));
    // A technician made Eli's contact already, with the address as Microsoft 365 shows it.
    const eli = await madeByHand(box.sims, 'Eli', 'Early', 'E1@Contoso.com');
    const first = await box.syncAll({ force: true });
    expect(resultOf(first, 'e1')).toMatchObject({ outcome: 'synced', psa: 'linked', psaContactId: eli });
    expect(resultOf(first, 'e2')).toMatchObject({ psa: 'created' });

    // A new hire: the technician is quicker than contactsync's next run, and makes the contact first.
    box.sims.graph.addUser(
      TENANT_A,
      graphUser('h1', { givenName: 'Hal', surname: 'Hire', displayName: 'Hal Hire', jobTitle: 'Analyst' }),
    );
    const hal = await madeByHand(box.sims, 'Hal', 'Hire', 'h1@contoso.com');
    const second = await box.syncAll();
    expect(resultOf(second, 'h1')).toMatchObject({ outcome: 'synced', psa: 'linked', psaContactId: hal });
    expect(contactOf(box, hal).title).toBe('Analyst');

    // A contact made by hand for a person contactsync already made one for: contactsync keeps its link and makes no
    // third.
    const even = resultOf(first, 'e2').psaContactId;
    await madeByHand(box.sims, 'Eva', 'Even', 'e2@contoso.com');
    const third = await box.syncAll({ force: true });
    expect(resultOf(third, 'e2')).toMatchObject({ psaContactId: even });
    const defaults = contactsOf(box).map((c) => emailsOf(c)[0]?.toLowerCase());
    expect(defaults.filter((a) => a === 'e1@contoso.com')).toHaveLength(1);
    expect(defaults.filter((a) => a === 'h1@contoso.com')).toHaveLength(1);
    expect(defaults.filter((a) => a === 'e2@contoso.com')).toHaveLength(2);
    expect(contactsOf(box)).toHaveLength(4);
    expect(forbiddenRequests(box)).toEqual([]);
  });
});
