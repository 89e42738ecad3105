import type { WebRole } from '../domain/web-user.ts';
import { now, type StoreContext } from './store-context.ts';

/** The REST API's tokens (kept as their SHA-256), and the secrets the installation makes for itself. */
export function apiTokenRepository({ db }: StoreContext) {
  async function addApiToken(token: {
    id: string;
    name: string;
    tokenHash: string;
    role: WebRole;
    createdBy: string;
  }): Promise<void> {
    await db
      .insertInto('api_tokens')
      .values({
        id: token.id,
        name: token.name,
        token_hash: token.tokenHash,
        role: token.role,
        created_by: token.createdBy,
        created_at: now(),
        last_used_at: null,
      })
      .execute();
  }

  async function apiTokenUser(tokenHash: string): Promise<{ name: string; role: WebRole } | null> {
    const row = await db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'role', 'last_used_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return null;
    // "Last used" to the minute: a busy client does not write a row per request.
    const at = now();
    if (row.last_used_at === null || row.last_used_at.slice(0, 16) !== at.slice(0, 16))
      await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
    return { name: row.name, role: row.role as WebRole };
  }

  async function listApiTokens(): Promise<
    { id: string; name: string; role: WebRole; createdBy: string; createdAt: string; lastUsedAt: string | null }[]
  > {
    const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      role: row.role as WebRole,
      createdBy: row.created_by,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  async function revokeApiToken(id: string): Promise<boolean> {
    const result = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** A random secret of this installation, made the first time it is asked for (every process gets the same one). */
  async function appSecret(name: string): Promise<string> {
    const fresh = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64');
    await db
      .insertInto('app_secrets')
      .values({ name, value: fresh })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow())
      .value;
  }

  return { addApiToken, apiTokenUser, listApiTokens, revokeApiToken, appSecret };
}
