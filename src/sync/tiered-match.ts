/**
 * One-to-one matching decided tier by tier across a whole tenant. At each tier, among the users still unmatched and
 * the candidates still unclaimed: a user with exactly one candidate that no other user claims at that tier is
 * matched; a user with several candidates, or whose single candidate another user also claims, is disputed and not
 * tried at later tiers; a user with no candidate goes on to the next tier. The result does not depend on the order
 * of users or candidates.
 *
 * Candidates are positions in the caller's list of candidates, and results are aligned with the list of users, so
 * that the hot loops index arrays instead of hashing ids.
 */

export type TieredMatch<Rule extends string> =
  | { readonly kind: 'matched'; readonly rule: Rule; readonly candidate: number }
  | { readonly kind: 'disputed'; readonly rule: Rule; readonly candidates: readonly number[] }
  | { readonly kind: 'unmatched' };

export interface MatchTier<User, Rule extends string> {
  readonly rule: Rule;
  /** the keys a user is found by at this tier */
  readonly keysOf: (user: User) => readonly string[];
  /** candidate positions by key */
  readonly index: ReadonlyMap<string, readonly number[]>;
}

export const UNMATCHED: { readonly kind: 'unmatched' } = Object.freeze({ kind: 'unmatched' as const });

/** The candidates of one user at one tier, without duplicates; most users have none or one, so no set is built. */
function candidatesAt(keys: readonly string[], index: ReadonlyMap<string, readonly number[]>, claimed: Uint8Array): number[] | null {
  let found: number[] | null = null;
  for (const key of keys) {
    const positions = index.get(key);
    if (positions === undefined) continue;
    for (const position of positions) {
      if (claimed[position] === 1) continue;
      if (found === null) found = [position];
      else if (!found.includes(position)) found.push(position);
    }
  }
  return found;
}

function matchOnePass<User, Rule extends string>(
  users: readonly User[],
  open: readonly number[],
  tiers: readonly MatchTier<User, Rule>[],
  claimed: Uint8Array,
  results: TieredMatch<Rule>[],
): void {
  const claimedNow = claimed.slice();
  const claimCount = new Uint32Array(claimed.length);
  let pending = open;
  for (const tier of tiers) {
    const withCandidates: number[] = [];
    const candidatesOf: number[][] = [];
    const next: number[] = [];
    for (const u of pending) {
      const candidates = candidatesAt(tier.keysOf(users[u]!), tier.index, claimedNow);
      if (candidates === null) {
        next.push(u);
        continue;
      }
      withCandidates.push(u);
      candidatesOf.push(candidates);
      for (const c of candidates) claimCount[c]! += 1;
    }
    for (let i = 0; i < withCandidates.length; i++) {
      const u = withCandidates[i]!;
      const candidates = candidatesOf[i]!;
      const only = candidates[0]!;
      if (candidates.length === 1 && claimCount[only] === 1) {
        results[u] = { kind: 'matched', rule: tier.rule, candidate: only };
        claimedNow[only] = 1;
      } else {
        results[u] = { kind: 'disputed', rule: tier.rule, candidates: candidates.sort((a, b) => a - b) };
      }
    }
    for (const candidates of candidatesOf) for (const c of candidates) claimCount[c] = 0;
    pending = next;
  }
  for (const u of pending) results[u] = UNMATCHED;
}

/**
 * Runs the tiers for the users at `open` positions, then again for those left disputed or unmatched with every match
 * so far taken as claimed, until nothing new matches. A later tier can claim a candidate that made an earlier tier's
 * dispute; the next sync would see that match as a link and settle the dispute then, so settling it now is the same
 * decision made one run sooner, and a second run against the result changes nothing.
 * `claimed` (one byte per candidate) gains every matched candidate; `results` gets an entry for every open user.
 */
export function matchTiered<User, Rule extends string>(
  users: readonly User[],
  open: readonly number[],
  tiers: readonly MatchTier<User, Rule>[],
  claimed: Uint8Array,
  results: TieredMatch<Rule>[],
): void {
  let remaining = open;
  for (;;) {
    matchOnePass(users, remaining, tiers, claimed, results);
    const stillOpen: number[] = [];
    for (const u of remaining) {
      const result = results[u]!;
      if (result.kind === 'matched') claimed[result.candidate] = 1;
      else stillOpen.push(u);
    }
    // Only a dispute whose candidate was since claimed can change; otherwise another pass would decide the same.
    const disputeLostCandidate = stillOpen.some((u) => {
      const result = results[u]!;
      return result.kind === 'disputed' && result.candidates.some((c) => claimed[c] === 1);
    });
    if (!disputeLostCandidate) return;
    remaining = stillOpen;
  }
}

/** Adds `position` under `key` in a multimap index, once. */
export function addToIndex(index: Map<string, number[]>, key: string, position: number): void {
  const positions = index.get(key);
  if (positions === undefined) index.set(key, [position]);
  else if (!positions.includes(position)) positions.push(position);
}
