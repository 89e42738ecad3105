import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveConflict } from '../../src/operations/operator-actions.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { smallSeed, TENANT_A } from '../support/simulators.ts';
import { BOTH_TARGETS } from '../support/targets.ts';

/**
 * Two contacts contactsync created for one user (left by runs that overlapped before one writer per tenant, or by a
 * run that lost its lock) are a conflict for a person, not "unchanged"; and the journal refuses a second create while
 * another run's create of the same user is in flight or has just landed.
 */
describe('contacts created twice for one user', () => {
  let box: Sandbox;
  beforeEach(async () => {
    box = await startSandbox({
      seed: smallSeed(3),
      dbPath: join(mkdtempSync(join(tmpdir(), 'created-twice-')), 'state.db'),
      logger: pino({ level: 'silent' }),
    });
    await box.syncAll({ force: true });
  });
  afterEach(async () => {
    await box.close();
  });

  /** What an overlapping run left: a second contact for the user in each system, journalled as created by it. */
  async function createdAgainByAnotherRun(userId: string): Promise<{ itglue: string; bms: number }> {
    const link = (await box.store.getLink(TENANT_A, userId))!;
    const { id: _doc, ...docFields } = (await box.clients.doc!.readContact(link.docContactId))!;
    const [doc] = await box.clients.doc!.createContacts('1', [docFields]);
    const psa = await box.clients.psa!.createContact(1, link.psaPushed!);
    if (doc === undefined || !doc.ok || !psa.ok) throw new Error('the simulators refused the second contacts');
    const runId = await box.store.startRun(TENANT_A);
    for (const [system, target] of [
      ['itglue', doc.id],
      ['bms', String(psa.id)],
    ] as const) {
      const entry = await box.store.journalIntent({
        runId,
        tenantId: TENANT_A,
        userId,
        system,
        operation: 'create',
        payload: {},
        key: `${runId}/${userId}/${system}/create`,
      });
      await box.store.journalDone(entry, target, null);
    }
    await box.store.finishRun(runId, 'ok', {});
    return { itglue: doc.id, bms: psa.id };
  }

  it('a full sync reports the user disputed, with both IT Glue contacts in the conflicts queue', async () => {
    const first = (await box.store.getLink(TENANT_A, 'a00001'))!;
    const second = await createdAgainByAnotherRun('a00001');
    const [result] = await box.syncAll({ force: true });
    const user = result!.users.find((u) => u.userId === 'a00001')!;
    expect(user.outcome).toBe('disputed');
    expect(user.reasons.map((r) => r.code)).toEqual(['created-twice']);
    expect(user.reasons[0]!.message).toContain(first.docContactId);
    expect(user.reasons[0]!.message).toContain(second.itglue);
    const conflicts = await box.store.listConflicts({ tenantId: TENANT_A, status: 'open' });
    expect(conflicts.map((c) => ({ user: c.userId, side: c.side, candidates: [...c.candidates].sort() }))).toEqual([
      { user: 'a00001', side: 'itglue', candidates: [first.docContactId, second.itglue].sort() },
    ]);
    // The other users are as they were.
    expect(result!.users.filter((u) => u.userId !== 'a00001').map((u) => u.outcome)).toEqual([
      'unchanged',
      'unchanged',
    ]);

    // Once a person keeps one, the next sync does not dispute the same contacts again; BMS's pair is next.
    await resolveConflict(
      box.store,
      BOTH_TARGETS,
      conflicts[0]!.id,
      { kind: 'link', contactId: first.docContactId },
      'test',
    );
    const [next] = await box.syncAll({ force: true });
    const after = next!.users.find((u) => u.userId === 'a00001')!;
    expect(after.outcome).toBe('disputed');
    expect(after.psa).toBe('disputed');
    const open = await box.store.listConflicts({ tenantId: TENANT_A, status: 'open' });
    expect(open.map((c) => ({ side: c.side, candidates: [...c.candidates].sort() }))).toEqual([
      { side: 'bms', candidates: [String(first.psaContactId), String(second.bms)].sort() },
    ]);
    await resolveConflict(
      box.store,
      BOTH_TARGETS,
      open[0]!.id,
      { kind: 'link', contactId: String(first.psaContactId) },
      'test',
    );
    const [settled] = await box.syncAll({ force: true });
    expect(settled!.users.find((u) => u.userId === 'a00001')!.outcome).toBe('unchanged');
  });
});

describe.each(DATABASES)('the journal of creates on %s', (name) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await openTestDatabase(name);
    await database.store.upsertTenant(TENANT_A, 'Contoso Ltd');
  });
  afterEach(async () => {
    await database.dispose();
  });

  const create = (runId: string, userId = 'u1') =>
    database.store.journalIntent({
      runId,
      tenantId: TENANT_A,
      userId,
      system: 'itglue',
      operation: 'create',
      payload: {},
      key: `${runId}/${userId}/itglue/create`,
    });

  it("refuses a run's create of a user while another run's is in flight, or landed since it began", async () => {
    const { store } = database;
    const first = await store.startRun(TENANT_A);
    const overlapping = await store.startRun(TENANT_A);
    const entry = await create(first);
    await expect(create(overlapping)).rejects.toThrow(/is creating or has just created the IT Glue contact of user u1/);
    // Another user's create goes on.
    await expect(create(overlapping, 'u2')).resolves.toBeTypeOf('string');
    await store.journalDone(entry, '100', null);
    await expect(create(overlapping)).rejects.toThrow(/not created twice/);
    // A run that begins later sees the contact the first run made (it plans with it), and may create again.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = await store.startRun(TENANT_A);
    await expect(create(later)).resolves.toBeTypeOf('string');
    expect(await store.createdContacts(TENANT_A)).toEqual([{ userId: 'u1', system: 'itglue', targetId: '100' }]);
  });
});
