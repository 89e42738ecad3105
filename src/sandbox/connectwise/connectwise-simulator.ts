import type { SimClock } from '../sim-clock.ts';
import {
  GroupedMap,
  json,
  SimServer,
  WindowLimiter,
  type LoggedRequest,
  type SimRequest,
  type SimResponse,
} from '../sim-server.ts';
import {
  checkContact,
  ConnectwiseError,
  contactWire,
  invalid,
  itemOf,
  itemWire,
  oneDefaultPerKind,
  patchedValue,
  patchOf,
  withField,
  WRITABLE,
  type ContactContext,
  type ContactRecord,
  type FieldProblem,
  type ItemRecord,
} from './connectwise-contacts.ts';
import { countOf, listPage, type ListSpec } from './connectwise-pages.ts';
import {
  connectwiseSimulateSchema,
  type ConnectwiseCompanySeed,
  type ConnectwiseContactSeed,
  type ConnectwiseSeed,
  type ConnectwiseSimulate,
  type ConnectwiseTypeSeed,
} from './connectwise-seed.ts';

/** The codebase `companyinfo` answers: the API is `/{codebase}apis/3.0` on the site's host. */
export const CONNECTWISE_CODEBASE = 'v4_6_release/';
const API = `/${CONNECTWISE_CODEBASE}apis/3.0`;

/** An API member's key pair, and the `clientId` of the integration it is used by. */
export interface ConnectwiseApiMember {
  /** the company id typed at login */
  readonly company: string;
  readonly publicKey: string;
  readonly privateKey: string;
  readonly clientId: string;
}

type Company = Omit<ConnectwiseCompanySeed, 'contacts'>;

/** The fields of a contact that `conditions` may name (ConnectWise's contact has more; these are the common ones). */
const CONTACT_FIELDS = [
  'id',
  'firstName',
  'lastName',
  'company',
  'site',
  'title',
  'inactiveFlag',
  'defaultFlag',
  'types',
];

function bodyOf(request: SimRequest): unknown {
  try {
    return JSON.parse(request.body);
  } catch {
    throw new ConnectwiseError(400, 'InvalidObject', 'The request body is not JSON.');
  }
}

/**
 * ConnectWise PSA's REST API 3.0 for companies, their sites and contacts, as strict as CONTRACTS.md "ConnectWise PSA
 * (Manage) REST API 3.0" reads and independent of the connector: `companyinfo` discovery, Basic auth of
 * `company+publicKey:privateKey` with the `clientId` header, the conditions language (`like`, `childConditions`),
 * pages of at most 1,000 with `Link` headers (navigable or forward-only), creates with `communicationItems`, JSON Patch
 * updates, the communications sub-resource, `inactiveFlag`, answers without null keys, refusals as `{code, message,
 * errors}`, no deletion of contacts, and the cloud front's 429.
 */
