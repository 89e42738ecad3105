import { describe, expect, it } from 'vitest';
import { graphUser, TENANT_A } from '../support/simulators.ts';
import {
  atContact,
  caseSeed,
  COMPANY,
  contactOf,
  contactsOf,
  INSTALLS,
  person,
  resultOf,
  useAutotaskBox,
  writesSince,
} from '../support/autotask-cases.ts';

/**
 * Autotask beside the MSP's other integrations: IT Glue's own Autotask integration, which keeps some IT Glue contacts
 * in step with Autotask contacts (they refuse API edits), and Autotask's own Entra sync, which may have made a
 * person's contact before contactsync comes to them.
 */

describe("IT Glue's Autotask integration (IT Glue + Autotask)", () => {
  const start = useAutotaskBox();

  it('changes the contacts it mirrors through Autotask alone: never a PATCH in IT Glue, reported mirrored', async () => {
    const box = await start(
      caseSeed({
        install: 'itglue',
        users: [person('m1', 'Mia', 'Mirror', { jobTitle: 'Buyer' }), person('n1', 'Ned', 'Normal')],
        itglueContacts: [
          {
            id: '100',
            'first-name': 'Mia',
            'last-name': 'Mirror',
            'psa-integration': 'autotask',
            'contact-emails': [{ value: 'm1@contoso.com', primary: true }],
          },
        ],
        psaSynced: { '100': 601 },
        contacts: [atContact(601, 'Mia', 'Mirror', { emailAddress: 'm1@contoso.com' })],
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
    // What went to Autotask came back to IT Glue through its integration.
    const mirrored = () => box.sims.dump().itglue!.organizations[0]!.contacts.find((c) => c.id === '100')!;
    expect(mirrored().title).toBe('Buyer');

    // Microsoft 365 changes the person: Autotask is written, and IT Glue follows it.
    box.sims.graph.updateUser(TENANT_A, 'm1', { jobTitle: 'Head Buyer' });
    const before = box.sims.requests.length;
    const second = await box.syncAll();
    expect(resultOf(second, 'm1')).toMatchObject({ rule: 'link', doc: 'mirrored', psa: 'updated' });
    expect(contactOf(box, 601).title).toBe('Head Buyer');
    expect(mirrored().title).toBe('Head Buyer');
    expect(itglueWrites(before).filter((r) => r.method !== 'GET')).toEqual([]);

    const settled = box.sims.requests.length;
    const third = await box.syncAll({ force: true });
    expect(resultOf(third, 'm1')).toMatchObject({ outcome: 'unchanged', doc: 'mirrored' });
    expect(writesSince(box, settled)).toEqual([]);
    // One Autotask contact per person, one IT Glue contact per person.
    expect(contactsOf(box)).toHaveLength(2);
    expect(box.sims.dump().itglue!.organizations[0]!.contacts).toHaveLength(2);
  });
});

describe.each(INSTALLS)("Autotask's own Entra sync (%s)", (install) => {
  const start = useAutotaskBox();

  it('links the contact it made for a person, before the first run or between runs: never a second one', async () => {
    const box = await start(caseSeed({ install, users: [person('e1', 'Eli', 'Entra'), person('e2', 'Eva', 'Early')] }));
    // Autotask's Entra sync made Eli's contact already, with the address as Microsoft gives it.
    const eli = box.sims.autotask.addContact(COMPANY, {
      firstName: 'Eli',
      lastName: 'Entra',
      emailAddress: 'E1@Contoso.com',
    });
    const first = await box.syncAll({ force: true });
    expect(resultOf(first, 'e1')).toMatchObject({ outcome: 'synced', psa: 'linked', psaContactId: eli });
    expect(resultOf(first, 'e2')).toMatchObject({ psa: 'created' });

    // A new hire: Autotask's sync is quicker than contactsync's next run, and makes the contact first.
    box.sims.graph.addUser(
      TENANT_A,
      graphUser('h1', { givenName: 'Hal', surname: 'Hire', displayName: 'Hal Hire', jobTitle: 'Analyst' }),
    );
    const hal = box.sims.autotask.addContact(COMPANY, {
      firstName: 'Hal',
      lastName: 'Hire',
      emailAddress: 'h1@contoso.com',
    });
    const second = await box.syncAll();
    expect(resultOf(second, 'h1')).toMatchObject({ outcome: 'synced', psa: 'linked', psaContactId: hal });
    expect(contactOf(box, hal).title).toBe('Analyst');

    // Autotask's sync makes a contact for a person contactsync already made one for: contactsync keeps its link and
    // makes no third.
    const early = resultOf(first, 'e2').psaContactId;
    box.sims.autotask.addContact(COMPANY, { firstName: 'Eva', lastName: 'Early', emailAddress: 'e2@contoso.com' });
    const third = await box.syncAll({ force: true });
    expect(resultOf(third, 'e2')).toMatchObject({ psaContactId: early });
    const addresses = contactsOf(box).map((c) => c.emailAddress?.toLowerCase());
    expect(addresses.filter((a) => a === 'e1@contoso.com')).toHaveLength(1);
    expect(addresses.filter((a) => a === 'h1@contoso.com')).toHaveLength(1);
    expect(addresses.filter((a) => a === 'e2@contoso.com')).toHaveLength(2);
    expect(contactsOf(box)).toHaveLength(4);
  });
});
