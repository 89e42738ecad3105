import { describe, expect, it } from 'vitest';
import { actionWrites } from '../../src/domain/plan.ts';
import type { DirectoryUser } from '../../src/domain/directory-user.ts';
import { planTenantSync, type TenantSyncInput } from '../../src/sync/plan.ts';
import { applyInMemory } from '../support/apply-in-memory.ts';
import { graphUser, tenantInput, type InputParts } from '../support/builders.ts';

/** A tenant of `count` users, all synced and linked to BMS. */
function syncedTenant(count: number, parts: InputParts = {}): { state: TenantSyncInput; users: DirectoryUser[] } {
  const users = Array.from({ length: count }, (_, i) =>
    graphUser(`u${String(i).padStart(3, '0')}`, { givenName: `Person${i}`, surname: 'Test' }),
  );
  const input = tenantInput({ ...parts, users });
  return { state: applyInMemory(input, planTenantSync(input)), users };
}

function replan(state: TenantSyncInput, users: DirectoryUser[], parts: InputParts = {}) {
  const next = tenantInput({ ...parts, users });
  return planTenantSync({
    ...state,
    settings: next.settings,
    users: next.users,
    approveInactivations: next.approveInactivations,
  });
}

describe('leavers', () => {
  it('inactivates the BMS contact of a disabled user and never deletes anything', () => {
    const { state, users } = syncedTenant(20);
    const plan = replan(
      state,
      users.map((u, i) => (i === 0 ? { ...u, accountEnabled: false } : u)),
    );
    const leaver = plan.actions.find((a) => a.userId === 'u000')!;
    expect(leaver.outcome).toBe('inactivated');
    expect(leaver.psa).toMatchObject({ kind: 'inactivate', diffs: [{ field: 'isActive', old: 'true', new: 'false' }] });
    expect(leaver.reasons.map((r) => r.code)).toEqual(['disabled', 'leaver']);
    expect(plan.status).toBe('ok');
  });

  it('treats a deleted, an unlicensed and an out-of-scope user alike', () => {
    const { state, users } = syncedTenant(40);
    const next = users
      .filter((u) => u.id !== 'u000')
      .map((u) =>
        u.id === 'u001'
          ? { ...u, assignedLicenseSkuIds: [] }
          : u.id === 'u002'
            ? { ...u, userPrincipalName: 'admin@contoso.com' }
            : u,
      );
    const plan = replan(state, next, { settings: { scope: { excludeUpnPatterns: ['admin*'] } } });
    const outcomes = Object.fromEntries(
      plan.actions.filter((a) => a.outcome === 'inactivated').map((a) => [a.userId, a.reasons[0]?.code]),
    );
    expect(outcomes).toEqual({ u000: 'deleted', u001: 'unlicensed', u002: 'excluded-pattern' });
  });

  it('sets the leaver contact type on the IT Glue contact when configured', () => {
    const { state, users } = syncedTenant(20, { settings: { psa: { leaverContactType: 'Former Employee' } } });
    const plan = replan(state, users.slice(1), { settings: { psa: { leaverContactType: 'Former Employee' } } });
    const leaver = plan.actions.find((a) => a.userId === 'u000')!;
    expect(leaver.doc).toMatchObject({ kind: 'inactivate', patch: { contactTypeId: '2' } });
  });

  it('does nothing the second time: an inactive contact stays unchanged', () => {
    const { state, users } = syncedTenant(20);
    const first = replan(state, users.slice(1));
    const after = applyInMemory({ ...state, users: tenantInput({ users: users.slice(1) }).users }, first);
    const second = planTenantSync(after);
    expect(second.actions.filter(actionWrites)).toEqual([]);
  });

  it('leaves leavers alone when psa.leavers is "ignore"', () => {
    const { state, users } = syncedTenant(20);
    const plan = planTenantSync({
      ...state,
      settings: { ...state.settings, psa: { ...state.settings.psa, leavers: 'ignore' } },
      users: tenantInput({ users: users.slice(1) }).users,
    });
    const leaver = plan.actions.find((a) => a.userId === 'u000')!;
    expect(leaver.outcome).toBe('excluded');
    expect(actionWrites(leaver)).toBe(false);
  });
});

describe('deletion guard', () => {
  it('holds every inactivation when they are at least minCount and over maxFraction, and applies the rest', () => {
    const { state, users } = syncedTenant(20);
    const next = users.slice(5).map((u) => (u.id === 'u010' ? { ...u, jobTitle: 'Director' } : u));
    const plan = replan(state, next);
    expect(plan.status).toBe('needs approval');
    expect(plan.guard).toEqual({ inactivations: 5, linkedContacts: 20, tripped: true });
    const held = plan.actions.filter((a) => a.outcome === 'pending-approval');
    expect(held.map((a) => a.userId)).toEqual(['u000', 'u001', 'u002', 'u003', 'u004']);
    expect(held.every((a) => !actionWrites(a))).toBe(true);
    expect(held[0]!.reasons.at(-1)?.code).toBe('deletion-guard');
    // Nothing has happened yet: the reason says what approving will do, not that the contact is inactivated.
    const said = held[0]!.reasons.map((r) => r.message).join(' ');
    expect(said).not.toContain('the contact is inactivated');
    expect(said).toMatch(
      /approving inactivates the BMS contact Person0 Test .*nothing is written until an admin approves/,
    );
    expect(plan.actions.find((a) => a.userId === 'u010')?.outcome).toBe('synced');
  });

  it('lets fewer than minCount through', () => {
    const { state, users } = syncedTenant(20);
    const plan = replan(state, users.slice(4));
    expect(plan.status).toBe('ok');
    expect(plan.actions.filter((a) => a.outcome === 'inactivated')).toHaveLength(4);
  });

  it('lets a small fraction of a large tenant through', () => {
    const { state, users } = syncedTenant(60);
    const plan = replan(state, users.slice(6));
    expect(plan.guard).toMatchObject({ inactivations: 6, linkedContacts: 60, tripped: false });
  });

  it('weighs each target on its own: a few contacts of a PSA that holds few of the tenant are many', () => {
    // 60 users in the documentation platform, of whom only 10 (those with a phone) reached the PSA.
    const users = Array.from({ length: 60 }, (_, i) =>
      graphUser(`u${String(i).padStart(3, '0')}`, {
        givenName: `Person${i}`,
        surname: 'Test',
        ...(i < 10 ? {} : { businessPhones: [] }),
      }),
    );
    const input = tenantInput({ users });
    const state = applyInMemory(input, planTenantSync(input));
    expect(state.links.filter((l) => l.psaContactId !== null)).toHaveLength(10);
    // Six of those ten leave: 10% of the tenant's 60 links, but 60% of the PSA's contacts.
    const plan = replan(state, users.slice(6));
    expect(plan.guard).toEqual({ inactivations: 6, linkedContacts: 10, tripped: true });
    const held = plan.actions.filter((a) => a.outcome === 'pending-approval');
    expect(held).toHaveLength(6);
    expect(held[0]!.reasons.at(-1)?.message).toMatch(/^6 of 10 linked BMS contacts would be inactivated at once/);
  });

  it('applies the held inactivations once approved', () => {
    const { state, users } = syncedTenant(20);
    const plan = replan(state, users.slice(5), { approveInactivations: true });
    expect(plan.status).toBe('ok');
    expect(plan.actions.filter((a) => a.outcome === 'inactivated')).toHaveLength(5);
  });
});
