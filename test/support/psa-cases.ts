import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/run-sandbox.ts';
import { resultOf, writesSince } from './autotask-cases.ts';
import { TENANT_A } from './simulators.ts';
import { textOf, type Browser } from './web.ts';

/**
 * The steps of the sandbox cases that read the same on every PSA: what differs is how the PSA holds a contact, which
 * each case gives as a function.
 */

/**
 * A second run writes nothing and leaves every system as it was, each user `unchanged` but those of `open` (user id,
 * outcome); then a quiet poll asks Microsoft 365 alone.
 */
export async function expectNothingWrittenAgain(box: Sandbox, open: readonly (readonly [string, string])[]) {
  const state = JSON.stringify(box.sims.dump());
  const before = box.sims.requests.length;
  const again = await box.syncAll({ force: true });
  expect(writesSince(box, before)).toEqual([]);
  expect(JSON.stringify(box.sims.dump())).toBe(state);
  const outcomes = new Map(again.flatMap((r) => r.users).map((u) => [u.userId, u.outcome]));
  expect([...outcomes.entries()].filter(([, outcome]) => outcome !== 'unchanged')).toEqual(open);
  const quiet = box.sims.requests.length;
  expect((await box.syncAll()).map((r) => r.status)).toEqual(['unchanged']);
  expect(box.sims.requests.slice(quiet).map((r) => r.server)).toEqual(['graph']);
}

/**
 * The one open conflict, of `userId` on the PSA `side`, settled by a person with "create": the next run creates the
 * contact, and the one after makes no second: `count` (of the namesakes) grows by one.
 */
export async function expectSettledByCreate(box: Sandbox, userId: string, side: string, count: () => number) {
  const [conflict] = await box.store.listConflicts({ status: 'open' });
  expect(conflict?.userId).toBe(userId);
  expect(conflict?.side).toBe(side);
  const namesakes = count();
  await box.store.resolveConflict(conflict!.id, 'create', null);
  expect(resultOf(await box.syncAll({ force: true }), userId)).toMatchObject({ psa: 'created' });
  await box.syncAll({ force: true });
  expect(count()).toBe(namesakes + 1);
}

/**
 * With `staff(10)` synced once: six leave and one changes; the run halts the inactivations at the deletion guard and
 * writes the change; approved, the next run applies them. `active` says whether the PSA holds a contact as active.
 */
export async function expectDeletionGuard(box: Sandbox, active: (contactId: number | null) => boolean) {
  const first = await box.syncAll({ force: true });
  const leaving = ['s0', 's1', 's2', 's3', 's4', 's5'];
  for (const id of leaving) box.sims.graph.deleteUser(TENANT_A, id);
  box.sims.graph.updateUser(TENANT_A, 's9', { jobTitle: 'Stayer' });
  const [halted] = await box.syncAll();
  expect(halted!.status).toBe('needs approval');
  expect(
    halted!.users
      .filter((u) => u.outcome === 'pending-approval')
      .map((u) => u.userId)
      .sort(),
  ).toEqual(leaving);
  expect(resultOf([halted!], 's9')).toMatchObject({ psa: 'updated' });
  const stillActive = () => leaving.filter((id) => active(resultOf(first, id).psaContactId)).length;
  expect(stillActive()).toBe(6);

  await box.store.setApproval(TENANT_A, true);
  const [approved] = await box.syncAll();
  expect(approved!.status).toBe('ok');
  expect(approved!.users.filter((u) => u.outcome === 'inactivated')).toHaveLength(6);
  expect(stillActive()).toBe(0);
}

/** On a person's page: Sync now shows each step, and Disable sync leaves the contact alone until enabled again. */
export async function expectSyncNowAndDisable(admin: Browser, contactPage: string, psaName: string) {
  await admin.get(contactPage);
  const synced = await admin.post(`${contactPage}/sync-now`);
  expect(synced.statusCode).toBe(200);
  expect(synced.body).toContain('data-step="apply"');
  expect(synced.body).not.toContain('data-step="error"');
  expect(textOf(synced.body)).toContain(`Disable sync with ${psaName}`);
  expect((await admin.post(`${contactPage}/disable`, { leg: 'all' })).statusCode).toBe(303);
  const disabled = textOf((await admin.get(contactPage)).body);
  expect(disabled).toContain('Enable sync');
  expect(disabled).not.toContain(`Disable sync with ${psaName}`);
  expect((await admin.post(`${contactPage}/enable`)).statusCode).toBe(303);
  expect(textOf((await admin.get(contactPage)).body)).toContain(`Disable sync with ${psaName}`);
}
