import type { LoginSimulator } from './login-simulator.ts';
import type { GraphUserSeed, TenantSeed } from './tenant-seed.ts';
import type { SimClock } from './sim-clock.ts';
import { json, SimServer, WindowLimiter, type LoggedRequest, type SimRequest, type SimResponse } from './sim-server.ts';

/** What Graph returns for a user without `$select`. */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'id',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
] as const;

const SELECTABLE = new Set<string>([
  ...DEFAULT_USER_PROPERTIES,
  'proxyAddresses',
  'otherMails',
  'accountEnabled',
  'userType',
  'assignedLicenses',
  'usageLocation',
  'streetAddress',
  'city',
  'state',
  'postalCode',
  'country',
  'department',
  'onPremisesSyncEnabled',
]);

const DELTA_TOKEN_LIFETIME_MS = 7 * 24 * 3600 * 1000;
const WINDOW_MS = 10_000;

type Removal = 'changed' | 'deleted';

/** A change to one user, as a change notification reports it. */
export interface UserChange {
  readonly tenantId: string;
  readonly userId: string;
  /** Graph reports a creation, an update, a soft deletion and a restore as `updated`; a permanent deletion as `deleted` */
  readonly changeType: 'updated' | 'deleted';
}

/** Who a request to Graph comes from, or the answer that refuses it. */
export type GraphCaller =
  | { readonly ok: true; readonly tenantId: string; readonly clientId: string }
  | { readonly ok: false; readonly response: SimResponse };

interface Change {
  readonly seq: number;
  readonly userId: string;
  /** the properties that changed, or null for a user that appeared (created or restored) */
  readonly properties: readonly string[] | null;
  readonly removed: Removal | null;
}

interface TenantState {
  readonly seed: TenantSeed;
  readonly users: Map<string, GraphUserSeed>;
  /** soft-deleted users, restorable */
  readonly deleted: Map<string, GraphUserSeed>;
  readonly changes: Change[];
  seq: number;
  /** raised when delta tokens are invalidated: tokens of an older epoch fail */
  epoch: number;
  failureMode: DeltaFailureMode;
  budget: number | null;
}

/**
 * How an invalidated or expired delta token is answered: `410 Gone` with a `Location`, a 400 with one of Graph's resync
 * codes, or any status and code (a real answer has been seen with `SyncStateNotFound`).
 */
export type DeltaFailureMode =
  | '410'
  | 'syncStateNotFound'
  | 'resyncRequired'
  | { readonly status: number; readonly code: string };

interface DeltaToken {
  readonly t: string;
  readonly e: number;
  readonly s: number;
  readonly i: number;
  readonly sel: string[] | null;
}

interface PageToken {
  readonly kind: 'users' | 'delta-initial' | 'delta-changes' | 'members';
  readonly offset: number;
  readonly top: number;
  readonly sel: string[] | null;
  readonly filter: string | null;
  readonly from: number;
  readonly to: number;
  readonly group: string | null;
  readonly minimal: boolean;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decode<T>(value: string): T | null {
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function select(user: GraphUserSeed, properties: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const property of properties) out[property] = (user as Record<string, unknown>)[property] ?? null;
  if (!('id' in out)) out.id = user.id;
  return out;
}

interface FilterClause {
  readonly property: string;
  readonly values: readonly (string | boolean)[];
}

/** The `$filter` forms connectors use: `prop eq 'x'`, `prop eq true`, `id in ('a','b')`, joined by `and`. */
function parseFilter(filter: string): FilterClause[] {
  const clauses: FilterClause[] = [];
  const literal = /'((?:[^']|'')*)'|(true|false)/y;
  for (const part of filter.split(/\s+and\s+/i)) {
    const eq = /^\s*(\w+)\s+eq\s+(.+?)\s*$/i.exec(part);
    const inList = /^\s*(\w+)\s+in\s+\((.*)\)\s*$/i.exec(part);
    const readLiteral = (text: string): string | boolean => {
      literal.lastIndex = 0;
      const m = literal.exec(text.trim());
      if (m === null || literal.lastIndex !== text.trim().length)
        throw new GraphError(
          400,
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified: '${part}'.`,
        );
      return m[2] === undefined ? m[1]!.replace(/''/g, "'") : m[2] === 'true';
    };
    if (eq !== null) clauses.push({ property: eq[1]!, values: [readLiteral(eq[2]!)] });
    else if (inList !== null) clauses.push({ property: inList[1]!, values: inList[2]!.split(',').map(readLiteral) });
    else
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified: '${part}'.`,
      );
  }
  for (const clause of clauses) {
    if (!['id', 'userPrincipalName', 'mail', 'accountEnabled', 'userType', 'displayName'].includes(clause.property)) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        `Unsupported or invalid query filter clause specified for property '${clause.property}' of resource 'User'.`,
      );
    }
  }
  return clauses;
}

