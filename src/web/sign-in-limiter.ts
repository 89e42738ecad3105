import { createHash } from 'node:crypto';
import type { StateStore } from '../store/state-store.ts';

/** The longest user name kept from a sign-in attempt: logins are at most 64 characters (contactsync user add). */
export const SIGN_IN_NAME_LIMIT = 64;

export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/** The name as it is counted and audited: trimmed and cut to the longest a login can be. */
export function signInName(raw: string): string {
  return raw.trim().slice(0, SIGN_IN_NAME_LIMIT);
}

export type SignInTurn =
  | { readonly allowed: true; settle(succeeded: boolean): Promise<void> }
  | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * How many sign-ins are tried, kept in the state database so that every process and a restart see the same counts.
 * In each window, failures are limited per client address and name (`attempts`), per client address whatever the
 * names (4 × `attempts`: a new name buys no new tries) and per name whatever the addresses (10 × `attempts`: a
 * guess spread over many addresses is slowed too, yet one stranger cannot lock a person out).
 * Each attempt is counted before the password is checked, so that attempts sent at once cannot overtake the limit;
 * a successful one is then taken back.
 */
export class SignInLimiter {
  constructor(
    private readonly store: StateStore,
    private readonly attempts: number,
    private readonly windowMs = SIGN_IN_WINDOW_MS,
  ) {}

  async begin(client: string, name: string): Promise<SignInTurn> {
    // The name as a short digest: every key is small, whatever a stranger types.
    const folded = createHash('sha256').update(name.toLowerCase()).digest('base64url').slice(0, 16);
    const keys = [
      { key: `login:cn:${client}:${folded}`, limit: this.attempts },
      { key: `login:c:${client}`, limit: this.attempts * 4 },
      { key: `login:n:${folded}`, limit: this.attempts * 10 },
    ];
    const now = Date.now();
    const counts = [];
    for (const { key, limit } of keys)
      counts.push({ key, limit, ...(await this.store.countAttempt(key, this.windowMs, now)) });
    const over = counts.filter((c) => c.count > c.limit);
    if (over.length > 0) return { allowed: false, retryAfterMs: Math.max(...over.map((c) => c.resetAt - now)) };
    return {
      allowed: true,
      settle: async (succeeded) => {
        if (!succeeded) return;
        await this.store.forgetAttempts([keys[0]!.key, keys[2]!.key]);
        await this.store.uncountAttempt(keys[1]!.key);
        // Counts whose window has closed are forgotten here, once per sign-in, as expired sessions are.
        await this.store.forgetClosedAttempts('login:');
      },
    };
  }
}
