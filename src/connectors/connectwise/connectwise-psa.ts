import type { z } from 'zod';
import type { NamedRecord, Psa, WriteResult } from '../../domain/ports.ts';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from '../../domain/psa-contact.ts';
import { reason, type Reason } from '../../domain/reason.ts';
import type { RequiredField } from '../../domain/target-profile.ts';
import { ConnectorError } from '../http/connector-error.ts';
import { createOnce, madeBy } from '../http/create-once.ts';
import { DEFAULT_TYPE_NAMES, missingTypeHolds, type TypeNames } from './communication-types.ts';
import { HttpClient, transportOf, type HttpResponse, type TransportOptions } from '../http/http-client.ts';
import {
  contactPatch,
  INACTIVE_PATCH,
  itemWrites,
  toCreateBody,
  toPsaContact,
  type ItemTypes,
  type ItemWrite,
} from './mapping.ts';
import {
  apiBaseOf,
  authHeaders,
  companyInfoAnswer,
  companyInfoPath,
  companyItem,
  CONNECTWISE_PAGE_SIZE,
  CONNECTWISE_PATHS,
  contactsByName,
  contactsOfCompany,
  contactsWithEmail,
  contactWire,
  fixedApiBase,
  isApiBase,
  FORWARD_ONLY,
  meaningOfStatus,
  nextLinkOf,
  problemsOf,
  siteItem,
  siteOriginOf,
  systemInfo,
  typeItem,
  type ConnectwiseItemWire,
  type ConnectwiseType,
} from './wire.ts';

const SERVICE = 'connectwise';
const NAME = 'ConnectWise';
/** An update's item writes are made again from a fresh read this many times in all when an item is found gone. */
const ITEM_ROUNDS = 3;

export interface ConnectwiseCredentials {
  /** the company id typed at login */
  readonly company: string;
  readonly publicKey: string;
  readonly privateKey: string;
  /** the integration's clientId (developer.connectwise.com) */
  readonly clientId: string;
}

/** The communication types contactsync writes, by their names in ConnectWise (`Email`, `Direct`, `Cell`). */
export type ItemTypeNames = TypeNames;

export interface ConnectwiseOptions extends TransportOptions {
  readonly credentials: ConnectwiseCredentials;
  /** the login site (`na.myconnectwise.net`, or a URL); the codebase is discovered there unless given */
  readonly site?: string;
  readonly codebase?: string;
  /** a fixed API base (the simulator's): discovery is skipped; a bare address is a site where it is done */
  readonly baseUrl?: string;
  readonly typeNames?: ItemTypeNames;
}

/** The types each setting names, resolved; a name that does not resolve is null (doctor says why). */
export interface ResolvedTypes extends ItemTypes {
  readonly all: readonly ConnectwiseType[];
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A next page's address on the API's own host: the credentials are never sent elsewhere. */
function onApi(next: string, apiBase: string): string {
  const url = new URL(next, apiBase);
  return new URL(`${url.pathname}${url.search}`, new URL(apiBase).origin).toString();
}

/**
 * ConnectWise PSA as a `Psa`: the codebase discovered from `companyinfo` (once), Basic auth and the `clientId` on every
 * call; contacts by `conditions` (and `childConditions` on their communication items) in forward-only pages of 1,000;
 * created with their communication items typed by the configured types; updated by JSON Patch with only what
 * changed, emails and phones through the communications sub-resource so that every item a person added is kept;
 * leavers `inactiveFlag: true`; never a contact DELETE. 429s are waited out by the HTTP client.
 */
export class ConnectwisePsa implements Psa {
  private readonly http: HttpClient;
  private baseRead: Promise<string> | null = null;
  private typesRead: Promise<ResolvedTypes> | null = null;
  /** each contact's communication items as last read, so that an update needs no read of its own (used once) */
  private readonly itemsSeen = new Map<number, readonly ConnectwiseItemWire[]>();
  private readonly budgetKey: string;

