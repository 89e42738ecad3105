import type { BmsContactSeed, BmsSeed, BmsSimulate } from './bms-seed.ts';
import type { SimClock } from '../sim-clock.ts';
import {
  GroupedMap,
  json,
  randomToken,
  SimServer,
  WindowLimiter,
  type LoggedRequest,
  type SimRequest,
  type SimResponse,
} from '../sim-server.ts';

/** Inferred: BMS's page size when none is asked for (the largest is the seed's `simulate.bms.pageSizeCap`). */
const DEFAULT_PAGE_SIZE = 25;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The body fields of a contact create and update that this BMS knows; any other is dropped, as an API does. */
const CONTACT_FIELDS = ['accountId', 'locationId', 'firstName', 'lastName', 'jobTitle', 'emails', 'phones', 'isActive'];
const SWAGGER_PATH = '/swagger/v2/swagger.json';

export interface BmsApiUser {
  readonly userName: string;
  readonly password: string;
  /** the company name BMS calls the tenant */
  readonly tenant: string;
  /** an API employee with API access; without it, authentication is refused */
  readonly apiAccess?: boolean;
  /** multi-factor authentication: a sign-in must carry a code from the user's authenticator (`MFACode`) */
  readonly mfa?: boolean;
}

interface Account {
  id: number;
  name: string;
  locations: { id: number; name: string; isMain: boolean }[];
}

interface ContactRecord extends BmsContactSeed {
  accountId: number;
}

/** An email or a phone of a contact with its type. */
interface Entry {
  readonly value: string;
  readonly typeId: number;
}

/**
 * A contact's emails and phones after its first: a person adds them in BMS, and a write keeps every entry it is given.
 * The first entry of each list stays on the record (the seed's flat fields), which the summary list and the search
 * show as the contact's email. The dump keeps the seed's shape: the others are read through the API or `entriesOf`.
 */
interface OtherEntries {
  readonly emails: readonly Entry[];
  readonly phones: readonly Entry[];
}

const NO_OTHER_ENTRIES: OtherEntries = { emails: [], phones: [] };

/** The record's own email or phone as the first entry of its list: none when it has none. */
const firstEntry = (value: string | null, typeId: number | null) => (value === null ? [] : [{ value, typeId }]);

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

/** A record BMS refuses: answered with `refusalStatus`, which may be `200` (`success: false` all the same). */
class Refusal extends Error {}

/** Every object key with its first letter in the case asked for, as BMS serves camelCase or PascalCase. */
function withKeyCase(value: unknown, keyCase: 'camel' | 'pascal'): unknown {
  if (Array.isArray(value)) return value.map((v) => withKeyCase(v, keyCase));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      (keyCase === 'pascal' ? key.charAt(0).toUpperCase() : key.charAt(0).toLowerCase()) + key.slice(1),
      withKeyCase(v, keyCase),
    ]),
  );
}

