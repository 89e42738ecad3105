import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { StateStore } from '../store/state-store.ts';

/** The longest user name kept from a sign-in attempt: logins are at most 64 characters (contactsync user add). */
export const SIGN_IN_NAME_LIMIT = 64;

export const SIGN_IN_WINDOW_MS = 15 * 60_000;

/** The name as it is counted and audited: trimmed and cut to the longest a login can be. */
export function signInName(raw: string): string {
  return raw.trim().slice(0, SIGN_IN_NAME_LIMIT);
}

/**
 * The client as it is counted: an IPv4 address (also when written inside IPv6), or the /64 network of an IPv6 address,
 * since one home or server gets a whole /64 and could try from a new address each time.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return mapped;
  if (!isIPv6(address)) return address;
  const bare = address.replace(/%.*$/, '');
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

function shortDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

export type SignInTurn =
  | { readonly allowed: true; settle(succeeded: boolean): Promise<void> }
  | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * How many sign-ins are tried, kept in the state database so that every process and a restart see the same counts.
 * In each window, failures are limited per client address and name (`attempts`), per client address whatever the
 * names (4 × `attempts`: a new name buys no new tries) and per name whatever the addresses (10 × `attempts`: a
 * guess spread over many addresses is slowed too, yet one stranger cannot lock a person out).
 * A browser showing a device cookie for the name (from an earlier successful sign-in) is counted on its own instead,
 * per browser and name: failures from elsewhere never lock its person out, and only a success for that same name
 * clears its count. Failures through device cookies are also counted per name (10 × `attempts`, apart from the
 * strangers' count so that they cannot lock the browser out), so that a leaked cookie buys no unlimited guesses.
 * IPv6 clients are counted per /64.
 * Each attempt is counted before the password is checked, so that attempts sent at once cannot overtake the limit;
 * a successful one is then taken back.
 */
export class SignInLimiter {
  constructor(
    private readonly store: StateStore,
    private readonly attempts: number,
    private readonly windowMs = SIGN_IN_WINDOW_MS,
  ) {}

  /** `device`: the id of the browser's device cookie when it was issued for `name`; null without one. */
  async begin(address: string, name: string, device: string | null = null): Promise<SignInTurn> {
    // Names as short digests: every key is small, whatever a stranger types.
    const folded = shortDigest(name.toLowerCase());
    if (device !== null)
      return this.take(
        [
          { key: `login:d:${device}:${shortDigest(name)}`, limit: this.attempts },
          { key: `login:nd:${folded}`, limit: this.attempts * 10 },
        ],
        [],
      );
    const client = clientKey(address);
    const perName = `login:n:${folded}`;
    const perClient = `login:c:${client}`;
    return this.take(
      [
        { key: `login:cn:${client}:${folded}`, limit: this.attempts },
        { key: perClient, limit: this.attempts * 4 },
        { key: perName, limit: this.attempts * 10 },
      ],
      [perClient],
    );
  }

  /**
   * Counts one attempt under every key; after a success, the keys are forgotten except `kept`, where the one attempt
   * is only taken back (a client's count of other names' failures stands).
   */
  private async take(keys: readonly { key: string; limit: number }[], kept: readonly string[]): Promise<SignInTurn> {
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
        await this.store.forgetAttempts(keys.map((k) => k.key).filter((key) => !kept.includes(key)));
        for (const key of kept) await this.store.uncountAttempt(key);
        // Counts whose window has closed are forgotten here, once per sign-in, as expired sessions are.
        await this.store.forgetClosedAttempts('login:');
      },
    };
  }
}
