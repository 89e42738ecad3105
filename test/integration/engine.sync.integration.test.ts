import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoSeed } from '../../src/sandbox/demo-seed.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { parseSeed, type GraphUserSeed } from '../../src/sandbox/seed.ts';
import type { TenantRunResult } from '../../src/run/run-result.ts';
import { addInBmsByHand } from '../support/simulators.ts';
import { userLines } from '../../src/cli/user-lines.ts';
import { resultsTable } from '../../src/web/pages/shared.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';

const BOTH = { doc: itglueProfile, psa: bmsProfile };

const seed = parseSeed(JSON.parse(JSON.stringify(demoSeed())));
const CONTOSO = seed.tenants[0]!;
const silent = pino({ level: 'silent' });

let box: Sandbox;
beforeEach(async () => {
  box = await startSandbox({ seed, dbPath: join(mkdtempSync(join(tmpdir(), 'engine-')), 'state.db'), logger: silent });
});
afterEach(async () => {
  await box.close();
});

function usersOf(results: readonly TenantRunResult[]) {
  return results.flatMap((r) => r.users);
}

function writes(from: number): number {
  return box.sims.requests
    .slice(from)
    .filter(
      (r) => r.method !== 'GET' && r.route !== '/v2/security/authenticate' && r.route !== '/{tenant}/oauth2/v2.0/token',
    ).length;
}

/** Everything in IT Glue and BMS, without ids: what a person would see. */
function visibleState() {
  const dump = box.sims.dump();
  return {
    itglue: dump.itglue!.organizations.map((o) =>
      o.contacts
        .map((c) =>
          JSON.stringify([
            c['first-name'],
            c['last-name'],
            c.title,
            c['location-id'],
            c['contact-type-id'],
            c['contact-emails'],
            c['contact-phones'],
            c.notes,
          ]),
        )
        .sort(),
    ),
    bms: dump.bms!.accounts.map((a) =>
      a.contacts
        .map((c) =>
          JSON.stringify([
            c.firstName,
            c.lastName,
            c.jobTitle,
            c.emailAddress,
            c.phoneNumber,
            c.locationId,
            c.isActive,
          ]),
        )
        .sort(),
    ),
  };
}

