import { describe, expect, it } from 'vitest';
import { alertTitle } from '../../src/alerts/alert-kinds.ts';
import { userLines } from '../../src/cli/user-lines.ts';
import { bmsProfile } from '../../src/connectors/bms/profile.ts';
import { itglueProfile } from '../../src/connectors/itglue/profile.ts';
import { actionBy } from '../../src/operations/action-by.ts';
import type { UserResult } from '../../src/domain/user-result.ts';

const BOTH = { doc: itglueProfile, psa: bmsProfile };

const waiting: UserResult = {
  userId: 'u1',
  userPrincipalName: 'ann@contoso.com',
  displayName: 'Ann Lee',
  outcome: 'pending-approval',
  rule: 'link',
  doc: 'none',
  psa: 'none',
  docContactId: null,
  psaContactId: 500,
  reasons: [
    { code: 'deleted', message: 'The user is gone from Microsoft 365.' },
    {
      code: 'leaver-waiting-bms',
      message:
        'The user left scope: approving inactivates the BMS contact Ann Lee <ann@contoso.com> (500); nothing is written until an admin approves.',
    },
  ],
  diffs: [],
};

describe('texts a technician reads', () => {
  it('a row waiting for approval says what approving does in BMS, and leaves IT Glue as it is', () => {
    const [head] = userLines(waiting, BOTH);
    expect(head).toContain('IT Glue: none, BMS: inactivate on approval');
    expect(userLines({ ...waiting, outcome: 'inactivated', psa: 'inactivate' }, BOTH)[0]).toContain('BMS: inactivate');
  });

  it("an operator's action reads as one sentence, the person before the channel", () => {
    expect(actionBy('Sync enabled.', 'web:tech')).toBe('Sync enabled by tech (web).');
    expect(actionBy('Sync disabled (BMS is left alone).', 'cli:ops')).toBe(
      'Sync disabled (BMS is left alone) by ops (command line).',
    );
  });

  it('an alert title names the customers, the first three and how many more', () => {
    const targets = { doc: itglueProfile, psa: bmsProfile };
    expect(
      alertTitle(targets, 'conflict', 21, ['Contoso Ltd', 'Fabrikam', 'Contoso Ltd', 'Northwind', 'Litware', 'Adatum']),
    ).toBe('21 new conflicts to decide at Contoso Ltd, Fabrikam, Northwind and 2 more');
    expect(alertTitle(targets, 'held', 1, ['Contoso Ltd'])).toBe('1 contact held from BMS at Contoso Ltd');
    // Without a PSA, a contact is held from the documentation platform, named as its users read it.
    expect(alertTitle({ doc: itglueProfile, psa: null }, 'held', 2)).toBe('2 contacts held from IT Glue');
  });
});