/** BMS gives token times without a zone; they are UTC. */
function zoneless(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '');
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** A body's keys read case-insensitively (BMS's model binding ignores case). */
function field(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** A search filter matches when it was not given, or equals the value ignoring case. */
function sameOrUnasked(value: string | null, wanted: string | null): boolean {
  return wanted === null || (value ?? '').toLowerCase() === wanted.toLowerCase();
}

/**
 * Kaseya BMS's REST API v2 for accounts, locations and contacts, as strict as the public evidence (CONTRACTS.md) and
 * read independently of the connector: token authentication with refresh and zoneless expiry times, the
 * `{success, result}` envelope, `PageSize`/`PageNumber` paging capped silently, dotted filters, a search that takes no
 * account filter, creates and updates taking `emails: [{ emailAddress, emailTypeId }]` and (inferred)
 * `phones: [{ phoneNumber, phoneTypeId }]` with BMS's required fields, unknown body fields dropped, answers in
 * camelCase or PascalCase, a Swagger document of what it serves, and 1,500 calls per hour per endpoint.
 *
 * A contact keeps every email and phone it is given, and the single read gives them all. Whether BMS's update replaces
 * the lists or merges into them is not published: this BMS takes the cautious reading, that an update replaces each
 * list it is sent, so that a client sending one entry is seen to delete the others a person added.
 */
export class BmsSimulator {
  readonly server: SimServer;
  private readonly users = new Map<string, BmsApiUser>();
  private readonly sessions = new Map<string, Session>();
  private readonly accounts = new Map<number, Account>();
  private readonly contacts = new GroupedMap<number, ContactRecord, number>((c) => c.accountId);
  private readonly otherEntries = new Map<number, OtherEntries>();
  private emailTypes: { id: number; name: string }[] = [];
  private phoneTypes: { id: number; name: string }[] = [];
  private nextId = 1;
  readonly limiter: WindowLimiter;
  accessTokenLifetimeSeconds = 3600;
  refreshTokenLifetimeSeconds = 14 * 24 * 3600;
  /** false: the email and phone type lists answer 404, as on a BMS whose lists are elsewhere */
  typeListsReadable = true;
  /** the status of a refused record: `400`, or `200` with `success: false` (both are seen) */
  refusalStatus = 400;
  /** false: the Swagger document is not served (404), as where BMS does not publish it at that address */
  swaggerPublished = true;
  /** what the Swagger document leaves out: `METHOD /path`, or a contact body field such as `phones[].phoneTypeId` */
  swaggerOmits: string[] = [];

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
    /** the seed's `simulate.bms`: the page size cap and the body fields dropped on create and update */
    readonly simulate: BmsSimulate = {
      pageSizeCap: 100,
      ignoreFields: [],
      keyCase: 'camel',
      createStatus: 200,
      typeLists: true,
      mfa: false,
    },
  ) {
    this.typeListsReadable = simulate.typeLists;
    this.limiter = new WindowLimiter(1500, 3600_000, () => clock.now());
    this.server = new SimServer({
      name: 'bms',
      log,
      faultBody: (status) =>
        this.answer(status, {
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
    this.server.route('GET', SWAGGER_PATH, () =>
      this.swaggerPublished ? json(200, this.swagger()) : json(404, { message: 'Not found.' }),
    );
    const route = (method: string, path: string, handler: (request: SimRequest) => SimResponse) =>
      this.server.route(method, path, (request) => this.safely(() => this.guarded(method, path, request, handler)));
    // Confirmed by public clients, which read the whole list from `result` and send no paging: served so, and
    // `/v2/crm/accounts/summary` (unconfirmed) not at all.
    route('GET', '/v2/crm/accounts/lookup', () =>
      this.envelope([...this.accounts.values()].sort((a, b) => a.id - b.id).map((a) => ({ id: a.id, name: a.name }))),
    );
    route('GET', '/v2/crm/accounts/{id}/summaryinfo', (r) =>
      this.envelope(this.accountSummary(this.account(Number(r.params.id)))),
    );
    route('GET', '/v2/crm/accounts/{id}/locations/lookup', (r) =>
      this.envelope(this.account(Number(r.params.id)).locations),
    );
    route('GET', '/v2/crm/contacts/summary', (r) => this.listContacts(r, false));
    route('GET', '/v2/crm/contacts/search', (r) => this.listContacts(r, true));
    route('GET', '/v2/crm/contacts/summary/{id}', (r) => this.envelope(this.detail(this.contact(Number(r.params.id)))));
    route('POST', '/v2/crm/contacts/summary', (r) => this.createContact(r));
    // Inferred: the path of the official operation put-contact.
    route('PUT', '/v2/crm/contacts/{id}', (r) => this.updateContact(r));
    // Inferred: no public source has the type lists; this is the `/v2/system/<name>/lookup` pattern seen elsewhere.
    route('GET', '/v2/system/emailtypes/lookup', () => this.typeList(this.emailTypes));
    route('GET', '/v2/system/phonetypes/lookup', () => this.typeList(this.phoneTypes));
  }

  registerUser(user: BmsApiUser): void {
    this.users.set(user.userName.toLowerCase(), user);
  }

  load(seed: BmsSeed): void {
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
    return this.contacts.group(accountId).sort((a, b) => a.id - b.id);
  }

  /** A person edits a contact in BMS. */
  editContact(id: number, fields: Partial<BmsContactSeed>): void {
    this.contacts.set(id, { ...this.contact(id), ...fields, id });
  }

  /** Every email and phone of a contact, in the order the single read gives them (the contact's own first). */
  entriesOf(id: number): {
    emails: { emailAddress: string; emailTypeId: number | null }[];
    phones: { phoneNumber: string; phoneTypeId: number | null }[];
  } {
    const { emails, phones } = this.listsOf(this.contact(id));
    return {
      emails: emails.map((e) => ({ emailAddress: e.value, emailTypeId: e.typeId })),
      phones: phones.map((p) => ({ phoneNumber: p.value, phoneTypeId: p.typeId })),
    };
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

  dump(): BmsSeed {
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

  /** A JSON answer in the configured key case. */
  private answer(status: number, body: unknown): SimResponse {
    return json(status, withKeyCase(body, this.simulate.keyCase));
  }

  private envelope(result: unknown, totalRecords?: number): SimResponse {
    return this.answer(
      200,
      totalRecords === undefined ? { success: true, result } : { success: true, result, totalRecords },
    );
  }

  private safely(run: () => SimResponse): SimResponse {
    try {
      return run();
    } catch (error) {
      if (error instanceof Refusal)
        return this.answer(this.refusalStatus, { success: false, error: { message: error.message } });
      if (!(error instanceof BmsError)) throw error;
      return this.answer(error.status, { success: false, error: { message: error.message } });
    }
  }

  private typeList(types: readonly { id: number; name: string }[]): SimResponse {
    if (!this.typeListsReadable) throw new BmsError(404, 'No HTTP resource was found that matches the request URI.');
    return this.envelope(types);
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
    return this.envelope({
      accessToken,
      refreshToken,
      accessTokenExpireOn: zoneless(session.accessExpiresAt),
      refreshTokenExpireOn: zoneless(session.refreshExpiresAt),
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
    // Inferred: the refusal of a user with MFA who sends no code (BMS publishes neither its status nor its words).
    if (user.mfa === true)
      throw new BmsError(
        401,
        (form.get('MFACode') ?? '') === ''
          ? 'MFA code is required: this user has multi-factor authentication enabled.'
          : 'The MFA code is invalid.',
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

  /** A page larger than the cap is cut to it silently; pages are counted at the size served. */
  private paging(request: SimRequest): { size: number; number: number } {
    const asked = Number(request.query.get('PageSize') ?? DEFAULT_PAGE_SIZE);
    const number = Number(request.query.get('PageNumber') ?? 1);
    if (!Number.isInteger(asked) || asked < 1) throw new BmsError(400, 'PageSize must be a whole number of 1 or more.');
    if (!Number.isInteger(number) || number < 1) throw new BmsError(400, 'PageNumber must be 1 or more.');
    return { size: Math.min(asked, this.simulate.pageSizeCap), number };
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

  private contact(id: number): ContactRecord {
    const contact = this.contacts.get(id);
    if (contact === undefined) throw new BmsError(404, `Contact ${id} was not found.`);
    return contact;
  }

  /** A contact of the summary list: the email as `emails[]`, no account id (the query names the account). */
  private summaryItem(contact: ContactRecord): Record<string, unknown> {
    const account = this.accounts.get(contact.accountId);
    return {
      id: contact.id,
      firstName: contact.firstName,
      lastName: contact.lastName,
      jobTitle: contact.jobTitle,
      emails:
        contact.emailAddress === null
          ? []
          : [{ emailAddress: contact.emailAddress, emailTypeId: contact.emailTypeId, isPrimary: true }],
      locationId: contact.locationId,
      locationName: account?.locations.find((l) => l.id === contact.locationId)?.name ?? null,
      isPoc: contact.isPoc,
      isActive: contact.isActive,
    };
  }

  /** A contact as the search gives it: flat, with its account. */
  private searchItem(contact: ContactRecord): Record<string, unknown> {
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
    };
  }

  /** The contact's emails and phones, its own first, then those after it. */
  private listsOf(contact: ContactRecord): {
    emails: { value: string; typeId: number | null }[];
    phones: { value: string; typeId: number | null }[];
  } {
    const others = this.otherEntries.get(contact.id) ?? NO_OTHER_ENTRIES;
    return {
      emails: [...firstEntry(contact.emailAddress, contact.emailTypeId), ...others.emails],
      phones: [...firstEntry(contact.phoneNumber, contact.phoneTypeId), ...others.phones],
    };
  }

  /**
   * Inferred: the single read gives the account and every email and phone in the shape a create takes, the first
   * marked primary.
   */
  private detail(contact: ContactRecord): Record<string, unknown> {
    const { emails, phones } = this.listsOf(contact);
    return {
      ...this.summaryItem(contact),
      accountId: contact.accountId,
      emails: emails.map((e, i) => ({ emailAddress: e.value, emailTypeId: e.typeId, isPrimary: i === 0 })),
      phones: phones.map((p, i) => ({ phoneNumber: p.value, phoneTypeId: p.typeId, isPrimary: i === 0 })),
    };
  }

  private listContacts(request: SimRequest, search: boolean): SimResponse {
    const q = request.query;
    const { size, number } = this.paging(request);
    // No public source shows an account filter on the search: it is not applied there.
    const accountId = search ? null : q.get('Filter.AccountId');
    let all = accountId === null ? [...this.contacts.values()] : this.contacts.group(Number(accountId));
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
    return this.envelope(
      all.slice((number - 1) * size, number * size).map((c) => (search ? this.searchItem(c) : this.summaryItem(c))),
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

  /**
   * The body as this BMS reads it: keys in any case, unknown fields (the `default*` fields among them) and the fields
   * the seed says to ignore dropped.
   */
  private known(body: Record<string, unknown>): Record<string, unknown> {
    const ignored = new Set(this.simulate.ignoreFields.map((f) => f.toLowerCase()));
    return Object.fromEntries(
      CONTACT_FIELDS.filter((name) => !ignored.has(name.toLowerCase()))
        .map((name): [string, unknown] => [name, field(body, name)])
        .filter(([, value]) => value !== undefined),
    );
  }

  /**
   * BMS refuses a contact without a first name, an email with a type, a phone with a type, the account or a location
   * (a field this BMS ignores is not required). Returns what the write sets: the record's fields, and the entries after
   * the first of each list it was sent (a list not sent, or ignored, is left as it is).
   */
  private validated(
    body: Record<string, unknown>,
    current: ContactRecord | null,
  ): { set: Partial<ContactFields>; others: Partial<OtherEntries> } {
    const ignored = new Set(this.simulate.ignoreFields.map((f) => f.toLowerCase()));
    const required = (name: string) => !ignored.has(name.toLowerCase());
    const accountId = current?.accountId ?? Number(body.accountId);
    const account = this.accounts.get(accountId);
    if (account === undefined && required('accountId'))
      throw new Refusal(`accountId: account ${String(body.accountId)} does not exist.`);
    if (current !== null && body.accountId !== undefined && Number(body.accountId) !== current.accountId)
      throw new Refusal('accountId: a contact cannot move to another account.');
    const set: Partial<{ -readonly [K in keyof ContactFields]: ContactFields[K] }> = { accountId };
    const others: { -readonly [K in keyof OtherEntries]?: OtherEntries[K] } = {};
    const firstName = text(body.firstName);
    if (firstName === null && required('firstName')) throw new Refusal('firstName: the first name is required.');
    if (firstName !== null) set.firstName = firstName;
    if (required('emails')) {
      const emails = this.entries(body.emails, 'emails', 'emailAddress', 'emailTypeId', this.emailTypes);
      for (const [i, entry] of emails.entries())
        if (!EMAIL.test(entry.value))
          throw new Refusal(`emails[${i}].emailAddress: "${entry.value}" is not a valid email address.`);
      const [first, ...rest] = emails;
      set.emailAddress = first!.value;
      set.emailTypeId = first!.typeId;
      others.emails = rest;
    }
    if (required('phones')) {
      const [first, ...rest] = this.entries(body.phones, 'phones', 'phoneNumber', 'phoneTypeId', this.phoneTypes);
      set.phoneNumber = first!.value;
      set.phoneTypeId = first!.typeId;
      others.phones = rest;
    }
    if (required('locationId')) {
      const locationId = Number(body.locationId);
      if (!account?.locations.some((l) => l.id === locationId))
        throw new Refusal(`locationId: location ${String(body.locationId)} does not belong to account ${accountId}.`);
      set.locationId = locationId;
    }
    for (const name of ['lastName', 'jobTitle'] as const) {
      if (!(name in body)) continue;
      const value = text(body[name]);
      set[name] = value;
    }
    for (const name of ['firstName', 'lastName', 'jobTitle'] as const) {
      const value = set[name];
      if (typeof value === 'string' && value.length > 100) throw new Refusal(`${name}: at most 100 characters.`);
    }
    if (typeof body.isActive === 'boolean') set.isActive = body.isActive;
    return { set, others };
  }

  /** Every entry of `emails` or `phones`: at least one, each carrying a value and an existing type. */
  private entries(
    list: unknown,
    name: string,
    valueField: string,
    typeField: string,
    types: readonly { id: number }[],
  ): Entry[] {
    const items: unknown[] = Array.isArray(list) ? list : [];
    if (items.length === 0)
      throw new Refusal(`${name}: at least one entry with ${valueField} and ${typeField} is required.`);
    return items.map((item, i) => {
      if (item === null || typeof item !== 'object')
        throw new Refusal(`${name}[${i}]: an entry with ${valueField} and ${typeField} is required.`);
      const value = field(item as Record<string, unknown>, valueField);
      if (typeof value !== 'string' || value.trim() === '')
        throw new Refusal(`${name}[${i}].${valueField}: a value is required.`);
      const typeId = Number(field(item as Record<string, unknown>, typeField));
      if (!types.some((t) => t.id === typeId))
        throw new Refusal(`${name}[${i}].${typeField}: an existing type is required.`);
      return { value: value.trim(), typeId };
    });
  }

  /** Cautious, since BMS does not publish it: each list a write is sent replaces the one the contact had. */
  private keepOthers(id: number, others: Partial<OtherEntries>): void {
    const current = this.otherEntries.get(id) ?? NO_OTHER_ENTRIES;
    const next = { emails: others.emails ?? current.emails, phones: others.phones ?? current.phones };
    if (next.emails.length === 0 && next.phones.length === 0) this.otherEntries.delete(id);
    else this.otherEntries.set(id, next);
  }

  private createContact(request: SimRequest): SimResponse {
    const {
      set: { accountId, ...fields },
      others,
    } = this.validated(this.known(this.body(request)), null);
    const id = this.addContact(accountId!, fields);
    this.keepOthers(id, others);
    return this.answer(this.simulate.createStatus, { success: true, result: { id } });
  }

  private updateContact(request: SimRequest): SimResponse {
    const current = this.contact(Number(request.params.id));
    const { set, others } = this.validated(this.known(this.body(request)), current);
    this.contacts.set(current.id, { ...current, ...set, id: current.id, accountId: current.accountId });
    this.keepOthers(current.id, others);
    return this.envelope({ id: current.id });
  }

  /** A Swagger 2.0 document of the routes this BMS serves and the contact body it reads. */
  private swagger(): Record<string, unknown> {
    const omitted = new Set(this.swaggerOmits);
    const operations: [string, string, boolean][] = [
      ['POST', '/v2/security/authenticate', false],
      ['POST', '/v2/security/refreshtoken', false],
      ['GET', '/v2/crm/accounts/lookup', false],
      ['GET', '/v2/crm/accounts/{id}/summaryinfo', false],
      ['GET', '/v2/crm/accounts/{accountId}/locations/lookup', false],
      ['GET', '/v2/crm/contacts/summary', false],
      ['GET', '/v2/crm/contacts/search', false],
      ['GET', '/v2/crm/contacts/summary/{id}', false],
      ['POST', '/v2/crm/contacts/summary', true],
      ['PUT', '/v2/crm/contacts/{id}', true],
      ['GET', '/v2/system/emailtypes/lookup', false],
      ['GET', '/v2/system/phonetypes/lookup', false],
    ];
    const paths: Record<string, Record<string, unknown>> = {};
    for (const [method, path, takesContact] of operations) {
      if (omitted.has(`${method} ${path}`)) continue;
      paths[path] ??= {};
      paths[path][method.toLowerCase()] = {
        parameters: takesContact
          ? [{ in: 'body', name: 'contact', required: true, schema: { $ref: '#/definitions/ContactWrite' } }]
          : [],
        responses: { '200': { description: 'OK' } },
      };
    }
    const properties = (prefix: string, fields: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(fields).filter(([name]) => !omitted.has(`${prefix}${name}`)));
    return {
      swagger: '2.0',
      info: { title: 'BMS API', version: 'v2' },
      paths,
      definitions: {
        ContactWrite: {
          type: 'object',
          properties: properties('', {
            accountId: { type: 'integer' },
            locationId: { type: 'integer' },
            firstName: { type: 'string' },
            lastName: { type: 'string' },
            jobTitle: { type: 'string' },
            emails: { type: 'array', items: { $ref: '#/definitions/ContactEmail' } },
            phones: { type: 'array', items: { $ref: '#/definitions/ContactPhone' } },
            isActive: { type: 'boolean' },
          }),
        },
        ContactEmail: {
          type: 'object',
          properties: properties('emails[].', { emailAddress: { type: 'string' }, emailTypeId: { type: 'integer' } }),
        },
        ContactPhone: {
          type: 'object',
          properties: properties('phones[].', { phoneNumber: { type: 'string' }, phoneTypeId: { type: 'integer' } }),
        },
      },
    };
  }
}
