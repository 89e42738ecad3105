import type { Reason } from '../domain/reason.ts';
import type { TargetProfile } from '../domain/target-profile.ts';

/** The reason code of a leaver's write that waits for approval, one per target it would write: `leaver-waiting-<id>`. */
export function waitingCode(target: Pick<TargetProfile, 'id'>): string {
  return `leaver-waiting-${target.id}`;
}

/**
 * What a result's column for one target says. The stored value is the report's (`none`, `create`, ...) and stays so;
 * a row waiting for approval names what approving will do, where the report can only say that nothing happened yet.
 */
export function systemColumn(
  user: {
    readonly outcome: string;
    readonly doc: string;
    readonly psa: string;
    readonly reasons: readonly Reason[];
  },
  target: Pick<TargetProfile, 'id' | 'role' | 'leaver'>,
): string {
  const code = waitingCode(target);
  if (user.outcome === 'pending-approval' && user.reasons.some((r) => r.code === code))
    return target.leaver === 'leaver-type'
      ? 'leaver type on approval'
      : target.leaver === 'archive'
        ? 'archive on approval'
        : 'inactivate on approval';
  return target.role === 'documentation' ? user.doc : user.psa;
}
