import { describe, expect, it } from 'vitest';
import { TENANT_A } from '../support/simulators.ts';
import { INSTALLS, person, resultOf, writesSince } from '../support/autotask-cases.ts';
import { caseSeed, haloRequests, haloUser, useHaloBox, userOf, usersOf } from '../support/halo-cases.ts';
import { expectDeletionGuard } from '../support/psa-cases.ts';
import { staff } from '../support/sandbox-cases.ts';

/**
 * What follows a first sync on HaloPSA (IT Glue + Halo, and Halo alone): renames and new addresses through the link
 * (the older primary kept), leavers made inactive and never deleted, the deletion guard, and a client without a site,
 * which Halo requires of every user.
 */

/** The writes to Halo since the request at `from`: every one a POST to /api/Users. */
const haloWrites = (box: Parameters<typeof usersOf>[0], from: number) =>
  haloRequests(box, from).filter((r) => r.method !== 'GET' && !r.route.includes('token'));

describe.each(INSTALLS)('Halo after the first sync (%s)', (install) => {
  const start = useHaloBox();

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
    expect(userOf(box, idOf('s0'))).toMatchObject({
      surname: 'Renamed',
      name: 'StaffA Renamed',
      jobtitle: 'Lead',
      inactive: false,
    });
    expect(resultOf(second, 's1')).toMatchObject({ rule: 'link', psa: 'updated', psaContactId: idOf('s1') });
    expect(userOf(box, idOf('s1'))).toMatchObject({ emailaddress: 'new.s1@contoso.com', email2: 's1@contoso.com' });
    for (const leaver of ['s2', 's3']) {
      expect(resultOf(second, leaver), leaver).toMatchObject({ outcome: 'inactivated', psa: 'inactivated' });
      // Made inactive, every other field as it was: the object id stays, so Halo still knows whose user it is.
      expect(userOf(box, idOf(leaver))).toMatchObject({
        inactive: true,
        firstname: expect.stringMatching(/^Staff/),
        azureoid: leaver,
      });
    }
    expect(usersOf(box)).toHaveLength(4);
    const writes = haloWrites(box, before);
    expect(writes.map((r) => `${r.method} ${r.route}`)).toEqual(Array(4).fill('POST /api/Users'));

    // Restored, the person's user is made active again; then nothing more is written.
    graph.restoreUser(TENANT_A, 's3');
    const third = await box.syncAll();
    expect(resultOf(third, 's3')).toMatchObject({ rule: 'link', psa: 'updated' });
    expect(userOf(box, idOf('s3')).inactive).toBe(false);
    const quiet = box.sims.requests.length;
    await box.syncAll({ force: true });
    expect(writesSince(box, quiet)).toEqual([]);
    expect(haloRequests(box).filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('keeps the primary when both other email fields are taken, and says so; the other changes are written', async () => {
    const box = await start(
      caseSeed({
        install,
        users: [person('finn', 'Finn', 'Full', { jobTitle: 'Pilot' })],
        haloUsers: [
          haloUser(601, 'Finn', 'Full', {
            emailaddress: 'finn@a.example',
            email2: 'finn@b.example',
            email3: 'finn@c.example',
          }),
        ],
      }),
    );
    const [run] = await box.syncAll({ force: true });
    const finn = resultOf([run!], 'finn');
    expect(finn).toMatchObject({ psa: 'linked', psaContactId: 601 });
    const kept = finn.reasons.find((r) => r.code === 'halo-email-kept');
    expect(kept).toMatchObject({ field: 'emailAddress' });
    expect(kept?.message).toMatch(/keeps finn@a\.example as its primary email: finn@contoso\.com would replace it/);
    expect(userOf(box, 601)).toMatchObject({
      jobtitle: 'Pilot',
      azureoid: 'finn',
      emailaddress: 'finn@a.example',
      email2: 'finn@b.example',
      email3: 'finn@c.example',
    });
    // The run goes on writing the others: nothing was taken for a wrong guess about Halo.
    expect(finn.reasons.map((r) => r.code)).not.toContain('contract-mismatch');
    const before = box.sims.requests.length;
    const again = await box.syncAll({ force: true });
    expect(writesSince(box, before)).toEqual([]);
    expect(resultOf(again, 'finn').reasons.map((r) => r.code)).toContain('halo-email-kept');

    // A person frees a field in Halo: the next run makes Microsoft's address the primary, the older kept there.
    box.sims.halo.editUser(601, { email3: null });
    await box.syncAll({ force: true });
    expect(userOf(box, 601)).toMatchObject({
      emailaddress: 'finn@contoso.com',
      email2: 'finn@b.example',
      email3: 'finn@a.example',
    });
  });

  it('halts inactivations at the deletion guard and applies them once approved', async () => {
    const box = await start(caseSeed({ install, users: staff(10) }));
    await expectDeletionGuard(box, (id) => !userOf(box, id).inactive);
    expect(usersOf(box)).toHaveLength(10);
  });

  it('holds the users of a client without a site, naming it, instead of sending what Halo refuses', async () => {
    const box = await start(
      caseSeed({ install, siteless: true, users: [person('fresh', 'Fay', 'Fresh'), person('new', 'Ned', 'New')] }),
    );
    const results = await box.syncAll({ force: true });
    expect(results.map((r) => r.status)).toEqual(['ok']);
    for (const id of ['fresh', 'new']) {
      const held = resultOf(results, id);
      expect(held, id).toMatchObject({ outcome: 'held', psa: 'held' });
      expect(held.reasons.find((r) => r.field === 'locationId')?.message).toMatch(/Halo .*site/);
    }
    expect(usersOf(box)).toEqual([]);
    // Not a refused write: Halo was not asked.
    expect(haloRequests(box).filter((r) => r.method === 'POST' && r.route === '/api/Users')).toEqual([]);
    expect(haloRequests(box).filter((r) => r.status >= 400)).toEqual([]);
  });
});
