import { randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { actor, withContext } from '../context.ts';

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(password, salt, 64, options, (error, key) => (error === null ? resolve(key) : reject(error))));
}

/** A password hash for the web UI's logins: scrypt with a random salt, its parameters kept with it. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.CONTACTSYNC_USER_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY !== true) throw new Error('Give the password in CONTACTSYNC_USER_PASSWORD, or run this on a terminal to be asked for it.');
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
      withContext(configOf(command), async ({ databaseLocation }) => void process.stdout.write(`Database up to date: ${databaseLocation}\n`), { requireSecrets: false }),
    );

  const user = cli.command('user').description('People who sign in to the web UI.');
  user
    .command('add <username>')
    .description('Add a login for the web UI; the password comes from a prompt or CONTACTSYNC_USER_PASSWORD.')
    .option('--role <role>', 'viewer (sees everything) or admin (changes things)', 'viewer')
    .action((username: string, options: { role: string }, command: Command) =>
      withContext(
        configOf(command),
        async ({ store }) => {
          if (options.role !== 'viewer' && options.role !== 'admin') throw new Error('--role is viewer or admin.');
          if (!/^[A-Za-z0-9._@-]{2,64}$/.test(username)) throw new Error('A user name is 2 to 64 letters, digits or . _ @ -.');
          const password = await readPassword();
          if (password.length < 12) throw new Error('The password must have at least 12 characters.');
          if (!(await store.addUser(username, await hashPassword(password), options.role))) throw new Error(`There is a user ${username} already.`);
          await store.audit(actor(), 'user.add', username, { role: options.role });
          process.stdout.write(`Added ${username} (${options.role}).\n`);
        },
        { requireSecrets: false },
      ),
    );
}
