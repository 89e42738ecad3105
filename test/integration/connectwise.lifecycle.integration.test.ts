import { describe, expect, it } from 'vitest';
import { TENANT_A } from '../support/simulators.ts';
import { deletionGuardCase, GUARDED, staff } from '../support/sandbox-cases.ts';
import {
  caseSeed,
  CELL,
  connectwiseRequests,
  contactOf,
  contactsOf,
  cwContact,
  DIRECT,
  EMAIL,
  emailsOf,
  forbiddenRequests,
  HOME,
  INSTALLS,
  person,
  phonesOf,
  resultOf,
  useConnectwiseBox,
  writesSince,
} from '../support/connectwise-cases.ts';

/**
 * What follows a first sync on ConnectWise (IT Glue + ConnectWise, and ConnectWise alone): renames and new addresses
 * through the link, each written as only what changed (a JSON Patch of the contact's own fields, an item of its
 * communications); the items a person added kept through every change and a leave; leavers made inactive with
 * `inactiveFlag` and never deleted; the deletion guard; and the communication types the config names checked before a
 * contact is written with one.
 */

/** ConnectWise's writes since `from` to one contact (its own record or its communications). */
const touching = (box: Parameters<typeof connectwiseRequests>[0], from: number, id: number | null) =>
  connectwiseRequests(box, from, (r) => r.method !== 'GET' && new RegExp(`/company/contacts/${id}(/|$)`).test(r.path));

