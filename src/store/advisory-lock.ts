import type pg from 'pg';

/** A number for an advisory lock's name, the same in every process (and every version that took it before). */
export function advisoryLockKey(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash | 0;
}

export interface AdvisoryLock {
  /** why the lock was lost while held (its connection dropped: PostgreSQL released it); null while it is held */
  lost(): Error | null;
  release(): Promise<void>;
}

/**
 * Takes the advisory lock `name` on a connection of its own, held until `release` (or until the process dies, which
 * closes the connection); null when another session holds it. A dropped connection loses the lock: `lost()` says so,
 * and `onLost` hears it at once.
 */
export async function tryAdvisoryLock(
  pool: pg.Pool,
  name: string,
  onLost?: (error: Error) => void,
): Promise<AdvisoryLock | null> {
  const client = await pool.connect();
  let lost: Error | null = null;
  const onError = (error: Error) => {
    if (lost !== null) return;
    lost = error;
    onLost?.(error);
  };
  client.on('error', onError);
  let locked: boolean;
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      advisoryLockKey(name),
    ]);
    locked = rows[0]?.locked === true;
  } catch (error) {
    client.off('error', onError);
    client.release(error as Error);
    throw error;
  }
  if (!locked) {
    client.off('error', onError);
    client.release();
    return null;
  }
  let released = false;
  return {
    lost: () => lost,
    async release() {
      if (released) return;
      released = true;
      if (lost === null) await client.query('SELECT pg_advisory_unlock($1)', [advisoryLockKey(name)]).catch(() => {});
      client.off('error', onError);
      // A connection that failed is dropped rather than given back to the pool.
      client.release(lost ?? undefined);
    },
  };
}
