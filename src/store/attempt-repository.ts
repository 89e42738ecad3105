import type { StoreContext } from './store-context.ts';

/** Attempts counted in windows (the sign-in limit), in the table of the shared request budgets. */
export function attemptRepository({ db }: StoreContext) {
  /**
   * Counts one attempt under `key` in a window of `windowMs` that opens with the key's first attempt; returns the count
   * so far and when the window closes (epoch ms). One statement, so that attempts at the same moment are all counted.
   */
  async function countAttempt(
    key: string,
    windowMs: number,
    at = Date.now(),
  ): Promise<{ count: number; resetAt: number }> {
    const row = await db
      .insertInto('rate_limits')
      .values({ key, points: 1, expire: at + windowMs })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => {
          const closed = eb('rate_limits.expire', '<=', at);
          return {
            points: eb
              .case()
              .when(closed)
              .then(1)
              .else(eb('rate_limits.points', '+', 1))
              .end(),
            expire: eb
              .case()
              .when(closed)
              .then(at + windowMs)
              .else(eb.ref('rate_limits.expire'))
              .end(),
          };
        }),
      )
      .returning(['points', 'expire'])
      .executeTakeFirstOrThrow();
    return { count: Number(row.points), resetAt: Number(row.expire) };
  }

  /** Takes back one attempt counted under `key` (one that turned out to be allowed). */
  async function uncountAttempt(key: string): Promise<void> {
    await db
      .updateTable('rate_limits')
      .set((eb) => ({ points: eb('points', '-', 1) }))
      .where('key', '=', key)
      .where('points', '>', 0)
      .execute();
  }

  async function forgetAttempts(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await db.deleteFrom('rate_limits').where('key', 'in', keys).execute();
  }

  /** Forgets the counts under `prefix` whose window has closed. */
  async function forgetClosedAttempts(prefix: string, at = Date.now()): Promise<void> {
    await db.deleteFrom('rate_limits').where('key', 'like', `${prefix}%`).where('expire', '<=', at).execute();
  }

  return { countAttempt, uncountAttempt, forgetAttempts, forgetClosedAttempts };
}
