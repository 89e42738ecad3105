export type WebRole = 'viewer' | 'admin';

/** A person who signs in to the web UI. */
export interface WebUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly role: WebRole;
}
