import type { BmsContactSeed, Seed, Simulate } from './seed.ts';
import type { SimClock } from './sim-clock.ts';
import {
  json,
  randomToken,
  SimServer,
  WindowLimiter,
  type LoggedRequest,
  type SimRequest,
  type SimResponse,
} from './sim-server.ts';

/** Inferred: BMS's page size when none is asked for, and the largest it serves. */
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 1000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface BmsApiUser {
  readonly userName: string;
  readonly password: string;
  /** the company name BMS calls the tenant */
  readonly tenant: string;
  /** an API employee with API access; without it, authentication is refused */
  readonly apiAccess?: boolean;
}

interface Account {
  id: number;
  name: string;
  locations: { id: number; name: string; isMain: boolean }[];
}

interface ContactRecord extends BmsContactSeed {
  accountId: number;
}

/** What a create or update sets on a contact. */
interface ContactFields {
  readonly accountId: number;
  readonly firstName: string;
  readonly lastName: string | null;
  readonly jobTitle: string | null;
  readonly emailAddress: string;
  readonly emailTypeId: number;
  readonly phoneNumber: string;
  readonly phoneTypeId: number;
  readonly locationId: number;
  readonly isActive: boolean;
}

interface Session {
  readonly userName: string;
  readonly accessExpiresAt: number;
  readonly refreshToken: string;
  readonly refreshExpiresAt: number;
}

class BmsError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A search filter matches when it was not given, or equals the value ignoring case. */
function sameOrUnasked(value: string | null, wanted: string | null): boolean {
  return wanted === null || (value ?? '').toLowerCase() === wanted.toLowerCase();
}

function envelope(result: unknown, totalRecords?: number): SimResponse {
  return json(200, totalRecords === undefined ? { success: true, result } : { success: true, result, totalRecords });
}

/**
 * Kaseya BMS's REST API v2 for accounts, locations and contacts: token authentication with refresh and expiry, the
 * `{success, result}` envelope, `PageSize`/`PageNumber` paging, dotted filters, create and update with BMS's required
 * fields, and 1,500 calls per hour per endpoint (the window can be compressed for tests).
 */
