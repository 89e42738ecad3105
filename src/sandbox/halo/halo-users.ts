import type { HaloUserSeed } from './halo-seed.ts';

/** A refusal of the API, as Halo answers it: a status and a message (the body's shape is inferred). */
export class HaloError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A user as the simulator holds it: its seed shape and its client. */
export type UserRecord = HaloUserSeed & { client_id: number };

const TEXT_FIELDS = [
  'firstname',
  'surname',
  'name',
  'jobtitle',
  'emailaddress',
  'email2',
  'email3',
  'phonenumber',
  'mobilenumber',
  'azureoid',
  'azure_tenant_id',
] as const;
const EMAIL_FIELDS = new Set(['emailaddress', 'email2', 'email3']);
/** the longest text the simulator takes in a field (inferred: Halo's columns are wide) */
const TEXT_LIMIT = 255;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface UserWriteContext {
  /** the sites that exist, each with its client */
  readonly clientOfSite: (siteId: number) => number | undefined;
  readonly ignoreFields: readonly string[];
}

/**
 * The fields one item of `POST /api/Users` sets, checked as Halo would: text fields as strings or null, addresses
 * that are addresses, `site_id` a site that exists, `inactive` a boolean. Fields Halo does not know are ignored.
 */
export function userWrite(item: Record<string, unknown>, context: UserWriteContext): Partial<UserRecord> {
  const set: Record<string, unknown> = {};
  const who = item.id === undefined ? 'the new user' : `user ${String(item.id)}`;
  for (const field of TEXT_FIELDS) {
    if (!(field in item) || context.ignoreFields.includes(field)) continue;
    const value = item[field];
    if (value !== null && typeof value !== 'string') throw new HaloError(`${field} of ${who} must be text.`);
    if (typeof value === 'string' && value.length > TEXT_LIMIT)
      throw new HaloError(`${field} of ${who} is longer than ${TEXT_LIMIT} characters.`);
    if (EMAIL_FIELDS.has(field) && typeof value === 'string' && value !== '' && !EMAIL.test(value))
      throw new HaloError(`${field} of ${who} is not a valid email address: ${JSON.stringify(value)}.`);
    set[field] = value === '' ? null : value;
  }
  if ('inactive' in item && !context.ignoreFields.includes('inactive')) {
    if (typeof item.inactive !== 'boolean') throw new HaloError(`inactive of ${who} must be true or false.`);
    set.inactive = item.inactive;
  }
  if ('site_id' in item && !context.ignoreFields.includes('site_id')) {
    const siteId = item.site_id;
    const clientId = typeof siteId === 'number' ? context.clientOfSite(siteId) : undefined;
    if (clientId === undefined) throw new HaloError(`site_id of ${who}: site ${String(siteId)} does not exist.`);
    if (typeof item.client_id === 'number' && item.client_id !== clientId)
      throw new HaloError(`site_id of ${who}: site ${String(siteId)} is not a site of client ${item.client_id}.`);
    set.site_id = siteId;
    set.client_id = clientId;
  }
  return set as Partial<UserRecord>;
}

/** The name Halo shows for a user sent without one: first name and surname (inferred). */
export function nameOf(user: Pick<UserRecord, 'firstname' | 'surname'>): string {
  return [user.firstname, user.surname].filter((part) => part !== null && part !== '').join(' ');
}

/** A user as the API answers it. */
export function userItem(user: UserRecord): Record<string, unknown> {
  return { ...user };
}

/** Whether a user matches `search` as Halo's list does (inferred: the name or an address contains it). */
export function userMatches(user: UserRecord, search: string): boolean {
  const needle = search.toLowerCase();
  return [user.name, user.emailaddress, user.email2, user.email3].some(
    (value) => value !== null && value.toLowerCase().includes(needle),
  );
}
