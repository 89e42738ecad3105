import { describe, expect, it } from 'vitest';
import {
  atContact,
  caseSeed,
  contactOf,
  contactsOf,
  INSTALLS,
  HQ,
  person,
  resultOf,
  useAutotaskBox,
} from '../support/autotask-cases.ts';
import { disputeCreateCase, secondRunCase } from '../support/sandbox-cases.ts';
import { duplicates } from '../support/visible-state.ts';

/**
 * The sandbox cases that hold for BMS, on Autotask (IT Glue + Autotask, and Autotask alone): a new user, the match by
 * an alias, by the user principal name and by name, the dedupe by any of the three email fields before creating,
 * disputes, the hold for a missing last name, the blank-phone replacement in the field of `phones.primaryType`, and a
 * second run that writes nothing.
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
  person('nolast', 'Cher', null),
  person('nophone', 'Pat', 'Phoneless', { businessPhones: [], mobilePhone: null }),
];

const CONTACTS = [
  // matched by an alias of the mailbox (under another name)
  atContact(501, 'Alistair', 'Alias', { emailAddress: 'ali.old@contoso.com' }),
  // the primary address, in other case
  atContact(502, 'Eve', 'Exact', { emailAddress: 'EXACT@contoso.com', phone: '+1 206 555 0100' }),
  // the address in Autotask's second and third email fields
  atContact(503, 'Sam', 'Second', { emailAddress: 'sam@home.example', emailAddress2: 'slot2@contoso.com' }),
  atContact(504, 'Tia', 'Third', {
    emailAddress: 'tia@home.example',
    emailAddress2: 'tia@other.example',
    emailAddress3: 'slot3@contoso.com',
  }),
  // the user principal name as the address, under another first name
  atContact(505, 'U.', 'Upn', { emailAddress: 'upn1@contoso.com' }),
  // the name alone, in other case
  atContact(506, 'NINA', 'Name'),
  // two namesakes
  atContact(507, 'Dana', 'Dup'),
  atContact(508, 'Dana', 'Dup', { title: 'Older' }),
];

const SETTINGS = { phones: { blankReplacement: '+1 206 555 0000', primaryType: 'mobile' } };

describe.each(INSTALLS)('Autotask cases (%s)', (install) => {
  const start = useAutotaskBox();
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

  it('creates a new user, links by alias, username, name and any of the three email fields, and never a second contact', async () => {
    const box = await start(seed());
    const results = await box.syncAll({ force: true });
    expect(results.map((r) => [r.status, r.error])).toEqual([['ok', null]]);
    const of = (id: string) => resultOf(results, id);

    // A new user: created with the fields Autotask holds.
    expect(of('new1')).toMatchObject({ outcome: 'synced', psa: 'created', doc: alone ? 'none' : 'created' });
    const created = contactOf(box, of('new1').psaContactId);
    expect(created).toMatchObject({
      firstName: 'Nora',
      lastName: 'New',
      title: 'Engineer',
      emailAddress: 'new1@contoso.com',
      companyLocationID: HQ,
      isActive: 1,
    });
    expect([digits(created.phone), digits(created.mobilePhone)]).toEqual(['12065550100', '12065550111']);

    // Linked, each to the contact that had the person, with the rule that found it.
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
    ).toMatch(/Linked to the existing Autotask contact .*501.* by email/);
    expect(contactOf(box, 501)).toMatchObject({ firstName: 'Ali', lastName: 'Alias' });
    expect(contactOf(box, 506)).toMatchObject({ firstName: 'Nina', emailAddress: 'named@contoso.com' });

    // Microsoft's primary became Autotask's primary, and no address the person had was dropped: the older primary
    // took the field that held the new address, else a free one.
    const emails = (id: number) => {
      const c = contactOf(box, id);
      return [c.emailAddress, c.emailAddress2, c.emailAddress3];
    };
    expect(emails(501)).toEqual(['alias1@contoso.com', 'ali.old@contoso.com', null]);
    expect(emails(503)).toEqual(['slot2@contoso.com', 'sam@home.example', null]);
    expect(emails(504)).toEqual(['slot3@contoso.com', 'tia@other.example', 'tia@home.example']);
    expect(emails(505)).toEqual(['uma.upn@contoso.com', 'upn1@contoso.com', null]);

    // Namesakes: a person chooses; nothing is created meanwhile.
    expect(of('dana')).toMatchObject({ outcome: 'disputed', psa: 'disputed' });
    expect(
      of('dana')
        .reasons.map((r) => r.message)
        .join(' '),
    ).toMatch(/Autotask has 2 contacts with the same name/);
    expect(contactsOf(box).filter((c) => c.lastName === 'Dup')).toHaveLength(2);
    const conflicts = await box.store.listConflicts({ status: 'open' });
    expect(conflicts.map((c) => c.userId)).toContain('dana');

    // Held: Autotask requires a last name, and the reason names it.
    expect(of('nolast')).toMatchObject({ outcome: 'held', psa: 'held', doc: alone ? 'none' : 'created' });
    const held = of('nolast').reasons.find((r) => r.code === 'no-last-name');
    expect(held).toMatchObject({ field: 'lastName' });
    expect(held?.message).toMatch(/no last name .* Autotask requires one/);
    expect(contactsOf(box).some((c) => c.firstName === 'Cher')).toBe(false);

    // No phone in Microsoft 365: the replacement goes in the field of phones.primaryType (mobile).
    const phoneless = contactOf(box, of('nophone').psaContactId);
    expect([phoneless.phone, digits(phoneless.mobilePhone)]).toEqual([null, '12065550000']);

    // One contact per address, in any of the three fields; the eight seeded and the two new ones.
    const all = contactsOf(box).flatMap((c) =>
      [c.emailAddress, c.emailAddress2, c.emailAddress3].flatMap((e) => (e === null ? [] : [e.toLowerCase()])),
    );
    expect(duplicates(all)).toEqual([]);
    expect(contactsOf(box)).toHaveLength(CONTACTS.length + 2);
    // Never a PUT or a DELETE.
    const autotask = box.sims.requests.filter((r) => r.server === 'autotask');
    expect(autotask.filter((r) => r.method === 'PUT' || r.method === 'DELETE')).toEqual([]);
    expect(autotask.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('writes nothing on a second run', async () => {
    expect(await secondRunCase(await start(seed()))).toEqual({
      writes: [],
      changed: false,
      waiting: [
        ['dana', 'disputed'],
        ['nolast', 'held'],
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
      side: 'autotask',
      created: 'created',
      namesakes: 3,
    });
  });
});