  constructor(private readonly options: ConnectwiseOptions) {
    this.http = new HttpClient({ service: SERVICE, displayName: NAME, ...transportOf(options) });
    const { company, publicKey } = options.credentials;
    this.budgetKey = `${SERVICE}:${company.toLowerCase()}+${publicKey}`;
  }

  /** The API base: fixed, or from the site and codebase, or discovered from `companyinfo` (once). */
  apiBase(): Promise<string> {
    const { baseUrl, site, codebase } = this.options;
    if (baseUrl !== undefined && isApiBase(baseUrl)) return Promise.resolve(fixedApiBase(baseUrl));
    // A bare address (a simulator's) is a site of its own.
    const at = baseUrl ?? site;
    if (at === undefined) return Promise.reject(new Error('connectwise: the config names no site and no baseUrl'));
    if (codebase !== undefined) return Promise.resolve(apiBaseOf(siteOriginOf(at), { Codebase: codebase }));
    this.baseRead ??= this.discover(at).catch((error: unknown) => {
      this.baseRead = null;
      throw error;
    });
    return this.baseRead;
  }

  private async discover(site: string): Promise<string> {
    const { company } = this.options.credentials;
    const origin = siteOriginOf(site);
    // Without credentials, and outside the budget: it is the login page's own lookup.
    const response = await this.http.send({ method: 'GET', url: `${origin}${companyInfoPath(company)}` });
    const info = companyInfoAnswer.safeParse(response.body);
    if (response.status >= 200 && response.status < 300 && info.success) return apiBaseOf(origin, info.data);
    throw new ConnectorError({
      code: response.status === 404 ? 'Auth' : response.status < 300 ? 'Protocol' : meaningOfStatus(response.status),
      service: SERVICE,
      status: response.status,
      message: `ConnectWise at ${origin} knows no company "${company}" (companyinfo answered ${response.status}): check the site and the company id typed at login.`,
    });
  }

  private async send(
    method: Method,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const base = await this.apiBase();
    const url = /^https?:/.test(path) ? onApi(path, base) : `${base}${path}`;
    const sent = body !== undefined;
    return this.http.send({
      method,
      url,
      headers: {
        ...authHeaders(this.options.credentials),
        ...headers,
        ...(sent ? { 'content-type': 'application/json' } : {}),
      },
      ...(sent ? { body: JSON.stringify(body) } : {}),
      budgetKey: this.budgetKey,
      // A create sent twice makes two records; a read, a patch or a removal is the same twice.
      idempotent: method !== 'POST',
    });
  }

  /** A successful answer's body; anything else throws, coded by what its status means. */
  private answer(what: string, response: HttpResponse): unknown {
    if (response.status >= 200 && response.status < 300) return response.body;
    const problems = problemsOf(response.body);
    const said = problems === null ? '' : `: ${problems.map((p) => p.message).join('; ')}`;
    throw new ConnectorError({
      code: meaningOfStatus(response.status),
      service: SERVICE,
      status: response.status,
      message: `ConnectWise refused to ${what} (status ${response.status}${said}).${response.status === 401 ? " Check the company id, the API member's public and private keys, and the clientId." : response.status === 403 ? " The API member's security role does not allow it." : ''}`,
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
      message: `ConnectWise answered "${what}" in a shape contactsync does not read (${issue?.path.join('.') || 'answer'}: ${issue?.message ?? 'invalid'}).`,
    });
  }