export class BmsSimulator {
  readonly server: SimServer;
  private readonly users = new Map<string, BmsApiUser>();
  private readonly sessions = new Map<string, Session>();
  private readonly accounts = new Map<number, Account>();
  private readonly contacts = new Map<number, ContactRecord>();
  private emailTypes: { id: number; name: string }[] = [];
  private phoneTypes: { id: number; name: string }[] = [];
  private nextId = 1;
  readonly limiter: WindowLimiter;
  accessTokenLifetimeSeconds = 3600;
  refreshTokenLifetimeSeconds = 14 * 24 * 3600;

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
    /** the seed's `simulate.bms`: the page size cap and the body fields dropped on create and update */
    readonly simulate: Simulate['bms'] = { pageSizeCap: 100, ignoreFields: [] },
  ) {
    this.limiter = new WindowLimiter(1500, 3600_000, () => clock.now());
    this.server = new SimServer({
      name: 'bms',
      log,
      faultBody: (status) =>
        json(status, {
          success: false,
          error: {
            message:
              status === 429
                ? 'API call limit exceeded. Try again later.'
                : status === 404
                  ? 'Resource not found.'
                  : 'An unexpected error occurred.',
          },
        }),
    });
    this.server.route('POST', '/v2/security/authenticate', (r) => this.safely(() => this.authenticate(r)));
    this.server.route('POST', '/v2/security/refreshtoken', (r) => this.safely(() => this.refresh(r)));
    const route = (method: string, path: string, handler: (request: SimRequest) => SimResponse) =>
      this.server.route(method, path, (request) => this.safely(() => this.guarded(method, path, request, handler)));
    route('GET', '/v2/crm/accounts', (r) => this.listAccounts(r));
    route('GET', '/v2/crm/accounts/{id}/summaryinfo', (r) =>
      envelope(this.accountSummary(this.account(Number(r.params.id)))),
    );
    route('GET', '/v2/crm/accounts/{id}/locations/lookup', (r) =>
      envelope(this.account(Number(r.params.id)).locations),
    );
    route('GET', '/v2/crm/contacts/summary', (r) => this.listContacts(r, false));
    route('GET', '/v2/crm/contacts/search', (r) => this.listContacts(r, true));
    route('GET', '/v2/crm/contacts/summary/{id}', (r) => envelope(this.detail(this.contact(Number(r.params.id)))));
    route('POST', '/v2/crm/contacts/summary', (r) => this.createContact(r));
    route('PUT', '/v2/crm/contacts/{id}', (r) => this.updateContact(r));
    route('GET', '/v2/system/emailtypes', () => envelope(this.emailTypes));
    route('GET', '/v2/system/phonetypes', () => envelope(this.phoneTypes));
  }

  registerUser(user: BmsApiUser): void {
    this.users.set(user.userName.toLowerCase(), user);
  }

  load(seed: Seed['bms']): void {
    this.emailTypes = seed.emailTypes.map((t) => ({ ...t }));
    this.phoneTypes = seed.phoneTypes.map((t) => ({ ...t }));
    for (const account of seed.accounts) {
      this.accounts.set(account.id, {
        id: account.id,
        name: account.name,
        locations: account.locations.map((l) => ({ ...l })),
      });
      for (const contact of account.contacts) {
        this.contacts.set(contact.id, { ...contact, accountId: account.id });
        this.nextId = Math.max(this.nextId, contact.id + 1);
      }
    }
  }

  // --- control surface ---

  contactsOf(accountId: number): ContactRecord[] {
    return [...this.contacts.values()].filter((c) => c.accountId === accountId).sort((a, b) => a.id - b.id);
  }

  /** A person edits a contact in BMS. */
  editContact(id: number, fields: Partial<BmsContactSeed>): void {
    this.contacts.set(id, { ...this.contact(id), ...fields, id });
  }

  /** A person adds a contact in BMS; returns its id. */
  addContact(accountId: number, fields: Partial<BmsContactSeed>): number {
    const id = this.nextId++;
    this.contacts.set(id, {
      firstName: null,
      lastName: null,
      jobTitle: null,
      emailAddress: null,
      emailTypeId: null,
      phoneNumber: null,
      phoneTypeId: null,
      locationId: null,
      isActive: true,
      isPoc: false,
      ...fields,
      id,
      accountId,
    });
    return id;
  }

  /** Every access token issued so far expires now (refresh tokens stay valid). */
  expireAccessTokens(): void {
    for (const [token, session] of this.sessions) this.sessions.set(token, { ...session, accessExpiresAt: 0 });
  }

  dump(): Seed['bms'] {
    return {
      emailTypes: this.emailTypes,
      phoneTypes: this.phoneTypes,
      accounts: [...this.accounts.values()].map((a) => ({
        ...a,
        contacts: this.contactsOf(a.id).map(({ accountId: _a, ...rest }) => rest),
      })),
    };
  }

  // --- the API ---

  private safely(run: () => SimResponse): SimResponse {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof BmsError)) throw error;
      return json(error.status, { success: false, error: { message: error.message } });
    }
  }

  private issue(userName: string): SimResponse {
    const accessToken = randomToken('bms-at-');
    const refreshToken = randomToken('bms-rt-');
    const now = this.clock.now();
    const session: Session = {
      userName,
      accessExpiresAt: now + this.accessTokenLifetimeSeconds * 1000,
      refreshToken,
      refreshExpiresAt: now + this.refreshTokenLifetimeSeconds * 1000,
    };
    this.sessions.set(accessToken, session);
    return envelope({
      accessToken,
      refreshToken,
      accessTokenExpireOn: new Date(session.accessExpiresAt).toISOString(),
      refreshTokenExpireOn: new Date(session.refreshExpiresAt).toISOString(),
    });
  }

  private form(request: SimRequest): URLSearchParams {
    const type = String(request.headers['content-type'] ?? '');
    if (type.includes('application/json')) {
      try {
        return new URLSearchParams(
          Object.entries(JSON.parse(request.body) as Record<string, unknown>).map(([k, v]): [string, string] => [
            k,
            String(v),
          ]),
        );
      } catch {
        throw new BmsError(400, 'The request body is not valid JSON.');
      }
    }
    return new URLSearchParams(request.body);
  }

  private authenticate(request: SimRequest): SimResponse {
    const form = this.form(request);
    if (form.get('grantType') !== 'password') throw new BmsError(400, 'grantType must be "password".');
    const user = this.users.get((form.get('userName') ?? '').toLowerCase());
    if (
      user === undefined ||
      user.password !== form.get('password') ||
      user.tenant.toLowerCase() !== (form.get('tenant') ?? '').toLowerCase()
    ) {
      throw new BmsError(401, 'Invalid user name, password or tenant.');
    }
    if (user.apiAccess === false)
      throw new BmsError(
        403,
        'This user has no API access. In BMS, make the employee an API employee with API access.',
      );
    return this.issue(user.userName);
  }

  private refresh(request: SimRequest): SimResponse {
    const form = this.form(request);
    const session = this.sessions.get(form.get('AccessToken') ?? form.get('accessToken') ?? '');
    const refreshToken = form.get('RefreshToken') ?? form.get('refreshToken');
    if (
      session === undefined ||
      session.refreshToken !== refreshToken ||
      session.refreshExpiresAt <= this.clock.now()
    ) {
      throw new BmsError(401, 'The refresh token is not valid or has expired. Authenticate again.');
    }
    this.sessions.delete(form.get('AccessToken') ?? form.get('accessToken') ?? '');
    return this.issue(session.userName);
  }

  private guarded(
    method: string,
    template: string,
    request: SimRequest,
    handler: (request: SimRequest) => SimResponse,
  ): SimResponse {
    const match = /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''));
    const session = match === null ? undefined : this.sessions.get(match[1]!.trim());
    if (session === undefined) throw new BmsError(401, 'Authorization has been denied for this request.');
    if (session.accessExpiresAt <= this.clock.now()) throw new BmsError(401, 'The access token has expired.');
    if (this.limiter.take(`${session.userName}|${method} ${template}`) > 0)
      throw new BmsError(429, 'API call limit exceeded for this endpoint (1,500 calls per hour). Try again later.');
    return handler(request);
  }

  private paging(request: SimRequest): { size: number; number: number } {
    const size = Number(request.query.get('PageSize') ?? DEFAULT_PAGE_SIZE);
    const number = Number(request.query.get('PageNumber') ?? 1);
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
      throw new BmsError(400, `PageSize must be between 1 and ${MAX_PAGE_SIZE}.`);
    if (!Number.isInteger(number) || number < 1) throw new BmsError(400, 'PageNumber must be 1 or more.');
    return { size, number };
  }

  private account(id: number): Account {
    const account = this.accounts.get(id);
    if (account === undefined) throw new BmsError(404, `Account ${id} was not found.`);
    return account;
  }

  private accountSummary(account: Account): Record<string, unknown> {
    return {
      id: account.id,
      name: account.name,
      accountCode: account.name.replace(/\W+/g, '').slice(0, 10).toUpperCase(),
      isActive: true,
    };
  }

  private listAccounts(request: SimRequest): SimResponse {
    const { size, number } = this.paging(request);
    const all = [...this.accounts.values()].sort((a, b) => a.id - b.id);
    return envelope(
      all.slice((number - 1) * size, number * size).map((a) => this.accountSummary(a)),
      all.length,
    );
  }

  private contact(id: number): ContactRecord {
    const contact = this.contacts.get(id);
    if (contact === undefined) throw new BmsError(404, `Contact ${id} was not found.`);
    return contact;
  }

  private item(contact: ContactRecord): Record<string, unknown> {
    const account = this.accounts.get(contact.accountId);
    return {
      id: contact.id,
      accountId: contact.accountId,
      accountName: account?.name ?? null,
      firstName: contact.firstName,
      lastName: contact.lastName,
      emailAddress: contact.emailAddress,
      jobTitle: contact.jobTitle,
      locationId: contact.locationId,
      locationName: account?.locations.find((l) => l.id === contact.locationId)?.name ?? null,
      isPoc: contact.isPoc,
      isActive: contact.isActive,
    };
  }

  /** Inferred: the single-contact read also carries the default phone and the email and phone types. */
  private detail(contact: ContactRecord): Record<string, unknown> {
    return {
      ...this.item(contact),
      emailTypeId: contact.emailTypeId,
      phoneNumber: contact.phoneNumber,
      phoneTypeId: contact.phoneTypeId,
    };
  }

  private listContacts(request: SimRequest, search: boolean): SimResponse {
    const q = request.query;
    const { size, number } = this.paging(request);
    let all = [...this.contacts.values()];
    const accountId = q.get('Filter.AccountId');
    if (accountId !== null) all = all.filter((c) => c.accountId === Number(accountId));
    const isActive = q.get('Filter.IsActive');
    if (isActive !== null) all = all.filter((c) => c.isActive === (isActive.toLowerCase() === 'true'));
    if (search) {
      const email = q.get('Filter.EmailAddress');
      const first = q.get('Filter.FirstName');
      const last = q.get('Filter.LastName');
      if (email === null && first === null && last === null)
        throw new BmsError(400, 'Give at least one of Filter.EmailAddress, Filter.FirstName and Filter.LastName.');
      all = all.filter(
        (c) =>
          sameOrUnasked(c.emailAddress, email) && sameOrUnasked(c.firstName, first) && sameOrUnasked(c.lastName, last),
      );
    }
    all.sort((a, b) => a.id - b.id);
    return envelope(
      all.slice((number - 1) * size, number * size).map((c) => this.item(c)),
      all.length,
    );
  }

  private body(request: SimRequest): Record<string, unknown> {
    try {
      const value = JSON.parse(request.body) as unknown;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      return value as Record<string, unknown>;
    } catch {
      throw new BmsError(400, 'The request body is not a valid JSON object.');
    }
  }

  /** BMS refuses a contact without first name, email and its type, phone and its type, account or location. */
  private validated(body: Record<string, unknown>): ContactFields {
    const text = (field: string): string | null => {
      const value = body[field];
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
    };
    const accountId = Number(body.accountId);
    const account = this.accounts.get(accountId);
    if (account === undefined) throw new BmsError(400, `accountId: account ${String(body.accountId)} does not exist.`);
    const firstName = text('firstName');
    if (firstName === null) throw new BmsError(400, 'firstName: the first name is required.');
    const emailAddress = text('defaultEmailAddress');
    if (emailAddress === null) throw new BmsError(400, 'defaultEmailAddress: an email address is required.');
    if (!EMAIL.test(emailAddress))
      throw new BmsError(400, `defaultEmailAddress: "${emailAddress}" is not a valid email address.`);
    const emailTypeId = Number(body.defaultEmailTypeId);
    if (!this.emailTypes.some((t) => t.id === emailTypeId))
      throw new BmsError(400, 'defaultEmailTypeId: an existing email type is required.');
    const phoneNumber = text('defaultPhoneNumber');
    if (phoneNumber === null) throw new BmsError(400, 'defaultPhoneNumber: a phone number is required.');
    const phoneTypeId = Number(body.defaultPhoneTypeId);
    if (!this.phoneTypes.some((t) => t.id === phoneTypeId))
      throw new BmsError(400, 'defaultPhoneTypeId: an existing phone type is required.');
    const locationId = Number(body.locationId);
    if (!account.locations.some((l) => l.id === locationId))
      throw new BmsError(
        400,
        `locationId: location ${String(body.locationId)} does not belong to account ${accountId}.`,
      );
    for (const field of ['firstName', 'lastName', 'jobTitle'] as const) {
      const value = text(field);
      if (value !== null && value.length > 100) throw new BmsError(400, `${field}: at most 100 characters.`);
    }
    return {
      accountId,
      firstName,
      lastName: text('lastName'),
      jobTitle: text('jobTitle'),
      emailAddress,
      emailTypeId,
      phoneNumber,
      phoneTypeId,
      locationId,
      isActive: body.isActive !== false,
    };
  }

  private createContact(request: SimRequest): SimResponse {
    const fields = this.validated(this.body(request));
    const { accountId, ...rest } = fields;
    const id = this.addContact(accountId, rest);
    return envelope({ id });
  }

  private updateContact(request: SimRequest): SimResponse {
    const current = this.contact(Number(request.params.id));
    const body = this.body(request);
    const fields = this.validated({ accountId: current.accountId, ...body });
    if (fields.accountId !== current.accountId)
      throw new BmsError(400, 'accountId: a contact cannot move to another account.');
    this.contacts.set(current.id, { ...current, ...fields });
    return envelope({ id: current.id });
  }
}
