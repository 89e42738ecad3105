import type { Reason } from '../domain/reason.ts';

/** The reason codes of a leaver's inactivation that waits for approval, one per system it would write. */
export const WAITING_BMS = 'leaver-waiting-bms';
export const WAITING_ITGLUE = 'leaver-waiting-itglue';

/**
 * What a result's IT Glue or BMS column says. The stored value is the report's (`none`, `create`, ...) and stays so;
 * a row waiting for approval names what approving will do, where the report can only say that nothing happened yet.
 */
export function systemColumn(
  user: {
    readonly outcome: string;
    readonly doc: string;
    readonly psa: string;
    readonly reasons: readonly Reason[];
  },
  system: 'itglue' | 'bms',
): string {
  const code = system === 'itglue' ? WAITING_ITGLUE : WAITING_BMS;
  if (user.outcome === 'pending-approval' && user.reasons.some((r) => r.code === code))
    return system === 'itglue' ? 'leaver type on approval' : 'inactivate on approval';
  return system === 'itglue' ? user.doc : user.psa;
}
