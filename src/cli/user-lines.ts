import type { UserResult } from '../domain/user-result.ts';
import { personOf } from '../operations/held-inactivations.ts';
import { describeDiff } from '../sync/field-labels.ts';
import { systemColumn } from '../sync/result-columns.ts';
import { presentTargets, type Targets } from '../domain/target-profile.ts';

/**
 * One user of a plan or a run: the outcome, what happens in each target, each field change by name (unless `fields`
 * is false: a first plan changes every field of everyone), and why.
 */
export function userLines(user: UserResult, targets: Targets, fields = true): string[] {
  // A leaver is named in full: a person approving their inactivation must see who (an older result has no name).
  const person =
    user.outcome === 'pending-approval' || user.outcome === 'inactivated' ? personOf(user) : user.userPrincipalName;
  return [
    `  ${user.outcome.padEnd(16)} ${person}${user.rule === null ? '' : `  (rule: ${user.rule})`}  ${presentTargets(
      targets,
    )
      .map((t) => `${t.words.name}: ${systemColumn(user, t)}`)
      .join(', ')}`,
    ...(fields ? user.diffs.map((diff) => `      ${describeDiff(diff, targets)}`) : []),
    ...user.reasons.map((reason) => `      why: ${reason.message}`),
  ];
}