export class ConnectwiseSimulator {
  readonly server: SimServer;
  private readonly members: ConnectwiseApiMember[] = [];
  private readonly companies = new Map<number, Company>();
  private readonly types = new Map<number, ConnectwiseTypeSeed>();
  private readonly contacts = new GroupedMap<number, ContactRecord, number | null>((c) => c.companyId);
  private nextId = 1;
  private nextItemId = 1;
  /** the cloud front's limit per API member (none unless the seed sets one) */
  readonly limiter: WindowLimiter;
  private readonly context: ContactContext;

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
    /** the seed's `simulate.connectwise` */
    readonly simulate: ConnectwiseSimulate = connectwiseSimulateSchema.parse(undefined),
  ) {
    const rate = simulate.rateLimit;
    this.limiter = new WindowLimiter(rate?.limit ?? Number.MAX_SAFE_INTEGER, rate?.windowMs ?? 60_000, () =>
      clock.now(),
    );
    this.server = new SimServer({
      name: 'connectwise',
      log,
      faultBody: (status) =>
        json(status, {
          code: status === 429 ? 'TooManyRequests' : status === 404 ? 'NotFound' : 'UnexpectedError',
          message: status === 429 ? 'Too many requests.' : status === 404 ? 'Not found.' : 'An error occurred.',
        }),
    });
    this.context = {
      types: this.types,
      sitesOf: (companyId) => this.companies.get(companyId)?.sites ?? null,
    };
    this.routes();
  }

  registerMember(member: ConnectwiseApiMember): void {
    this.members.push(member);
  }

  load(seed: ConnectwiseSeed): void {
    for (const type of seed.communicationTypes) this.types.set(type.id, type);
    for (const { contacts, ...company } of seed.companies) {
      this.companies.set(company.id, { ...company, sites: company.sites.map((s) => ({ ...s })) });
      for (const contact of contacts) {
        this.contacts.set(contact.id, this.fromSeed(contact, company.id));
        this.nextId = Math.max(this.nextId, contact.id + 1);
      }
    }
  }

  private fromSeed(contact: ConnectwiseContactSeed, companyId: number): ContactRecord {
    const problems: FieldProblem[] = [];
    const items = contact.communicationItems.map((raw, i) => {
      const item = itemOf(raw, `communicationItems[${i}]`, raw.id ?? this.nextItemId++, this.context, problems);
      if (item === null)
        throw new Error(`connectwise contact ${contact.id}: ${problems.map((p) => p.message).join('; ')}`);
      this.nextItemId = Math.max(this.nextItemId, item.id + 1);
      return item;
    });
    return {
      id: contact.id,
      companyId,
      firstName: contact.firstName,
      lastName: contact.lastName,
      title: contact.title,
      siteId: contact.site?.id ?? null,
      inactiveFlag: contact.inactiveFlag,
      communicationItems: oneDefaultPerKind(items, null),
    };
  }

  // --- control surface ---

  private seedOf(contact: ContactRecord): ConnectwiseContactSeed & { readonly companyId: number | null } {
    return {
      id: contact.id,
      companyId: contact.companyId,
      firstName: contact.firstName,
      lastName: contact.lastName,
      title: contact.title,
      site: contact.siteId === null ? null : { id: contact.siteId },
      inactiveFlag: contact.inactiveFlag,
      communicationItems: contact.communicationItems.map((item) => ({ ...item, type: { ...item.type } })),
    };
  }

  /** The contacts of a company, in the seed's shape. */
  contactsOf(companyId: number): ConnectwiseContactSeed[] {
    return this.contacts
      .group(companyId)
      .sort((a, b) => a.id - b.id)
      .map((c) => {
        const { companyId: _c, ...seed } = this.seedOf(c);
        return seed;
      });
  }

  /** The contacts of these ids that exist, each with its company. */
  contactsWithIds(ids: readonly number[]): (ConnectwiseContactSeed & { readonly companyId: number | null })[] {
    return ids.flatMap((id) => {
      const contact = this.contacts.get(id);
      return contact === undefined ? [] : [this.seedOf(contact)];
    });
  }

  /** A person edits a contact's own fields in ConnectWise. */
  editContact(
    id: number,
    fields: Partial<Pick<ContactRecord, 'firstName' | 'lastName' | 'title' | 'inactiveFlag'>>,
  ): void {
    const contact = this.contacts.get(id);
    if (contact === undefined) throw new Error(`ConnectWise has no contact ${id}`);
    this.contacts.set(id, { ...contact, ...fields });
  }

  /** A person adds a communication item to a contact (by its type's id); returns the item's id. */
  addItem(contactId: number, item: { typeId: number; value: string; defaultFlag?: boolean }): number {
    const contact = this.contacts.get(contactId);
    if (contact === undefined) throw new Error(`ConnectWise has no contact ${contactId}`);
    const problems: FieldProblem[] = [];
    const added = itemOf(
      { type: { id: item.typeId }, value: item.value, defaultFlag: item.defaultFlag ?? false },
      'item',
      this.nextItemId++,
      this.context,
      problems,
    );
    if (added === null) throw new Error(problems.map((p) => p.message).join('; '));
    this.contacts.set(contactId, {
      ...contact,
      communicationItems: oneDefaultPerKind([...contact.communicationItems, added], added),
    });
    return added.id;
  }

  dump(): ConnectwiseSeed {
    return {
      companies: [...this.companies.values()].map((company) => ({ ...company, contacts: this.contactsOf(company.id) })),
      communicationTypes: [...this.types.values()],
    };
  }

  // --- the API ---

  private routes(): void {
    const server = this.server;
    // Discovery needs no credentials (CONTRACTS.md).
    server.route('GET', '/login/companyinfo/{company}', (r) => this.companyInfo(r));
    const route = (method: string, path: string, handler: (r: SimRequest) => SimResponse) =>
      server.route(method, `${API}${path}`, (r) => this.guarded(r, handler));
    route('GET', '/system/info', () =>
      json(200, { version: 'v2025.1', isCloud: true, serverTimeZone: 'Eastern Standard Time', cloudRegion: 'NA' }),
    );
    const spec = (fields: readonly string[], childList?: string): ListSpec => ({
      fields,
      ...(childList === undefined ? {} : { childList }),
      pageSizeCap: this.simulate.pageSizeCap,
      origin: this.server.url,
    });
    route('GET', '/company/communicationTypes', (r) =>
      listPage(
        r,
        [...this.types.values()].map((t) => ({ ...t })),
        spec(['id', 'description', 'emailFlag', 'phoneFlag', 'faxFlag', 'defaultFlag']),
      ),
    );
    const companyFields = ['id', 'identifier', 'name'];
    route('GET', '/company/companies', (r) => listPage(r, this.companyRecords(), spec(companyFields)));
    route('GET', '/company/companies/count', (r) => countOf(r, this.companyRecords(), spec(companyFields)));
    route('GET', '/company/companies/{id}', (r) => {
      const company = this.companies.get(Number(r.params.id));
      if (company === undefined) throw this.notFound('company', r.params.id!);
      return json(200, this.companyWire(company));
    });
    route('GET', '/company/companies/{id}/sites', (r) => {
      const company = this.companies.get(Number(r.params.id));
      if (company === undefined) throw this.notFound('company', r.params.id!);
      const sites = company.sites.map((s) => ({ ...s, company: { id: company.id, name: company.name } }));
      return listPage(r, sites, spec(['id', 'name', 'primaryAddressFlag', 'inactiveFlag']));
    });
    const contactSpec = () => spec(CONTACT_FIELDS, 'communicationItems');
    route('GET', '/company/contacts', (r) => listPage(r, this.contactRecords(r), contactSpec()));
    route('GET', '/company/contacts/count', (r) => countOf(r, this.contactRecords(r), contactSpec()));
    route('GET', '/company/contacts/{id}', (r) => json(200, this.wire(this.contact(r.params.id!))));
    route('POST', '/company/contacts', (r) => this.createContact(r));
    route('PATCH', '/company/contacts/{id}', (r) => this.patchContact(r));
    route('PUT', '/company/contacts/{id}', (r) => this.putContact(r));
    // ConnectWise refuses to delete a contact that tickets, notes or an agreement name: the common case is played.
    route('DELETE', '/company/contacts/{id}', () => {
      throw new ConnectwiseError(
        400,
        'InvalidObject',
        'The contact cannot be deleted: it is in use. Make it inactive instead.',
      );
    });
    const itemSpec = () => spec(['id', 'type', 'value', 'defaultFlag', 'communicationType']);
    route('GET', '/company/contacts/{id}/communications', (r) =>
      listPage(r, this.contact(r.params.id!).communicationItems.map(itemWire), itemSpec()),
    );
    route('GET', '/company/contacts/{id}/communications/{cid}', (r) => json(200, itemWire(this.item(r).item)));
    route('POST', '/company/contacts/{id}/communications', (r) => this.writeItem(r, 'post'));
    route('PATCH', '/company/contacts/{id}/communications/{cid}', (r) => this.writeItem(r, 'patch'));
    route('PUT', '/company/contacts/{id}/communications/{cid}', (r) => this.writeItem(r, 'put'));
    route('DELETE', '/company/contacts/{id}/communications/{cid}', (r) => {
      const { contact, item } = this.item(r);
      this.contacts.set(contact.id, {
        ...contact,
        communicationItems: contact.communicationItems.filter((i) => i.id !== item.id),
      });
      return { status: 204 };
    });
  }

  /** `companyinfo`: the company's codebase and the API's host. Unknown companies are answered 404 (inferred). */
  private companyInfo(request: SimRequest): SimResponse {
    const company = request.params.company!.toLowerCase();
    if (!this.members.some((m) => m.company.toLowerCase() === company)) return json(404, {});
    return json(200, {
      CompanyName: 'Sandbox MSP',
      Codebase: CONNECTWISE_CODEBASE,
      VersionCode: 'v2025.1',
      VersionNumber: 'v4.6.12345',
      CompanyID: request.params.company,
      IsCloud: true,
      SiteUrl: new URL(this.server.url).host,
    });
  }

  /** The API member of the Basic credentials and the `clientId`, then the cloud front's limit, then the answer. */
  private guarded(request: SimRequest, handler: (r: SimRequest) => SimResponse): SimResponse {
    const header = String(request.headers.authorization ?? '');
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    // `company+publicKey:privateKey`: the company as typed at login, in any case; the keys exactly.
    const plus = decoded.indexOf('+');
    const colon = decoded.indexOf(':', plus);
    const [company, publicKey, privateKey] = [
      decoded.slice(0, plus),
      decoded.slice(plus + 1, colon),
      decoded.slice(colon + 1),
    ];
    const member = this.members.find(
      (m) =>
        plus > 0 &&
        colon > plus &&
        m.company.toLowerCase() === company.toLowerCase() &&
        m.publicKey === publicKey &&
        m.privateKey === privateKey,
    );
    if (member === undefined)
      return json(401, {
        code: 'Unauthorized',
        message: "The API member's company, public key and private key were not accepted.",
      });
    const clientId = request.headers.clientid;
    if (typeof clientId !== 'string' || clientId !== member.clientId)
      return json(401, { code: 'Unauthorized', message: 'A registered clientId header is required on every request.' });
    if (this.limiter.take(member.publicKey) > 0)
      return json(429, { code: 'TooManyRequests', message: 'Too many requests.' });
    try {
      return handler(request);
    } catch (error) {
      if (!(error instanceof ConnectwiseError)) throw error;
      return json(error.status, error.body());
    }
  }

  private notFound(what: string, id: string): ConnectwiseError {
    return new ConnectwiseError(404, 'NotFound', `${what[0]!.toUpperCase()}${what.slice(1)} recId ${id} not found.`);
  }

  private companyWire(company: Company): Record<string, unknown> {
    return { id: company.id, identifier: company.identifier, name: company.name, status: { id: 1, name: 'Active' } };
  }

  private companyRecords(): Record<string, unknown>[] {
    return [...this.companies.values()].map((c) => this.companyWire(c));
  }

  private wire(contact: ContactRecord): Record<string, unknown> {
    const company = contact.companyId === null ? null : (this.companies.get(contact.companyId) ?? null);
    const site = company?.sites.find((s) => s.id === contact.siteId) ?? null;
    return contactWire(contact, company, site, `${this.server.url}${API}`);
  }

  /** The contacts a list reads: one company's when the conditions start with `company/id=n` (a fleet holds many). */
  private contactRecords(request: SimRequest): Record<string, unknown>[] {
    const match = /^\s*\(?\s*company\/id\s*=\s*(\d+)\s*(\)|and\b|$)/i.exec(request.query.get('conditions') ?? '');
    const contacts = match === null ? [...this.contacts.values()] : this.contacts.group(Number(match[1]));
    return contacts.map((c) => this.wire(c));
  }

  private contact(id: string): ContactRecord {
    const contact = this.contacts.get(Number(id));
    if (contact === undefined) throw this.notFound('contact', id);
    return contact;
  }

  private item(request: SimRequest): { contact: ContactRecord; item: ItemRecord } {
    const contact = this.contact(request.params.id!);
    const item = contact.communicationItems.find((i) => i.id === Number(request.params.cid));
    if (item === undefined) throw this.notFound('communication', request.params.cid!);
    return { contact, item };
  }

  private ignored(key: string): boolean {
    return this.simulate.ignoreFields.includes(key);
  }

  /** Applies body keys to a contact: read-only and unknown keys of a create are ignored, as ConnectWise ignores them. */
  private applied(start: ContactRecord, body: unknown): ContactRecord {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new ConnectwiseError(400, 'InvalidObject', 'A contact is a JSON object.');
    const problems: FieldProblem[] = [];
    let contact = start;
    for (const [key, value] of Object.entries(body))
      if (WRITABLE.includes(key) && !this.ignored(key))
        contact = withField(contact, key, value, this.context, () => this.nextItemId++, problems);
    return this.checked(contact, problems);
  }

  private checked(contact: ContactRecord, problems: FieldProblem[]): ContactRecord {
    checkContact(contact, this.context, problems);
    if (problems.length > 0) throw invalid(problems);
    return contact;
  }

  /** A contact with nothing but its id and company: what a create or a PUT starts from. */
  private blank(id: number, companyId: number | null): ContactRecord {
    return {
      id,
      companyId,
      firstName: null,
      lastName: null,
      title: null,
      siteId: null,
      inactiveFlag: false,
      communicationItems: [],
    };
  }

  private createContact(request: SimRequest): SimResponse {
    const contact = { ...this.applied(this.blank(0, null), bodyOf(request)), id: this.nextId++ };
    this.contacts.set(contact.id, contact);
    return json(201, this.wire(contact));
  }

  /** PUT replaces the contact: every writable field not sent is emptied, its communication items among them. */
  private putContact(request: SimRequest): SimResponse {
    const current = this.contact(request.params.id!);
    const contact = this.applied(this.blank(current.id, current.companyId), bodyOf(request));
    this.contacts.set(contact.id, contact);
    return json(200, this.wire(contact));
  }

  private patchContact(request: SimRequest): SimResponse {
    let contact = this.contact(request.params.id!);
    const problems: FieldProblem[] = [];
    for (const operation of patchOf(bodyOf(request))) {
      const { key, value } = patchedValue(operation);
      if (!WRITABLE.includes(key))
        throw new ConnectwiseError(400, 'InvalidObject', `${key} cannot be patched.`, [
          { code: 'ReadOnly', message: `${key} cannot be patched.`, field: key },
        ]);
      if (!this.ignored(key)) contact = withField(contact, key, value, this.context, () => this.nextItemId++, problems);
    }
    contact = this.checked(contact, problems);
    this.contacts.set(contact.id, contact);
    return json(200, this.wire(contact));
  }

  /** The communications sub-resource: an item added, patched (JSON Patch) or replaced. */
  private writeItem(request: SimRequest, mode: 'post' | 'patch' | 'put'): SimResponse {
    const contact = this.contact(request.params.id!);
    const current = mode === 'post' ? null : this.item(request).item;
    const body = bodyOf(request);
    let raw: Record<string, unknown>;
    if (mode === 'patch') {
      raw = {
        type: current!.type,
        value: current!.value,
        extension: current!.extension,
        defaultFlag: current!.defaultFlag,
      };
      for (const operation of patchOf(body)) {
        const key = operation.path[0]!;
        if (
          !['type', 'value', 'extension', 'defaultFlag'].includes(key) ||
          operation.path.length > (key === 'type' ? 2 : 1)
        )
          throw new ConnectwiseError(400, 'InvalidObject', `${operation.path.join('/')} cannot be patched.`);
        raw[key] = operation.path.length === 2 ? { id: operation.value } : operation.value;
      }
    } else {
      raw = (body ?? {}) as Record<string, unknown>;
    }
    const problems: FieldProblem[] = [];
    const item = itemOf(raw, 'communication', current?.id ?? this.nextItemId++, this.context, problems);
    if (item === null || problems.length > 0) throw invalid(problems);
    const others = contact.communicationItems.filter((i) => i.id !== item.id);
    const items =
      current === null ? [...others, item] : contact.communicationItems.map((i) => (i.id === item.id ? item : i));
    this.contacts.set(contact.id, { ...contact, communicationItems: oneDefaultPerKind(items, item) });
    return json(mode === 'post' ? 201 : 200, itemWire(item));
  }
}