  /** Every record of a list, in forward-only pages of 1,000, following the `Link` header's next page. */
  private async list<T>(what: string, path: string, query: Record<string, string>, item: z.ZodType<T>): Promise<T[]> {
    const params = new URLSearchParams({ ...query, pageSize: String(CONNECTWISE_PAGE_SIZE) });
    let next: string | null = `${path}?${params.toString()}`;
    const items: T[] = [];
    const seen = new Set<string>();
    while (next !== null) {
      const response = await this.send('GET', next, undefined, FORWARD_ONLY);
      items.push(...this.parsed(what, item.array(), this.answer(what, response)));
      next = nextLinkOf(response.headers.get('link'));
      if (next !== null && seen.has(next))
        throw new ConnectorError({
          code: 'Protocol',
          service: SERVICE,
          message: `ConnectWise answered "${what}" with a next page it had given before.`,
        });
      if (next !== null) seen.add(next);
    }
    return items;
  }

  /** The sign-in check: the version the API answers. */
  async version(): Promise<string | null> {
    const what = 'read the system info';
    return (
      this.parsed(what, systemInfo, this.answer(what, await this.send('GET', CONNECTWISE_PATHS.systemInfo))).version ??
      null
    );
  }

  /** The database's communication types, and the ids of those the config names (each of the right kind). */
  types(): Promise<ResolvedTypes> {
    this.typesRead ??= (async () => {
      const all = await this.list('list the communication types', CONNECTWISE_PATHS.communicationTypes, {}, typeItem);
      const names = this.options.typeNames ?? DEFAULT_TYPE_NAMES;
      const find = (name: string, email: boolean) =>
        all.find(
          (t) =>
            t.description.toLowerCase() === name.toLowerCase() && (email ? t.emailFlag === true : t.phoneFlag === true),
        )?.id ?? null;
      return {
        all,
        email: find(names.emailType, true),
        phone: find(names.phoneType, false),
        mobile: find(names.mobileType, false),
      };
    })().catch((error: unknown) => {
      this.typesRead = null;
      throw error;
    });
    return this.typesRead;
  }

  /**
   * A configured communication type the database lacks, as a field every new contact needs: the sync holds new
   * contacts, naming the setting and the database's types, rather than sending creates ConnectWise would refuse.
   * Unread, none (a create then fails with the setting named). While one is missing the types are read again at the
   * next call, so that a type an administrator adds is seen without a restart.
   */
  async requiredFields(): Promise<readonly RequiredField[]> {
    const types = await this.types().catch(() => null);
    if (types === null) return [];
    const holds = missingTypeHolds(types.all, this.options.typeNames ?? DEFAULT_TYPE_NAMES);
    if (holds.length > 0) this.typesRead = null;
    return holds;
  }

  async listAccounts(): Promise<NamedRecord<number>[]> {
    const companies = await this.list(
      'list companies',
      CONNECTWISE_PATHS.companies,
      { fields: 'id,name' },
      companyItem,
    );
    return companies.map((c) => ({ id: c.id, name: c.name ?? '' }));
  }

  async listLocations(accountId: number): Promise<PsaLocation[]> {
    const sites = await this.list(
      `list the sites of company ${accountId}`,
      CONNECTWISE_PATHS.sites(accountId),
      {},
      siteItem,
    );
    return sites
      .filter((s) => s.inactiveFlag !== true)
      .map((s) => ({ id: s.id, name: s.name ?? '', isMain: s.primaryAddressFlag ?? false }));
  }

  /** ConnectWise types emails and phones by its communication types, which its own config block names. */
  async listEmailTypes(): Promise<PsaType[]> {
    return [];
  }

  async listPhoneTypes(): Promise<PsaType[]> {
    return [];
  }

  private async contacts(what: string, accountId: number, query: Record<string, string>): Promise<PsaContact[]> {
    const types = await this.types();
    const items = await this.list(what, CONNECTWISE_PATHS.contacts, query, contactWire);
    for (const item of items) this.itemsSeen.set(item.id, item.communicationItems);
    return items.map((item) => toPsaContact(item, accountId, types));
  }

  listContacts(accountId: number): Promise<PsaContact[]> {
    return this.contacts(`list the contacts of company ${accountId}`, accountId, {
      conditions: contactsOfCompany(accountId),
    });
  }

