import { describe, expect, it } from 'vitest';
import { graphUser, TENANT_A } from '../support/simulators.ts';
import { INSTALLS, person, resultOf, writesSince } from '../support/autotask-cases.ts';
import { caseSeed, CLIENT, haloUser, MAIN, useHaloBox, userOf, usersOf } from '../support/halo-cases.ts';

/**
 * Halo beside the MSP's other integrations: IT Glue, which has no Halo integration (so no IT Glue contact is mirrored
 * from Halo: contactsync writes both), and Halo's own Azure AD sync, which may have made a person's user, with the
 * person's object id, before contactsync comes to them.
 */

describe('IT Glue beside Halo (IT Glue + Halo)', () => {
  const start = useHaloBox();

  it('writes the IT Glue contact itself (IT Glue mirrors no Halo contact) and the Halo user beside it, once each', async () => {
    const box = await start(
      caseSeed({
        install: 'itglue',
        users: [person('m1', 'Mia', 'Mirror', { jobTitle: 'Buyer' })],
        itglueContacts: [
          {
            id: '100',
            'first-name': 'Mia',
            'last-name': 'Mirror',
            'contact-emails': [{ value: 'm1@contoso.com', primary: true }],
          },
        ],
        haloUsers: [haloUser(601, 'Mia', 'Mirror', { emailaddress: 'm1@contoso.com' })],
      }),
    );
    const first = await box.syncAll({ force: true });
    expect(resultOf(first, 'm1')).toMatchObject({
      outcome: 'synced',
      rule: 'alias',
      doc: 'updated',
      docContactId: '100',
      psa: 'linked',
      psaContactId: 601,
    });
    expect(resultOf(first, 'm1').reasons.map((r) => r.code)).not.toContain('psa-mirrored');
    const itglue = () => box.sims.dump().itglue!.organizations[0]!.contacts;
    expect(itglue().find((c) => c.id === '100')?.title).toBe('Buyer');
    expect(userOf(box, 601)).toMatchObject({ jobtitle: 'Buyer', azureoid: 'm1' });

    box.sims.graph.updateUser(TENANT_A, 'm1', { jobTitle: 'Head Buyer' });
    const second = await box.syncAll();
    expect(resultOf(second, 'm1')).toMatchObject({ rule: 'link', doc: 'updated', psa: 'updated' });
    expect(itglue().find((c) => c.id === '100')?.title).toBe('Head Buyer');
    expect(userOf(box, 601).jobtitle).toBe('Head Buyer');
    expect(box.sims.requests.filter((r) => r.status >= 400)).toEqual([]);
    const settled = box.sims.requests.length;
    await box.syncAll({ force: true });
    expect(writesSince(box, settled)).toEqual([]);
    expect(itglue()).toHaveLength(1);
    expect(usersOf(box)).toHaveLength(1);
  });
});

describe.each(INSTALLS)("Halo's own Azure AD sync (%s)", (install) => {
  const start = useHaloBox();

  it('links the user it made for a person by the object id, before the first run or between runs: never a second one', async () => {
    const box = await start(
      caseSeed({
        install,
        users: [person('e1', 'Eli', 'Entra'), person('e2', 'Eva', 'Early')],
        // Halo's sync made Eli's user already: his object id and name, no address.
        haloUsers: [haloUser(501, 'Eli', 'Entra', { azureoid: 'e1', azure_tenant_id: TENANT_A })],
      }),
    );
    const first = await box.syncAll({ force: true });
    expect(resultOf(first, 'e1')).toMatchObject({ outcome: 'synced', psa: 'linked', psaContactId: 501 });
    expect(userOf(box, 501)).toMatchObject({ emailaddress: 'e1@contoso.com', azureoid: 'e1' });
    expect(resultOf(first, 'e2')).toMatchObject({ psa: 'created' });

    // A new hire: Halo's sync is quicker than contactsync's next run, and makes the user first.
    box.sims.graph.addUser(
      TENANT_A,
      graphUser('h1', { givenName: 'Hal', surname: 'Hire', displayName: 'Hal Hire', jobTitle: 'Analyst' }),
    );
    const hal = box.sims.halo.addUser(CLIENT, {
      firstname: 'Hal',
      surname: 'Hire',
      emailaddress: 'hal.hire@contoso.com',
      site_id: MAIN,
      azureoid: 'h1',
      azure_tenant_id: TENANT_A,
    });
    const second = await box.syncAll();
    expect(resultOf(second, 'h1')).toMatchObject({ outcome: 'synced', psa: 'linked', psaContactId: hal });
    expect(userOf(box, hal)).toMatchObject({ jobtitle: 'Analyst', emailaddress: 'h1@contoso.com' });

    // Halo's sync makes a user for a person contactsync already made one for: contactsync keeps its link and makes no
    // third.
    const early = resultOf(first, 'e2').psaContactId;
    box.sims.halo.addUser(CLIENT, {
      firstname: 'Eva',
      surname: 'Early',
      emailaddress: 'e2@contoso.com',
      site_id: MAIN,
      azureoid: 'e2',
      azure_tenant_id: TENANT_A,
    });
    const before = box.sims.requests.length;
    const third = await box.syncAll({ force: true });
    expect(resultOf(third, 'e2')).toMatchObject({ psaContactId: early });
    expect(writesSince(box, before)).toEqual([]);
    const oids = usersOf(box).map((u) => u.azureoid);
    expect(oids.filter((oid) => oid === 'e1')).toHaveLength(1);
    expect(oids.filter((oid) => oid === 'h1')).toHaveLength(1);
    expect(oids.filter((oid) => oid === 'e2')).toHaveLength(2);
    expect(usersOf(box)).toHaveLength(4);
  });
});
