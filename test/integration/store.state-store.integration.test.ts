import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../../src/store/migrations.ts';
import type { UserResult } from '../../src/domain/user-result.ts';
import { StateStore } from '../../src/store/state-store.ts';
import { DATABASES, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { graphUser, link } from '../support/builders.ts';

const result = (userId: string): UserResult => ({
  userId,
  userPrincipalName: `${userId}@b.c`,
  displayName: null,
  outcome: 'synced',
  rule: 'alias',
  doc: 'updated',
  psa: 'unchanged',
  docContactId: 'c1',
  psaContactId: null,
  reasons: [],
  diffs: [],
});

const psaDispute = (userId: string) => ({
  userId,
  userPrincipalName: `${userId}@b.c`,
  side: 'bms' as const,
  rule: 'name',
  candidates: ['500', '501'],
});

for (const database of DATABASES) {
  describe(`state store on ${database}`, () => {
    let test: TestDatabase;
    let store: StateStore;
    beforeEach(async () => {
      test = await openTestDatabase(database);
      store = test.store;
    });
    afterEach(async () => {
      await test.dispose();
    });

    it('migrates twice without harm (two processes starting at once)', async () => {
      await Promise.all([migrateToLatest(test.db as Kysely<unknown>), migrateToLatest(test.db as Kysely<unknown>)]);
      expect(await store.listTenants()).toEqual([]);
    });

    it('keeps tenants and their mapping', async () => {
      await store.upsertTenant('t1', 'Contoso Ltd');
      await store.upsertTenant('t1', 'Contoso Limited');
      await store.setMapping('t1', '1', 7, 'auto', { doc: 'Contoso Ltd', psa: 'Contoso Limited', note: null });
      expect(await store.listTenants()).toEqual([
        {
          id: 't1',
          displayName: 'Contoso Limited',
          docCustomerId: '1',
          psaCustomerId: 7,
          docCustomerName: 'Contoso Ltd',
          psaCustomerName: 'Contoso Limited',
          mappingNote: null,
          mapping: 'auto',
          status: 'unmapped',
          approveInactivations: false,
          dirty: true,
        },
      ]);
    });

    it("keeps each target's customer and contact as rows of its own: another target is more rows", async () => {
      const halo = { id: 'halo', words: { name: 'Halo' } };
      const psaOnly = new StateStore(test.db, { doc: null, psa: halo });
      await store.upsertTenant('t1', 'Contoso');
      await store.setMapping('t1', '1', 7, 'manual', { doc: 'Contoso Ltd', psa: 'Contoso', note: null });
      await psaOnly.setMapping('t1', null, 42, 'manual', { doc: null, psa: 'Contoso (Halo)', note: null });
      await store.saveLink('t1', link('u1', 'c1', { psaContactId: 500, psaOrigin: 'hand' }));
      await psaOnly.saveLink('t1', link('u1', '', { psaContactId: 9 }));

      expect(await psaOnly.getTenant('t1')).toMatchObject({
        docCustomerId: null,
        psaCustomerId: 42,
        psaCustomerName: 'Contoso (Halo)',
      });
      expect(await store.getTenant('t1')).toMatchObject({
        docCustomerId: '1',
        psaCustomerId: 7,
        docCustomerName: 'Contoso Ltd',
        psaCustomerName: 'Contoso',
      });
      expect(await psaOnly.getLink('t1', 'u1')).toMatchObject({ psaContactId: 9 });
      expect((await store.getLink('t1', 'u1'))?.psaContactId).toBe(500);
      expect((await store.getLink('t1', 'u1'))?.psaOrigin).toBe('hand');
      expect(await store.linkedTo('t1', 'halo', '9')).toBe('u1');
      expect(await store.linkedTo('t1', 'bms', '9')).toBeNull();
      expect(await store.deleteLink('t1', 'u1')).toBe(true);
      expect(await psaOnly.getLink('t1', 'u1')).toBeNull();
    });

    it('names a mapping made by ids alone, unless it was mapped elsewhere meanwhile', async () => {
      await store.upsertTenant('t1', 'Contoso');
      await store.setMapping('t1', '1', 7, 'manual');
      await store.setMappingNames('t1', { doc: '1', psa: 8 }, { doc: 'Old', psa: 'Old', note: 'stale' });
      expect(await store.getTenant('t1')).toMatchObject({
        docCustomerName: null,
        psaCustomerName: null,
        mappingNote: null,
      });
      await store.setMappingNames('t1', { doc: '1', psa: 7 }, { doc: 'Contoso Ltd', psa: 'Contoso', note: null });
      expect(await store.getTenant('t1')).toMatchObject({ docCustomerName: 'Contoso Ltd', psaCustomerName: 'Contoso' });
      await store.setMapping('t1', '1', null, 'manual');
      await store.setMappingNames(
        't1',
        { doc: '1', psa: null },
        { doc: 'Contoso', psa: null, note: 'documentation only' },
      );
      expect(await store.getTenant('t1')).toMatchObject({
        docCustomerName: 'Contoso',
        mappingNote: 'documentation only',
      });
    });

    it('versions settings', async () => {
      await store.upsertTenant('t1', 'Contoso');
      expect(await store.saveSettings('global', { pollSeconds: 30 })).toBe(1);
      expect(await store.saveSettings('global', { pollSeconds: 45 })).toBe(2);
      expect(await store.latestSettings('global')).toEqual({ version: 2, json: { pollSeconds: 45 } });
      expect(await store.latestSettings('t1')).toBeNull();
    });

    it('stores the directory snapshot with its checkpoint, full and then delta', async () => {
      const users = [graphUser('u1'), graphUser('u2'), graphUser('u3')];
      await store.saveDirectory('t1', { kind: 'full', reason: 'first read', users, deltaLink: 'link-1' });
      expect((await store.loadUsers('t1')).map((u) => u.id)).toEqual(['u1', 'u2', 'u3']);
      await store.saveDirectory('t1', {
        kind: 'delta',
        changed: [{ ...users[0]!, jobTitle: 'CFO' }, graphUser('u4')],
        removed: [{ id: 'u2', permanent: false }],
        deltaLink: 'link-2',
      });
      expect((await store.loadUsers('t1')).map((u) => [u.id, u.jobTitle])).toEqual([
        ['u1', 'CFO'],
        ['u3', 'Engineer'],
        ['u4', 'Engineer'],
      ]);
      expect(await store.deltaLink('t1')).toBe('link-2');
    });

    it('keeps links with what contactsync owns and the sync-disabled flag', async () => {
      const saved = link('u1', 'c1', {
        psaContactId: 500,
        psaOrigin: 'hand',
        ownedEmails: ['a@b.c'],
        ownedPhones: [{ key: '+12065550100', label: 'Work', placeholder: false }],
        psaPushed: {
          firstName: 'A',
          lastName: null,
          jobTitle: null,
          emailAddress: 'a@b.c',
          emailTypeId: 1,
          phoneNumber: '+12065550100',
          phoneTypeId: 1,
          mobilePhone: null,
          locationId: 11,
          isActive: true,
        },
      });
      await store.saveLink('t1', saved);
      expect(await store.listLinks('t1')).toEqual([saved]);
      expect(await store.setSyncDisabled('t1', 'u1', 'psa')).toBe(true);
      expect((await store.getLink('t1', 'u1'))?.syncDisabled).toBe('psa');
      expect(await store.setSyncDisabled('t1', 'nobody', 'psa')).toBe(false);
    });

    it('journals intents once per key, and lists the unfinished ones', async () => {
      const entry = {
        runId: 'r1',
        tenantId: 't1',
        userId: 'u1',
        system: 'itglue' as const,
        operation: 'create',
        payload: { email: 'a@b.c' },
        key: 'r1/u1/itglue/create',
      };
      const id = await store.journalIntent(entry);
      expect(await store.journalIntent(entry)).toBe(id);
      const other = await store.journalIntent({ ...entry, userId: 'u2', key: 'r1/u2/itglue/create' });
      expect((await store.unfinishedJournal('t1')).map((e) => e.userId)).toEqual(['u1', 'u2']);
      await store.journalDone(id, 'c1', { tenantId: 't1', link: link('u1', 'c1') });
      await store.journalFailed(other, 'refused');
      expect(await store.unfinishedJournal('t1')).toEqual([]);
      expect((await store.getLink('t1', 'u1'))?.docContactId).toBe('c1');
    });

    it('journals a batch of intents at once, and records their writes done with their links, each its own', async () => {
      const run = await store.startRun('t1');
      const entries = ['u1', 'u2', 'u3'].map((userId) => ({
        runId: run,
        tenantId: 't1',
        userId,
        system: 'itglue' as const,
        operation: 'create',
        payload: { email: `${userId}@b.c` },
        key: `${run}/${userId}/itglue/create`,
      }));
      // u2's intent was journalled by an earlier attempt of this run: it keeps its entry.
      const earlier = await store.journalIntent(entries[1]!);
      const ids = await store.journalIntents(entries);
      expect(ids).toHaveLength(3);
      expect(ids[1]).toBe(earlier);
      expect(new Set(ids).size).toBe(3);
      expect((await store.unfinishedJournal('t1')).map((e) => e.userId).sort()).toEqual(['u1', 'u2', 'u3']);
      // Another run of the tenant may not journal a create of these users while theirs are in flight: none of its
      // batch is journalled, and the error names the user.
      const second = await store.startRun('t1');
      await expect(
        store.journalIntents(
          ['u9', 'u3'].map((userId) => ({
            ...entries[0]!,
            runId: second,
            userId,
            key: `${second}/${userId}/itglue/create`,
          })),
        ),
      ).rejects.toThrow(/contact of user u3/);
      expect((await store.unfinishedJournal('t1')).map((e) => e.userId).sort()).toEqual(['u1', 'u2', 'u3']);
      await store.journalSettled(
        ids.map((id, i) => ({
          id,
          targetId: `c-u${i + 1}`,
          link: { tenantId: 't1', link: link(`u${i + 1}`, `c-u${i + 1}`) },
        })),
      );
      expect(await store.unfinishedJournal('t1')).toEqual([]);
      expect((await store.getLink('t1', 'u1'))?.docContactId).toBe('c-u1');
      expect((await store.getLink('t1', 'u3'))?.docContactId).toBe('c-u3');
      expect((await store.createdContacts('t1')).map((c) => `${c.userId}=${c.targetId}`).sort()).toEqual([
        'u1=c-u1',
        'u2=c-u2',
        'u3=c-u3',
      ]);
      expect(await store.unfinishedJournal('t1')).toEqual([]);
    });

    it('records runs and per-user results', async () => {
      const run = await store.startRun('t1');
      await store.saveResults(run, 't1', [
        {
          userId: 'u1',
          userPrincipalName: 'a@b.c',
          displayName: 'Ann Lee',
          outcome: 'synced',
          rule: 'alias',
          doc: 'updated',
          psa: 'created',
          docContactId: 'c1',
          psaContactId: 500,
          reasons: [{ code: 'x', message: 'y' }],
          diffs: [{ field: 'title', old: null, new: 'CFO' }],
        },
      ]);
      await store.finishRun(run, 'ok', { synced: 1 });
      expect(await store.listRuns('t1')).toEqual([
        expect.objectContaining({ id: run, status: 'ok', counts: { synced: 1 }, finishedAt: expect.any(String) }),
      ]);
      expect(await store.resultsOfRun(run)).toEqual([
        expect.objectContaining({
          userId: 'u1',
          psaContactId: 500,
          diffs: [{ field: 'title', old: null, new: 'CFO' }],
        }),
      ]);
    });

    it("closes a run left open by a process that died as interrupted, when the tenant's next run starts", async () => {
      const cut = await store.startRun('t1');
      const other = await store.startRun('t2');
      const next = await store.startRun('t1');
      expect(await store.getRun(cut)).toMatchObject({
        status: 'interrupted',
        finishedAt: expect.any(String),
        error: expect.stringMatching(/the next run finished its work/),
      });
      expect(await store.getRun(other)).toMatchObject({ status: 'running', finishedAt: null });
      expect(await store.getRun(next)).toMatchObject({ status: 'running', finishedAt: null });
    });

    it('saves settings that two processes save at the same moment, without an error for either', async () => {
      const versions = await Promise.all([
        store.saveSettings('global', { pollSeconds: 30 }),
        store.saveSettings('global', { pollSeconds: 30 }),
      ]);
      expect(versions.every((v) => Number.isInteger(v) && v >= 1)).toBe(true);
      expect((await store.latestSettings('global'))?.json).toEqual({ pollSeconds: 30 });
    });

    it("gives each tenant's latest run and its latest run that did more than find nothing changed", async () => {
      const work = await store.startRun('t1');
      await store.finishRun(work, 'ok', { created: 2 });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const quiet = await store.startRun('t1');
      await store.finishRun(quiet, 'unchanged', {});
      const only = await store.startRun('t2');
      await store.finishRun(only, 'unchanged', {});
      const latest = await store.latestRuns();
      expect(latest.get('t1')).toEqual({
        last: expect.objectContaining({ id: quiet, status: 'unchanged' }),
        lastWork: expect.objectContaining({ id: work, counts: { created: 2 } }),
      });
      expect(latest.get('t2')).toEqual({ last: expect.objectContaining({ id: only }), lastWork: null });
      expect(latest.has('t3')).toBe(false);
    });

    it('signs in only with a live session, and forgets expired ones', async () => {
      await store.addUser('ann', 'hash', 'admin');
      await store.createSession('old', 'ann', new Date(Date.now() - 1000));
      expect(await store.sessionUser('old')).toBeNull();
      await store.createSession('new', 'ann', new Date(Date.now() + 60_000));
      expect(await store.sessionUser('new')).toEqual({ username: 'ann', role: 'admin' });
      expect(await store.db.selectFrom('sessions').select('token_hash').execute()).toEqual([{ token_hash: 'new' }]);
    });

    it('adds counters from every process into one figure', async () => {
      await store.addCounters([{ name: 'contactsync_api_429_total', labels: '{api="bms"}', value: 2 }]);
      await store.addCounters([
        { name: 'contactsync_api_429_total', labels: '{api="bms"}', value: 3 },
        { name: 'contactsync_api_429_total', labels: '{api="itglue"}', value: 1 },
      ]);
      expect(await store.counters()).toEqual([
        { name: 'contactsync_api_429_total', labels: '{api="bms"}', value: 5 },
        { name: 'contactsync_api_429_total', labels: '{api="itglue"}', value: 1 },
      ]);
    });

    it("keeps a run's outcome, written through several repositories in one transaction, all together", async () => {
      await store.upsertTenant('t1', 'Contoso');
      const run = await store.startRun('t1');
      const outcome = async (tx: StateStore) => {
        await tx.saveLinks('t1', [link('u1', 'c1'), link('u2', 'c2')]);
        await tx.saveResults(run, 't1', [result('u1')]);
        await tx.syncConflicts('t1', [psaDispute('u2')]);
        await tx.markDirty('t1', false);
        await tx.finishRun(run, 'ok', { synced: 1 });
      };
      await expect(
        store.transaction(async (tx) => {
          await outcome(tx);
          throw new Error('the process is stopping');
        }),
      ).rejects.toThrow('the process is stopping');
      expect(await store.listLinks('t1')).toEqual([]);
      expect(await store.resultsOfRun(run)).toEqual([]);
      expect(await store.listConflicts()).toEqual([]);
      expect((await store.getTenant('t1'))?.dirty).toBe(true);
      expect((await store.getRun(run))?.status).toBe('running');

      expect(await store.transaction(async (tx) => (await outcome(tx), 'recorded'))).toBe('recorded');
      expect((await store.listLinks('t1')).map((l) => l.userId)).toEqual(['u1', 'u2']);
      expect((await store.resultsOfRun(run)).map((r) => r.userId)).toEqual(['u1']);
      expect((await store.listConflicts()).map((c) => c.userId)).toEqual(['u2']);
      expect((await store.getTenant('t1'))?.dirty).toBe(false);
      expect((await store.getRun(run))?.status).toBe('ok');
    });

    it('opens, keeps and closes conflicts, and turns resolutions into decisions', async () => {
      await store.upsertTenant('t1', 'Contoso');
      const dispute = {
        userId: 'u1',
        userPrincipalName: 'a@b.c',
        side: 'itglue' as const,
        rule: 'name',
        candidates: ['c1', 'c2'],
      };
      await store.syncConflicts('t1', [dispute, { ...dispute, userId: 'u2' }]);
      const labels = { c1: 'Ann Lee <ann@b.c> (c1)', c2: 'Ann Lee (c2)' };
      await store.syncConflicts('t1', [
        { ...dispute, candidateLabels: labels },
        { ...dispute, userId: 'u2' },
      ]);
      expect(await store.listConflicts({ status: 'open' })).toHaveLength(2);
      // Both name the same person and side: listed in no set order between them, so each is found by its user.
      const labelsOf = new Map(
        (await store.listConflicts({ status: 'open' })).map((c) => [c.userId, c.candidateLabels]),
      );
      expect(labelsOf.get('u1')).toEqual(labels);
      expect(labelsOf.get('u2')).toBeUndefined();
      await store.syncConflicts('t1', [dispute]);
      const open = await store.listConflicts({ status: 'open' });
      expect(open.map((c) => c.userId)).toEqual(['u1']);
      const resolved = await store.resolveConflict(open[0]!.id, 'create', null);
      expect(resolved?.resolution).toBe('create');
      expect(await store.resolveConflict(open[0]!.id, 'ignore', null)).toBeNull();
      expect(await store.decisions('t1')).toEqual([{ userId: 'u1', side: 'itglue', choice: 'create' }]);
    });

    it('lists the conflicts one run found by user, then side, the same every time', async () => {
      await store.upsertTenant('t1', 'Contoso');
      const dispute = (userId: string, userPrincipalName: string, side: 'itglue' | 'bms') => ({
        userId,
        userPrincipalName,
        side,
        rule: 'name',
        candidates: ['c1', 'c2'],
      });
      await store.syncConflicts('t1', [
        dispute('u3', 'zoe@contoso.com', 'itglue'),
        dispute('u1', 'bea@contoso.com', 'bms'),
        dispute('u2', 'amy@contoso.com', 'itglue'),
        dispute('u1', 'bea@contoso.com', 'itglue'),
      ]);
      const listed = (await store.listConflicts({ tenantId: 't1' })).map((c) => `${c.userPrincipalName}/${c.side}`);
      expect(listed).toEqual([
        'amy@contoso.com/itglue',
        'bea@contoso.com/bms',
        'bea@contoso.com/itglue',
        'zoe@contoso.com/itglue',
      ]);
    });

    it('keeps an audit log, newest first', async () => {
      await store.audit('admin', 'tenant.map', 't1', { itglue: '1' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.audit('admin', 'conflict.resolve', 'c1');
      expect((await store.listAudit()).map((a) => a.action)).toEqual(['conflict.resolve', 'tenant.map']);
    });
  });
}