  async findContactsByEmail(accountId: number, email: string): Promise<PsaContact[]> {
    const found = await this.contacts('find contacts by email', accountId, {
      conditions: contactsOfCompany(accountId),
      childConditions: contactsWithEmail(email),
    });
    const wanted = email.toLowerCase();
    return found.filter((c) => [c.emailAddress, ...c.otherEmails].some((e) => e?.toLowerCase() === wanted));
  }

  findContactsByName(accountId: number, firstName: string, lastName: string): Promise<PsaContact[]> {
    return this.contacts('find contacts by name', accountId, {
      conditions: contactsByName(accountId, firstName, lastName),
    });
  }

  private async wire(id: number): Promise<z.infer<typeof contactWire> | null> {
    const what = `read contact ${id}`;
    const response = await this.send('GET', CONNECTWISE_PATHS.contact(id));
    if (response.status === 404) return null;
    const wire = this.parsed(what, contactWire, this.answer(what, response));
    this.itemsSeen.set(wire.id, wire.communicationItems);
    return wire;
  }

  async readContact(id: number): Promise<PsaContact | null> {
    const [types, wire] = await Promise.all([this.types(), this.wire(id)]);
    if (wire === null) return null;
    if (wire.company === null || wire.company === undefined)
      throw new ConnectorError({
        code: 'Protocol',
        service: SERVICE,
        message: `ConnectWise answered "read contact ${id}" without the contact's company.`,
      });
    return toPsaContact(wire, wire.company.id, types);
  }

  /** A refused write (400 with its errors) becomes its reasons, each naming the field; anything else that fails throws. */
  private refusal(what: string, response: HttpResponse): Reason[] | null {
    if (response.status === 404) return [reason('connectwise-not-found', `ConnectWise has no such record (${what}).`)];
    if (response.status !== 400) return null;
    const problems = problemsOf(response.body) ?? [{ message: 'refused', field: null }];
    return problems.map((p) =>
      reason(
        'connectwise-refused',
        `ConnectWise refused to ${what}: ${p.field === null ? '' : `${p.field}: `}${p.message}`,
        ...(p.field === null ? [] : [p.field]),
      ),
    );
  }

  /** Why a write of a field of a configured type cannot be made: the type's setting does not resolve. */
  private unknownTypes(
    types: ResolvedTypes,
    fields: PsaContactFields,
    changed: readonly (keyof PsaContactFields)[] | null,
  ): Reason[] {
    const names = this.options.typeNames ?? DEFAULT_TYPE_NAMES;
    const wanted = (field: keyof PsaContactFields) =>
      (changed === null || changed.includes(field)) && fields[field] !== null;
    const missing = [
      ...(types.email === null && wanted('emailAddress')
        ? [['emailType', names.emailType, 'emailAddress', 'email']]
        : []),
      ...(types.phone === null && wanted('phoneNumber')
        ? [['phoneType', names.phoneType, 'phoneNumber', 'phone']]
        : []),
      ...(types.mobile === null && wanted('mobilePhone')
        ? [['mobileType', names.mobileType, 'mobilePhone', 'phone']]
        : []),
    ];
    return missing.map(([setting, name, field, kind]) =>
      reason(
        'unknown-communication-type',
        `ConnectWise has no ${kind} communication type named ${JSON.stringify(name)} (connectwise.${setting} in the config).`,
        field,
      ),
    );
  }

  /**
   * Creates a contact with its communication items. When the answer is lost, the company is searched for the email
   * before the contact is sent again, and the contact holding it as its default email is taken (`madeBy`: another may
   * hold it as another email, one linked to someone else), so that a contact is never made twice.
   */
  async createContact(accountId: number, fields: PsaContactFields): Promise<WriteResult<number>> {
    const what = `create ${fields.firstName} ${fields.lastName ?? ''}`.trim();
    const types = await this.types();
    const unknown = this.unknownTypes(types, fields, null);
    if (unknown.length > 0) return { ok: false, reasons: unknown };
    return createOnce(
      async () => {
        const response = await this.send('POST', CONNECTWISE_PATHS.contacts, toCreateBody(accountId, fields, types));
        const reasons = this.refusal(what, response);
        if (reasons !== null) return { ok: false, reasons };
        return { ok: true, id: this.parsed(what, contactWire, this.answer(what, response)).id };
      },
      async () => madeBy(fields, await this.findContactsByEmail(accountId, fields.emailAddress)),
    );
  }

