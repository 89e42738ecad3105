/**
 * Logins made by signing in with Microsoft are named `microsoft:` and the account's name: no local login can have a
 * colon in its name, and such a login has no password here (Microsoft checks it).
 */
export const MICROSOFT_LOGIN_PREFIX = 'microsoft:';

export function isMicrosoftLogin(username: string): boolean {
  return username.startsWith(MICROSOFT_LOGIN_PREFIX);
}
