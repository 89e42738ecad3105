import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { OperationError } from '../../operations/operation-error.ts';
import { addUser, checkNewUser, removeUser, setUserPassword, setUserRole } from '../../operations/user-accounts.ts';
import { newToken, tokenDigest } from '../../config/passwords.ts';
import { formatTable } from '../output.ts';
import { actor, withContext } from '../context.ts';
import { writeOut } from '../terminal-text.ts';

async function readPassword(): Promise<string> {
  const fromEnv = process.env.CONTACTSYNC_USER_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY !== true)
    throw new Error('Give the password in CONTACTSYNC_USER_PASSWORD, or run this on a terminal to be asked for it.');
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await prompt.question('Password (at least 12 characters): ');
  } finally {
    prompt.close();
  }
}

export function registerAdmin(cli: Command, configOf: (command: Command) => string): void {
  cli
    .command('migrate')
    .description('Bring the state database to the newest schema (every command does it too).')
    .action((_options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ databaseLocation }) => void writeOut(`Database up to date: ${databaseLocation}\n`),
        { requireSecrets: false },
      ),
    );

  const user = cli.command('user').description('People who sign in to the web UI: add, list, remove, passwd, role.');
  user
    .command('add <username>')
    .description('Add a login for the web UI; the password comes from a prompt or CONTACTSYNC_USER_PASSWORD.')
    .option('--role <role>', 'viewer (sees everything) or admin (changes things)', 'viewer')
    .action((username: string, options: { role: string }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          checkNewUser(username, options.role);
          writeOut(`${await addUser(store, username, await readPassword(), options.role, actor())}\n`);
        },
        { requireSecrets: false },
      ),
    );
  user
    .command('list')
    .description('The logins of the web UI, with their role and live sessions.')
    .option('--json', 'as JSON')
    .action((options: { json?: boolean }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const list = await store.listUsers();
          if (options.json === true) writeOut(`${JSON.stringify(list)}\n`);
          else if (list.length === 0) writeOut('No logins yet: add one with contactsync user add NAME --role admin.\n');
          else
            writeOut(
              `${formatTable(
                ['user', 'role', 'added', 'sessions'],
                list.map((u) => [u.username, u.role, u.createdAt, String(u.sessions)]),
                3,
              )}\n`,
            );
        },
        { requireSecrets: false },
      ),
    );
  user
    .command('remove <username>')
    .description('Remove a login and end its sessions (never the last admin).')
    .action((username: string, _options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => void writeOut(`${await removeUser(store, username, actor())}\n`),
        { requireSecrets: false },
      ),
    );
  user
    .command('passwd <username>')
    .description("Set a new password (from a prompt or CONTACTSYNC_USER_PASSWORD) and end the login's sessions.")
    .action((username: string, _options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          if ((await store.getUser(username)) === null)
            throw new OperationError('NotFound', `There is no user ${username} (contactsync user list shows them).`);
          writeOut(`${await setUserPassword(store, username, await readPassword(), actor())}\n`);
        },
        { requireSecrets: false },
      ),
    );
  user
    .command('role <username>')
    .description('Make a login a viewer or an admin, and end its sessions (the last admin stays one).')
    .requiredOption('--role <role>', 'viewer (sees everything) or admin (changes things)')
    .action((username: string, options: { role: string }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => void writeOut(`${await setUserRole(store, username, options.role, actor())}\n`),
        { requireSecrets: false },
      ),
    );

  const token = cli.command('token').description('Tokens for the REST API (Authorization: Bearer TOKEN).');
  token
    .command('add <name>')
    .description('Make an API token; it is printed once and stored only as a digest.')
    .option('--role <role>', 'viewer (reads) or admin (changes things)', 'viewer')
    .action((name: string, options: { role: string }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          if (options.role !== 'viewer' && options.role !== 'admin') throw new Error('--role is viewer or admin.');
          const secret = newToken('cs_');
          const id = randomUUID().slice(0, 8);
          await store.addApiToken({ id, name, tokenHash: tokenDigest(secret), role: options.role, createdBy: actor() });
          await store.audit(actor(), 'token.add', id, { name, role: options.role });
          writeOut(`Token ${id} (${name}, ${options.role}); keep it now, it is not shown again:\n${secret}\n`);
        },
        { requireSecrets: false },
      ),
    );
  token
    .command('list')
    .description('The API tokens (never their secrets).')
    .action((_options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          const list = await store.listApiTokens();
          writeOut(
            list.length === 0
              ? 'No API tokens.\n'
              : `${formatTable(
                  ['id', 'name', 'role', 'made by', 'made', 'last used'],
                  list.map((t) => [t.id, t.name, t.role, t.createdBy, t.createdAt, t.lastUsedAt ?? 'never']),
                )}\n`,
          );
        },
        { requireSecrets: false },
      ),
    );
  token
    .command('revoke <id>')
    .description('Revoke an API token at once.')
    .action((id: string, _options: unknown, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          if (!(await store.revokeApiToken(id))) throw new Error(`No API token ${id}: see contactsync token list.`);
          await store.audit(actor(), 'token.revoke', id);
          writeOut(`Revoked token ${id}.\n`);
        },
        { requireSecrets: false },
      ),
    );
}
