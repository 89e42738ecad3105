import type { WebRole, WebUser } from '../domain/web-user.ts';
import { atomically, now, type StoreContext } from './store-context.ts';

/** The people who sign in to the web UI, and their sessions. */
export function loginRepository({ db }: StoreContext) {
  async function addUser(username: string, passwordHash: string, role: WebRole): Promise<boolean> {
    const result = await db
      .insertInto('users')
      .values({ username, password_hash: passwordHash, role, created_at: now() })
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async function getUser(username: string): Promise<WebUser | null> {
    const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
    return row === undefined
      ? null
      : { username: row.username, passwordHash: row.password_hash, role: row.role as WebRole };
  }

  /** Every login, with when it was made and how many live sessions it has. */
  async function listUsers(): Promise<{ username: string; role: WebRole; createdAt: string; sessions: number }[]> {
    const rows = await db
      .selectFrom('users')
      .leftJoin('sessions', (join) =>
        join.onRef('sessions.username', '=', 'users.username').on('sessions.expires_at', '>', now()),
      )
      .select([
        'users.username',
        'users.role',
        'users.created_at',
        (eb) => eb.fn.count<number>('sessions.token_hash').as('n'),
      ])
      .groupBy(['users.username', 'users.role', 'users.created_at'])
      .orderBy('users.username')
      .execute();
    return rows.map((row) => ({
      username: row.username,
      role: row.role as WebRole,
      createdAt: row.created_at,
      sessions: Number(row.n),
    }));
  }

  /**
   * Removes a login, or gives it a new role or password, and ends its sessions (it signs in again, as what it now
   * is). Refused when it would leave no admin: the admins are locked first (a write to their rows), so that two
   * changes at once cannot both take away the last one.
   */
  async function changeUser(
    username: string,
    change:
      | { readonly kind: 'remove' }
      | { readonly kind: 'role'; readonly role: WebRole }
      | { readonly kind: 'password'; readonly passwordHash: string },
  ): Promise<'done' | 'no-user' | 'last-admin'> {
    return atomically(db, async (tx) => {
      await tx
        .updateTable('users')
        .set((eb) => ({ role: eb.ref('role') }))
        .where('role', '=', 'admin')
        .execute();
      const user = await tx.selectFrom('users').select('role').where('username', '=', username).executeTakeFirst();
      if (user === undefined) return 'no-user';
      const losesAdmin =
        user.role === 'admin' && (change.kind === 'remove' || (change.kind === 'role' && change.role !== 'admin'));
      if (losesAdmin) {
        const others = await tx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('role', '=', 'admin')
          .where('username', '!=', username)
          .executeTakeFirstOrThrow();
        if (Number(others.n) === 0) return 'last-admin';
      }
      if (change.kind === 'remove') await tx.deleteFrom('users').where('username', '=', username).execute();
      else
        await tx
          .updateTable('users')
          .set(change.kind === 'role' ? { role: change.role } : { password_hash: change.passwordHash })
          .where('username', '=', username)
          .execute();
      await tx.deleteFrom('sessions').where('username', '=', username).execute();
      return 'done';
    });
  }

  async function countUsers(): Promise<number> {
    const row = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Opens a session; sessions that expired are forgotten here, once per sign-in rather than on every request. */
  async function createSession(tokenHash: string, username: string, expiresAt: Date): Promise<void> {
    await db.deleteFrom('sessions').where('expires_at', '<', now()).execute();
    await db
      .insertInto('sessions')
      .values({ token_hash: tokenHash, username, created_at: now(), expires_at: expiresAt.toISOString() })
      .execute();
  }

  /** The user of a live (unexpired) session. */
  async function sessionUser(tokenHash: string): Promise<{ username: string; role: WebRole } | null> {
    const row = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.username', 'sessions.username')
      .select(['users.username', 'users.role'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now())
      .executeTakeFirst();
    return row === undefined ? null : { username: row.username, role: row.role as WebRole };
  }

  async function deleteSession(tokenHash: string): Promise<void> {
    await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  }

  return { addUser, getUser, listUsers, changeUser, countUsers, createSession, sessionUser, deleteSession };
}
