import type { UserResult } from '../store/state-store.ts';
import { describeDiff } from '../sync/field-labels.ts';

/**
 * One user of a plan or a run: the outcome, what happens in each system, each field change by name (unless `fields`
 * is false: a first plan changes every field of everyone), and why.
 */
export function userLines(user: UserResult, fields = true): string[] {
  return [
    `  ${user.outcome.padEnd(16)} ${user.userPrincipalName}${user.rule === null ? '' : `  (rule: ${user.rule})`}  IT Glue: ${user.itglue}, BMS: ${user.bms}`,
    ...(fields ? user.diffs.map((diff) => `      ${describeDiff(diff)}`) : []),
    ...user.reasons.map((reason) => `      why: ${reason.message}`),
  ];
}
