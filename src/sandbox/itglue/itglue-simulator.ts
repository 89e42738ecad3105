import type { ItGlueContactSeed, ItGlueSeed, ItGlueSimulate } from './itglue-seed.ts';
import type { MirroredPsaContact } from '../sandbox-target.ts';
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

const MEDIA_TYPE = 'application/vnd.api+json';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Documented: the PSA integrations `filter[psa_integration_type]` knows. */
const PSA_INTEGRATION_TYPES = new Set(['manage', 'autotask', 'tigerpaw', 'kaseya-bms', 'pulseway-psa', 'vorex']);
/** Documented: what `include` takes on the contact list. */
const CONTACT_INCLUDES = new Set([
  'adapters_resources',
  'location',
  'passwords',
  'attachments',
  'tickets',
  'distinct_remote_contacts',
  'resource_fields',
  'user_resource_accesses',
  'group_resource_accesses',
]);

/** What IT Glue's PSA sync copies from a PSA contact (BMS, Autotask, ...) onto the IT Glue contact it keeps in step. */
export type FollowedPsaContact = MirroredPsaContact;

/** Where IT Glue's PSA sync reads the PSA contacts it keeps in step (the PSA's simulator, in one process). */
export type FollowedPsaContacts = (ids: readonly number[]) => readonly FollowedPsaContact[];

function fingerprint(contact: FollowedPsaContact): string {
  return JSON.stringify([contact.firstName, contact.lastName, contact.jobTitle, contact.emailAddress]);
}

interface Organization {
  id: string;
  name: string;
  locations: { id: string; name: string; primary: boolean }[];
}

interface ContactRecord extends ItGlueContactSeed {
  'organization-id': string;
  'created-at': string;
  'updated-at': string;
}

interface JsonApiError {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly source?: { readonly pointer: string };
}

function badRequest(detail: string): ItGlueError {
  return new ItGlueError(400, [{ status: 400, title: 'Bad Request', detail }]);
}

class ItGlueError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly JsonApiError[],
  ) {
    super(errors[0]?.detail ?? errors[0]?.title ?? 'error');
  }
}

function unprocessable(pointer: string, detail: string): JsonApiError {
  return { status: 422, title: 'Unprocessable Entity', detail, source: { pointer } };
}

/** Digits only: IT Glue strips separators from phone values. */
function digits(value: string): string {
  return value.replace(/\D/g, '');
}

function formatPhone(value: string): string {
  return value.length === 10 ? `(${value.slice(0, 3)}) ${value.slice(3, 6)}-${value.slice(6)}` : value;
}

/** The subdomain of the simulated IT Glue account, as its records' `resource-url` show it. */
export const SIMULATED_ACCOUNT = 'sandbox-msp';

/**
 * IT Glue's REST API for organizations, locations, contact types and contacts, as its developer documentation
 * describes it (its own reading, independent of the connector's): JSON:API with `x-api-key` (403 for a wrong key),
 * `415` for another media type, the documented filters (which the nested relationship route ignores), `page[size]` up
 * to 1000 with `meta` and `links`, one create on either route and several only on the organization's nested route,
 * updates of one (`PATCH /contacts/{id}`) or several (`PATCH /contacts`, each id inside `attributes`), `422` errors
 * pointing at the field, 3,000 requests per 5 minutes per key, and contacts kept in step with BMS by IT Glue's PSA
 * integration (found by `filter[psa_id]`, one id at a time unless `simulate.itglue.psaIdLists`, or by their
 * `include=adapters_resources` links; refusing updates; taking later changes of their BMS contact).
 */