  private async itemWrite(contactId: number, write: ItemWrite): Promise<HttpResponse> {
    if (write.kind === 'add') return this.send('POST', CONNECTWISE_PATHS.communications(contactId), write.body);
    const path = CONNECTWISE_PATHS.communication(contactId, write.itemId);
    return write.kind === 'patch' ? this.send('PATCH', path, write.patch) : this.send('DELETE', path);
  }

  /**
   * Updates a contact with only the fields that changed: its own fields by one JSON Patch, its emails and phones item
   * by item through its communications, read fresh so that every item a person added is kept.
   */
  async updateContact(
    accountId: number,
    id: number,
    fields: PsaContactFields,
    changed: readonly (keyof PsaContactFields)[],
  ): Promise<WriteResult<number>> {
    const what = `update contact ${id}`;
    const patch = contactPatch(fields, changed);
    if (patch.length > 0) {
      const response = await this.send('PATCH', CONNECTWISE_PATHS.contact(id), patch);
      const reasons = this.refusal(what, response);
      if (reasons !== null) return { ok: false, reasons };
      this.answer(what, response);
    }
    if (!changed.some((f) => f === 'emailAddress' || f === 'phoneNumber' || f === 'mobilePhone'))
      return { ok: true, id };
    const types = await this.types();
    const unknown = this.unknownTypes(types, fields, changed);
    if (unknown.length > 0) return { ok: false, reasons: unknown };
    // The items as last read (the run has just listed them); read again when one of them is gone since, or when a
    // removal whose answer was lost is sent again and finds its item gone.
    for (let round = 1, fresh = !this.itemsSeen.has(id); ; round++, fresh = true) {
      const items = fresh ? (await this.wire(id))?.communicationItems : this.itemsSeen.get(id);
      this.itemsSeen.delete(id);
      if (items === undefined)
        return { ok: false, reasons: [reason('connectwise-not-found', `ConnectWise has no such contact (${what}).`)] };
      const result = await this.writeItems(what, id, itemWrites(items, fields, changed, types));
      if (result !== 'item gone') return result;
      if (round >= ITEM_ROUNDS) return this.gone(what);
    }
  }

  private gone(what: string): WriteResult<number> {
    return { ok: false, reasons: [reason('connectwise-not-found', `ConnectWise has no such record (${what}).`)] };
  }

  /** The item writes in order; `item gone` when an item was removed since it was read (nothing after it is sent). */
  private async writeItems(
    what: string,
    id: number,
    writes: readonly ItemWrite[],
  ): Promise<WriteResult<number> | 'item gone'> {
    for (const write of writes) {
      const response = await this.itemWrite(id, write);
      if (response.status === 404 && write.kind !== 'add') return 'item gone';
      const reasons = this.refusal(what, response);
      if (reasons !== null) return { ok: false, reasons };
      this.answer(what, response);
    }
    return { ok: true, id };
  }

  /** Marks the contact inactive (`inactiveFlag: true`), every other field kept: one JSON Patch. */
  async inactivateContact(_accountId: number, id: number): Promise<WriteResult<number>> {
    const what = `inactivate contact ${id}`;
    const response = await this.send('PATCH', CONNECTWISE_PATHS.contact(id), INACTIVE_PATCH);
    const reasons = this.refusal(what, response);
    if (reasons !== null) return { ok: false, reasons };
    this.answer(what, response);
    return { ok: true, id };
  }
}
