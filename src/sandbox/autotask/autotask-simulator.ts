import type { SimClock } from '../sim-clock.ts';
import { GroupedMap, json, SimServer, type LoggedRequest, type SimRequest, type SimResponse } from '../sim-server.ts';
import {
  contactItem,
  contactWrite,
  idOfWrite,
  requiredContactFields,
  type ContactRecord,
  type ContactWriteMode,
} from './autotask-contact-writes.ts';
import { AutotaskError, COMPANY_FIELDS, CONTACT_FIELDS, LOCATION_FIELDS, type FieldInfo } from './autotask-entities.ts';
import { HourlyBudget, ThreadLimit } from './autotask-limits.ts';
import { jsonParameter, matching, page, pagingOf, queryOf, type PageRequest } from './autotask-pages.ts';
import type { Condition, QueryRecord } from './autotask-query.ts';
import {
  autotaskSimulateSchema,
  type AutotaskCompanySeed,
  type AutotaskContactSeed,
  type AutotaskLocationSeed,
  type AutotaskSeed,
  type AutotaskSimulate,
} from './autotask-seed.ts';

/** Where Autotask serves its REST API on a zone's host; the zone's `url` is this path on the host. */
const ROOT = '/atservicesrest';
const API = `${ROOT}/v1.0`;

export interface AutotaskApiUser {
  readonly userName: string;
  readonly secret: string;
  /** the API tracking identifier of the integration the user is for */
  readonly integrationCode: string;
}

type Company = Omit<AutotaskCompanySeed, 'contacts' | 'locations'> & { locations: AutotaskLocationSeed[] };

