import type { SimClock } from '../sim-clock.ts';
import {
  GroupedMap,
  json,
  randomToken,
  SimServer,
  type LoggedRequest,
  type SimRequest,
  type SimResponse,
} from '../sim-server.ts';
import { RollingWindow } from '../rolling-window.ts';
import {
  haloSimulateSchema,
  type HaloClientSeed,
  type HaloSeed,
  type HaloSimulate,
  type HaloSiteSeed,
  type HaloUserSeed,
} from './halo-seed.ts';
import { HaloError, nameOf, userItem, userMatches, userWrite, type UserRecord } from './halo-users.ts';

/** An API application of the instance: its client id and secret (client credentials). */
export interface HaloApplication {
  readonly clientId: string;
  readonly secret: string;
}

type Client = Omit<HaloClientSeed, 'users' | 'sites'> & { sites: HaloSiteSeed[] };

const TOKEN_LIFETIME_S = 3600;
/** The fields of a new user that its creator does not give. */
const NEW_USER = {
  firstname: null,
  surname: null,
  jobtitle: null,
  emailaddress: null,
  email2: null,
  email3: null,
  phonenumber: null,
  mobilenumber: null,
  inactive: false,
  azureoid: null,
  azure_tenant_id: null,
} as const satisfies Partial<UserRecord>;

/** What hosted Halo answered on its limit (CONTRACTS.md). */
const LIMIT_MESSAGE = '300 Requests per rolling 5 minute window';

/** Halo's refusals are a message as a JSON string (inferred from public clients, which print the body as it is). */
function said(status: number, message: string): SimResponse {
  return json(status, JSON.stringify(message));
}

function flag(request: SimRequest, name: string, fallback: boolean): boolean {
  const value = request.query.get(name);
  return value === null ? fallback : value.toLowerCase() === 'true';
}

function intParam(request: SimRequest, name: string): number | null {
  const value = request.query.get(name);
  if (value === null || value === '') return null;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new HaloError(`${name} must be a whole number, not ${JSON.stringify(value)}.`);
  return n;
}

/**
 * HaloPSA's API for clients, their sites and users (Halo's contacts), as strict as CONTRACTS.md "HaloPSA API" reads and
 * independent of the connector: `authinfo`, then client-credentials tokens from the auth server, a Bearer token on
 * every call, lists paged with `pageinate`/`page_size`/`page_no` (inactive users only when asked for), `POST
 * /api/Users` with an array creating an item without `id` and changing only the fields sent of one with it, no
 * deletion of users, and the rolling limit of the instance shared with the MSP's other tools.
 */
