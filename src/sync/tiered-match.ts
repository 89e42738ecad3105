import { sortShort } from './trimmed-list.ts';

/**
 * One-to-one matching decided tier by tier across a whole tenant. At each tier, among the users still unmatched and
 * the candidates still unclaimed: a user with exactly one candidate that no other user claims at that tier is
 * matched; a user with several candidates, or whose single candidate another user also claims, is disputed and not
 * tried at later tiers; a user with no candidate goes on to the next tier. The result does not depend on the order
 * of users or candidates.
 *
 * Candidates are positions in the caller's list of candidates, and results are aligned with the list of users, so
 * that the hot loops index arrays instead of hashing ids. A tenant of 100,000 users is matched with no allocation
 * per user beyond its result: a key holds one position as a plain number, and candidates are gathered in one buffer.
 * The loops over users index their arrays: a loop that runs long before it is optimized would otherwise make an
 * iterator result for every user.
 */

export type TieredMatch<Rule extends string> =
  | { readonly kind: 'matched'; readonly rule: Rule; readonly candidate: number }
  | { readonly kind: 'disputed'; readonly rule: Rule; readonly candidates: readonly number[] }
  | { readonly kind: 'unmatched' };

/** The keys a user is found by at one tier: none, one, or several. */
export type MatchKeys = string | readonly string[] | null;

/** Candidate positions by key. Most keys have one position, kept as a number; the rest share a list of lists. */
export class PositionIndex {
  /** a position (≥ 0), or -(1 + i) for the positions in `shared[i]` */
  private readonly byKey = new Map<string, number>();
  private readonly shared: number[][] = [];

  /** Adds `position` under `key`, once. */
  add(key: string, position: number): void {
    const found = this.byKey.get(key);
    if (found === undefined) this.byKey.set(key, position);
    else if (found >= 0) {
      if (found !== position) {
        this.byKey.set(key, -1 - this.shared.length);
        this.shared.push([found, position]);
      }
    } else {
      const positions = this.shared[-1 - found]!;
      if (!positions.includes(position)) positions.push(position);
    }
  }

  /** The positions under `key`: a number for one, a list for several, undefined for none. */
  get(key: string): number | readonly number[] | undefined {
    const found = this.byKey.get(key);
    return found === undefined || found >= 0 ? found : this.shared[-1 - found];
  }
}

export interface MatchTier<User, Rule extends string> {
  readonly rule: Rule;
  /** the keys a user is found by at this tier */
  readonly keysOf: (user: User) => MatchKeys;
  readonly index: PositionIndex;
}

export const UNMATCHED: { readonly kind: 'unmatched' } = Object.freeze({ kind: 'unmatched' as const });

const byNumber = (a: number, b: number): number => a - b;

function holds(buffer: readonly number[], count: number, position: number): boolean {
  for (let i = 0; i < count; i++) if (buffer[i] === position) return true;
  return false;
}

/** Adds the unclaimed positions under `key` to the `count` candidates in `buffer`, without duplicates; returns the new count. */
function gather(key: string, index: PositionIndex, claimed: Uint8Array, buffer: number[], count: number): number {
  const found = index.get(key);
  if (found === undefined) return count;
  if (typeof found === 'number') {
    if (claimed[found] === 1 || holds(buffer, count, found)) return count;
    buffer[count] = found;
    return count + 1;
  }
  let gathered = count;
  for (const position of found)
    if (claimed[position] !== 1 && !holds(buffer, gathered, position)) buffer[gathered++] = position;
  return gathered;
}

/** Gathers the unclaimed candidates of one user into `buffer` without duplicates; returns how many. */
function candidatesAt(keys: MatchKeys, index: PositionIndex, claimed: Uint8Array, buffer: number[]): number {
  if (keys === null) return 0;
  if (typeof keys === 'string') return gather(keys, index, claimed, buffer, 0);
  let count = 0;
  for (let k = 0; k < keys.length; k++) count = gather(keys[k]!, index, claimed, buffer, count);
  return count;
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
  const buffer: number[] = [];
  // Per user with candidates at this tier: its one candidate, or -1 and its list in `several`.
  const only = new Int32Array(open.length);
  const several = new Map<number, number[]>();
  let pending = open;
  for (let t = 0; t < tiers.length; t++) {
    const tier = tiers[t]!;
    const withCandidates: number[] = [];
    const next: number[] = [];
    for (let p = 0; p < pending.length; p++) {
      const u = pending[p]!;
      const count = candidatesAt(tier.keysOf(users[u]!), tier.index, claimedNow, buffer);
      if (count === 0) {
        next.push(u);
        continue;
      }
      const i = withCandidates.length;
      withCandidates.push(u);
      if (count === 1) only[i] = buffer[0]!;
      else {
        only[i] = -1;
        several.set(i, buffer.slice(0, count));
      }
      for (let k = 0; k < count; k++) claimCount[buffer[k]!]! += 1;
    }
    for (let i = 0; i < withCandidates.length; i++) {
      const u = withCandidates[i]!;
      const candidate = only[i]!;
      if (candidate >= 0 && claimCount[candidate] === 1) {
        results[u] = { kind: 'matched', rule: tier.rule, candidate };
        claimedNow[candidate] = 1;
      } else {
        const candidates = candidate >= 0 ? [candidate] : sortShort(several.get(i)!, byNumber);
        results[u] = { kind: 'disputed', rule: tier.rule, candidates };
      }
    }
    for (let i = 0; i < withCandidates.length; i++) {
      const candidate = only[i]!;
      if (candidate >= 0) claimCount[candidate] = 0;
      else for (const c of several.get(i)!) claimCount[c] = 0;
    }
    several.clear();
    pending = next;
  }
  for (let p = 0; p < pending.length; p++) results[pending[p]!] = UNMATCHED;
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
    for (let r = 0; r < remaining.length; r++) {
      const u = remaining[r]!;
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
