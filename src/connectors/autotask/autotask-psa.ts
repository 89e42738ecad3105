import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { NamedRecord, Psa, WriteResult } from '../../domain/ports.ts';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from '../../domain/psa-contact.ts';
import { reason, type Reason } from '../../domain/reason.ts';
import { ConnectorError } from '../http/connector-error.ts';
import { createOnce, madeBy } from '../http/create-once.ts';
import { HttpClient, transportOf, type HttpResponse, type TransportOptions } from '../http/http-client.ts';
import { isSmallRun } from '../http/run-priority.ts';
import type { RequiredField } from '../../domain/target-profile.ts';
import {
  emailFieldsFor,
  type EmailSlots,
  fieldOfError,
  portFieldOf,
  toCreateBody,
  toInactiveBody,
  toPatchBody,
  toPsaContact,
} from './mapping.ts';
import { RecentRequests, stepBackCost, THRESHOLD_READ_EVERY_MS } from './step-back.ts';
import {
  allCompanies,
  apiBaseOf,
  AUTOTASK_ENDPOINTS,
  AUTOTASK_HEADERS,
  AUTOTASK_NEXT_PAGE_METHOD,
  AUTOTASK_THREADS_PER_ENDPOINT,
  AUTOTASK_ZONE_DISCOVERY,
  companyItem,
  contactsByEmail,
  contactsByName,
  contactsOfCompany,
  CONTACT_FIELDS,
  contactWire,
  errorsOf,
  fieldInformation,
  itemAnswer,
  itemIdAnswer,
  locationItem,
  locationsOfCompany,
  meaningOfAnswer,
  meaningOfStatus,
  pathOf,
  queryPage,
  thresholdAnswer,
  zoneAnswer,
  type AutotaskContactWire,
  type AutotaskEndpointName,
  type AutotaskThreshold,
  type AutotaskZone,
} from './wire.ts';

const SERVICE = 'autotask';

const notFound = (what: string): WriteResult<number> => ({
  ok: false,
  reasons: [reason('autotask-not-found', `Autotask has no such contact (${what}).`)],
});

/** How long the fields an instance requires are taken as read. */
const REQUIRED_READ_EVERY_MS = 10 * 60_000;

/** The port's fields an instance may require, as a person names them. */
const LABELS: Partial<Record<keyof PsaContactFields, string>> = {
  jobTitle: 'title',
  emailAddress: 'email address',
  phoneNumber: 'phone',
  mobilePhone: 'mobile phone',
  locationId: 'location',
};

/** The contact fields every create sends (the profile holds a contact without a name): never an instance's extra. */
const ALWAYS_SENT = new Set(
  [
    CONTACT_FIELDS.id,
    CONTACT_FIELDS.companyId,
    CONTACT_FIELDS.firstName,
    CONTACT_FIELDS.lastName,
    CONTACT_FIELDS.isActive,
  ].map((f) => f.toLowerCase()),
);
const NAME = 'Autotask';

export interface AutotaskCredentials {
  /** the API user (an API-only resource), as an email address */
  readonly userName: string;
  readonly secret: string;
  /** the integration's tracking identifier */
  readonly integrationCode: string;
}

export interface AutotaskOptions extends TransportOptions {
  readonly credentials: AutotaskCredentials;
  /** a fixed zone URL (the simulator's): zone discovery is skipped */
  readonly baseUrl?: string;
  /** where zones are discovered (tests) */
  readonly zoneDiscoveryUrl?: string;
}

/** A contact field Autotask describes: whether an instance requires it, and its length. */
export interface AutotaskFieldInfo {
  readonly name: string;
  readonly isRequired: boolean;
  readonly isReadOnly: boolean;
  readonly length: number | null;
}

/**
 * A next page's address on the API's own host: its path and query are followed, never another host, since every
 * request carries the credentials (and a proxy in front of the API is followed through it).
 */
function onApi(nextPage: string, apiBase: string): string {
  const next = new URL(nextPage, apiBase);
  return new URL(`${next.pathname}${next.search}`, new URL(apiBase).origin).toString();
}