export class HaloSimulator {
  readonly server: SimServer;
  private readonly applications = new Map<string, HaloApplication>();
  private readonly tokens = new Map<string, number>();
  private readonly clients = new Map<number, Client>();
  private readonly users = new GroupedMap<number, UserRecord, number>((u) => u.client_id);
  private nextId = 1;
  /** the instance's requests in the rolling window; its limit and the other tools' rate can be changed */
  readonly window: RollingWindow;

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
    /** the seed's `simulate.halo` */
    readonly simulate: HaloSimulate = haloSimulateSchema.parse(undefined),
  ) {
    this.window = new RollingWindow(simulate.requestLimit, simulate.windowMs, simulate.otherToolsPerWindow, () =>
      clock.now(),
    );
    this.server = new SimServer({
      name: 'halo',
      log,
      faultBody: (status) => said(status, status === 429 ? LIMIT_MESSAGE : 'An error occurred.'),
    });
    this.routes();
  }

  registerApplication(application: HaloApplication): void {
    this.applications.set(application.clientId, application);
  }

  load(seed: HaloSeed): void {
    for (const { users, sites, ...client } of seed.clients) {
      this.clients.set(client.id, { ...client, sites: sites.map((s) => ({ ...s })) });
      for (const user of users) {
        this.users.set(user.id, { ...user, client_id: client.id });
        this.nextId = Math.max(this.nextId, user.id + 1);
      }
    }
  }

  // --- control surface ---

  usersOf(clientId: number): UserRecord[] {
    return this.users.group(clientId).sort((a, b) => a.id - b.id);
  }

  user(id: number): UserRecord | null {
    return this.users.get(id) ?? null;
  }

  /** Halo's own Azure AD sync, or a person, adds a user to a client's site; returns its id. */
  addUser(clientId: number, fields: Partial<HaloUserSeed> & { site_id: number }): number {
    const id = this.nextId++;
    this.users.set(id, {
      ...NEW_USER,
      ...fields,
      name: fields.name ?? nameOf({ firstname: fields.firstname ?? null, surname: fields.surname ?? null }),
      id,
      client_id: clientId,
    });
    return id;
  }

  /** A person edits a user in Halo. */
  editUser(id: number, fields: Partial<HaloUserSeed>): void {
    const user = this.users.get(id);
    if (user === undefined) throw new Error(`Halo has no user ${id}`);
    this.users.set(id, { ...user, ...fields, id, client_id: user.client_id });
  }

  dump(): HaloSeed {
    return {
      clients: [...this.clients.values()].map((client) => ({
        ...client,
        users: this.usersOf(client.id).map(({ client_id: _c, ...user }) => user),
      })),
    };
  }

  // --- the API ---

  private routes(): void {
    const server = this.server;
    // The auth server's address needs no token and is not counted against the limit (inferred).
    server.route('GET', '/api/authinfo', () => json(200, { auth_url: `${server.url}/auth` }));
    server.route('POST', '/auth/token', (r) => this.token(r));
    const route = (method: string, path: string, handler: (r: SimRequest) => SimResponse) =>
      server.route(method, path, (r) => this.guarded(r, handler));
    route('GET', '/api/Users', (r) => this.listUsers(r));
    route('GET', '/api/Users/{id}', (r) => {
      const user = this.users.get(Number(r.params.id));
      return user === undefined ? said(404, `User ${r.params.id} not found.`) : json(200, userItem(user));
    });
    route('POST', '/api/Users', (r) => this.writeUsers(r));
    // A user with tickets cannot be deleted; this instance plays users with history, so that deleting is seen to fail.
    route('DELETE', '/api/Users/{id}', () => {
      throw new HaloError('This user cannot be deleted as it is linked to tickets. Make it inactive instead.');
    });
    route('GET', '/api/Client', (r) => this.listClients(r));
    route('GET', '/api/Client/{id}', (r) => {
      const client = this.clients.get(Number(r.params.id));
      return client === undefined
        ? said(404, `Client ${r.params.id} not found.`)
        : json(200, this.clientItem(client, true));
    });
    route('GET', '/api/Site', (r) => this.listSites(r));
  }

  /** `POST {auth_url}/token`, a form of `grant_type=client_credentials`, `client_id`, `client_secret`, `scope`. */
  private token(request: SimRequest): SimResponse {
    const form = new URLSearchParams(request.body);
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded'))
      return json(400, { error: 'invalid_request', error_description: 'The token request must be a form.' });
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    const application = this.applications.get(form.get('client_id') ?? '');
    if (application === undefined || form.get('client_secret') !== application.secret)
      return json(401, { error: 'invalid_client' });
    if ((form.get('scope') ?? '').split(' ').every((scope) => scope !== 'all'))
      return json(400, { error: 'invalid_scope' });
    const token = randomToken('halo-');
    this.tokens.set(token, this.clock.now() + TOKEN_LIFETIME_S * 1000);
    return json(200, { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, scope: 'all' });
  }

  /** A token, then the rolling limit, then the answer; a refusal is a 400 with Halo's message (inferred). */
  private guarded(request: SimRequest, handler: (request: SimRequest) => SimResponse): SimResponse {
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const expires = this.tokens.get(token);
    if (expires === undefined || expires <= this.clock.now()) return said(401, 'Unauthorized');
    if (!this.window.take()) return said(429, LIMIT_MESSAGE);
    try {
      return handler(request);
    } catch (error) {
      if (!(error instanceof HaloError)) throw error;
      return said(error.status, error.message);
    }
  }

  /** One page of a list: `pageinate=true` with `page_size` and `page_no` (from 1); without, the first page alone. */
  private paged<T>(request: SimRequest, records: readonly T[]): { record_count: number; items: T[] } {
    const cap = this.simulate.pageSizeCap;
    if (!flag(request, 'pageinate', false)) return { record_count: records.length, items: records.slice(0, cap) };
    const size = Math.min(intParam(request, 'page_size') ?? 50, cap);
    const no = intParam(request, 'page_no') ?? 1;
    if (size < 1 || no < 1) throw new HaloError('page_size and page_no start at 1.');
    return { record_count: records.length, items: records.slice((no - 1) * size, no * size) };
  }

  private listUsers(request: SimRequest): SimResponse {
    const clientId = intParam(request, 'client_id');
    const siteId = intParam(request, 'site_id');
    const search = request.query.get('search');
    const active = flag(request, 'includeactive', true);
    const inactive = flag(request, 'includeinactive', false);
    const pool = clientId === null ? [...this.users.values()] : this.users.group(clientId);
    const users = pool
      .filter((u) => (u.inactive ? inactive : active))
      .filter((u) => siteId === null || u.site_id === siteId)
      .filter((u) => search === null || search === '' || userMatches(u, search))
      .sort((a, b) => a.id - b.id);
    const { record_count, items } = this.paged(request, users);
    return json(200, { record_count, users: items.map(userItem) });
  }

  private clientOfSite(siteId: number): number | undefined {
    for (const client of this.clients.values()) if (client.sites.some((s) => s.id === siteId)) return client.id;
    return undefined;
  }

  /**
   * `POST /api/Users` with an array: an item without `id` creates a user (it must name its site), an item with one
   * changes only the fields it sends. Every item is checked before any is saved. One item is answered as the user
   * saved, several as an array of them (inferred).
   */
  private writeUsers(request: SimRequest): SimResponse {
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      throw new HaloError('The request body is not JSON.');
    }
    if (!Array.isArray(body) || body.length === 0) throw new HaloError('Send the users as a JSON array.');
    const context = { clientOfSite: (id: number) => this.clientOfSite(id), ignoreFields: this.simulate.ignoreFields };
    const writes = body.map((item: unknown) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item))
        throw new HaloError('Each user must be a JSON object.');
      const fields = item as Record<string, unknown>;
      const set = userWrite(fields, context);
      if (fields.id === undefined || fields.id === null) {
        if (set.site_id === undefined) throw new HaloError('site_id: a new user must name its site.');
        const name =
          typeof set.name === 'string'
            ? set.name
            : nameOf({ firstname: set.firstname ?? null, surname: set.surname ?? null });
        if (name === '') throw new HaloError('name: a new user must have a name.');
        return { current: null, set: { ...set, name } };
      }
      const current = typeof fields.id === 'number' ? this.users.get(fields.id) : undefined;
      if (current === undefined) throw new HaloError(`id: user ${String(fields.id)} does not exist.`);
      return { current, set };
    });
    const saved = writes.map(({ current, set }) => {
      if (current === null) {
        const id = this.nextId++;
        const user: UserRecord = {
          ...NEW_USER,
          ...set,
          name: set.name ?? '',
          site_id: set.site_id!,
          client_id: set.client_id!,
          id,
        };
        this.users.set(id, user);
        return user;
      }
      const user: UserRecord = { ...current, ...set, id: current.id };
      this.users.set(current.id, user);
      return user;
    });
    return json(201, saved.length === 1 ? userItem(saved[0]!) : saved.map(userItem));
  }

  private clientItem(client: Client, withTenants: boolean): Record<string, unknown> {
    return {
      id: client.id,
      name: client.name,
      inactive: client.inactive,
      main_site_id: client.main_site_id ?? client.sites[0]?.id ?? null,
      ...(withTenants ? { azure_tenants: client.azure_tenants } : {}),
    };
  }

  private listClients(request: SimRequest): SimResponse {
    const inactive = flag(request, 'includeinactive', false);
    const withTenants = flag(request, 'includeazuretenants', false);
    const clients = [...this.clients.values()].filter((c) => inactive || !c.inactive).sort((a, b) => a.id - b.id);
    const { record_count, items } = this.paged(request, clients);
    return json(200, { record_count, clients: items.map((c) => this.clientItem(c, withTenants)) });
  }

  private listSites(request: SimRequest): SimResponse {
    const clientId = intParam(request, 'client_id');
    const sites = [...this.clients.values()]
      .filter((c) => clientId === null || c.id === clientId)
      .flatMap((c) => c.sites.map((s) => ({ ...s, client_id: c.id })))
      .filter((s) => !s.inactive || flag(request, 'includeinactive', false));
    const { record_count, items } = this.paged(request, sites);
    return json(200, { record_count, sites: items });
  }
}