describe.each(INSTALLS)('ConnectWise after the first sync (%s)', (install) => {
  const start = useConnectwiseBox();

  it('follows renames, new addresses and phones through the link with only what changed; inactivates leavers, never deletes', async () => {
    const box = await start(caseSeed({ install, users: staff(5) }));
    const first = await box.syncAll({ force: true });
    const idOf = (id: string) => resultOf(first, id).psaContactId;
    const graph = box.sims.graph;
    // A title of 42 characters: ConnectWise takes 50 in a title (30 in a name).
    const title = 'Head of Customer Operations and Onboarding';
    graph.updateUser(TENANT_A, 's0', { surname: 'Renamed', displayName: 'StaffA Renamed', jobTitle: title });
    graph.updateUser(TENANT_A, 's1', { mail: 'new.s1@contoso.com', proxyAddresses: ['SMTP:new.s1@contoso.com'] });
    graph.disableUser(TENANT_A, 's2');
    graph.deleteUser(TENANT_A, 's3');
    graph.updateUser(TENANT_A, 's4', { businessPhones: ['+1 206 555 0144'], mobilePhone: '+1 206 555 0145' });
    const before = box.sims.requests.length;
    const second = await box.syncAll();

    // A rename: one JSON Patch of the contact's own fields, nothing of its communications.
    expect(resultOf(second, 's0')).toMatchObject({ rule: 'link', psa: 'updated', psaContactId: idOf('s0') });
    expect(contactOf(box, idOf('s0'))).toMatchObject({ lastName: 'Renamed', title, inactiveFlag: false });
    expect(touching(box, before, idOf('s0'))).toEqual(['PATCH company/contacts/{id}']);

    // A new address: a new default email item, the older kept as another; the contact's own fields untouched.
    expect(resultOf(second, 's1')).toMatchObject({ rule: 'link', psa: 'updated', psaContactId: idOf('s1') });
    expect(emailsOf(contactOf(box, idOf('s1')))).toEqual(['new.s1@contoso.com', 's1@contoso.com']);
    expect(touching(box, before, idOf('s1'))).toEqual(['POST company/contacts/{id}/communications']);

    // A new office phone changes the Direct item; a first mobile phone is a new Cell item.
    expect(resultOf(second, 's4')).toMatchObject({ psa: 'updated' });
    const s4 = contactOf(box, idOf('s4'));
    expect([phonesOf(s4, DIRECT), phonesOf(s4, CELL)]).toEqual([['12065550144'], ['12065550145']]);
    expect(touching(box, before, idOf('s4')).sort()).toEqual([
      'PATCH company/contacts/{id}/communications/{cid}',
      'POST company/contacts/{id}/communications',
    ]);

    // Leavers: inactive, with one patch each, their names and items kept.
    for (const leaver of ['s2', 's3']) {
      expect(resultOf(second, leaver), leaver).toMatchObject({ outcome: 'inactivated', psa: 'inactivated' });
      expect(contactOf(box, idOf(leaver))).toMatchObject({
        inactiveFlag: true,
        firstName: expect.stringMatching(/^Staff/i),
      });
      expect(emailsOf(contactOf(box, idOf(leaver)))).toEqual([`${leaver}@contoso.com`]);
      expect(touching(box, before, idOf(leaver))).toEqual(['PATCH company/contacts/{id}']);
    }
    expect(contactsOf(box)).toHaveLength(5);
    expect(forbiddenRequests(box)).toEqual([]);

    // Restored, the person's contact is made active again; then nothing more is written.
    graph.restoreUser(TENANT_A, 's3');
    const third = await box.syncAll();
    expect(resultOf(third, 's3')).toMatchObject({ rule: 'link', psa: 'updated' });
    expect(contactOf(box, idOf('s3')).inactiveFlag).toBe(false);
    const quiet = box.sims.requests.length;
    await box.syncAll({ force: true });
    expect(writesSince(box, quiet)).toEqual([]);
  });

  it('keeps every item a person added to a contact through a change of address, of phone and a leave', async () => {
    const box = await start(
      caseSeed({
        install,
        users: [person('kim', 'Kim', 'Keep', { jobTitle: 'Chef' })],
        contacts: [cwContact(601, 'Kim', 'Keep', { emails: ['kim@contoso.com'], phone: '+1 206 555 0100' })],
      }),
    );
    await box.syncAll({ force: true });
    // A technician adds a home phone, a personal address and a second office line by hand.
    const cw = box.sims.connectwise;
    cw.addItem(601, { typeId: HOME, value: '+12065550999' });
    cw.addItem(601, { typeId: EMAIL, value: 'kim@home.example' });
    const byHand = () =>
      contactOf(box, 601)
        .communicationItems.filter((i) => i.type.id === HOME || i.value === 'kim@home.example')
        .map((i) => [i.type.id, i.value]);
    expect(byHand()).toHaveLength(2);

    box.sims.graph.updateUser(TENANT_A, 'kim', {
      jobTitle: 'Head Chef',
      mail: 'kim.keep@contoso.com',
      proxyAddresses: ['SMTP:kim.keep@contoso.com', 'smtp:kim@contoso.com'],
      businessPhones: ['+1 206 555 0123'],
    });
    const [changed] = await box.syncAll();
    expect(resultOf([changed!], 'kim')).toMatchObject({ psa: 'updated', psaContactId: 601 });
    const kim = contactOf(box, 601);
    expect(kim.title).toBe('Head Chef');
    expect(emailsOf(kim)).toEqual(['kim.keep@contoso.com', 'kim@contoso.com', 'kim@home.example']);
    expect(phonesOf(kim, DIRECT)).toEqual(['12065550123']);
    expect(byHand()).toEqual([
      [HOME, '+12065550999'],
      [EMAIL, 'kim@home.example'],
    ]);

    box.sims.graph.disableUser(TENANT_A, 'kim');
    const [left] = await box.syncAll();
    expect(resultOf([left!], 'kim')).toMatchObject({ psa: 'inactivated' });
    expect(contactOf(box, 601).inactiveFlag).toBe(true);
    expect(contactOf(box, 601).communicationItems).toEqual(kim.communicationItems);
    expect(forbiddenRequests(box)).toEqual([]);
  });

  it('halts inactivations at the deletion guard and applies them once approved', async () => {
    const box = await start(caseSeed({ install, users: staff(10) }));
    const guarded = await deletionGuardCase(box, {
      isActive: (id) => !contactOf(box, id).inactiveFlag,
      count: () => contactsOf(box).length,
    });
    expect(guarded).toEqual(GUARDED);
    expect(forbiddenRequests(box)).toEqual([]);
  });

  it('holds every new contact while a configured communication type is missing, naming the setting and its types', async () => {
    const box = await start(
      caseSeed({
        install,
        users: [
          person('known', 'Kim', 'Known', { jobTitle: 'Chef' }),
          person('office', 'Oli', 'Office'),
          person('mobile', 'Mo', 'Mobile', { businessPhones: [], mobilePhone: '+1 206 555 0199' }),
        ],
        contacts: [cwContact(701, 'Kim', 'Known', { emails: ['known@contoso.com'] })],
        // This database calls its mobile type "Mobile": the config's default "Cell" names none.
        types: [
          { id: EMAIL, description: 'Email', emailFlag: true, defaultFlag: true },
          { id: DIRECT, description: 'Direct', phoneFlag: true, defaultFlag: true },
          { id: 7, description: 'Mobile', phoneFlag: true },
        ],
      }),
    );
    const results = await box.syncAll({ force: true });
    // The contact that exists is linked and written as ever.
    expect(resultOf(results, 'known')).toMatchObject({ psa: 'linked', psaContactId: 701 });
    expect(contactOf(box, 701).title).toBe('Chef');
    // A fault of the config: new contacts wait for it to be fixed, with what to change, rather than fail each run.
    for (const id of ['office', 'mobile']) {
      const held = resultOf(results, id);
      expect(held, id).toMatchObject({ outcome: 'held', psa: 'held', psaContactId: null });
      expect(held.reasons.find((r) => r.code === 'unfilled-required-field')).toMatchObject({
        field: 'connectwise.mobileType',
        message: expect.stringMatching(
          /this ConnectWise has no phone type named "Cell"; set connectwise\.mobileType in the config to one of its phone types \("Direct", "Mobile"\)/,
        ),
      });
    }
    expect(contactsOf(box).map((c) => c.firstName)).toEqual(['Kim']);
    // Not a refused write: ConnectWise was not sent a contact it would refuse.
    expect(forbiddenRequests(box)).toEqual([]);
    expect(box.sims.requests.filter((r) => r.server === 'connectwise' && r.status >= 400)).toEqual([]);
  });
});
