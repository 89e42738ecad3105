import { describe, expect, it } from 'vitest';
import { linkedByText } from '../../src/domain/link.ts';
import { relinkContact } from '../../src/operations/contact-decisions.ts';
import { resolveConflict } from '../../src/operations/operator-actions.ts';
import { TENANT_A } from '../support/simulators.ts';
import {
  ANNEX,
  caseSeed,
  CELL,
  contactOf,
  contactsOf,
  cwContact,
  DIRECT,
  EMAIL,
  emailsOf,
  forbiddenRequests,
  INSTALLS,
  MAIN,
  addressesOf,
  person,
  phonesOf,
  resultOf,
  useConnectwiseBox,
  writesSince,
} from '../support/connectwise-cases.ts';
import { disputeCreateCase, secondRunCase } from '../support/sandbox-cases.ts';
import { duplicates } from '../support/visible-state.ts';

/**
 * The sandbox cases that hold for BMS, on ConnectWise PSA (IT Glue + ConnectWise, and ConnectWise alone): a new user
 * created with communication items of the configured types, the match by an alias (any email item, default or not),
 * by the user principal name and by name, disputes, the hold for a missing first name (the one field ConnectWise
 * requires; a missing last name is no hold), the blank-phone replacement in the item of `phones.primaryType`, the site
 * by name, and a second run that writes nothing.
 */

const USERS = [
  person('new1', 'Nora', 'New', { jobTitle: 'Engineer', mobilePhone: '+1 206 555 0111' }),
  person('alias1', 'Ali', 'Alias', { proxyAddresses: ['SMTP:alias1@contoso.com', 'smtp:ali.old@contoso.com'] }),
  person('exact', 'Eve', 'Exact'),
  person('second', 'Sam', 'Second'),
  person('upn1', 'Uma', 'Upn', { mail: 'uma.upn@contoso.com', proxyAddresses: ['SMTP:uma.upn@contoso.com'] }),
  person('named', 'Nina', 'Name'),
  person('dana', 'Dana', 'Dup'),
  person('nofirst', null, 'Solo', { displayName: null }),
  person('cher', 'Cher', null),
  person('nophone', 'Pat', 'Phoneless', { businessPhones: [], mobilePhone: null }),
  person('annex', 'Ann', 'Annex', { officeLocation: 'Annex' }),
];

const CONTACTS = [
  // matched by an alias of the mailbox (under another name)
  cwContact(501, 'Alistair', 'Alias', { emails: ['ali.old@contoso.com'] }),
  // the primary address, in other case
  cwContact(502, 'Eve', 'Exact', { emails: ['EXACT@contoso.com'], phone: '+1 206 555 0100' }),
  // the address as an email item that is not the default
  cwContact(503, 'Sam', 'Second', { emails: ['sam@home.example', 'second@contoso.com'] }),
  // the user principal name as the address, under another first name
  cwContact(505, 'U.', 'Upn', { emails: ['upn1@contoso.com'] }),
  // the name alone, in other case
  cwContact(506, 'NINA', 'Name'),
  // two namesakes
  cwContact(507, 'Dana', 'Dup'),
  cwContact(508, 'Dana', 'Dup', { title: 'Older' }),
];

const SETTINGS = {
  phones: { blankReplacement: '+1 206 555 0000', primaryType: 'mobile' },
  location: { strategy: 'officeLocation', default: null },
};

