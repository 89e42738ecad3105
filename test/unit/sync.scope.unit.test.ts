import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/domain/settings.ts';
import { createScopeFilter } from '../../src/sync/scope.ts';
import { graphUser } from '../support/builders.ts';

function codes(user: ReturnType<typeof graphUser>, scope = {}, groupMemberIds: ReadonlySet<string> | null = null) {
  const settings = resolveSettings({ scope }).scope;
  const verdict = createScopeFilter({ settings, groupMemberIds })(user);
  return verdict.inScope ? [] : verdict.reasons.map((r) => r.code);
}

describe('scope', () => {
  it('keeps an enabled, licensed member', () => {
    expect(codes(graphUser('1'))).toEqual([]);
  });
  it('excludes disabled accounts, guests and unlicensed users by default, each with a reason', () => {
    expect(codes(graphUser('1', { accountEnabled: false }))).toEqual(['disabled']);
    expect(
      codes(graphUser('1', { userType: 'Guest', userPrincipalName: 'ann_fabrikam.com#EXT#@contoso.onmicrosoft.com' })),
    ).toEqual(['guest']);
    expect(codes(graphUser('1', { assignedLicenseSkuIds: [] }))).toEqual(['unlicensed']);
  });
  it('gives every reason that applies, in words a technician reads', () => {
    const settings = resolveSettings({}).scope;
    const verdict = createScopeFilter({ settings, groupMemberIds: null })(
      graphUser('1', { accountEnabled: false, assignedLicenseSkuIds: [] }),
    );
    expect(verdict).toEqual({
      inScope: false,
      reasons: [
        expect.objectContaining({ code: 'disabled', message: expect.stringMatching(/disabled/) }),
        expect.objectContaining({ code: 'unlicensed' }),
      ],
    });
  });
  it('includes guests and unlicensed users when the settings say so', () => {
    expect(
      codes(graphUser('1', { userType: 'Guest', assignedLicenseSkuIds: [] }), {
        includeGuests: true,
        requireLicense: false,
      }),
    ).toEqual([]);
  });
  it('limits to group members', () => {
    expect(codes(graphUser('1'), { groupIds: ['g1'] }, new Set(['1']))).toEqual([]);
    expect(codes(graphUser('2'), { groupIds: ['g1'] }, new Set(['1']))).toEqual(['not-in-group']);
  });
  it('refuses to guess when groups are configured but their members were not read', () => {
    expect(() => codes(graphUser('1'), { groupIds: ['g1'] }, null)).toThrow(/members were not read/);
  });
  it('limits to UPN domains', () => {
    expect(codes(graphUser('1', { userPrincipalName: 'a@contoso.com' }), { upnDomains: ['Contoso.com'] })).toEqual([]);
    expect(codes(graphUser('1', { userPrincipalName: 'a@fabrikam.com' }), { upnDomains: ['contoso.com'] })).toEqual([
      'domain-not-included',
    ]);
  });
  it('excludes UPN patterns such as admin* and break-glass accounts', () => {
    const scope = { excludeUpnPatterns: ['admin*', 'breakglass?@*'] };
    expect(codes(graphUser('1', { userPrincipalName: 'Admin.Jane@contoso.com' }), scope)).toEqual(['excluded-pattern']);
    expect(codes(graphUser('1', { userPrincipalName: 'breakglass1@contoso.com' }), scope)).toEqual([
      'excluded-pattern',
    ]);
    expect(codes(graphUser('1', { userPrincipalName: 'jane.admin@contoso.com' }), scope)).toEqual([]);
  });
});