export class ItGlueSimulator {
  readonly server: SimServer;
  private readonly keys = new Set<string>();
  private readonly organizations = new Map<string, Organization>();
  private readonly contacts = new GroupedMap<string, ContactRecord, string>((c) => c['organization-id']);
  private contactTypes: { id: string; name: string }[] = [];
  private nextId = 1;
  /** contacts kept in step with a PSA contact by IT Glue's PSA integration: IT Glue contact id → PSA contact id */
  private readonly psaSynced = new Map<string, number>();
  private psaSource: FollowedPsaContacts | null = null;
  /** the integration type of the PSA IT Glue's PSA integration follows (`kaseya-bms`, `autotask`, `manage`) */
  private psaIntegrationType = 'kaseya-bms';
  /** each followed PSA contact as last seen, so that only a later change is copied */
  private readonly psaSeen = new Map<number, string>();
  readonly limiter: WindowLimiter;
  /** attributes that creates and updates accept but drop, as an API drops what it does not know */
  ignoredAttributes: string[] = [];

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
    /** the seed's `simulate.itglue`: contacts kept in step with BMS by IT Glue's PSA integration */
    readonly simulate: ItGlueSimulate = { psaSynced: {}, psaIdLists: false },
  ) {
    this.limiter = new WindowLimiter(3000, 5 * 60_000, () => clock.now());
    this.server = new SimServer({
      name: 'itglue',
      log,
      faultBody: (status) =>
        json(
          status,
          {
            errors: [
              {
                status,
                title: status === 429 ? 'Too Many Requests' : status === 404 ? 'Not Found' : 'Internal Server Error',
              },
            ],
          },
          { 'content-type': MEDIA_TYPE },
        ),
    });
    const route = (method: string, path: string, handler: (request: SimRequest) => SimResponse) =>
      this.server.route(method, path, (request) => this.guard(request, handler));
    route('GET', '/organizations', (r) => this.listOrganizations(r));
    route('GET', '/organizations/{id}/relationships/locations', (r) => this.listLocations(r));
    route('GET', '/contact_types', (r) => this.listContactTypes(r));
    route('GET', '/contacts', (r) => this.listContacts(r, null));
    route('GET', '/contacts/{id}', (r) => this.getContact(r, null));
    route('GET', '/organizations/{id}/relationships/contacts', (r) => this.listContacts(r, r.params.id!));
    route('GET', '/organizations/{org}/relationships/contacts/{id}', (r) => this.getContact(r, r.params.org!));
    route('POST', '/contacts', (r) => this.createContacts(r, null));
    route('POST', '/organizations/{id}/relationships/contacts', (r) => this.createContacts(r, r.params.id!));
    route('PATCH', '/contacts/{id}', (r) => this.updateContact(r, null));
    route('PATCH', '/organizations/{org}/relationships/contacts/{id}', (r) => this.updateContact(r, r.params.org!));
    route('PATCH', '/contacts', (r) => this.bulkUpdateContacts(r));
  }

  registerKey(key: string): void {
    this.keys.add(key);
  }

  load(seed: ItGlueSeed): void {
    this.contactTypes = seed.contactTypes.map((t) => ({ ...t }));
    for (const organization of seed.organizations) {
      this.organizations.set(organization.id, {
        id: organization.id,
        name: organization.name,
        locations: organization.locations.map((l) => ({ id: l.id, name: l.name, primary: l.primary })),
      });
      for (const contact of organization.contacts) {
        const now = new Date(this.clock.now()).toISOString();
        this.contacts.set(contact.id, {
          ...contact,
          'organization-id': organization.id,
          'contact-phones': contact['contact-phones'].map((p) => ({ ...p, value: digits(p.value) })),
          // A seed may date its contacts (IT Glue's attributes); otherwise they are made now.
          'created-at': typeof contact['created-at'] === 'string' ? contact['created-at'] : now,
          'updated-at': typeof contact['updated-at'] === 'string' ? contact['updated-at'] : now,
        });
        this.nextId = Math.max(this.nextId, Number(contact.id) + 1 || this.nextId);
      }
    }
    for (const [contactId, psaId] of Object.entries(this.simulate.psaSynced)) {
      if (!this.contacts.has(contactId))
        throw new Error(`simulate.itglue.psaSynced names IT Glue contact ${contactId}, which the seed does not have`);
      this.psaSynced.set(contactId, psaId);
    }
  }

  // --- control surface ---

  /**
   * IT Glue's PSA sync: from now on, a change of a followed PSA contact's names, title or email is copied onto the
   * IT Glue contact kept in step with it (its new email becomes the primary, the older one stays as another email).
   * What the PSA contacts hold now is the starting point: only later changes are copied. `integrationType` is the
   * PSA's, as IT Glue's filters and adapter links name it.
   */
  followPsa(source: FollowedPsaContacts, integrationType = 'kaseya-bms'): void {
    this.psaSource = source;
    this.psaIntegrationType = integrationType;
    this.psaSeen.clear();
    for (const contact of source([...new Set(this.psaSynced.values())]))
      this.psaSeen.set(contact.id, fingerprint(contact));
  }

  /** Copies the changes of the followed PSA contacts; run before every answer, as if the sync were instant. */
  private syncFromPsa(): void {
    if (this.psaSource === null || this.psaSynced.size === 0) return;
    for (const psa of this.psaSource([...new Set(this.psaSynced.values())])) {
      const seen = fingerprint(psa);
      if (this.psaSeen.get(psa.id) === seen) continue;
      this.psaSeen.set(psa.id, seen);
      for (const [contactId, psaId] of this.psaSynced) {
        const contact = psaId === psa.id ? this.contacts.get(contactId) : undefined;
        if (contact !== undefined) this.contacts.set(contactId, this.mirrored(contact, psa));
      }
    }
  }

  private mirrored(contact: ContactRecord, psa: FollowedPsaContact): ContactRecord {
    const email = psa.emailAddress?.trim() ?? '';
    let emails = contact['contact-emails'];
    if (email !== '' && !emails.some((e) => e.primary && e.value.toLowerCase() === email.toLowerCase())) {
      const others = emails
        .filter((e) => e.value.toLowerCase() !== email.toLowerCase())
        .map((e) => (e.primary ? { ...e, primary: false } : e));
      emails = [{ value: email, primary: true, 'label-name': 'Work' }, ...others];
    }
    return {
      ...contact,
      'first-name': psa.firstName,
      'last-name': psa.lastName,
      title: psa.jobTitle,
      'contact-emails': emails,
      'updated-at': new Date(this.clock.now()).toISOString(),
    };
  }

  contactsOf(organizationId: string): ContactRecord[] {
    this.syncFromPsa();
    return this.contacts.group(organizationId).sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** A person edits a contact in IT Glue's UI. */
  editContact(id: string, attributes: Partial<ItGlueContactSeed>): void {
    const contact = this.contacts.get(id);
    if (contact === undefined) throw new Error(`no IT Glue contact ${id}`);
    this.contacts.set(id, { ...contact, ...attributes, id, 'updated-at': new Date(this.clock.now()).toISOString() });
  }

  /** A person adds a contact in IT Glue's UI; returns its id. */
  addContact(organizationId: string, attributes: Partial<ItGlueContactSeed>): string {
    const id = String(this.nextId++);
    const now = new Date(this.clock.now()).toISOString();
    this.contacts.set(id, {
      'first-name': null,
      'last-name': null,
      title: null,
      'contact-type-id': null,
      'location-id': null,
      important: false,
      notes: null,
      'psa-integration': null,
      'contact-emails': [],
      'contact-phones': [],
      ...attributes,
      id,
      'organization-id': organizationId,
      'created-at': now,
      'updated-at': now,
    });
    return id;
  }

  deleteContact(id: string): void {
    this.contacts.delete(id);
    this.psaSynced.delete(id);
  }

  dump(): ItGlueSeed {
    this.syncFromPsa();
    return {
      contactTypes: this.contactTypes,
      organizations: [...this.organizations.values()].map((o) => ({
        id: o.id,
        name: o.name,
        locations: o.locations,
        contacts: this.contactsOf(o.id).map(
          ({ 'organization-id': _o, 'created-at': _c, 'updated-at': _u, ...rest }) => rest,
        ),
      })),
    };
  }

  // --- the API ---

  private guard(request: SimRequest, handler: (request: SimRequest) => SimResponse): SimResponse {
    this.syncFromPsa();
    try {
      const key = request.headers['x-api-key'];
      if (typeof key !== 'string' || key === '')
        throw new ItGlueError(401, [{ status: 401, title: 'Unauthorized', detail: 'No API key was given.' }]);
      // Documented: "Trying to access the API with an incorrect key will result in an HTTP 403 error."
      if (!this.keys.has(key))
        throw new ItGlueError(403, [{ status: 403, title: 'Forbidden', detail: 'The API key is not valid.' }]);
      if (this.limiter.take(key) > 0) throw new ItGlueError(429, [{ status: 429, title: 'Too Many Requests' }]);
      if (
        (request.method === 'POST' || request.method === 'PATCH') &&
        !String(request.headers['content-type'] ?? '').startsWith(MEDIA_TYPE)
      ) {
        throw new ItGlueError(415, [
          { status: 415, title: 'Unsupported Media Type', detail: `Content-Type must be ${MEDIA_TYPE}.` },
        ]);
      }
      const response = handler(request);
      return { ...response, headers: { 'content-type': MEDIA_TYPE, ...response.headers } };
    } catch (error) {
      if (!(error instanceof ItGlueError)) throw error;
      return json(error.status, { errors: error.errors }, { 'content-type': MEDIA_TYPE });
    }
  }

  private page<T>(
    request: SimRequest,
    items: readonly T[],
    path: string,
  ): { items: T[]; meta: Record<string, unknown>; links: Record<string, string> } {
    const sizeText = request.query.get('page[size]');
    const numberText = request.query.get('page[number]');
    // Inferred: a size over 1000 is served as 1000.
    const size = Math.min(1000, Math.max(1, sizeText === null ? 50 : Number(sizeText) || 50));
    const number = Math.max(1, numberText === null ? 1 : Number(numberText) || 1);
    const totalPages = Math.max(1, Math.ceil(items.length / size));
    const link = (n: number): string => {
      const query = new URLSearchParams(request.rawQuery);
      query.set('page[number]', String(n));
      query.set('page[size]', String(size));
      return `${this.server.url}${path}?${query.toString()}`;
    };
    return {
      items: items.slice((number - 1) * size, number * size),
      meta: {
        'current-page': number,
        'next-page': number < totalPages ? number + 1 : null,
        'prev-page': number > 1 ? number - 1 : null,
        'total-pages': totalPages,
        'total-count': items.length,
        filters: {},
      },
      links: {
        self: link(number),
        first: link(1),
        ...(number < totalPages ? { next: link(number + 1) } : {}),
        ...(number > 1 ? { prev: link(number - 1) } : {}),
        last: link(totalPages),
      },
    };
  }

  private listOrganizations(request: SimRequest): SimResponse {
    const name = request.query.get('filter[name]');
    const all = [...this.organizations.values()]
      .filter((o) => name === null || o.name === name)
      .sort((a, b) => Number(a.id) - Number(b.id));
    const { items, meta, links } = this.page(request, all, '/organizations');
    return json(200, {
      data: items.map((o) => ({
        id: o.id,
        type: 'organizations',
        attributes: {
          name: o.name,
          'organization-type-name': 'Customer',
          'organization-status-name': 'Active',
          'resource-url': `https://${SIMULATED_ACCOUNT}.itglue.com/${o.id}`,
        },
      })),
      meta,
      links,
    });
  }

  private organization(id: string): Organization {
    const organization = this.organizations.get(id);
    if (organization === undefined)
      throw new ItGlueError(404, [{ status: 404, title: 'Not Found', detail: `Organization ${id} was not found.` }]);
    return organization;
  }

  private listLocations(request: SimRequest): SimResponse {
    const organization = this.organization(request.params.id!);
    const { items, meta, links } = this.page(request, organization.locations, request.path);
    return json(200, {
      data: items.map((l) => ({
        id: l.id,
        type: 'locations',
        attributes: {
          'organization-id': Number(organization.id),
          name: l.name,
          primary: l.primary,
          'address-1': null,
          'address-2': null,
          city: null,
          'postal-code': null,
          'region-name': null,
          'country-name': null,
          phone: null,
        },
      })),
      meta,
      links,
    });
  }

  private listContactTypes(request: SimRequest): SimResponse {
    const { items, meta, links } = this.page(request, this.contactTypes, '/contact_types');
    return json(200, {
      data: items.map((t) => ({ id: t.id, type: 'contact-types', attributes: { name: t.name } })),
      meta,
      links,
    });
  }

  private serialize(contact: ContactRecord, adapters = false): Record<string, unknown> {
    const organization = this.organizations.get(contact['organization-id']);
    const location = organization?.locations.find((l) => l.id === contact['location-id']);
    const type = this.contactTypes.find((t) => t.id === contact['contact-type-id']);
    const psaId = this.psaSynced.get(contact.id);
    const { id, ...attributes } = contact;
    return {
      id,
      type: 'contacts',
      attributes: {
        ...attributes,
        'organization-id': Number(contact['organization-id']),
        'organization-name': organization?.name ?? null,
        name: [contact['first-name'], contact['last-name']].filter(Boolean).join(' '),
        'location-name': location?.name ?? null,
        'contact-type-name': type?.name ?? null,
        // Inferred: records of a PSA integration name it, as configurations and organizations have been seen to.
        'psa-integration': psaId === undefined ? (contact['psa-integration'] ?? null) : this.psaIntegrationType,
        'contact-phones': contact['contact-phones'].map((p) => ({
          ...p,
          'label-type': 'phone',
          'formatted-value': formatPhone(p.value),
        })),
      },
      ...(adapters
        ? {
            relationships: {
              'adapters-resources': { data: psaId === undefined ? [] : [{ id: `a${id}`, type: 'adapters-resources' }] },
            },
          }
        : {}),
    };
  }

  /**
   * Undocumented: the shape of `include=adapters_resources`. Served as public code has read it for organizations (a
   * relationship to included records whose `remote-id` is the PSA's id); readers must take it tolerantly.
   */
  private adapterResources(contacts: readonly ContactRecord[]): Record<string, unknown>[] {
    return contacts.flatMap((contact) => {
      const psaId = this.psaSynced.get(contact.id);
      return psaId === undefined
        ? []
        : [
            {
              id: `a${contact.id}`,
              type: 'adapters-resources',
              attributes: { 'remote-id': String(psaId), 'integration-type': this.psaIntegrationType },
            },
          ];
    });
  }

  private includes(request: SimRequest): Set<string> {
    const raw = request.query.get('include');
    const wanted = new Set(raw === null || raw === '' ? [] : raw.split(',').map((name) => name.trim()));
    for (const name of wanted)
      if (!CONTACT_INCLUDES.has(name))
        throw badRequest(`include must be one of: ${[...CONTACT_INCLUDES].join(', ')} (got "${name}").`);
    return wanted;
  }

  private listContacts(request: SimRequest, nestedOrganization: string | null): SimResponse {
    const adapters = this.includes(request).has('adapters_resources');
    let all: ContactRecord[];
    if (nestedOrganization !== null) {
      this.organization(nestedOrganization);
      // The nested relationship route ignores filters.
      all = this.contacts.group(nestedOrganization);
    } else {
      const q = request.query;
      const organizations = q.get('filter[organization_id]')?.split(',') ?? null;
      all =
        organizations === null
          ? [...this.contacts.values()]
          : [...new Set(organizations)].flatMap((organization) => this.contacts.group(organization));
      const eq = (name: string, pick: (c: ContactRecord) => unknown) => {
        const wanted = q.get(`filter[${name}]`)?.split(',');
        if (wanted !== undefined) all = all.filter((c) => wanted.includes(String(pick(c) ?? '')));
      };
      eq('id', (c) => c.id);
      eq('first_name', (c) => c['first-name']);
      eq('last_name', (c) => c['last-name']);
      eq('title', (c) => c.title);
      eq('contact_type_id', (c) => c['contact-type-id']);
      eq('important', (c) => c.important);
      const primaryEmail = q.get('filter[primary_email]');
      if (primaryEmail !== null)
        all = all.filter((c) =>
          c['contact-emails'].some((e) => e.primary && e.value.toLowerCase() === primaryEmail.toLowerCase()),
        );
      const psaIds = q.get('filter[psa_id]');
      const psaType = q.get('filter[psa_integration_type]');
      if (psaType !== null && !PSA_INTEGRATION_TYPES.has(psaType))
        throw badRequest(`filter[psa_integration_type] must be one of: ${[...PSA_INTEGRATION_TYPES].join(', ')}.`);
      if (psaIds !== null) {
        // Documented: "This must be accompanied by the filter for psa_integration_type".
        if (psaType === null) throw badRequest('filter[psa_id] must be accompanied by filter[psa_integration_type].');
        // Unknown whether a list is taken (CONTRACTS.md): by default a comma-separated list is one id, matching none.
        const wanted = this.simulate.psaIdLists ? psaIds.split(',') : [psaIds];
        all = all.filter((c) => {
          const psaId = this.psaSynced.get(c.id);
          return psaType === this.psaIntegrationType && psaId !== undefined && wanted.includes(String(psaId));
        });
      } else if (psaType !== null) {
        all = all.filter((c) => psaType === this.psaIntegrationType && this.psaSynced.has(c.id));
      }
    }
    all.sort((a, b) => Number(a.id) - Number(b.id));
    const { items, meta, links } = this.page(request, all, request.path);
    return json(200, {
      data: items.map((c) => this.serialize(c, adapters)),
      ...(adapters ? { included: this.adapterResources(items) } : {}),
      meta,
      links,
    });
  }

  private contactOf(id: string, organizationId: string | null): ContactRecord {
    const contact = this.contacts.get(id);
    if (contact === undefined || (organizationId !== null && contact['organization-id'] !== organizationId))
      throw new ItGlueError(404, [{ status: 404, title: 'Not Found', detail: `Contact ${id} was not found.` }]);
    return contact;
  }

  private getContact(request: SimRequest, organizationId: string | null): SimResponse {
    const adapters = this.includes(request).has('adapters_resources');
    const contact = this.contactOf(request.params.id!, organizationId);
    return json(200, {
      data: this.serialize(contact, adapters),
      ...(adapters ? { included: this.adapterResources([contact]) } : {}),
    });
  }

  /** The body's `data`: documented as a Hash for one record, an Array for several. */
  private data(
    request: SimRequest,
    shape: 'object' | 'array' | 'either',
  ): { items: Record<string, unknown>[]; many: boolean } {
    let document: unknown;
    try {
      document = JSON.parse(request.body);
    } catch {
      throw badRequest('The request body is not valid JSON.');
    }
    const data = (document as { data?: unknown } | null)?.data;
    if (data === undefined || data === null || typeof data !== 'object')
      throw badRequest('data is required (a Hash, or an Array of them).');
    const many = Array.isArray(data);
    // Inferred: a parameter of the wrong kind is a 400, as other malformed requests are.
    if (many && shape === 'object')
      throw badRequest(
        request.method === 'POST'
          ? 'data must be a Hash: several contacts are created on /organizations/:organization_id/relationships/contacts.'
          : 'data must be a Hash: several contacts are updated with PATCH /contacts.',
      );
    if (!many && shape === 'array') throw badRequest('data must be an Array of nested elements.');
    const items = (many ? data : [data]) as unknown[];
    items.forEach((item, i) => {
      const attributes = (item as { attributes?: unknown } | null)?.attributes;
      if (item === null || typeof item !== 'object' || (item as { type?: unknown }).type !== 'contacts')
        throw badRequest(`data${many ? `[${i}]` : ''}[type] must be one of: contacts.`);
      if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes))
        throw badRequest(`data${many ? `[${i}]` : ''}[attributes] must be a Hash.`);
    });
    return { items: items as Record<string, unknown>[], many };
  }

  /** The problems of a contact's attributes, each pointing at its field. */
  private validate(attributes: Record<string, unknown>, organizationId: string, pointer: string): JsonApiError[] {
    const errors: JsonApiError[] = [];
    const organization = this.organizations.get(organizationId);
    if (organization === undefined)
      return [unprocessable(`${pointer}/organization-id`, `Organization ${organizationId} does not exist.`)];
    const emails = attributes['contact-emails'];
    if (emails !== undefined) {
      if (!Array.isArray(emails)) errors.push(unprocessable(`${pointer}/contact-emails`, 'must be an array'));
      else
        emails.forEach((email: Record<string, unknown>, i) => {
          if (typeof email?.value !== 'string' || !EMAIL.test(email.value))
            errors.push(
              unprocessable(
                `${pointer}/contact-emails/${i}/value`,
                `Value "${String(email?.value)}" is not a valid email address.`,
              ),
            );
          if (typeof email?.['label-name'] !== 'string' || email['label-name'] === '')
            errors.push(unprocessable(`${pointer}/contact-emails/${i}/label-name`, "Label name can't be blank."));
        });
    }
    const phones = attributes['contact-phones'];
    if (phones !== undefined) {
      if (!Array.isArray(phones)) errors.push(unprocessable(`${pointer}/contact-phones`, 'must be an array'));
      else
        phones.forEach((phone: Record<string, unknown>, i) => {
          if (typeof phone?.value !== 'string' || digits(phone.value) === '')
            errors.push(unprocessable(`${pointer}/contact-phones/${i}/value`, "Value can't be blank."));
          if (typeof phone?.['label-name'] !== 'string' || phone['label-name'] === '')
            errors.push(unprocessable(`${pointer}/contact-phones/${i}/label-name`, "Label name can't be blank."));
        });
    }
    const location = attributes['location-id'];
    if (location !== undefined && location !== null && !organization.locations.some((l) => l.id === String(location))) {
      errors.push(
        unprocessable(
          `${pointer}/location-id`,
          `Location ${String(location)} does not belong to organization ${organizationId}.`,
        ),
      );
    }
    const type = attributes['contact-type-id'];
    if (type !== undefined && type !== null && !this.contactTypes.some((t) => t.id === String(type))) {
      errors.push(unprocessable(`${pointer}/contact-type-id`, `Contact type ${String(type)} does not exist.`));
    }
    for (const field of ['first-name', 'last-name', 'title', 'notes'] as const) {
      const value = attributes[field];
      if (value !== undefined && value !== null && (typeof value !== 'string' || value.length > 255))
        errors.push(unprocessable(`${pointer}/${field}`, `${field} is too long (maximum is 255 characters).`));
    }
    return errors;
  }

  private normalized(given: Record<string, unknown>): Partial<ContactRecord> {
    const attributes = Object.fromEntries(
      Object.entries(given).filter(([key]) => !this.ignoredAttributes.includes(key)),
    );
    const out: Record<string, unknown> = {};
    for (const key of ['first-name', 'last-name', 'title', 'notes', 'important'] as const)
      if (key in attributes) out[key] = attributes[key];
    if ('location-id' in attributes)
      out['location-id'] = attributes['location-id'] === null ? null : String(attributes['location-id']);
    if ('contact-type-id' in attributes)
      out['contact-type-id'] = attributes['contact-type-id'] === null ? null : String(attributes['contact-type-id']);
    if ('contact-emails' in attributes) {
      out['contact-emails'] = (attributes['contact-emails'] as Record<string, unknown>[]).map((e) => ({
        value: String(e.value),
        primary: e.primary === true,
        'label-name': String(e['label-name']),
      }));
    }
    if ('contact-phones' in attributes) {
      out['contact-phones'] = (attributes['contact-phones'] as Record<string, unknown>[]).map((p) => ({
        value: digits(String(p.value)),
        extension: p.extension === undefined || p.extension === null ? null : String(p.extension),
        primary: p.primary === true,
        'label-name': String(p['label-name']),
      }));
    }
    return out as Partial<ContactRecord>;
  }

  private createContacts(request: SimRequest, nestedOrganization: string | null): SimResponse {
    if (nestedOrganization !== null) this.organization(nestedOrganization);
    // Documented: "Use the nested relationships route to add multiple contacts to an organization in bulk."
    const { items, many } = this.data(request, nestedOrganization === null ? 'object' : 'either');
    const errors: JsonApiError[] = [];
    items.forEach((item, i) => {
      const attributes = item.attributes as Record<string, unknown>;
      const organizationId = nestedOrganization ?? String(attributes['organization-id'] ?? '');
      errors.push(...this.validate(attributes, organizationId, many ? `/data/${i}/attributes` : '/data/attributes'));
    });
    // Inferred: a bulk create is all or nothing; the errors point at the items by index.
    if (errors.length > 0) throw new ItGlueError(422, errors);
    const created = items.map((item) => {
      const attributes = item.attributes as Record<string, unknown>;
      const organizationId = nestedOrganization ?? String(attributes['organization-id']);
      const id = this.addContact(organizationId, this.normalized(attributes));
      return this.serialize(this.contacts.get(id)!);
    });
    return json(201, { data: many ? created : created[0] });
  }

  /** Documented: 422 "if trying to update an externally synced record". */
  private externallySynced(contact: ContactRecord, pointer: string): JsonApiError | null {
    return this.psaSynced.has(contact.id)
      ? unprocessable(
          pointer,
          `Cannot update an externally synced record: this contact is kept in step by the ${this.psaIntegrationType} PSA integration.`,
        )
      : null;
  }

  private apply(contact: ContactRecord, attributes: Record<string, unknown>): Record<string, unknown> {
    const next: ContactRecord = {
      ...contact,
      ...this.normalized(attributes),
      'updated-at': new Date(this.clock.now()).toISOString(),
    };
    this.contacts.set(contact.id, next);
    return this.serialize(next);
  }

  private updateContact(request: SimRequest, organizationId: string | null): SimResponse {
    const contact = this.contactOf(request.params.id!, organizationId);
    const [item] = this.data(request, 'object').items;
    const attributes = item!.attributes as Record<string, unknown>;
    const synced = this.externallySynced(contact, '/data/attributes');
    const errors = [
      ...(synced === null ? [] : [synced]),
      ...this.validate(attributes, contact['organization-id'], '/data/attributes'),
    ];
    if (errors.length > 0) throw new ItGlueError(422, errors);
    return json(200, { data: this.apply(contact, attributes) });
  }

  /**
   * Documented: `PATCH /contacts` with `data` an Array, each item's id inside `attributes` ("Required identifier for bulk
   * updates"). Inferred: the bulk update documents no emails or phones, so they are dropped as unknown parameters are;
   * the update is all or nothing, its errors pointing at the items.
   */
  private bulkUpdateContacts(request: SimRequest): SimResponse {
    const { items } = this.data(request, 'array');
    const errors: JsonApiError[] = [];
    const targets = items.map((item, i) => {
      const pointer = `/data/${i}/attributes`;
      const {
        id,
        'contact-emails': _emails,
        'contact-phones': _phones,
        ...attributes
      } = item.attributes as Record<string, unknown>;
      if (typeof id !== 'number' && !(typeof id === 'string' && /^\d+$/.test(id))) {
        errors.push(
          unprocessable(
            `${pointer}/id`,
            item.id === undefined
              ? 'id is a required identifier for bulk updates, inside attributes.'
              : 'id is a required identifier for bulk updates, inside attributes (not beside them).',
          ),
        );
        return null;
      }
      const contact = this.contacts.get(String(id));
      if (contact === undefined) {
        errors.push({
          status: 404,
          title: 'Not Found',
          detail: `Contact ${id} was not found.`,
          source: { pointer: `${pointer}/id` },
        });
        return null;
      }
      const synced = this.externallySynced(contact, pointer);
      if (synced !== null) errors.push(synced);
      errors.push(...this.validate(attributes, contact['organization-id'], pointer));
      return { contact, attributes };
    });
    if (errors.length > 0) throw new ItGlueError(errors.every((e) => e.status === 404) ? 404 : 422, errors);
    return json(200, { data: targets.map((target) => this.apply(target!.contact, target!.attributes)) });
  }
}
