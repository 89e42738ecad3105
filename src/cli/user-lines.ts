import type { UserResult } from '../store/state-store.ts';
import { describeDiff } from '../sync/field-labels.ts';

/** One user of a plan or a run: the outcome, what happens in each system, each field change by name, and why. */
export function userLines(user: UserResult): string[] {
  // A result of an older version has no name.
  const name = user.displayName ?? null;
  const person = name === null ? user.userPrincipalName : `${name} <${user.userPrincipalName}>`;
  return [
    `  ${user.outcome.padEnd(16)} ${person}${user.rule === null ? '' : `  (rule: ${user.rule})`}  IT Glue: ${user.itglue}, BMS: ${user.bms}`,
    ...user.diffs.map((diff) => `      ${describeDiff(diff)}`),
    ...user.reasons.map((reason) => `      why: ${reason.message}`),
  ];
}