describe.each(INSTALLS)('ConnectWise cases (%s)', (install) => {
  const start = useConnectwiseBox();
  const alone = install === 'alone';
  const seed = () =>
    caseSeed({
      install,
      users: USERS,
      contacts: CONTACTS,
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

  it('creates a new user with items of the configured types, links by alias, username and name, and never a second contact', async () => {
    const box = await start(seed());
    const results = await box.syncAll({ force: true });
    expect(results.map((r) => [r.status, r.error])).toEqual([['ok', null]]);
    const of = (id: string) => resultOf(results, id);

    // A new user: created with the fields ConnectWise holds, each phone an item of its configured type.
    expect(of('new1')).toMatchObject({ outcome: 'synced', psa: 'created', doc: alone ? 'none' : 'created' });
    const created = contactOf(box, of('new1').psaContactId);
    expect(created).toMatchObject({
      firstName: 'Nora',
      lastName: 'New',
      title: 'Engineer',
      site: { id: MAIN },
      inactiveFlag: false,
    });
    expect(emailsOf(created)).toEqual(['new1@contoso.com']);
    expect(created.communicationItems.find((i) => i.type.id === EMAIL)?.defaultFlag).toBe(true);
    expect([phonesOf(created, DIRECT), phonesOf(created, CELL)]).toEqual([['12065550100'], ['12065550111']]);

    // Linked, each to the contact that had the person, with the rule that found it.
    const linked: [string, number, string | null][] = [
      ['alias1', 501, 'alias'],
      ['exact', 502, 'alias'],
      ['second', 503, 'alias'],
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
    ).toMatch(/Linked to the existing ConnectWise contact .*501.* by email/);
    expect(contactOf(box, 501)).toMatchObject({ firstName: 'Ali', lastName: 'Alias' });
    expect(contactOf(box, 506)).toMatchObject({ firstName: 'Nina' });
    expect(emailsOf(contactOf(box, 506))).toEqual(['named@contoso.com']);

    // Microsoft's primary became the default email item, and no item the person had was dropped: the older default
    // stays as another email.
    expect(emailsOf(contactOf(box, 501))).toEqual(['alias1@contoso.com', 'ali.old@contoso.com']);
    expect(emailsOf(contactOf(box, 502)).map((e) => e.toLowerCase())).toEqual(['exact@contoso.com']);
    expect(emailsOf(contactOf(box, 503))).toEqual(['second@contoso.com', 'sam@home.example']);
    expect(emailsOf(contactOf(box, 505))).toEqual(['uma.upn@contoso.com', 'upn1@contoso.com']);
    // The same number typed with spaces is no change: the item stays as the person typed it.
    expect(contactOf(box, 502).communicationItems.find((i) => i.type.id === DIRECT)?.value).toBe('+1 206 555 0100');

    // Namesakes: a person chooses; nothing is created meanwhile.
    expect(of('dana')).toMatchObject({ outcome: 'disputed', psa: 'disputed' });
    expect(
      of('dana')
        .reasons.map((r) => r.message)
        .join(' '),
    ).toMatch(/ConnectWise has 2 contacts with the same name/);
    expect(contactsOf(box).filter((c) => c.lastName === 'Dup')).toHaveLength(2);
    const conflicts = await box.store.listConflicts({ status: 'open' });
    expect(conflicts.map((c) => c.userId)).toContain('dana');

    // Held: ConnectWise requires a first name, and the reason names it.
    expect(of('nofirst')).toMatchObject({ outcome: 'held', psa: 'held' });
    const held = of('nofirst').reasons.find((r) => r.code === 'no-first-name');
    expect(held).toMatchObject({ field: 'firstName' });
    expect(held?.message).toMatch(/no first name .* ConnectWise requires one/);
    expect(contactsOf(box).some((c) => c.lastName === 'Solo')).toBe(false);

    // No last name: ConnectWise takes the contact without one.
    expect(of('cher')).toMatchObject({ outcome: 'synced', psa: 'created' });
    expect(contactOf(box, of('cher').psaContactId)).toMatchObject({ firstName: 'Cher', lastName: null });

    // No phone in Microsoft 365: the replacement goes in the item of phones.primaryType (mobile: Cell).
    const phoneless = contactOf(box, of('nophone').psaContactId);
    expect([phonesOf(phoneless, DIRECT), phonesOf(phoneless, CELL)]).toEqual([[], ['12065550000']]);

    // The site by name: the user's office is the company's Annex.
    expect(of('annex')).toMatchObject({ psa: 'created' });
    expect(contactOf(box, of('annex').psaContactId).site).toEqual({ id: ANNEX });

    // One contact per address; the seven seeded and the four new ones.
    expect(duplicates(addressesOf(box))).toEqual([]);
    expect(contactsOf(box)).toHaveLength(CONTACTS.length + 4);
    // Never a PUT, never a contact DELETE, nothing refused.
    expect(forbiddenRequests(box)).toEqual([]);
  });

  it('writes nothing on a second run', async () => {
    expect(await secondRunCase(await start(seed()))).toEqual({
      writes: [],
      changed: false,
      waiting: [
        ['dana', 'disputed'],
        ['nofirst', 'held'],
      ],
      // A quiet poll asks Microsoft 365 alone.
      poll: ['unchanged'],
      asked: ['graph'],
    });
  });

  it('creates the user a person settles a dispute for, once', async () => {
    const box = await start(seed());
    const namesakes = () => contactsOf(box).filter((c) => c.lastName === 'Dup').length;
    expect(await disputeCreateCase(box, namesakes)).toEqual({
      user: 'dana',
      side: 'connectwise',
      created: 'created',
      namesakes: 3,
    });
  });

  it('links the user a person settles a dispute for to the contact chosen, and writes it once', async () => {
    const box = await start(seed());
    await box.syncAll({ force: true });
    const [conflict] = await box.store.listConflicts({ status: 'open' });
    // As the conflicts page and `contactsync conflicts resolve` settle it.
    const settled = await resolveConflict(
      box.store,
      box.targets,
      conflict!.id,
      { kind: 'link', contactId: '508' },
      'tech',
    );
    expect(settled.message).toMatch(/linked to ConnectWise contact 508/);
    // Manage says who chose the contact: with ConnectWise alone, the link is the ConnectWise contact's.
    const link = (await box.store.getLink(TENANT_A, 'dana'))!;
    expect(linkedByText(link, box.targets)).toBe(
      alone ? 'linked by hand' : 'created by contactsync; ConnectWise: linked by hand',
    );
    const results = await box.syncAll({ force: true });
    expect(resultOf(results, 'dana')).toMatchObject({ outcome: 'synced', psaContactId: 508 });
    expect(emailsOf(contactOf(box, 508))).toEqual(['dana@contoso.com']);
    expect(emailsOf(contactOf(box, 507))).toEqual([]);
    const before = box.sims.requests.length;
    await box.syncAll({ force: true });
    expect(writesSince(box, before)).toEqual([]);
    expect(contactsOf(box).filter((c) => c.lastName === 'Dup')).toHaveLength(2);
  });

  it('links a person to the ConnectWise contact a technician picks on Manage, settling the dispute', async () => {
    const box = await start(seed());
    await box.syncAll({ force: true });
    const said = await relinkContact(
      box.store,
      box.clients,
      box.targets,
      TENANT_A,
      'dana',
      { system: 'connectwise', contactId: '507' },
      'tech',
    );
    expect(said).toMatch(/ConnectWise contact Dana Dup \(507\)/);
    expect(await box.store.listConflicts({ status: 'open' })).toEqual([]);
    const results = await box.syncAll({ force: true });
    expect(resultOf(results, 'dana')).toMatchObject({ outcome: 'synced', psaContactId: 507 });
    expect(emailsOf(contactOf(box, 507))).toEqual(['dana@contoso.com']);
    expect(contactsOf(box).filter((c) => c.lastName === 'Dup')).toHaveLength(2);
  });
});
