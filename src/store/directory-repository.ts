import type { Kysely } from 'kysely';
import type { DirectoryUser } from '../domain/directory-user.ts';
import type { DirectoryChanges } from '../domain/ports.ts';
import type { Database } from './schema.ts';
import { atomically, now, type StoreContext } from './store-context.ts';

async function insertUsers(tx: Kysely<Database>, tenantId: string, users: readonly DirectoryUser[]): Promise<void> {
  for (let i = 0; i < users.length; i += 200) {
    const slice = users.slice(i, i + 200);
    if (slice.length > 0)
      await tx
        .insertInto('directory_users')
        .values(slice.map((user) => ({ tenant_id: tenantId, user_id: user.id, json: JSON.stringify(user) })))
        .execute();
  }
}

/** Each tenant's snapshot of its Microsoft 365 users, and the delta link to read its changes from next. */
export function directoryRepository({ db }: StoreContext) {
  async function loadUsers(tenantId: string): Promise<DirectoryUser[]> {
    const rows = await db
      .selectFrom('directory_users')
      .select('json')
      .where('tenant_id', '=', tenantId)
      .orderBy('user_id')
      .execute();
    return rows.map((row) => JSON.parse(row.json) as DirectoryUser);
  }

  /** Forgets every delta link: the next run of each tenant reads the directory in full. */
  async function clearCheckpoints(): Promise<void> {
    await db.deleteFrom('checkpoints').execute();
  }

  async function deltaLink(tenantId: string): Promise<string | null> {
    return (
      (await db.selectFrom('checkpoints').select('delta_link').where('tenant_id', '=', tenantId).executeTakeFirst())
        ?.delta_link ?? null
    );
  }

  /** When the tenant's Microsoft 365 changes were last read (the delta link's time), or null. */
  async function lastReadAt(tenantId: string): Promise<string | null> {
    return (
      (await db.selectFrom('checkpoints').select('updated_at').where('tenant_id', '=', tenantId).executeTakeFirst())
        ?.updated_at ?? null
    );
  }

  /**
   * Stores what the directory reported and the link to read from next, together: the checkpoint is saved only with
   * the changes it covers, once the run that applied them is done.
   */
  async function saveDirectory(tenantId: string, changes: DirectoryChanges): Promise<void> {
    await atomically(db, async (tx) => {
      if (changes.kind === 'full') {
        await tx.deleteFrom('directory_users').where('tenant_id', '=', tenantId).execute();
        await insertUsers(tx, tenantId, changes.users);
      } else {
        const gone = [...changes.removed.map((r) => r.id), ...changes.changed.map((u) => u.id)];
        for (let i = 0; i < gone.length; i += 500) {
          await tx
            .deleteFrom('directory_users')
            .where('tenant_id', '=', tenantId)
            .where('user_id', 'in', gone.slice(i, i + 500))
            .execute();
        }
        await insertUsers(tx, tenantId, changes.changed);
      }
      await tx
        .insertInto('checkpoints')
        .values({ tenant_id: tenantId, delta_link: changes.deltaLink, updated_at: now() })
        .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ delta_link: changes.deltaLink, updated_at: now() }))
        .execute();
    });
  }

  /** One user of the snapshot, as Sync now read them. */
  async function saveUser(tenantId: string, user: DirectoryUser): Promise<void> {
    await db
      .insertInto('directory_users')
      .values({ tenant_id: tenantId, user_id: user.id, json: JSON.stringify(user) })
      .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ json: JSON.stringify(user) }))
      .execute();
  }

  /** One user of a tenant's snapshot, as Microsoft 365 held it at the last read. */
  async function directoryUser(tenantId: string, userId: string): Promise<DirectoryUser | null> {
    const row = await db
      .selectFrom('directory_users')
      .select('json')
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row === undefined ? null : (JSON.parse(row.json) as DirectoryUser);
  }

  /** The tenant and stored state of a user, found by id or sign-in name. */
  async function findUser(idOrUpn: string): Promise<{ tenantId: string; user: DirectoryUser } | null> {
    const byId = await db
      .selectFrom('directory_users')
      .select(['tenant_id', 'json'])
      .where('user_id', '=', idOrUpn)
      .executeTakeFirst();
    if (byId !== undefined) return { tenantId: byId.tenant_id, user: JSON.parse(byId.json) as DirectoryUser };
    const wanted = idOrUpn.toLowerCase();
    for (const row of await db.selectFrom('directory_users').select(['tenant_id', 'json']).execute()) {
      const user = JSON.parse(row.json) as DirectoryUser;
      if (user.userPrincipalName.toLowerCase() === wanted) return { tenantId: row.tenant_id, user };
    }
    return null;
  }

  return { loadUsers, clearCheckpoints, deltaLink, lastReadAt, saveDirectory, saveUser, directoryUser, findUser };
}
