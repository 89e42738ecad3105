import { describe, expect, it } from 'vitest';
import { resolveConflict } from '../../src/operations/operator-actions.ts';
import { INSTALLS, person, resultOf, writesSince } from '../support/autotask-cases.ts';
import {
  ANNEX,
  addressesOf,
  caseSeed,
  CLIENT,
  haloRequests,
  haloUser,
  MAIN,
  NAMESAKE_CLIENT,
  useHaloBox,
  userOf,
  usersOf,
} from '../support/halo-cases.ts';
import { TENANT_A, TENANT_B } from '../support/simulators.ts';
import { expectNothingWrittenAgain, expectSettledByCreate } from '../support/psa-cases.ts';
import { duplicates } from '../support/visible-state.ts';

/**
 * The sandbox cases that hold for BMS, on HaloPSA (IT Glue + Halo, and Halo alone): the tenant's client found by the
 * Azure tenant it lists before a client of the tenant's name, a new user, the match by the object id Halo holds
 * although every address changed, by an alias, by the user principal name and by name, the dedupe by any of the three
 * email fields before creating, disputes, the hold for a missing first name, the site from the location rule else the
 * client's main site, the blank-phone replacement, the object id and tenant id written on every linked user, and a
 * second run that writes nothing. Then a Halo user that holds another Microsoft 365 user's object id: never taken over.
 */

const digits = (value: string | null) => value?.replace(/\D/g, '') ?? null;

const USERS = [
  person('new1', 'Nora', 'New', { jobTitle: 'Engineer', mobilePhone: '+1 206 555 0111' }),
  person('alias1', 'Ali', 'Alias', { proxyAddresses: ['SMTP:alias1@contoso.com', 'smtp:ali.old@contoso.com'] }),
  person('exact', 'Eve', 'Exact'),
  person('slot2', 'Sam', 'Second'),
  person('slot3', 'Tia', 'Third'),
  person('upn1', 'Uma', 'Upn', { mail: 'uma.upn@contoso.com', proxyAddresses: ['SMTP:uma.upn@contoso.com'] }),
  person('named', 'Nina', 'Name'),
  person('dana', 'Dana', 'Dup'),
  person('moved', 'Mo', 'Moved'),
  person('annex', 'Ann', 'Annex', { officeLocation: 'Annex' }),
  person('nofirst', null, 'Solo', { displayName: null }),
  person('nophone', 'Pat', 'Phoneless', { businessPhones: [], mobilePhone: null }),
];

const HALO_USERS = [
  // matched by an alias of the mailbox (under another name)
  haloUser(501, 'Alistair', 'Alias', { emailaddress: 'ali.old@contoso.com' }),
  // the primary address, in other case
  haloUser(502, 'Eve', 'Exact', { emailaddress: 'EXACT@contoso.com', phonenumber: '+1 206 555 0100' }),
  // the address in Halo's second and third email fields
  haloUser(503, 'Sam', 'Second', { emailaddress: 'sam@home.example', email2: 'slot2@contoso.com' }),
  haloUser(504, 'Tia', 'Third', {
    emailaddress: 'tia@home.example',
    email2: 'tia@other.example',
    email3: 'slot3@contoso.com',
  }),
  // the user principal name as the address, under another first name
  haloUser(505, 'U.', 'Upn', { emailaddress: 'upn1@contoso.com' }),
  // the name alone, in other case
  haloUser(506, 'NINA', 'Name'),
  // two namesakes
  haloUser(507, 'Dana', 'Dup'),
  haloUser(508, 'Dana', 'Dup', { jobtitle: 'Older' }),
  // Halo's Azure AD integration linked Mo long ago: his object id (in Halo's case), every name and address since changed
  haloUser(509, 'Maurice', 'Old', {
    emailaddress: 'maurice@old.example',
    email2: 'mo@old.example',
    azureoid: 'MOVED',
    azure_tenant_id: TENANT_A,
  }),
];

const SETTINGS = {
  phones: { blankReplacement: '+1 206 555 0000', primaryType: 'mobile' },
  location: { strategy: 'officeLocation', default: null },
};