/** A short, stable name for a value that keys a budget or a slot (the integration code is not written out). */
const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);

/**
 * Autotask PSA as a `Psa`: the zone discovered from the API user (once), the three headers on every call, contacts by
 * `POST Contacts/query` at 500 a page, created on the company's child route, PATCHed with only the changed fields,
 * inactivated with `isActive: 0`; never PUT, never DELETE. A refused record (a 500 with `errors`) becomes that
 * record's reasons, naming the field. At most 3 requests are in flight per endpoint, and in a large run the database's
 * `ThresholdInformation` decides how much of the budget is spent.
 */
export class AutotaskPsa implements Psa {
  private readonly http: HttpClient;
  private zoneRead: Promise<AutotaskZone> | null = null;
  private readonly budgetKey: string;
  private readonly threadKey: string;
  private readonly now: () => number;
  private readonly sent: RecentRequests;
  private cost = 1;
  private thresholdReadAt = Number.NEGATIVE_INFINITY;
  private thresholdRead: Promise<void> | null = null;
  /**
   * The email fields of the contacts last read, by company (a listing replaces its company's): a change of primary
   * keeps the older one where the contact has room without reading it again (the run that writes it has just listed
   * it).
   */
  private readonly emailsSeen = new Map<number, Map<number, EmailSlots>>();
  private requiredRead: { readonly at: number; readonly fields: Promise<readonly RequiredField[]> } | null = null;

  constructor(private readonly options: AutotaskOptions) {
    this.http = new HttpClient({
      service: SERVICE,
      displayName: NAME,
      meaningOf: meaningOfAnswer,
      ...transportOf(options),
    });
    this.now = options.now ?? Date.now;
    this.sent = new RecentRequests(this.now);
    const { userName, integrationCode } = options.credentials;
    // One hourly limit per database, which the API user belongs to; threads per integration code and endpoint.
    this.budgetKey = `${SERVICE}:${userName.toLowerCase()}`;
    this.threadKey = `${SERVICE}:${digest(integrationCode)}`;
  }

  /** The zone of the API user: its API base and web address (discovered once; a fixed base URL skips it). */
  zone(): Promise<AutotaskZone> {
    const { baseUrl } = this.options;
    if (baseUrl !== undefined) return Promise.resolve({ apiBase: apiBaseOf(baseUrl), webUrl: null, name: null });
    this.zoneRead ??= this.discoverZone().catch((error: unknown) => {
      this.zoneRead = null;
      throw error;
    });
    return this.zoneRead;
  }

  private async discoverZone(): Promise<AutotaskZone> {
    const { userName } = this.options.credentials;
    const url = `${this.options.zoneDiscoveryUrl ?? AUTOTASK_ZONE_DISCOVERY}?user=${encodeURIComponent(userName)}`;
    // Without credentials, and outside the budget and the thread limits (documented as exempt from them).
    const response = await this.http.send({ method: 'GET', url });
    const zone = zoneAnswer.safeParse(response.body);
    if (response.status >= 200 && response.status < 300 && zone.success)
      return { apiBase: apiBaseOf(zone.data.url), webUrl: zone.data.webUrl ?? null, name: zone.data.zoneName ?? null };
    throw new ConnectorError({
      code: response.status >= 200 && response.status < 300 ? 'Protocol' : 'Auth',
      service: SERVICE,
      status: response.status,
      message: `Autotask has no zone for the API user ${userName} (zoneInformation answered ${response.status}${this.errorText(response)}): check the user name, an API-only user's email address.`,
    });
  }

  private errorText(response: HttpResponse): string {
    const errors = errorsOf(response.body);
    return errors === null ? '' : `: ${errors.join('; ')}`;
  }

