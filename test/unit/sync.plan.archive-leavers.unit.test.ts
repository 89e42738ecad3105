import { describe, expect, it } from 'vitest';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { huduProfile } from '../../src/connectors/hudu/profile.ts';
import { actionWrites } from '../../src/domain/plan.ts';
import { planTenantSync } from '../../src/sync/plan.ts';
import { systemColumn } from '../../src/sync/result-columns.ts';
import { applyInMemory } from '../support/apply-in-memory.ts';
import { docContact, graphUser, link, planOne, tenantInput, type InputParts } from '../support/builders.ts';

/** Hudu with BMS: a documentation platform that archives its leavers and keeps a person's name in one field. */
const HUDU_AND_BMS = { doc: huduProfile, psa: bmsProfile };

function syncedTenant(count: number, parts: InputParts = {}) {
  const users = Array.from({ length: count }, (_, i) =>
    graphUser(`u${String(i).padStart(3, '0')}`, { givenName: `Person${i}`, surname: 'Test' }),
  );
  const input = tenantInput({ ...parts, users, targets: HUDU_AND_BMS });
  return { state: applyInMemory(input, planTenantSync(input)), users };
}

describe('leavers of a documentation platform that archives them', () => {
  it('archives the contact of a leaver, and does nothing the second time', () => {
    const { state, users } = syncedTenant(20);
    const next = tenantInput({ users: users.slice(1), targets: HUDU_AND_BMS });
    const plan = planTenantSync({ ...state, users: next.users });
    const leaver = plan.actions.find((a) => a.userId === 'u000')!;
    expect(leaver.outcome).toBe('inactivated');
    expect(leaver.doc).toEqual({
      kind: 'inactivate',
      contactId: expect.any(String),
      patch: { archived: true },
      diffs: [{ field: 'archived', old: 'false', new: 'true' }],
    });
    const after = applyInMemory({ ...state, users: next.users }, plan);
    expect(planTenantSync(after).actions.filter(actionWrites)).toEqual([]);
  });

  it('says that approving archives, when the deletion guard holds the leavers', () => {
    const { state, users } = syncedTenant(20);
    const plan = planTenantSync({
      ...state,
      users: tenantInput({ users: users.slice(6), targets: HUDU_AND_BMS }).users,
    });
    expect(plan.status).toBe('needs approval');
    const waiting = plan.actions.find((a) => a.userId === 'u000')!;
    expect(waiting.reasons.find((r) => r.code === 'leaver-waiting-hudu')?.message).toMatch(
      /^The user left scope: approving archives the Hudu contact .*; nothing is written until an admin approves\.$/,
    );
    expect(
      systemColumn({ outcome: waiting.outcome, doc: 'none', psa: 'none', reasons: waiting.reasons }, huduProfile),
    ).toBe('archive on approval');
  });
});

describe('a name kept in one field', () => {
  const user = graphUser('u1', { givenName: 'Mary Ann', surname: 'Smith' });
  const contact = docContact('500', {
    // Hudu splits "Mary Ann Smith" at its last word on read; a split it cannot keep is no change.
    firstName: 'Mary',
    lastName: 'Ann Smith',
    title: 'Engineer',
    locationId: '10',
    emails: [{ value: 'maryann.smith@contoso.com', primary: true, label: 'Work' }],
    phones: [{ value: '4155550100', extension: null, primary: true, label: 'Work' }],
  });
  const parts = { users: [user], contacts: [contact], links: [link('u1', '500')], psaContacts: null };

  it('is no change when the whole name is the same', () => {
    const action = planOne({ ...parts, targets: { doc: huduProfile, psa: null } });
    expect(action.doc).toMatchObject({ kind: 'unchanged' });
  });

  it('is written whole when it changes, first and last together', () => {
    const renamed = { ...parts, users: [{ ...user, surname: 'Jones' }] };
    const action = planOne({ ...renamed, targets: { doc: huduProfile, psa: null } });
    expect(action.doc).toMatchObject({
      kind: 'update',
      patch: { firstName: 'Mary Ann', lastName: 'Jones' },
      diffs: [{ field: 'name', old: 'Mary Ann Smith', new: 'Mary Ann Jones' }],
    });
  });
});
