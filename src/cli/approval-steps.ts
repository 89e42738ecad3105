import { shortId } from '../operations/attention.ts';

/** The next steps of a deletion-guard halt: the command that lists who would be inactivated, and the one that approves. */
export function approvalSteps(tenantName: string, runId: string | null): string {
  const who = runId === null ? 'contactsync attention --kind guard-halt' : `contactsync runs show ${shortId(runId)}`;
  return `see who: ${who}; approve: contactsync approve "${tenantName}"`;
}