interface Entity {
  readonly name: 'Contacts' | 'Companies' | 'CompanyLocations';
  readonly fields: () => readonly FieldInfo[];
  /** the records a query reads (narrowed by the filter where it names one company) */
  readonly records: (filter: readonly Condition[]) => Iterable<QueryRecord>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function bodyOf(request: SimRequest): Record<string, unknown> {
  try {
    const value = JSON.parse(request.body) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AutotaskError('The request body is not a JSON object.');
}

/**
 * Autotask refuses to delete a contact with tickets, notes, an asset and more (ContactsEntity): this database plays the
 * common case, a contact with history, so that a client that deletes is seen to fail.
 */
function noDelete(): never {
  throw new AutotaskError('The contact cannot be deleted: it is referenced by tickets. Make it inactive instead.');
}

/**
 * Autotask PSA's REST API (v1.0) for companies, their locations and contacts, as strict as CONTRACTS.md "Autotask PSA
 * REST API" reads and independent of the connector: zone discovery, the three credential headers, the query language
 * with its 500-record pages and `nextPageUrl`, creates on the company's child route alone, `PATCH` changing only what
 * it is sent and `PUT` blanking what it is not, `isActive` as an integer, refusals as HTTP 500 with `errors[]`, no
 * deletion of contacts, the hourly request limit of the database and the thread limit of each integration.
 */
export class AutotaskSimulator {
  readonly server: SimServer;
  private readonly users = new Map<string, AutotaskApiUser>();
  private readonly companies = new Map<number, Company>();
  private readonly contacts = new GroupedMap<number, ContactRecord, number>((c) => c.companyID);
  private nextId = 1;
  /** the database's requests in the last hour; its limit and the other integrations' rate can be changed */
  readonly budget: HourlyBudget;
  readonly threads = new ThreadLimit(3);
  private readonly entities: readonly Entity[];

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
    /** the seed's `simulate.autotask` */
    readonly simulate: AutotaskSimulate = autotaskSimulateSchema.parse(undefined),
  ) {
    this.budget = new HourlyBudget(simulate.hourlyLimit, simulate.otherIntegrationsPerHour, () => clock.now());
    this.server = new SimServer({
      name: 'autotask',
      log,
      faultBody: (status) =>
        json(status, {
          errors: [
            status === 429
              ? 'The request threshold has been exceeded.'
              : status === 404
                ? 'No resource was found at this address.'
                : 'An unexpected error has occurred.',
          ],
        }),
    });
    this.entities = [
      { name: 'Contacts', fields: () => this.contactFields(), records: (filter) => this.contactRecords(filter) },
      { name: 'Companies', fields: () => COMPANY_FIELDS, records: () => this.companyRecords() },
      { name: 'CompanyLocations', fields: () => LOCATION_FIELDS, records: () => this.locationRecords() },
    ];
    this.routes();
  }

  registerUser(user: AutotaskApiUser): void {
    this.users.set(user.userName.toLowerCase(), user);
  }

  load(seed: AutotaskSeed): void {
    for (const { contacts, locations, ...company } of seed.companies) {
      this.companies.set(company.id, { ...company, locations: locations.map((l) => ({ ...l })) });
      for (const contact of contacts) {
        this.contacts.set(contact.id, { ...contact, companyID: company.id });
        this.nextId = Math.max(this.nextId, contact.id + 1);
      }
    }
  }

  // --- control surface ---

  contactsOf(companyId: number): ContactRecord[] {
    return this.contacts.group(companyId).sort((a, b) => a.id - b.id);
  }

  /** The contacts of these ids that exist. */
  contactsWithIds(ids: readonly number[]): ContactRecord[] {
    return ids.flatMap((id) => this.contacts.get(id) ?? []);
  }

  /** A person edits a contact in Autotask. */
  editContact(id: number, fields: Partial<AutotaskContactSeed>): void {
    const contact = this.contacts.get(id);
    if (contact === undefined) throw new Error(`Autotask has no contact ${id}`);
    this.contacts.set(id, { ...contact, ...fields, id, companyID: contact.companyID });
  }

  /** A person adds a contact in Autotask; returns its id. */
  addContact(companyId: number, fields: Partial<AutotaskContactSeed>): number {
    const id = this.nextId++;
    this.contacts.set(id, {
      firstName: null,
      lastName: null,
      title: null,
      emailAddress: null,
      emailAddress2: null,
      emailAddress3: null,
      phone: null,
      mobilePhone: null,
      alternatePhone: null,
      extension: null,
      companyLocationID: null,
      isActive: 1,
      primaryContact: false,
      userDefinedFields: [],
      ...fields,
      id,
      companyID: companyId,
    });
    return id;
  }

  dump(): AutotaskSeed {
    return {
      companies: [...this.companies.values()].map((company) => ({
        ...company,
        contacts: this.contactsOf(company.id).map(({ companyID: _c, ...contact }) => contact),
      })),
    };
  }

  // --- the API ---

  private routes(): void {
    const server = this.server;
    // Zone discovery needs no credentials and is exempt from the limits (CONTRACTS.md).
    server.route('GET', `${API}/zoneInformation`, (r) => this.zoneInformation(r));
    const route = (method: string, path: string, endpoint: string, handler: (r: SimRequest) => SimResponse) =>
      server.route(method, `${API}${path}`, (r) => this.guarded(r, endpoint, handler));
    route('GET', '/ThresholdInformation', 'ThresholdInformation', () =>
      json(200, {
        externalRequestThreshold: this.budget.limit,
        requestThresholdTimeframe: this.budget.windowMs / 60_000,
        currentTimeframeRequestCount: this.budget.count(),
      }),
    );
    for (const entity of this.entities) {
      const query = (search: unknown, paging: unknown) => this.query(entity, search, paging);
      route('POST', `/${entity.name}/query`, entity.name, (r) => query(bodyOf(r), null));
      route('GET', `/${entity.name}/query`, entity.name, (r) =>
        query(jsonParameter(r.query.get('search'), 'search'), null),
      );
      for (const direction of ['next', 'prev'])
        route('GET', `/${entity.name}/query/${direction}`, entity.name, (r) =>
          query(jsonParameter(r.query.get('search'), 'search'), jsonParameter(r.query.get('paging'), 'paging')),
        );
      route('POST', `/${entity.name}/query/count`, entity.name, (r) => {
        const q = queryOf(this.pageRequest(entity, bodyOf(r), null));
        return json(200, { queryCount: matching(entity.records(q.filter), q).length });
      });
      route('GET', `/${entity.name}/entityInformation/fields`, entity.name, () =>
        json(200, { fields: entity.fields().map((f) => this.fieldInformation(f)) }),
      );
      route('GET', `/${entity.name}/entityInformation`, entity.name, () =>
        json(200, {
          info: {
            name: entity.name,
            canCreate: entity.name === 'Contacts',
            canUpdate: entity.name === 'Contacts',
            canQuery: true,
            canDelete: false,
            hasUserDefinedFields: entity.name === 'Contacts',
          },
        }),
      );
      route('GET', `/${entity.name}/{id}`, entity.name, (r) => {
        const id = Number(r.params.id);
        const item = Number.isInteger(id) ? this.recordOf(entity, id) : undefined;
        return json(200, { item: item ?? null });
      });
    }
    route('GET', '/Companies/{id}/Locations', 'CompanyLocations', (r) => {
      const companyId = Number(r.params.id);
      const search = { filter: [{ op: 'eq', field: 'companyID', value: companyId }] };
      return this.query(this.entities[2]!, search, null);
    });
    const write = (mode: ContactWriteMode) => (r: SimRequest) => this.writeContact(r, mode);
    route('POST', '/Companies/{companyId}/Contacts', 'Contacts', write('create'));
    route('PATCH', '/Companies/{companyId}/Contacts', 'Contacts', write('patch'));
    route('PUT', '/Companies/{companyId}/Contacts', 'Contacts', write('put'));
    route('DELETE', '/Companies/{companyId}/Contacts/{id}', 'Contacts', noDelete);
    route('DELETE', '/Contacts/{id}', 'Contacts', noDelete);
    // Contacts are created and updated through their company alone (the child route).
    for (const method of ['POST', 'PATCH', 'PUT'])
      route(method, '/Contacts', 'Contacts', () => {
        throw new AutotaskError(
          `The requested resource does not support http method '${method}': use /Companies/{companyId}/Contacts.`,
          405,
        );
      });
  }

  private origin(): string {
    return this.server.url;
  }

  /**
   * The zone of an API user. An unknown user (or none) is answered as Autotask answers it in public reports
   * (KelvinTegelaar/AutotaskAPI issue 17: `{"errors":["Zone information could not be determined"]}`); the status is
   * not shown there, and is taken to be Autotask's usual 500 for a failure.
   */
  private zoneInformation(request: SimRequest): SimResponse {
    const user = this.users.get((request.query.get('user') ?? '').toLowerCase());
    if (user === undefined) return json(500, { errors: ['Zone information could not be determined'] });
    return json(200, { zoneName: 'Sandbox', url: `${this.origin()}${ROOT}/`, webUrl: `${this.origin()}/`, ci: 1 });
  }

  /**
   * Credentials, then the hourly limit, then the thread limit, then the answer. The status of the hourly limit is
   * unknown (CONTRACTS.md): 429. The thread limit's "Thread Threshold Exceeded" is answered 429 too, as public clients
   * read it (they retry it as a 429 with backoff); neither sends Retry-After, since none is documented.
   */
  private async guarded(
    request: SimRequest,
    endpoint: string,
    handler: (request: SimRequest) => SimResponse,
  ): Promise<SimResponse> {
    const header = (name: string) => {
      const value = request.headers[name.toLowerCase()];
      return typeof value === 'string' ? value : null;
    };
    const user = this.users.get((header('UserName') ?? '').toLowerCase());
    const code = header('ApiIntegrationCode');
    // Public clients report 500 for an unknown user name or integration code and 401 for a wrong secret
    // (apigrate/autotask-restapi issue 19); this simulator answers 401 to each, a sign-in failure either way.
    if (user === undefined || header('Secret') !== user.secret || code !== user.integrationCode)
      return json(401, {
        errors: ['Authentication failed: the UserName, Secret and ApiIntegrationCode headers must name an API user.'],
      });
    if (!this.budget.take())
      return json(429, {
        errors: [
          `The database's request threshold (${this.budget.limit} requests per hour, every integration together) has been reached.`,
        ],
      });
    if (!this.threads.take(code, endpoint)) return json(429, { errors: ['Thread Threshold Exceeded'] });
    try {
      if (this.simulate.delayPastHalfMs > 0 && this.budget.count() > this.budget.limit / 2)
        await sleep(this.simulate.delayPastHalfMs);
      if (this.simulate.serviceMs > 0) await sleep(this.simulate.serviceMs);
      return handler(request);
    } catch (error) {
      if (!(error instanceof AutotaskError)) throw error;
      return json(error.status, { errors: error.errors });
    } finally {
      this.threads.release(code, endpoint);
    }
  }

  private pageRequest(entity: Entity, search: unknown, paging: unknown): PageRequest {
    return {
      entity: entity.name,
      fields: entity.fields(),
      search,
      paging: paging === null ? null : pagingOf(paging),
      apiBase: `${this.origin()}${API}/`,
      pageSizeCap: this.simulate.pageSizeCap,
    };
  }

  private query(entity: Entity, search: unknown, paging: unknown): SimResponse {
    const pageRequest = this.pageRequest(entity, search, paging);
    const query = queryOf(pageRequest);
    return json(200, page(pageRequest, query, matching(entity.records(query.filter), query)));
  }

  private contactFields(): FieldInfo[] {
    const required = new Set(requiredContactFields(this.simulate.requiredFields).map((f) => f.name));
    return CONTACT_FIELDS.map((f) => (required.has(f.name) ? { ...f, isRequired: true } : f));
  }

  private fieldInformation(f: FieldInfo): Record<string, unknown> {
    return {
      name: f.name,
      dataType: f.dataType,
      length: f.length,
      isRequired: f.isRequired,
      isReadOnly: f.isReadOnly,
      isQueryable: f.isQueryable,
      isReference: f.referenceEntityType !== undefined,
      referenceEntityType: f.referenceEntityType ?? '',
      isPickList: false,
      picklistValues: null,
      isSupportedWebhookField: false,
    };
  }

  /** The contacts a query reads: one company's when the filter requires `companyID eq` a company. */
  private *contactRecords(filter: readonly Condition[]): Iterable<QueryRecord> {
    const byCompany = filter.find((c) => c.op === 'eq' && !c.udf && c.field.name === 'companyID');
    const value = byCompany !== undefined && 'value' in byCompany ? Number(byCompany.value) : Number.NaN;
    const contacts = Number.isInteger(value) ? this.contacts.group(value) : this.contacts.values();
    for (const contact of contacts) yield contactItem(contact);
  }

  private companyItem(company: Company): QueryRecord {
    return {
      id: company.id,
      companyName: company.companyName,
      companyType: company.companyType,
      isActive: company.isActive,
    };
  }

  private *companyRecords(): Iterable<QueryRecord> {
    for (const company of this.companies.values()) yield this.companyItem(company);
  }

  private *locationRecords(): Iterable<QueryRecord> {
    for (const company of this.companies.values())
      for (const l of company.locations)
        yield {
          id: l.id,
          companyID: company.id,
          name: l.name,
          address1: l.address1,
          city: l.city,
          isPrimary: l.isPrimary,
          isActive: l.isActive,
        };
  }

  private recordOf(entity: Entity, id: number): QueryRecord | undefined {
    if (entity.name === 'Contacts') {
      const contact = this.contacts.get(id);
      return contact === undefined ? undefined : contactItem(contact);
    }
    if (entity.name === 'Companies') {
      const company = this.companies.get(id);
      return company === undefined ? undefined : this.companyItem(company);
    }
    for (const record of this.locationRecords()) if (record.id === id) return record;
    return undefined;
  }

  private writeContact(request: SimRequest, mode: ContactWriteMode): SimResponse {
    const companyId = Number(request.params.companyId);
    const company = this.companies.get(companyId);
    if (company === undefined)
      throw new AutotaskError(`companyID: company ${request.params.companyId} does not exist.`);
    const body = bodyOf(request);
    const current = mode === 'create' ? null : this.contacts.get(idOfWrite(body));
    if (current !== null && (current === undefined || current.companyID !== companyId))
      throw new AutotaskError(`id: contact ${String(body.id)} is not a contact of company ${companyId}.`);
    const set = contactWrite(body, mode, {
      companyId,
      locationIds: company.locations.map((l) => l.id),
      requiredFields: this.simulate.requiredFields,
      ignoreFields: this.simulate.ignoreFields,
    });
    if (current === null) return json(200, { itemId: this.addContact(companyId, set) });
    this.contacts.set(current.id, { ...current, ...set, id: current.id, companyID: companyId });
    return json(200, { itemId: current.id });
  }
}