function matchesFilter(user: GraphUserSeed, clauses: readonly FilterClause[]): boolean {
  return clauses.every(({ property, values }) => {
    const actual = (user as Record<string, unknown>)[property];
    return values.some((value) =>
      typeof value === 'string' && typeof actual === 'string'
        ? actual.toLowerCase() === value.toLowerCase()
        : actual === value,
    );
  });
}

export interface DeltaOptions {
  /** users per delta page (Graph chooses; `Prefer: odata.maxpagesize` lowers it) */
  pageSize: number;
}

/**
 * Microsoft Graph v1.0 for the users of each seeded tenant, answering as CONTRACTS.md describes, unpleasant parts
 * included: `$select` semantics, paging links to send back unchanged, delta rounds with `@removed` entries and
 * repeated users, expired delta tokens, a resource-unit budget per tenant per 10 s answered with `429`.
 */
export class GraphSimulator {
  readonly server: SimServer;
  private readonly tenants = new Map<string, TenantState>();
  private readonly limiter: WindowLimiter;
  readonly delta: DeltaOptions = { pageSize: 200 };
  /**
   * For tests of a client's paging: rewrites the next link of every list page (undefined on a last page), as a
   * broken or hostile server would; null answers as Graph does.
   */
  nextLinkOverride: ((nextLink: string | undefined) => string | undefined) | null = null;
  partnerTenantId: string | null = null;
  /** hear every change to a tenant's users (the subscriptions simulator sends notifications from them) */
  readonly userChanges: ((change: UserChange) => void)[] = [];
  /** the app holds DelegatedAdminRelationship.Read.All in the partner tenant; without it, GDAP listing answers 403 */
  gdapPermission = true;

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
    private readonly login: LoginSimulator,
  ) {
    this.limiter = new WindowLimiter(Number.MAX_SAFE_INTEGER, WINDOW_MS, () => clock.now());
    this.server = new SimServer({
      name: 'graph',
      log,
      faultBody: (status) =>
        status === 429
          ? this.error(429, 'TooManyRequests', 'Too many requests.', { 'retry-after': '1.5' })
          : status === 404
            ? this.error(404, 'Request_ResourceNotFound', 'Resource not found for the segment.')
            : this.error(status, 'generalException', 'An internal server error occurred.'),
    });
    const route = (method: string, path: string, handler: (request: SimRequest, tenant: TenantState) => SimResponse) =>
      this.server.route(method, path, (request) => this.guard(request, handler));
    route('GET', '/v1.0/users', (request, tenant) => this.listUsers(request, tenant));
    route('GET', '/v1.0/users/delta', (request, tenant) => this.usersDelta(request, tenant));
    route('GET', '/v1.0/users/{id}', (request, tenant) => this.getUser(request, tenant));
    route('GET', '/v1.0/organization', (_request, tenant) => this.organization(tenant));
    route('GET', '/v1.0/tenantRelationships/delegatedAdminCustomers', (_request, tenant) => this.customers(tenant));
    route('GET', '/v1.0/groups/{id}/transitiveMembers', (request, tenant) => this.transitiveMembers(request, tenant));
  }

  addTenant(seed: TenantSeed): void {
    const users = new Map(seed.users.map((user) => [user.id, { ...user }]));
    this.tenants.set(seed.id.toLowerCase(), {
      seed,
      users,
      deleted: new Map(),
      changes: [],
      seq: 0,
      epoch: 0,
      failureMode: '410',
      budget: null,
    });
  }

  /** An empty tenant known to the directory (the MSP's own partner tenant). */
  addPartnerTenant(tenantId: string, displayName: string): void {
    this.partnerTenantId = tenantId.toLowerCase();
    this.addTenant({
      id: tenantId,
      displayName,
      initialDomain: 'partner.onmicrosoft.com',
      organization: { street: '', city: '', state: '', postalCode: '', countryLetterCode: 'US', businessPhones: [] },
      settings: {},
      users: [],
      groups: [],
    });
  }

  private state(tenantId: string): TenantState {
    const state = this.tenants.get(tenantId.toLowerCase());
    if (state === undefined) throw new Error(`no tenant ${tenantId} in the Graph simulator`);
    return state;
  }

  // --- control surface ---

  users(tenantId: string): GraphUserSeed[] {
    return [...this.state(tenantId).users.values()];
  }

  deletedUsers(tenantId: string): GraphUserSeed[] {
    return [...this.state(tenantId).deleted.values()];
  }

  private record(
    state: TenantState,
    userId: string,
    properties: readonly string[] | null,
    removed: Removal | null,
  ): void {
    state.seq += 1;
    state.changes.push({ seq: state.seq, userId, properties, removed });
    const change: UserChange = {
      tenantId: state.seed.id,
      userId,
      changeType: removed === 'deleted' ? 'deleted' : 'updated',
    };
    for (const listener of this.userChanges) listener(change);
  }

  addUser(tenantId: string, user: GraphUserSeed): void {
    const state = this.state(tenantId);
    if (state.users.has(user.id)) throw new Error(`user ${user.id} already exists`);
    state.users.set(user.id, { ...user });
    this.record(state, user.id, null, null);
  }

  updateUser(tenantId: string, userId: string, changes: Partial<GraphUserSeed>): void {
    const state = this.state(tenantId);
    const user = state.users.get(userId);
    if (user === undefined) throw new Error(`no user ${userId}`);
    const changed = Object.keys(changes).filter(
      (key) =>
        JSON.stringify((user as Record<string, unknown>)[key]) !==
        JSON.stringify((changes as Record<string, unknown>)[key]),
    );
    state.users.set(userId, { ...user, ...changes, id: userId });
    if (changed.length > 0) this.record(state, userId, changed, null);
  }

  disableUser(tenantId: string, userId: string): void {
    this.updateUser(tenantId, userId, { accountEnabled: false });
  }

  /** Soft delete (restorable for 30 days), or permanent with `permanent`. */
  deleteUser(tenantId: string, userId: string, permanent = false): void {
    const state = this.state(tenantId);
    const user = state.users.get(userId) ?? state.deleted.get(userId);
    if (user === undefined) throw new Error(`no user ${userId}`);
    state.users.delete(userId);
    if (permanent) state.deleted.delete(userId);
    else state.deleted.set(userId, user);
    this.record(state, userId, null, permanent ? 'deleted' : 'changed');
  }

  restoreUser(tenantId: string, userId: string): void {
    const state = this.state(tenantId);
    const user = state.deleted.get(userId);
    if (user === undefined) throw new Error(`no soft-deleted user ${userId}`);
    state.deleted.delete(userId);
    state.users.set(userId, user);
    this.record(state, userId, null, null);
  }

  /** Every delta token issued so far fails from now on, answered the way `mode` says. */
  invalidateDeltaTokens(tenantId: string, mode: DeltaFailureMode = '410'): void {
    const state = this.state(tenantId);
    state.epoch += 1;
    state.failureMode = mode;
  }

  /** The resource units a tenant may spend per 10 s (null: Graph's own limit for the tenant's size). */
  setBudget(tenantId: string, units: number | null): void {
    this.state(tenantId).budget = units;
  }

  // --- the API ---

  private error(status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
    const requestId = crypto.randomUUID();
    return json(
      status,
      {
        error: {
          code,
          message,
          innerError: {
            date: new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, ''),
            'request-id': requestId,
            'client-request-id': requestId,
          },
        },
      },
      { 'request-id': requestId, ...headers },
    );
  }

  private budgetOf(state: TenantState): number {
    if (state.budget !== null) return state.budget;
    const size = state.users.size;
    return size < 50 ? 3500 : size <= 500 ? 5000 : 8000;
  }

  /** The tenant and app of a request's bearer token, or Graph's 401. */
  caller(request: SimRequest): GraphCaller {
    const check = this.login.check(request.headers.authorization);
    if (!check.ok) {
      const message =
        check.reason === 'missing'
          ? 'Access token is empty.'
          : check.reason === 'expired'
            ? 'Lifetime validation failed, the token is expired.'
            : 'Access token validation failure. Invalid audience.';
      return { ok: false, response: this.error(401, 'InvalidAuthenticationToken', message) };
    }
    const tenant = this.tenants.get(check.token.tenantId);
    if (tenant === undefined)
      return {
        ok: false,
        response: this.error(401, 'InvalidAuthenticationToken', 'The tenant of the token is not known.'),
      };
    return { ok: true, tenantId: tenant.seed.id, clientId: check.token.clientId };
  }

  /** An error in Graph's shape. */
  errorResponse(status: number, code: string, message: string): SimResponse {
    return this.error(status, code, message);
  }

  private guard(request: SimRequest, handler: (request: SimRequest, tenant: TenantState) => SimResponse): SimResponse {
    const caller = this.caller(request);
    if (!caller.ok) return caller.response;
    const tenant = this.tenants.get(caller.tenantId.toLowerCase())!;
    // Documented resource units: a user list without $select 2, transitiveMembers 5, other requests 1.
    const cost =
      request.path === '/v1.0/users' && !request.query.has('$select')
        ? 2
        : request.path.endsWith('/transitiveMembers')
          ? 5
          : 1;
    this.limiter.limit = this.budgetOf(tenant);
    const waitMs = this.limiter.take(`${caller.clientId}|${tenant.seed.id}`, cost);
    const clientRequestId = String(request.headers['client-request-id'] ?? crypto.randomUUID());
    if (waitMs > 0) {
      return this.error(
        429,
        'TooManyRequests',
        'Too many requests, please retry after the time given in the Retry-After header.',
        {
          'retry-after': (waitMs / 1000).toFixed(3),
        },
      );
    }
    let response: SimResponse;
    try {
      response = handler(request, tenant);
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      response = this.error(error.status, error.code, error.message, error.headers);
    }
    return {
      ...response,
      headers: { 'request-id': crypto.randomUUID(), ...response.headers, 'client-request-id': clientRequestId },
    };
  }

  private selection(request: SimRequest): string[] | null {
    const raw = request.query.get('$select');
    if (raw === null) return null;
    const properties = raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    for (const property of properties) {
      if (!SELECTABLE.has(property))
        throw new GraphError(
          400,
          'Request_BadRequest',
          `Could not find a property named '${property}' on type 'microsoft.graph.user'.`,
        );
    }
    return properties;
  }

  private base(): string {
    return `${this.server.url}/v1.0`;
  }

  /** The page a request asks for: the one its `$skiptoken` names, else the first, built by `first` from `$top`. */
  private pageOf(request: SimRequest, kind: PageToken['kind'], first: (top: number) => PageToken): PageToken {
    const skip = request.query.get('$skiptoken');
    if (skip !== null) {
      const decoded = decode<PageToken>(skip);
      if (decoded === null || decoded.kind !== kind)
        throw new GraphError(
          400,
          'Request_BadRequest',
          'The specified page token value has expired and can no longer be included in your request.',
        );
      return decoded;
    }
    const topText = request.query.get('$top');
    const top = topText === null ? 100 : Number(topText);
    if (!Number.isInteger(top) || top < 1 || top > 999)
      throw new GraphError(
        400,
        'Request_BadRequest',
        `Invalid page size specified: '${topText}'. Must be between 1 and 999 inclusive.`,
      );
    return first(top);
  }

  private listUsers(request: SimRequest, tenant: TenantState): SimResponse {
    const page = this.pageOf(request, 'users', (top) => {
      if (request.query.has('$skip'))
        throw new GraphError(400, 'Request_BadRequest', "'$skip' is not supported by the service.");
      const filter = request.query.get('$filter');
      if (filter !== null) parseFilter(filter);
      return {
        kind: 'users',
        offset: 0,
        top,
        sel: this.selection(request),
        filter,
        from: 0,
        to: 0,
        group: null,
        minimal: false,
      };
    });
    const clauses = page.filter === null ? [] : parseFilter(page.filter);
    const all = [...tenant.users.values()]
      .filter((user) => matchesFilter(user, clauses))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const slice = all.slice(page.offset, page.offset + page.top);
    const properties = page.sel ?? DEFAULT_USER_PROPERTIES;
    const body: Record<string, unknown> = {
      '@odata.context': `${this.base()}/$metadata#users`,
      value: slice.map((user) => select(user, properties)),
    };
    this.setNextLink(
      body,
      page.offset + page.top < all.length
        ? `${this.base()}/users?$top=${page.top}&$skiptoken=${encode({ ...page, offset: page.offset + page.top })}`
        : undefined,
    );
    return json(200, body);
  }

  private getUser(request: SimRequest, tenant: TenantState): SimResponse {
    const id = request.params.id!;
    const user =
      tenant.users.get(id) ??
      [...tenant.users.values()].find((u) => u.userPrincipalName.toLowerCase() === id.toLowerCase());
    if (user === undefined)
      throw new GraphError(
        404,
        'Request_ResourceNotFound',
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    return json(200, {
      '@odata.context': `${this.base()}/$metadata#users/$entity`,
      ...select(user, this.selection(request) ?? DEFAULT_USER_PROPERTIES),
    });
  }

  private deltaLink(tenant: TenantState, seq: number, sel: string[] | null): string {
    const token: DeltaToken = { t: tenant.seed.id, e: tenant.epoch, s: seq, i: this.clock.now(), sel };
    return `${this.base()}/users/delta?$deltatoken=${encode(token)}`;
  }

  private usersDelta(request: SimRequest, tenant: TenantState): SimResponse {
    for (const unsupported of ['$top', '$orderby', '$expand']) {
      if (request.query.has(unsupported))
        throw new GraphError(
          400,
          'Request_UnsupportedQuery',
          `The '${unsupported}' query option is not supported for delta queries.`,
        );
    }
    const prefer = String(request.headers.prefer ?? '');
    const minimal = /return=minimal/i.test(prefer);
    const maxPage = /odata\.maxpagesize=(\d+)/i.exec(prefer);
    const pageSize = Math.max(
      1,
      Math.min(this.delta.pageSize, maxPage === null ? Number.MAX_SAFE_INTEGER : Number(maxPage[1])),
    );

    let page: PageToken;
    const deltaToken = request.query.get('$deltatoken');
    const skip = request.query.get('$skiptoken');
    if (deltaToken === 'latest') {
      return json(200, {
        '@odata.context': `${this.base()}/$metadata#users`,
        value: [],
        '@odata.deltaLink': this.deltaLink(tenant, tenant.seq, this.selection(request)),
      });
    } else if (deltaToken !== null) {
      const token = decode<DeltaToken>(deltaToken);
      if (token === null) throw new GraphError(400, 'Request_BadRequest', 'The delta token is malformed.');
      const expired = token.e !== tenant.epoch || this.clock.now() - token.i > DELTA_TOKEN_LIFETIME_MS;
      if (expired) {
        const restart = `${this.base()}/users/delta${token.sel === null ? '' : `?$select=${token.sel.join(',')}`}`;
        if (typeof tenant.failureMode === 'object')
          throw new GraphError(
            tenant.failureMode.status,
            tenant.failureMode.code,
            'The sync state is no longer valid. Start a new sync round.',
          );
        if (tenant.failureMode === 'syncStateNotFound')
          throw new GraphError(400, 'syncStateNotFound', 'The sync state could not be found. Start a new sync round.');
        if (tenant.failureMode === 'resyncRequired')
          throw new GraphError(400, 'resyncRequired', 'A resync is required: the delta token is no longer valid.');
        throw new GraphError(
          410,
          'resyncRequired',
          'The delta token has expired. Restart the sync from the Location given.',
          { location: restart },
        );
      }
      page = {
        kind: 'delta-changes',
        offset: 0,
        top: pageSize,
        sel: token.sel,
        filter: null,
        from: token.s,
        to: tenant.seq,
        group: null,
        minimal,
      };
    } else if (skip !== null) {
      const decoded = decode<PageToken>(skip);
      if (decoded === null || (decoded.kind !== 'delta-initial' && decoded.kind !== 'delta-changes'))
        throw new GraphError(400, 'Request_BadRequest', 'The skip token is malformed.');
      page = decoded;
    } else {
      const filter = request.query.get('$filter');
      if (filter !== null && !/^\s*id\s+(eq|in)\b/i.test(filter))
        throw new GraphError(400, 'Request_UnsupportedQuery', 'Delta queries support $filter on ids only.');
      page = {
        kind: 'delta-initial',
        offset: 0,
        top: pageSize,
        sel: this.selection(request),
        filter,
        from: 0,
        to: tenant.seq,
        group: null,
        minimal: false,
      };
    }

    const properties = page.sel ?? DEFAULT_USER_PROPERTIES;
    let entries: Record<string, unknown>[];
    let total: number;
    if (page.kind === 'delta-initial') {
      const clauses = page.filter === null ? [] : parseFilter(page.filter);
      const all = [...tenant.users.values()]
        .filter((user) => matchesFilter(user, clauses))
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      total = all.length;
      entries = all.slice(page.offset, page.offset + page.top).map((user) => select(user, properties));
    } else {
      // Every change in the round, in order: a user changed twice appears twice, with its current state.
      const tracked = new Set(properties);
      const changes = tenant.changes.filter(
        (change) =>
          change.seq > page.from &&
          change.seq <= page.to &&
          (change.properties === null || change.removed !== null || change.properties.some((p) => tracked.has(p))),
      );
      total = changes.length;
      entries = changes.slice(page.offset, page.offset + page.top).map((change) => {
        const user = tenant.users.get(change.userId);
        if (user === undefined) {
          const gone = tenant.deleted.has(change.userId) ? 'changed' : 'deleted';
          return { id: change.userId, '@removed': { reason: change.removed ?? gone } };
        }
        if (page.minimal && change.properties !== null)
          return select(user, ['id', ...change.properties.filter((p) => tracked.has(p))]);
        return select(user, properties);
      });
    }
    const body: Record<string, unknown> = { '@odata.context': `${this.base()}/$metadata#users`, value: entries };
    const more = page.offset + page.top < total;
    this.setNextLink(
      body,
      more ? `${this.base()}/users/delta?$skiptoken=${encode({ ...page, offset: page.offset + page.top })}` : undefined,
    );
    if (!more) body['@odata.deltaLink'] = this.deltaLink(tenant, page.to, page.sel);
    return json(200, body);
  }

  private setNextLink(body: Record<string, unknown>, link: string | undefined): void {
    const next = this.nextLinkOverride === null ? link : this.nextLinkOverride(link);
    if (next !== undefined) body['@odata.nextLink'] = next;
  }

  private organization(tenant: TenantState): SimResponse {
    const { seed } = tenant;
    const domains = new Set<string>();
    for (const user of tenant.users.values())
      domains.add(user.userPrincipalName.slice(user.userPrincipalName.lastIndexOf('@') + 1).toLowerCase());
    domains.delete(seed.initialDomain.toLowerCase());
    const custom = [...domains].filter((d) => !d.includes('#')).sort();
    return json(200, {
      '@odata.context': `${this.base()}/$metadata#organization`,
      value: [
        {
          id: seed.id,
          displayName: seed.displayName,
          street: seed.organization.street,
          city: seed.organization.city,
          state: seed.organization.state,
          postalCode: seed.organization.postalCode,
          countryLetterCode: seed.organization.countryLetterCode,
          businessPhones: seed.organization.businessPhones,
          verifiedDomains: [
            {
              name: seed.initialDomain,
              isDefault: custom.length === 0,
              isInitial: true,
              type: 'Managed',
              capabilities: 'Email, OfficeCommunicationsOnline',
            },
            ...custom.map((name, i) => ({
              name,
              isDefault: i === 0,
              isInitial: false,
              type: 'Managed',
              capabilities: 'Email',
            })),
          ],
        },
      ],
    });
  }

  private customers(tenant: TenantState): SimResponse {
    if (this.partnerTenantId === null || tenant.seed.id.toLowerCase() !== this.partnerTenantId) {
      throw new GraphError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation: only a partner tenant has delegated admin customers.',
      );
    }
    if (!this.gdapPermission)
      throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    const customers = [...this.tenants.values()].filter((t) => t.seed.id.toLowerCase() !== this.partnerTenantId);
    return json(200, {
      '@odata.context': `${this.base()}/$metadata#tenantRelationships/delegatedAdminCustomers`,
      value: customers.map((t) => ({ id: t.seed.id, tenantId: t.seed.id, displayName: t.seed.displayName })),
    });
  }

  private transitiveMembers(request: SimRequest, tenant: TenantState): SimResponse {
    const page = this.pageOf(request, 'members', (top) => ({
      kind: 'members',
      offset: 0,
      top,
      sel: this.selection(request),
      filter: null,
      from: 0,
      to: 0,
      group: request.params.id!,
      minimal: false,
    }));
    const group = tenant.seed.groups.find((g) => g.id === page.group);
    if (group === undefined)
      throw new GraphError(
        404,
        'Request_ResourceNotFound',
        `Resource '${page.group}' does not exist or one of its queried reference-property objects are not present.`,
      );
    // Nested groups are flattened: a member id naming another group brings its members.
    const memberIds = new Set<string>();
    const visit = (ids: readonly string[], seen: Set<string>): void => {
      for (const id of ids) {
        const nested = tenant.seed.groups.find((g) => g.id === id);
        if (nested !== undefined) {
          if (!seen.has(id)) visit(nested.members, new Set([...seen, id]));
        } else memberIds.add(id);
      }
    };
    visit(group.members, new Set([group.id]));
    const members = [...memberIds]
      .map((id) => tenant.users.get(id))
      .filter((u): u is GraphUserSeed => u !== undefined)
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const properties = page.sel ?? ['id', 'displayName', 'userPrincipalName'];
    const body: Record<string, unknown> = {
      '@odata.context': `${this.base()}/$metadata#directoryObjects`,
      value: members
        .slice(page.offset, page.offset + page.top)
        .map((user) => ({ '@odata.type': '#microsoft.graph.user', ...select(user, properties) })),
    };
    this.setNextLink(
      body,
      page.offset + page.top < members.length
        ? `${this.base()}/groups/${page.group}/transitiveMembers?$skiptoken=${encode({ ...page, offset: page.offset + page.top })}`
        : undefined,
    );
    return json(200, body);
  }

  /** The users of every tenant in the seed's shape (for the dump). */
  dumpTenants(): TenantSeed[] {
    return [...this.tenants.values()]
      .filter((t) => t.seed.id.toLowerCase() !== this.partnerTenantId)
      .map((t) => ({ ...t.seed, users: [...t.users.values()].sort((a, b) => (a.id < b.id ? -1 : 1)) }));
  }
}