describe.each(INSTALLS)('Halo cases (%s)', (install) => {
  const start = useHaloBox();
  const alone = install === 'alone';
  const seed = () =>
    caseSeed({
      install,
      users: USERS,
      haloUsers: HALO_USERS,
      // The client of the tenant's name holds Nora's address: it is not the tenant's client.
      namesakeUsers: [haloUser(900, 'Nora', 'New', { emailaddress: 'new1@contoso.com', site_id: 21 })],
      settings: SETTINGS,
      // IT Glue knows Uma by her user principal name only: its username rule.
      itglueContacts: [
        {
          id: '100',
          'first-name': 'Uma',
          'last-name': 'Upn',
          'contact-emails': [{ value: 'upn1@contoso.com', primary: true }],
        },
      ],
    });

  it('creates a new user, links by object id, alias, username, name and any of the three email fields, and never a second user', async () => {
    const box = await start(seed());
    const results = await box.syncAll({ force: true });
    expect(results.map((r) => [r.status, r.error])).toEqual([['ok', null]]);
    const of = (id: string) => resultOf(results, id);

    // A new user: created in the client that lists the tenant, with the fields Halo holds, at the client's main site.
    expect(of('new1')).toMatchObject({ outcome: 'synced', psa: 'created', doc: alone ? 'none' : 'created' });
    const created = userOf(box, of('new1').psaContactId);
    expect(created).toMatchObject({
      client_id: CLIENT,
      firstname: 'Nora',
      surname: 'New',
      name: 'Nora New',
      jobtitle: 'Engineer',
      emailaddress: 'new1@contoso.com',
      site_id: MAIN,
      inactive: false,
      azureoid: 'new1',
      azure_tenant_id: TENANT_A,
    });
    expect([digits(created.phonenumber), digits(created.mobilenumber)]).toEqual(['12065550100', '12065550111']);
    // The client of the tenant's name is left as it was.
    expect(box.sims.halo.usersOf(NAMESAKE_CLIENT)).toEqual([expect.objectContaining({ id: 900, azureoid: null })]);

    // The site by the location rule (officeLocation), else the client's main site.
    expect(userOf(box, of('annex').psaContactId).site_id).toBe(ANNEX);

    // Found by the object id Halo holds, although every name and address changed.
    expect(of('moved')).toMatchObject({
      outcome: 'synced',
      psa: 'linked',
      psaContactId: 509,
      rule: alone ? 'link' : null,
    });
    expect(
      of('moved')
        .reasons.map((r) => r.message)
        .join(' '),
    ).toMatch(/by the Microsoft 365 user's object id/);
    expect(userOf(box, 509)).toMatchObject({
      firstname: 'Mo',
      surname: 'Moved',
      name: 'Mo Moved',
      emailaddress: 'moved@contoso.com',
      // the older addresses kept
      email2: 'mo@old.example',
      email3: 'maurice@old.example',
    });

    // Linked, each to the user that had the person, with the rule that found it.
    const linked: [string, number, string | null][] = [
      ['alias1', 501, 'alias'],
      ['exact', 502, 'alias'],
      ['slot2', 503, 'alias'],
      ['slot3', 504, 'alias'],
      ['upn1', 505, 'username'],
      ['named', 506, 'name'],
    ];
    for (const [id, contactId, rule] of linked) {
      // With IT Glue, the rule is IT Glue's: the others are new there, and Uma was found by her user principal name.
      const expected = alone ? rule : id === 'upn1' ? 'username' : null;
      expect(of(id), id).toMatchObject({ outcome: 'synced', psa: 'linked', psaContactId: contactId, rule: expected });
    }
    expect(of('upn1')).toMatchObject({ doc: alone ? 'none' : 'updated' });
    expect(
      of('alias1')
        .reasons.map((r) => r.message)
        .join(' '),
    ).toMatch(/Linked to the existing Halo contact .*501.* by email/);
    expect(userOf(box, 501)).toMatchObject({ firstname: 'Ali', surname: 'Alias', name: 'Ali Alias' });
    expect(userOf(box, 506)).toMatchObject({ firstname: 'Nina', emailaddress: 'named@contoso.com' });

    // Microsoft's primary became Halo's primary, and no address the person had was dropped: the older primary took the
    // field that held the new address, else a free one.
    const emails = (id: number) => {
      const u = userOf(box, id);
      return [u.emailaddress, u.email2, u.email3];
    };
    expect(emails(501)).toEqual(['alias1@contoso.com', 'ali.old@contoso.com', null]);
    expect(emails(503)).toEqual(['slot2@contoso.com', 'sam@home.example', null]);
    expect(emails(504)).toEqual(['slot3@contoso.com', 'tia@other.example', 'tia@home.example']);
    expect(emails(505)).toEqual(['uma.upn@contoso.com', 'upn1@contoso.com', null]);

    // Every user contactsync linked or made holds the person's object id and tenant id.
    for (const id of ['new1', 'alias1', 'exact', 'slot2', 'slot3', 'upn1', 'named', 'moved', 'annex', 'nophone']) {
      const held = userOf(box, of(id).psaContactId);
      expect([held.azureoid?.toLowerCase(), held.azure_tenant_id], id).toEqual([id, TENANT_A]);
    }

    // Namesakes: a person chooses; nothing is created meanwhile.
    expect(of('dana')).toMatchObject({ outcome: 'disputed', psa: 'disputed' });
    expect(
      of('dana')
        .reasons.map((r) => r.message)
        .join(' '),
    ).toMatch(/Halo has 2 contacts with the same name/);
    expect(usersOf(box).filter((u) => u.surname === 'Dup')).toHaveLength(2);
    expect((await box.store.listConflicts({ status: 'open' })).map((c) => c.userId)).toContain('dana');

    // Held: Halo requires a first name, and the reason names it.
    expect(of('nofirst')).toMatchObject({ outcome: 'held', psa: 'held' });
    const held = of('nofirst').reasons.find((r) => r.code === 'no-first-name');
    expect(held?.message).toMatch(/no first name .* Halo requires one/);
    expect(usersOf(box).some((u) => u.surname === 'Solo')).toBe(false);

    // No phone in Microsoft 365: the replacement goes in the field of phones.primaryType (mobile).
    const phoneless = userOf(box, of('nophone').psaContactId);
    expect([phoneless.phonenumber, digits(phoneless.mobilenumber)]).toEqual([null, '12065550000']);

    // One user per address, in any of the three fields; the nine seeded and the three new ones.
    expect(duplicates(addressesOf(usersOf(box)))).toEqual([]);
    expect(usersOf(box)).toHaveLength(HALO_USERS.length + 3);
    // Never a DELETE, and nothing refused.
    const halo = haloRequests(box);
    expect(halo.filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(halo.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('writes nothing on a second run', async () => {
    const box = await start(seed());
    await box.syncAll({ force: true });
    await expectNothingWrittenAgain(box, [
      ['dana', 'disputed'],
      ['nofirst', 'held'],
    ]);
  });

  it('creates the user a person settles a dispute for, once', async () => {
    const box = await start(seed());
    await box.syncAll({ force: true });
    await expectSettledByCreate(box, 'dana', 'halo', () => usersOf(box).filter((u) => u.surname === 'Dup').length);
  });
});

describe.each(INSTALLS)('a Halo user holding another Microsoft 365 user’s object id (%s)', (install) => {
  const start = useHaloBox();
  const seed = () =>
    caseSeed({
      install,
      users: [person('taker', 'Tom', 'Taker'), person('far', 'Fay', 'Far'), person('kim', 'Kim', 'Known')],
      haloUsers: [
        // Halo's Azure AD integration linked this user to someone who has since left the tenant.
        haloUser(601, 'Tom', 'Taker', {
          emailaddress: 'taker@contoso.com',
          azureoid: 'gone',
          azure_tenant_id: TENANT_A,
        }),
        // A person of another customer's tenant, with an address Fay now has.
        haloUser(602, 'Fay', 'Far', {
          emailaddress: 'far@contoso.com',
          azureoid: 'elsewhere',
          azure_tenant_id: TENANT_B,
        }),
        // Kim's own user, with her object id: found by it.
        haloUser(603, 'Kim', 'Known', { emailaddress: 'kim@contoso.com', azureoid: 'kim', azure_tenant_id: TENANT_A }),
      ],
    });

  it('is disputed, never taken over: nothing written to it and nobody created until a person chooses', async () => {
    const box = await start(seed());
    const results = await box.syncAll({ force: true });
    expect(results.map((r) => r.status)).toEqual(['ok']);
    for (const [id, contact] of [
      ['taker', 601],
      ['far', 602],
    ] as const) {
      expect(resultOf(results, id), id).toMatchObject({ outcome: 'disputed', psa: 'disputed' });
      const message = resultOf(results, id)
        .reasons.map((r) => r.message)
        .join(' ');
      expect(message).toMatch(
        new RegExp(`Halo contact .*${contact}.* holds the Microsoft 365 object id of another user`),
      );
      expect(message).toMatch(/a person must choose/);
    }
    expect(
      resultOf(results, 'far')
        .reasons.map((r) => r.message)
        .join(' '),
    ).toContain(`of tenant ${TENANT_B}`);
    expect(resultOf(results, 'kim')).toMatchObject({ psa: 'linked', psaContactId: 603 });
    expect(userOf(box, 601)).toMatchObject({
      azureoid: 'gone',
      azure_tenant_id: TENANT_A,
      emailaddress: 'taker@contoso.com',
    });
    expect(userOf(box, 602)).toMatchObject({ azureoid: 'elsewhere', azure_tenant_id: TENANT_B });
    expect(usersOf(box)).toHaveLength(3);
    const conflicts = await box.store.listConflicts({ status: 'open' });
    expect(conflicts.map((c) => [c.userId, c.side, c.candidates]).sort()).toEqual([
      ['far', 'halo', ['602']],
      ['taker', 'halo', ['601']],
    ]);

    // A technician links Tom to the user (it is his) and has a new user made for Fay.
    const taker = conflicts.find((c) => c.userId === 'taker')!;
    const far = conflicts.find((c) => c.userId === 'far')!;
    await resolveConflict(box.store, box.targets, taker.id, { kind: 'link', contactId: '601' }, 'tech');
    await resolveConflict(box.store, box.targets, far.id, { kind: 'create' }, 'tech');
    const settled = await box.syncAll({ force: true });
    expect(resultOf(settled, 'taker')).toMatchObject({ psaContactId: 601 });
    expect(userOf(box, 601)).toMatchObject({ azureoid: 'taker', azure_tenant_id: TENANT_A });
    const fay = resultOf(settled, 'far');
    expect(fay).toMatchObject({ psa: 'created' });
    expect(userOf(box, fay.psaContactId)).toMatchObject({ azureoid: 'far', emailaddress: 'far@contoso.com' });
    expect(userOf(box, 602)).toMatchObject({ azureoid: 'elsewhere', azure_tenant_id: TENANT_B });

    const before = box.sims.requests.length;
    await box.syncAll({ force: true });
    expect(writesSince(box, before)).toEqual([]);
  });
});
