import { atomically, now, type StoreContext } from './store-context.ts';

/** Settings by scope (`global` or a tenant id), versioned: every save is a new version. */
export function settingsRepository({ db }: StoreContext) {
  async function latestSettings(scope: string): Promise<{ version: number; json: unknown } | null> {
    const row = await db
      .selectFrom('settings')
      .selectAll()
      .where('scope', '=', scope)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? null : { version: Number(row.version), json: JSON.parse(row.json) };
  }

  function insertSettings(scope: string, json: unknown): Promise<number> {
    return atomically(db, async (tx) => {
      const latest = await tx
        .selectFrom('settings')
        .select('version')
        .where('scope', '=', scope)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      const version = (latest === undefined ? 0 : Number(latest.version)) + 1;
      await tx
        .insertInto('settings')
        .values({ scope, version, json: JSON.stringify(json), created_at: now() })
        .execute();
      if (scope === 'global') await tx.updateTable('tenants').set({ dirty: 1 }).execute();
      else await tx.updateTable('tenants').set({ dirty: 1 }).where('id', '=', scope).execute();
      return version;
    });
  }

  async function saveSettings(scope: string, json: unknown): Promise<number> {
    // Within a larger transaction a failed statement fails the transaction: no second attempt can succeed in it.
    if (db.isTransaction) return insertSettings(scope, json);
    // Processes starting together may save the same settings at once: the loser of the race finds them saved.
    for (let attempt = 1; ; attempt++) {
      try {
        return await insertSettings(scope, json);
      } catch (error) {
        const latest = await latestSettings(scope);
        if (latest !== null && JSON.stringify(latest.json) === JSON.stringify(json)) return latest.version;
        if (attempt >= 3) throw error;
      }
    }
  }

  return { latestSettings, saveSettings };
}