  private async send(
    name: AutotaskEndpointName,
    params: Readonly<Record<string, number>> = {},
    body?: unknown,
    nextPage?: string,
  ): Promise<HttpResponse> {
    const { apiBase } = await this.zone();
    if (name !== 'threshold') await this.stepBackIfLarge();
    const endpoint = AUTOTASK_ENDPOINTS[name];
    const method = nextPage === undefined ? endpoint.method : AUTOTASK_NEXT_PAGE_METHOD;
    const url = nextPage === undefined ? `${apiBase}${pathOf(name, params)}` : onApi(nextPage, apiBase);
    const { userName, secret, integrationCode } = this.options.credentials;
    const send = body !== undefined && nextPage === undefined;
    this.sent.count();
    return this.http.send({
      method,
      url,
      headers: {
        [AUTOTASK_HEADERS.integrationCode]: integrationCode,
        [AUTOTASK_HEADERS.userName]: userName,
        [AUTOTASK_HEADERS.secret]: secret,
        ...(send ? { 'content-type': 'application/json' } : {}),
      },
      ...(send ? { body: JSON.stringify(body) } : {}),
      budgetKey: this.budgetKey,
      cost: this.cost,
      // A create sent twice makes two contacts; a query or a PATCH of the same fields is the same twice.
      idempotent: name !== 'createContact',
      slot: { key: `${this.threadKey}:${endpoint.entity}`, cap: AUTOTASK_THREADS_PER_ENDPOINT },
    });
  }

  /** The database's hourly limit and what every integration spent of it (the read counts as a request). */
  async threshold(): Promise<AutotaskThreshold> {
    const response = await this.send('threshold');
    return this.parsed('read the API threshold', thresholdAnswer, this.answer('read the API threshold', response));
  }

  /** In a large run, the database's use is read every few minutes, and the budget spent less when others are busy. */
  private async stepBackIfLarge(): Promise<void> {
    if (isSmallRun() || this.now() - this.thresholdReadAt < THRESHOLD_READ_EVERY_MS) return;
    this.thresholdRead ??= (async () => {
      try {
        const reading = await this.threshold();
        const limit = this.options.budget?.limitOf?.(this.budgetKey) ?? null;
        this.cost = limit === null ? 1 : stepBackCost(reading, this.sent.within(reading.windowMs), limit.limit);
      } catch {
        // Unread, the budget alone keeps contactsync inside its share: the run goes on.
      } finally {
        this.thresholdReadAt = this.now();
        this.thresholdRead = null;
      }
    })();
    await this.thresholdRead;
  }

  /** A successful answer's body; anything else throws, coded by what its status means. */
  private answer(what: string, response: HttpResponse): unknown {
    if (response.status >= 200 && response.status < 300) return response.body;
    throw new ConnectorError({
      code: meaningOfStatus(response.status),
      service: SERVICE,
      status: response.status,
      message: `Autotask refused to ${what} (status ${response.status}${this.errorText(response)}).${response.status === 401 ? ' Check the API user, its secret and the integration code.' : response.status === 403 ? " The API user's security level does not allow it." : ''}`,
    });
  }

