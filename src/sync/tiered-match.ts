/**
 * One-to-one matching decided tier by tier across a whole tenant. At each tier, among the users still unmatched and
 * the candidates still unclaimed: a user with exactly one candidate that no other user claims at that tier is
 * matched; a user with several candidates, or whose single candidate another user also claims, is disputed and not
 * tried at later tiers; a user with no candidate goes on to the next tier. The result does not depend on the order
 * of users or candidates.
 */

export type TieredMatch<Rule extends string, Id extends string | number> =
  | { readonly kind: 'matched'; readonly rule: Rule; readonly candidateId: Id }
  | { readonly kind: 'disputed'; readonly rule: Rule; readonly candidateIds: readonly Id[] }
  | { readonly kind: 'unmatched' };

export interface MatchTier<Rule extends string, Id extends string | number> {
  readonly rule: Rule;
  /** the keys a user is found by at this tier */
  readonly keysOf: (userId: string) => readonly string[];
  /** candidates by key */
  readonly index: ReadonlyMap<string, readonly Id[]>;
}

function compareIds<Id extends string | number>(a: Id, b: Id): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const UNMATCHED = Object.freeze({ kind: 'unmatched' as const });

/** The candidates of one user at one tier, without duplicates; most users have none or one, so no set is built. */
function candidatesAt<Id extends string | number>(keys: readonly string[], index: ReadonlyMap<string, readonly Id[]>, claimed: ReadonlySet<Id>): Id[] | null {
  let found: Id[] | null = null;
  for (const key of keys) {
    const ids = index.get(key);
    if (ids === undefined) continue;
    for (const id of ids) {
      if (claimed.has(id)) continue;
      if (found === null) found = [id];
      else if (!found.includes(id)) found.push(id);
    }
  }
  return found;
}

function matchOnePass<Rule extends string, Id extends string | number>(
  userIds: readonly string[],
  tiers: readonly MatchTier<Rule, Id>[],
  claimed: ReadonlySet<Id>,
  results: Map<string, TieredMatch<Rule, Id>>,
): void {
  const claimedNow = new Set(claimed);
  let pending = userIds;
  for (const tier of tiers) {
    const withCandidates: { userId: string; candidates: Id[] }[] = [];
    const claimCount = new Map<Id, number>();
    const next: string[] = [];
    for (const userId of pending) {
      const candidates = candidatesAt(tier.keysOf(userId), tier.index, claimedNow);
      if (candidates === null) {
        next.push(userId);
        continue;
      }
      withCandidates.push({ userId, candidates });
      for (const id of candidates) claimCount.set(id, (claimCount.get(id) ?? 0) + 1);
    }
    for (const { userId, candidates } of withCandidates) {
      const only = candidates[0]!;
      if (candidates.length === 1 && claimCount.get(only) === 1) {
        results.set(userId, { kind: 'matched', rule: tier.rule, candidateId: only });
        claimedNow.add(only);
      } else {
        results.set(userId, { kind: 'disputed', rule: tier.rule, candidateIds: candidates.sort(compareIds) });
      }
    }
    pending = next;
  }
  for (const userId of pending) results.set(userId, UNMATCHED);
}

/**
 * Runs the tiers, then runs them again for the users left disputed or unmatched with every match so far taken as
 * claimed, until nothing new matches. A later tier can claim a contact that made an earlier tier's dispute; the next
 * sync would see that match as a link and settle the dispute then, so settling it now is the same decision made one
 * run sooner, and a second run against the result changes nothing. `claimed` gains every matched candidate.
 */
export function matchTiered<Rule extends string, Id extends string | number>(
  userIds: readonly string[],
  tiers: readonly MatchTier<Rule, Id>[],
  claimed: Set<Id>,
): Map<string, TieredMatch<Rule, Id>> {
  const settled = new Map<string, TieredMatch<Rule, Id>>();
  let open = userIds;
  for (;;) {
    matchOnePass(open, tiers, claimed, settled);
    const stillOpen: string[] = [];
    for (const userId of open) {
      const result = settled.get(userId)!;
      if (result.kind === 'matched') claimed.add(result.candidateId);
      else stillOpen.push(userId);
    }
    // Only a dispute whose candidate was since claimed can change; otherwise another pass would decide the same.
    const disputeLostCandidate = stillOpen.some((userId) => {
      const result = settled.get(userId)!;
      return result.kind === 'disputed' && result.candidateIds.some((id) => claimed.has(id));
    });
    if (!disputeLostCandidate) return settled;
    open = stillOpen;
  }
}

/** Adds `id` under `key` in a multimap index, once. */
export function addToIndex<Id>(index: Map<string, Id[]>, key: string, id: Id): void {
  const ids = index.get(key);
  if (ids === undefined) index.set(key, [id]);
  else if (!ids.includes(id)) ids.push(id);
}
