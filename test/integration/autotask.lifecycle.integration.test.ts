import { describe, expect, it } from 'vitest';
import { TENANT_A } from '../support/simulators.ts';
import { deletionGuardCase, GUARDED, staff } from '../support/sandbox-cases.ts';
import {
  atContact,
  caseSeed,
  contactOf,
  contactsOf,
  INSTALLS,
  person,
  resultOf,
  useAutotaskBox,
  writesSince,
} from '../support/autotask-cases.ts';

/**
 * What follows a first sync on Autotask (IT Glue + Autotask, and Autotask alone): renames and new addresses through
 * the link (the older primary kept), leavers made inactive and never deleted, the deletion guard, and the fields an
 * Autotask instance requires beyond the names.
 */

describe.each(INSTALLS)('Autotask after the first sync (%s)', (install) => {
  const start = useAutotaskBox();

  it('follows renames and new addresses through the link, keeping the older primary; inactivates leavers, never deletes', async () => {
    const box = await start(caseSeed({ install, users: staff(4) }));
    const first = await box.syncAll({ force: true });
    const idOf = (id: string) => resultOf(first, id).psaContactId;
    const graph = box.sims.graph;
    graph.updateUser(TENANT_A, 's0', { surname: 'Renamed', displayName: 'StaffA Renamed', jobTitle: 'Lead' });
    graph.updateUser(TENANT_A, 's1', { mail: 'new.s1@contoso.com', proxyAddresses: ['SMTP:new.s1@contoso.com'] });
    graph.disableUser(TENANT_A, 's2');
    graph.deleteUser(TENANT_A, 's3');
    const before = box.sims.requests.length;
    const second = await box.syncAll();
    expect(resultOf(second, 's0')).toMatchObject({ rule: 'link', psa: 'updated', psaContactId: idOf('s0') });
    expect(contactOf(box, idOf('s0'))).toMatchObject({ lastName: 'Renamed', title: 'Lead', isActive: 1 });
    expect(resultOf(second, 's1')).toMatchObject({ rule: 'link', psa: 'updated', psaContactId: idOf('s1') });
    expect(contactOf(box, idOf('s1'))).toMatchObject({
      emailAddress: 'new.s1@contoso.com',
      emailAddress2: 's1@contoso.com',
    });
    for (const leaver of ['s2', 's3']) {
      expect(resultOf(second, leaver), leaver).toMatchObject({ outcome: 'inactivated', psa: 'inactivated' });
      expect(contactOf(box, idOf(leaver))).toMatchObject({ isActive: 0, firstName: expect.stringMatching(/^Staff/i) });
    }
    expect(contactsOf(box)).toHaveLength(4);
    const autotask = box.sims.requests.slice(before).filter((r) => r.server === 'autotask');
    expect(autotask.filter((r) => r.method === 'DELETE' || r.method === 'PUT')).toEqual([]);
    expect(autotask.filter((r) => r.method === 'PATCH')).toHaveLength(4);

    // Restored, the person's contact is made active again; then nothing more is written.
    graph.restoreUser(TENANT_A, 's3');
    const third = await box.syncAll();
    expect(resultOf(third, 's3')).toMatchObject({ rule: 'link', psa: 'updated' });
    expect(contactOf(box, idOf('s3')).isActive).toBe(1);
    const quiet = box.sims.requests.length;
    await box.syncAll({ force: true });
    expect(writesSince(box, quiet)).toEqual([]);
  });

  it('keeps the primary when both other email fields are taken, and says so; the other changes are written', async () => {
    const box = await start(
      caseSeed({
        install,
        users: [person('finn', 'Finn', 'Full', { jobTitle: 'Pilot' })],
        contacts: [
          atContact(601, 'Finn', 'Full', {
            emailAddress: 'finn@a.example',
            emailAddress2: 'finn@b.example',
            emailAddress3: 'finn@c.example',
          }),
        ],
      }),
    );
    const [run] = await box.syncAll({ force: true });
    const finn = resultOf([run!], 'finn');
    expect(finn).toMatchObject({ psa: 'linked', psaContactId: 601 });
    const kept = finn.reasons.find((r) => r.code === 'autotask-email-kept');
    expect(kept).toMatchObject({ field: 'emailAddress' });
    expect(kept?.message).toMatch(/keeps finn@a\.example as its primary email: finn@contoso\.com would replace it/);
    expect(contactOf(box, 601)).toMatchObject({
      title: 'Pilot',
      emailAddress: 'finn@a.example',
      emailAddress2: 'finn@b.example',
      emailAddress3: 'finn@c.example',
    });
    // The run goes on writing the others: nothing was taken for a wrong guess about Autotask.
    expect(finn.reasons.map((r) => r.code)).not.toContain('contract-mismatch');
    const before = box.sims.requests.length;
    const again = await box.syncAll({ force: true });
    expect(writesSince(box, before)).toEqual([]);
    expect(resultOf(again, 'finn').reasons.map((r) => r.code)).toContain('autotask-email-kept');

    // A person frees a field in Autotask: the next run makes Microsoft's address the primary, the older kept there.
    box.sims.autotask.editContact(601, { emailAddress3: null });
    await box.syncAll({ force: true });
    expect(contactOf(box, 601)).toMatchObject({
      emailAddress: 'finn@contoso.com',
      emailAddress2: 'finn@b.example',
      emailAddress3: 'finn@a.example',
    });
  });

  it('halts inactivations at the deletion guard and applies them once approved', async () => {
    const box = await start(caseSeed({ install, users: staff(10) }));
    const guarded = await deletionGuardCase(box, {
      isActive: (id) => contactOf(box, id).isActive === 1,
      count: () => contactsOf(box).length,
    });
    expect(guarded).toEqual(GUARDED);
  });

  it('holds a user without a field this Autotask requires, naming it; the others are created', async () => {
    const box = await start(
      caseSeed({
        install,
        users: [person('titled', 'Tom', 'Titled', { jobTitle: 'Chef' }), person('untitled', 'Una', 'Untitled')],
        requiredFields: ['title'],
      }),
    );
    const results = await box.syncAll({ force: true });
    expect(resultOf(results, 'titled')).toMatchObject({ outcome: 'synced', psa: 'created' });
    const held = resultOf(results, 'untitled');
    expect(held).toMatchObject({ outcome: 'held', psa: 'held' });
    expect(held.reasons.find((r) => r.field === 'jobTitle')?.message).toBe(
      'Microsoft 365 has no title for this user, and Autotask requires one.',
    );
    expect(contactsOf(box).map((c) => c.firstName)).toEqual(['Tom']);
    // Not a refused write: Autotask was not asked.
    expect(box.sims.requests.filter((r) => r.server === 'autotask' && r.status >= 400)).toEqual([]);
  });

  it('holds a user with a mobile phone alone when this Autotask requires the office phone, saying so', async () => {
    const box = await start(
      caseSeed({
        install,
        users: [
          person('office', 'Oli', 'Office'),
          person('mobile', 'Mo', 'Mobile', { businessPhones: [], mobilePhone: '+1 206 555 0199' }),
        ],
        requiredFields: ['phone'],
      }),
    );
    const results = await box.syncAll({ force: true });
    expect(resultOf(results, 'office')).toMatchObject({ psa: 'created' });
    const held = resultOf(results, 'mobile');
    expect(held).toMatchObject({ outcome: 'held', psa: 'held' });
    expect(held.reasons.find((r) => r.field === 'phoneNumber')?.message).toMatch(
      /^Autotask requires a phone, and Microsoft 365 has only a mobile phone for this user/,
    );
    expect(contactsOf(box).map((c) => c.firstName)).toEqual(['Oli']);
  });

  it('holds every new contact while this Autotask requires a field contactsync never fills, saying what to change', async () => {
    const box = await start(
      caseSeed({
        install,
        users: [person('known', 'Kim', 'Known', { jobTitle: 'Chef' }), person('fresh', 'Fay', 'Fresh')],
        contacts: [atContact(701, 'Kim', 'Known', { emailAddress: 'known@contoso.com', alternatePhone: '555 0101' })],
        requiredFields: ['alternatePhone'],
      }),
    );
    const results = await box.syncAll({ force: true });
    // The contact that exists is linked and written as ever.
    expect(resultOf(results, 'known')).toMatchObject({ psa: 'linked', psaContactId: 701 });
    expect(contactOf(box, 701).title).toBe('Chef');
    const fresh = resultOf(results, 'fresh');
    expect(fresh).toMatchObject({ outcome: 'held', psa: 'held' });
    expect(fresh.reasons.find((r) => r.code === 'unfilled-required-field')).toMatchObject({
      field: 'alternatePhone',
      message: expect.stringMatching(
        /Autotask requires "alternatePhone" of every new contact, which contactsync does not fill: make "alternatePhone" optional for contacts in Autotask/,
      ),
    });
    expect(contactsOf(box)).toHaveLength(1);
    expect(box.sims.requests.filter((r) => r.server === 'autotask' && r.status >= 400)).toEqual([]);
  });
});