  private parsed<T>(what: string, schema: z.ZodType<T>, value: unknown): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new ConnectorError({
      code: 'Protocol',
      service: SERVICE,
      status: 200,
      message: `Autotask answered "${what}" in a shape contactsync does not read (${issue?.path.join('.') || 'answer'}: ${issue?.message ?? 'invalid'}).`,
    });
  }

  /** Every record of a query, following `nextPageUrl` until it is null. */
  private async query<T>(what: string, name: AutotaskEndpointName, body: unknown, item: z.ZodType<T>): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    const seen = new Set<string>();
    do {
      const response = await this.send(name, {}, body, next);
      const page = this.parsed(what, queryPage, this.answer(what, response));
      items.push(...this.parsed(what, item.array(), page.items));
      next = page.pageDetails.nextPageUrl ?? undefined;
      if (next !== undefined && seen.has(next))
        throw new ConnectorError({
          code: 'Protocol',
          service: SERVICE,
          message: `Autotask answered "${what}" with a next page it had given before; the list could not be read whole.`,
        });
      if (next !== undefined) seen.add(next);
    } while (next !== undefined);
    return items;
  }

  async listAccounts(): Promise<NamedRecord<number>[]> {
    return this.query('list companies', 'companies', allCompanies(), companyItem);
  }

  async listLocations(accountId: number): Promise<PsaLocation[]> {
    const locations = await this.query(
      `list the locations of company ${accountId}`,
      'locations',
      locationsOfCompany(accountId),
      locationItem,
    );
    return locations.filter((l) => l.isActive).map(({ id, name, isMain }) => ({ id, name, isMain }));
  }

  /** Autotask has no typed email or phone lists: a contact has fields for each. */
  async listEmailTypes(): Promise<PsaType[]> {
    return [];
  }

  async listPhoneTypes(): Promise<PsaType[]> {
    return [];
  }

  private async contacts(what: string, accountId: number, body: unknown, whole = false): Promise<PsaContact[]> {
    const items = await this.query(what, 'contacts', body, contactWire);
    const seen =
      whole || !this.emailsSeen.has(accountId) ? new Map<number, EmailSlots>() : this.emailsSeen.get(accountId)!;
    for (const { id, emailAddress, emailAddress2, emailAddress3 } of items)
      seen.set(id, { emailAddress, emailAddress2, emailAddress3 });
    this.emailsSeen.set(accountId, seen);
    return items.map((item) => toPsaContact(item, accountId));
  }

  listContacts(accountId: number): Promise<PsaContact[]> {
    return this.contacts(`list the contacts of company ${accountId}`, accountId, contactsOfCompany(accountId), true);
  }

  findContactsByEmail(accountId: number, email: string): Promise<PsaContact[]> {
    return this.contacts('find contacts by email', accountId, contactsByEmail(accountId, email));
  }

  findContactsByName(accountId: number, firstName: string, lastName: string): Promise<PsaContact[]> {
    return this.contacts('find contacts by name', accountId, contactsByName(accountId, firstName, lastName));
  }

  /** One contact as Autotask holds it, in its own fields; null when there is none. */
  private async readItem(id: number): Promise<AutotaskContactWire | null> {
    const what = `read contact ${id}`;
    const response = await this.send('contact', { id });
    if (response.status === 404) return null;
    const found = this.parsed(what, itemAnswer, this.answer(what, response));
    return found === null ? null : this.parsed(what, contactWire, found);
  }

  async readContact(id: number): Promise<PsaContact | null> {
    const item = await this.readItem(id);
    if (item === null) return null;
    if (item.companyID === null)
      throw new ConnectorError({
        code: 'Protocol',
        service: SERVICE,
        message: `Autotask answered "read contact ${id}" without the contact's company.`,
      });
    return toPsaContact(item, item.companyID);
  }

  /** The contact fields Autotask describes (doctor names the required ones contactsync does not fill). */
  async contactFields(): Promise<AutotaskFieldInfo[]> {
    const what = 'describe the contact fields';
    const info = this.parsed(what, fieldInformation, this.answer(what, await this.send('contactFields')));
    return info.fields.map((f) => ({
      name: f.name,
      isRequired: f.isRequired ?? false,
      isReadOnly: f.isReadOnly ?? false,
      length: f.length ?? null,
    }));
  }

  /**
   * The fields this instance requires beyond those every create sends (the company, the names, `isActive`): a field
   * the sync fills by its name in the port, any other by Autotask's name, with where to make it optional. Read again
   * after ten minutes, so that a field an administrator makes optional stops holding contacts without a restart;
   * unread, none (a create the instance refuses then names the field).
   */
  requiredFields(): Promise<readonly RequiredField[]> {
    if (this.requiredRead !== null && this.now() - this.requiredRead.at < REQUIRED_READ_EVERY_MS)
      return this.requiredRead.fields;
    const read = this.contactFields().then(
      (described) =>
        described
          .filter((f) => f.isRequired && !f.isReadOnly && !ALWAYS_SENT.has(f.name.toLowerCase()))
          .map((f): RequiredField => {
            const field = portFieldOf(f.name);
            return field === null
              ? {
                  field: f.name,
                  label: f.name,
                  fix: `make "${f.name}" optional for contacts in Autotask (Admin > Features & Settings > Contacts), or give it a default there`,
                }
              : { field, label: LABELS[field] ?? f.name };
          }),
      () => {
        this.requiredRead = null;
        return [];
      },
    );
    this.requiredRead = { at: this.now(), fields: read };
    return read;
  }

  /**
   * A refused record (`errors`) becomes its reasons, one per error, each naming the field it is about; a missing
   * record, a reason too; anything else that fails throws. A create answers the new id, a PATCH the id it was given.
   */
  private written(what: string, response: HttpResponse): WriteResult<number> {
    const errors = errorsOf(response.body);
    if (meaningOfAnswer(response.status, response.body) === 'refused' && errors !== null)
      return {
        ok: false,
        reasons: errors.map((message) => {
          const field = fieldOfError(message);
          return reason(
            'autotask-refused',
            `Autotask refused to ${what}: ${message}`,
            ...(field === null ? [] : [field]),
          );
        }),
      };
    if (response.status === 404) return notFound(what);
    return { ok: true, id: this.parsed(what, itemIdAnswer, this.answer(what, response)) };
  }

  /**
   * Creates a contact on the company's child route. When the answer is lost, the company is searched for the email
   * before the contact is sent again, and the contact holding it as its primary address is taken (`madeBy`: another may
   * hold it in its second or third email field, one linked to someone else), so that a contact is never made twice.
   */
  async createContact(accountId: number, fields: PsaContactFields): Promise<WriteResult<number>> {
    const what = `create ${fields.firstName} ${fields.lastName ?? ''}`.trim();
    return createOnce(
      async () =>
        this.written(what, await this.send('createContact', { companyId: accountId }, toCreateBody(accountId, fields))),
      async () => madeBy(fields, await this.findContactsByEmail(accountId, fields.emailAddress)),
    );
  }

  /** Updates a contact with only the fields that changed (PATCH: Autotask keeps every field not sent). */
  async updateContact(
    accountId: number,
    id: number,
    fields: PsaContactFields,
    changed: readonly (keyof PsaContactFields)[],
  ): Promise<WriteResult<number>> {
    const body = toPatchBody(id, fields, changed);
    const notes: Reason[] = [];
    let written: EmailSlots | null = null;
    if (changed.includes('emailAddress')) {
      // The person's older primary is kept in emailAddress2 or 3: as the run's listing has them, else read now.
      const current = this.emailsSeen.get(accountId)?.get(id) ?? (await this.readItem(id));
      if (current === null) return notFound(`update contact ${id}`);
      const emails = emailFieldsFor(current, fields.emailAddress);
      if (emails !== null) {
        Object.assign(body, emails);
        written = { ...current, ...emails };
      } else {
        delete body[CONTACT_FIELDS.email];
        notes.push(
          reason(
            'autotask-email-kept',
            `Autotask contact ${id} keeps ${current.emailAddress ?? ''} as its primary email: ${fields.emailAddress} would replace it, and its second and third addresses (${current.emailAddress2 ?? ''}, ${current.emailAddress3 ?? ''}) are taken, so the older primary would be lost. Clear one of them in Autotask, and the next run makes ${fields.emailAddress} the primary.`,
            'emailAddress',
          ),
        );
      }
    }
    // Only fields Autotask does not hold changed (a type): nothing to send.
    if (Object.keys(body).length === 1) return { ok: true, id, ...(notes.length === 0 ? {} : { notes }) };
    const response = await this.send('updateContact', { companyId: accountId }, body);
    const result = this.written(`update contact ${id}`, response);
    if (result.ok && written !== null) this.emailsSeen.get(accountId)?.set(id, written);
    return result.ok && notes.length > 0 ? { ...result, notes } : result;
  }

  /** Marks the contact inactive (`isActive: 0`), every other field kept as Autotask holds it: one PATCH. */
  async inactivateContact(accountId: number, id: number): Promise<WriteResult<number>> {
    const response = await this.send('updateContact', { companyId: accountId }, toInactiveBody(id));
    return this.written(`inactivate contact ${id}`, response);
  }
}
