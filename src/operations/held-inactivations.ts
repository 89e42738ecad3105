import type { RunRecord } from '../domain/run-record.ts';
import type { UserResult } from '../domain/user-result.ts';
import type { StateStore } from '../store/state-store.ts';

/** The inactivations the deletion guard held back for a tenant: the run that halted, and who would be inactivated. */
export interface HeldInactivations {
  readonly run: RunRecord | null;
  readonly people: readonly UserResult[];
}

export async function heldInactivations(store: StateStore, tenantId: string): Promise<HeldInactivations> {
  const run = (await store.listRuns(tenantId, 20)).find((r) => r.status === 'needs approval');
  if (run === undefined) return { run: null, people: [] };
  const people = (await store.resultsOfRun(run.id)).filter((u) => u.outcome === 'pending-approval');
  return { run, people };
}

/** `Ann Lee <ann@contoso.com>`: a leaver named in full, as `runs show` names them (an older result has no name). */
export function personOf(user: Pick<UserResult, 'displayName' | 'userPrincipalName'>): string {
  return user.displayName === null ? user.userPrincipalName : `${user.displayName} <${user.userPrincipalName}>`;
}

/** `Ann Lee <ann@…>, Bo Li <bo@…>, Cy Ma <cy@…> and 10 more`: the first few by name, the rest counted. */
export function someOf(people: readonly UserResult[], shown = 3): string {
  const named = people.slice(0, shown).map(personOf).join(', ');
  return people.length > shown ? `${named} and ${people.length - shown} more` : named;
}
