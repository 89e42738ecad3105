import type { WebRole } from '../domain/web-user.ts';
import type { StateStore } from '../store/state-store.ts';
import { isMicrosoftLogin } from '../domain/microsoft-logins.ts';
import { hashPassword } from '../config/passwords.ts';
import { OperationError } from './operation-error.ts';

/** The people who sign in to the web UI, managed alike from the CLI and the Users page; every change audited. */

export const MIN_PASSWORD_LENGTH = 12;

function roleOf(role: string): WebRole {
  if (role !== 'viewer' && role !== 'admin')
    throw new OperationError(
      'Validation',
      `A role is viewer (sees everything) or admin (changes things), not "${role}".`,
      [{ key: 'role', message: 'viewer or admin' }],
    );
  return role;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new OperationError('Validation', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`, [
      { key: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
}

function refused(username: string, outcome: 'no-user' | 'last-admin', doing: string): never {
  if (outcome === 'no-user')
    throw new OperationError('NotFound', `There is no user ${username} (contactsync user list shows them).`);
  throw new OperationError(
    'Conflict',
    `${username} is the last admin: ${doing} would leave no one able to change anything. Make another user admin first.`,
  );
}

/** The name and role of a new login, checked before anyone is asked for its password. */
export function checkNewUser(username: string, role: string): WebRole {
  const checkedRole = roleOf(role);
  if (!/^[A-Za-z0-9._@-]{2,64}$/.test(username))
    throw new OperationError('Validation', 'A user name is 2 to 64 letters, digits or . _ @ -.', [
      { key: 'username', message: '2 to 64 letters, digits or . _ @ -' },
    ]);
  return checkedRole;
}

export async function addUser(
  store: StateStore,
  username: string,
  password: string,
  role: string,
  actor: string,
): Promise<string> {
  const checkedRole = checkNewUser(username, role);
  checkPassword(password);
  // Logins are matched exactly, yet people read `Ann` and `ann` as one: two such logins would be mistaken for each other.
  const twin = (await store.listUsers()).find(
    (u) => u.username !== username && u.username.toLowerCase() === username.toLowerCase(),
  );
  if (twin !== undefined)
    throw new OperationError(
      'Conflict',
      `There is a user ${twin.username} already; a login differing from another only in case is refused. Choose another name.`,
    );
  if (!(await store.addUser(username, await hashPassword(password), checkedRole)))
    throw new OperationError('Conflict', `There is a user ${username} already.`);
  await store.audit(actor, 'user.add', username, { role: checkedRole });
  return `Added ${username} (${checkedRole}).`;
}

export async function removeUser(store: StateStore, username: string, actor: string): Promise<string> {
  const outcome = await store.changeUser(username, { kind: 'remove' });
  if (outcome !== 'done') refused(username, outcome, 'removing them');
  await store.audit(actor, 'user.remove', username);
  return `Removed ${username}; their sessions have ended.`;
}

export async function setUserRole(store: StateStore, username: string, role: string, actor: string): Promise<string> {
  const checkedRole = roleOf(role);
  const outcome = await store.changeUser(username, { kind: 'role', role: checkedRole });
  if (outcome !== 'done') refused(username, outcome, 'making them a viewer');
  await store.audit(actor, 'user.role', username, { role: checkedRole });
  return `${username} is now ${checkedRole === 'admin' ? 'an admin' : 'a viewer'}; their sessions have ended.`;
}

export async function setUserPassword(
  store: StateStore,
  username: string,
  password: string,
  actor: string,
): Promise<string> {
  if (isMicrosoftLogin(username))
    throw new OperationError(
      'Validation',
      `${username} signs in with Microsoft and has no password here: its password is changed in Microsoft Entra ID.`,
    );
  checkPassword(password);
  const outcome = await store.changeUser(username, { kind: 'password', passwordHash: await hashPassword(password) });
  if (outcome !== 'done') refused(username, outcome, 'this');
  await store.audit(actor, 'user.passwd', username);
  return `Set a new password for ${username}; their sessions have ended.`;
}