describe('the sync engine on the demo seed', () => {
  it('syncs every scenario and every rule, without a duplicate', async () => {
    const results = await box.syncAll({ force: true });
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    const users = usersOf(results);
    expect(users).toHaveLength(335);
    const seen = (key: (u: (typeof users)[number]) => string | null) => new Set(users.map(key));
    expect(seen((u) => u.outcome)).toEqual(new Set(['synced', 'held', 'disputed', 'excluded']));
    expect(seen((u) => u.rule)).toEqual(new Set([null, 'alias', 'username', 'name']));
    expect(seen((u) => u.doc)).toEqual(new Set(['created', 'updated', 'mirrored', 'none']));
    expect(seen((u) => u.psa)).toEqual(new Set(['created', 'linked', 'updated', 'held', 'disputed', 'none']));

    // Per user: what each kind of user must end as.
    const byUpn = new Map(users.map((u) => [u.userPrincipalName, u]));
    const problems: string[] = [];
    for (const user of seed.tenants.flatMap((t) => t.users)) {
      const result = byUpn.get(user.userPrincipalName)!;
      const codes = result.reasons.map((r) => r.code);
      const expectCode = (code: string) => {
        if (!codes.includes(code)) problems.push(`${user.userPrincipalName}: no reason ${code}`);
      };
      if (user.userType === 'Guest') expectCode('guest');
      else if (!user.accountEnabled) expectCode('disabled');
      else if (user.assignedLicenses.length === 0) expectCode('unlicensed');
      if (result.outcome === 'excluded' && result.doc !== 'none')
        problems.push(`${user.userPrincipalName}: excluded but written`);
      if (result.outcome === 'synced' && (result.docContactId === null || result.psaContactId === null))
        problems.push(`${user.userPrincipalName}: synced without both contacts`);
      if (result.outcome === 'held' && !codes.some((c) => c === 'no-primary-phone' || c === 'no-location'))
        problems.push(`${user.userPrincipalName}: held without a reason`);
    }
    expect(problems).toEqual([]);
    const namesakes = users.filter((u) => u.userPrincipalName.startsWith('alex.morgan'));
    expect(namesakes.map((u) => u.outcome)).toEqual([
      'disputed',
      'disputed',
      'disputed',
      'disputed',
      'disputed',
      'disputed',
    ]);
    expect(
      box.sims
        .dump()
        .itglue!.organizations.flatMap((o) => o.contacts)
        .filter((c) => c['first-name'] === 'Alex' && c['last-name'] === 'Morgan'),
    ).toHaveLength(3);

    // Nobody twice: one IT Glue contact per primary email, one BMS contact per email.
    for (const organization of box.sims.dump().itglue!.organizations) {
      const primaries = organization.contacts.flatMap((c) =>
        c['contact-emails'].filter((e) => e.primary).map((e) => e.value.toLowerCase()),
      );
      expect(new Set(primaries).size).toBe(primaries.length);
    }
    for (const account of box.sims.dump().bms!.accounts) {
      const emails = account.contacts.flatMap((c) => (c.emailAddress === null ? [] : [c.emailAddress.toLowerCase()]));
      expect(new Set(emails).size).toBe(emails.length);
    }
    // The BMS contact that existed before IT Glue had the person was linked, not duplicated.
    expect(users.filter((u) => u.doc === 'created' && u.psa === 'linked').length).toBeGreaterThan(5);
    // Disputes wait in the conflicts queue.
    expect((await box.store.listConflicts({ status: 'open' })).length).toBe(
      users.filter((u) => u.outcome === 'disputed').length,
    );
  });

  it('writes nothing on a second run, and an unchanged tenant costs one Graph request', async () => {
    await box.syncAll({ force: true });
    const before = box.sims.requests.length;
    const second = await box.syncAll({ force: true });
    expect(writes(before)).toBe(0);
    expect(new Set(usersOf(second).map((u) => u.outcome))).toEqual(
      new Set(['unchanged', 'held', 'disputed', 'excluded']),
    );
    const third = box.sims.requests.length;
    const quiet = await box.syncAll();
    expect(quiet.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(box.sims.requests.slice(third).map((r) => `${r.server} ${r.route}`)).toEqual(
      Array(3).fill('graph /v1.0/users/delta'),
    );
  });

  it('names a tenant mapped by ids alone without planning it again: its next quiet poll costs one Graph request', async () => {
    await box.syncAll({ force: true });
    // As the config's tenants are mapped: by ids, without the names of the organization and the account.
    for (const tenant of await box.store.listTenants())
      await box.store.setMappingNames(
        tenant.id,
        { doc: tenant.docCustomerId, psa: tenant.psaCustomerId },
        { doc: null, psa: null, note: null },
      );
    // The scheduler's mapping pass names them.
    await box.runner.mapTenants();
    const named = await box.store.listTenants();
    expect(named.map((t) => [t.docCustomerName !== null, t.dirty])).toEqual(named.map(() => [true, false]));
    const before = box.sims.requests.length;
    const quiet = await box.syncAll();
    expect(quiet.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(
      box.sims.requests
        .slice(before)
        .filter((r) => r.server !== 'login')
        .map((r) => `${r.server} ${r.route}`),
    ).toEqual(Array(3).fill('graph /v1.0/users/delta'));
  });

  it('lets changes in Microsoft 365 flow through on the next run', async () => {
    await box.syncAll({ force: true });
    const t = CONTOSO.id;
    const template = CONTOSO.users.find((u) => u.userPrincipalName.startsWith('james.smith@'))!;
    const hire: GraphUserSeed = {
      ...template,
      id: '00000000-0000-4000-8000-00000000beef',
      userPrincipalName: 'nina.new@contoso.com',
      displayName: 'Nina New',
      givenName: 'Nina',
      surname: 'New',
      mail: 'nina.new@contoso.com',
      proxyAddresses: ['SMTP:nina.new@contoso.com'],
      businessPhones: ['(206) 555-0177'],
    };
    box.sims.graph.addUser(t, hire);
    const synced = CONTOSO.users.filter(
      (u) =>
        u.accountEnabled &&
        u.assignedLicenses.length > 0 &&
        u.userType === 'Member' &&
        u.businessPhones.length > 0 &&
        !u.userPrincipalName.startsWith('alex.'),
    );
    const [renamed, newMail, disabled, deleted] = synced.slice(20, 24) as [
      GraphUserSeed,
      GraphUserSeed,
      GraphUserSeed,
      GraphUserSeed,
    ];
    box.sims.graph.updateUser(t, renamed.id, { surname: 'Renamed', displayName: `${renamed.givenName} Renamed` });
    box.sims.graph.updateUser(t, newMail.id, {
      mail: 'brand.new@contoso.com',
      proxyAddresses: ['SMTP:brand.new@contoso.com'],
    });
    box.sims.graph.disableUser(t, disabled.id);
    box.sims.graph.deleteUser(t, deleted.id);

    const [run] = await box.syncAll();
    const result = (id: string) => run!.users.find((u) => u.userId === id)!;
    expect(result(hire.id)).toMatchObject({ outcome: 'synced', doc: 'created', psa: 'created' });
    expect(result(renamed.id)).toMatchObject({ rule: 'link', doc: 'updated', psa: 'updated' });
    expect(result(newMail.id)).toMatchObject({ rule: 'link', doc: 'updated', psa: 'updated' });
    expect(result(disabled.id)).toMatchObject({ outcome: 'inactivated', psa: 'inactivated' });
    expect(result(deleted.id)).toMatchObject({ outcome: 'inactivated', psa: 'inactivated' });
    const contoso = box.sims.dump();
    const contact = contoso.itglue!.organizations[0]!.contacts.find((c) => c.id === result(newMail.id).docContactId)!;
    expect(contact['contact-emails'].find((e) => e.primary)?.value).toBe('brand.new@contoso.com');
    expect(contact['contact-emails'].some((e) => !e.primary && e.value === newMail.mail)).toBe(true); // the older primary is kept
    expect(contoso.bms!.accounts[0]!.contacts.find((c) => c.emailAddress === 'nina.new@contoso.com')).toMatchObject({
      firstName: 'Nina',
      phoneNumber: '+12065550177',
      isActive: true,
    });

    // Restored: the user comes back and the BMS contact is active again.
    box.sims.graph.restoreUser(t, deleted.id);
    const [again] = await box.syncAll();
    expect(again!.users.find((u) => u.userId === deleted.id)).toMatchObject({ rule: 'link', psa: 'updated' });
    expect(
      box.sims.dump().bms!.accounts[0]!.contacts.find((c) => c.id === result(deleted.id).psaContactId)?.isActive,
    ).toBe(true);
  });

  it("changes contacts that IT Glue's PSA integration mirrors through BMS alone: no PATCH, no 422, reported mirrored", async () => {
    const psaSynced = seed.simulate.itglue.psaSynced;
    expect(Object.keys(psaSynced).length).toBeGreaterThan(5);
    const before = box.sims.requests.length;
    const users = usersOf(await box.syncAll({ force: true }));
    const mirrored = users.filter((u) => u.doc === 'mirrored');
    expect(mirrored.map((u) => u.docContactId).sort()).toEqual(Object.keys(psaSynced).sort());
    for (const user of mirrored) {
      expect(user).toMatchObject({ outcome: 'synced', rule: 'alias', psa: 'updated' });
      expect(user.psaContactId).toBe(psaSynced[user.docContactId!]);
      expect(user.reasons.map((r) => r.code)).toContain('psa-mirrored');
    }
    const itglue = box.sims.requests.slice(before).filter((r) => r.server === 'itglue');
    expect(itglue.filter((r) => r.status === 422)).toEqual([]);
    expect(
      itglue.filter((r) => r.method === 'PATCH' && Object.keys(psaSynced).some((id) => r.path.endsWith(`/${id}`))),
    ).toEqual([]);
    // What was written to BMS came back to IT Glue through its PSA sync; nothing else was duplicated.
    const contacts = box.sims.dump().itglue!.organizations.flatMap((o) => o.contacts);
    const sample = mirrored[0]!;
    const user = seed.tenants.flatMap((t) => t.users).find((u) => u.id === sample.userId)!;
    const contact = contacts.find((c) => c.id === sample.docContactId)!;
    expect(contact['contact-emails'].find((e) => e.primary)?.value).toBe(user.mail);
    expect(contact.title).toBe(user.jobTitle);

    // Microsoft 365 changes a mirrored user: BMS is written, and IT Glue takes it from there.
    const tenant = seed.tenants.find((t) => t.users.includes(user))!;
    box.sims.graph.updateUser(tenant.id, user.id, { jobTitle: 'Head of Mirrors' });
    const again = usersOf(await box.syncAll()).find((u) => u.userId === user.id)!;
    expect(again).toMatchObject({ doc: 'mirrored', psa: 'updated', rule: 'link' });
    expect(
      box.sims
        .dump()
        .itglue!.organizations.flatMap((o) => o.contacts)
        .find((c) => c.id === sample.docContactId)!.title,
    ).toBe('Head of Mirrors');
    const settled = await box.syncAll({ force: true });
    expect(
      usersOf(settled)
        .filter((u) => u.doc === 'mirrored')
        .every((u) => u.outcome === 'unchanged'),
    ).toBe(true);
  });

  it('keeps the email and phone a technician added to a BMS contact when the person changes and when they leave', async () => {
    await box.syncAll({ force: true });
    const t = CONTOSO.id;
    const link = (await box.store.listLinks(t)).find((l) => l.psaContactId !== null)!;
    const bmsId = link.psaContactId!;
    await addInBmsByHand(box.sims, bmsId, {
      email: { emailAddress: 'home.address@example.com', emailTypeId: 2 },
      phone: { phoneNumber: '+12065550999', phoneTypeId: 3 },
    });
    const byHand = box.sims.bms.entriesOf(bmsId);
    expect(byHand.emails).toHaveLength(2);
    expect(byHand.phones).toHaveLength(2);
    const contact = () => box.sims.bms.contactsOf(1).find((c) => c.id === bmsId)!;

    box.sims.graph.updateUser(t, link.userId, { jobTitle: 'Head of Keeping Things' });
    const [changed] = await box.syncAll();
    expect(changed!.users.find((u) => u.userId === link.userId)).toMatchObject({ psa: 'updated' });
    expect(contact().jobTitle).toBe('Head of Keeping Things');
    expect(box.sims.bms.entriesOf(bmsId)).toEqual(byHand);

    box.sims.graph.disableUser(t, link.userId);
    const [left] = await box.syncAll();
    expect(left!.users.find((u) => u.userId === link.userId)).toMatchObject({ psa: 'inactivated' });
    expect(contact().isActive).toBe(false);
    expect(box.sims.bms.entriesOf(bmsId)).toEqual(byHand);
  });

  it('makes the contact again when a person deletes a linked contact in IT Glue, and keeps its BMS contact', async () => {
    await box.syncAll({ force: true });
    const link = (await box.store.listLinks(CONTOSO.id)).find((l) => l.psaContactId !== null && l.rule === null)!;
    box.sims.itglue.deleteContact(link.docContactId);
    const bmsBefore = box.sims.bms.contactsOf(1).length;
    const [run] = await box.syncAll({ force: true });
    const result = run!.users.find((u) => u.userId === link.userId)!;
    expect(result).toMatchObject({ doc: 'created', psa: 'unchanged', psaContactId: link.psaContactId });
    expect(box.sims.bms.contactsOf(1)).toHaveLength(bmsBefore);
    expect((await box.store.getLink(CONTOSO.id, link.userId))?.docContactId).toBe(result.docContactId);
  });

  it('halts inactivations at the deletion guard, applies everything else, and applies them once approved', async () => {
    await box.syncAll({ force: true });
    const t = CONTOSO.id;
    const linked = (await box.store.listLinks(t)).filter((l) => l.psaContactId !== null);
    const leaving = linked.slice(0, 15);
    for (const link of leaving) box.sims.graph.deleteUser(t, link.userId);
    const stayer = CONTOSO.users.find((u) => u.id === linked[20]!.userId)!;
    box.sims.graph.updateUser(t, stayer.id, { jobTitle: 'Chief Everything Officer' });

    const [halted] = await box.syncAll();
    expect(halted!.status).toBe('needs approval');
    expect(halted!.users.filter((u) => u.outcome === 'pending-approval')).toHaveLength(15);
    // Gone from Microsoft 365, each is still named (from the linked contact) wherever a person approves.
    const waiting = (await box.store.resultsOfRun(halted!.runId!)).filter((u) => u.outcome === 'pending-approval');
    const contactOf = (userId: string) => {
      const id = leaving.find((l) => l.userId === userId)!.docContactId;
      return box.sims.itglue
        .dump()
        .organizations.flatMap((o) => o.contacts)
        .find((c) => String(c.id) === id)!;
    };
    for (const result of waiting) {
      const contact = contactOf(result.userId);
      expect(result.displayName).toBe(`${contact['first-name']} ${contact['last-name']}`);
      expect(result.userPrincipalName).toBe(contact['contact-emails'].find((e) => e.primary)!.value);
    }
    const first = waiting[0]!;
    expect(userLines(first, BOTH)[0]).toContain(`${first.displayName} <${first.userPrincipalName}>`);
    expect(String(resultsTable(waiting, box.webServices().targets))).toContain(first.displayName!);
    expect(halted!.users.find((u) => u.userId === stayer.id)).toMatchObject({ doc: 'updated' });
    const active = (ids: readonly number[]) =>
      box.sims.bms.contactsOf(1).filter((c) => ids.includes(c.id) && c.isActive).length;
    const leavingIds = leaving.map((l) => l.psaContactId!);
    expect(active(leavingIds)).toBe(15);
    expect((await box.store.getTenant(t))?.status).toBe('needs approval');

    await box.store.setApproval(t, true);
    const [approved] = await box.syncAll();
    expect(approved!.status).toBe('ok');
    const inactivated = (await box.store.resultsOfRun(approved!.runId!)).filter((u) => u.outcome === 'inactivated');
    expect(inactivated).toHaveLength(15);
    expect(inactivated.every((u) => u.displayName !== null && u.userPrincipalName !== '')).toBe(true);
    expect(active(leavingIds)).toBe(0);
    expect((await box.store.getTenant(t))?.approveInactivations).toBe(false);
  });

  it('ends in the same state whether a person resolves a dispute by creating or the run is repeated', async () => {
    await box.syncAll({ force: true });
    const before = visibleState();
    await box.syncAll({ force: true });
    expect(visibleState()).toEqual(before);
    const open = await box.store.listConflicts({ status: 'open' });
    const itglueDispute = open.find((c) => c.side === 'itglue')!;
    await box.store.resolveConflict(itglueDispute.id, 'create', null);
    const [run] = await box.syncAll({ force: true });
    expect(usersOf([run!]).find((u) => u.userId === itglueDispute.userId)).toMatchObject({ doc: 'created' });
  });
});
