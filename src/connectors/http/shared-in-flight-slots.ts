import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { InFlightSlots } from './in-flight-slots.ts';

/**
 * Takes the lowest free slot under a key: one with no row, or one whose holder's lease ran out. Two takers of one
 * slot meet at its primary key: the second finds the first's lease alive and gets no row (it tries again).
 */
const TAKE = `
  INSERT INTO in_flight_slots AS s (key, slot, holder, expires_at)
  SELECT $1, n, $3, clock_timestamp() + make_interval(secs => $4::double precision / 1000)
    FROM generate_series(0, $2::integer - 1) AS n
   WHERE NOT EXISTS (
     SELECT 1 FROM in_flight_slots h WHERE h.key = $1 AND h.slot = n AND h.expires_at > clock_timestamp())
   ORDER BY n
   LIMIT 1
  ON CONFLICT (key, slot) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
   WHERE s.expires_at <= clock_timestamp()
  RETURNING slot`;

/**
 * Slots shared by every worker, kept in PostgreSQL (migration 0016): a slot is a row leased to one request, given
 * back when it is answered, and lost after `maxHoldMs` by a holder that died. Waiters ask again every few
 * milliseconds, with jitter.
 */
export class SharedInFlightSlots implements InFlightSlots {
  constructor(
    private readonly pool: pg.Pool,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async hold(key: string, cap: number, maxHoldMs: number): Promise<() => Promise<void>> {
    const holder = randomUUID();
    for (;;) {
      const { rows } = await this.pool.query<{ slot: number }>(TAKE, [key, cap, holder, maxHoldMs]);
      const slot = rows[0]?.slot;
      if (slot !== undefined) {
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          // A lease that ran out and was taken over is another holder's now: only this holder's row goes.
          await this.pool
            .query('DELETE FROM in_flight_slots WHERE key = $1 AND slot = $2 AND holder = $3', [key, slot, holder])
            .catch(() => {});
        };
      }
      await this.sleep(10 + Math.floor(Math.random() * 20));
    }
  }
}
