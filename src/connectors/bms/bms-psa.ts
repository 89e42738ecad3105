import type { z } from 'zod';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from '../../domain/psa-contact.ts';
import type { NamedRecord, Psa, WriteResult } from '../../domain/ports.ts';
import { reason } from '../../domain/reason.ts';
import { ConnectorError } from '../http/connector-error.ts';
import { createOnce, madeBy } from '../http/create-once.ts';
import { HttpClient, transportOf, type HttpResponse, type TransportOptions } from '../http/http-client.ts';
import {
  accountItem,
  BMS_ENDPOINTS,
  BMS_MFA_REQUIRED,
  BMS_FILTERS,
  BMS_PAGE_SIZE,
  BMS_PAGING,
  BMS_REGIONS,
  bmsTypeIdsWhere,
  contactItem,
  createdResult,
  fieldOfMessage,
  isMfaRefusal,
  isSuccessStatus,
  keptOnUpdate,
  locationItem,
  meaningOfStatus,
  otherEntriesOf,
  pathOf,
  readEnvelope,
  readTokens,
  toContactBody,
  toInactiveBody,
  toPsaContact,
  typeItem,
  type BmsContactWire,
  type BmsEndpointName,
  type BmsEnvelope,
  type BmsRegion,
  type BmsTokens,
} from './wire.ts';

function notFound(what: string): WriteResult<number> {
  return { ok: false, reasons: [reason('bms-not-found', `BMS has no such contact (${what}).`)] };
}

/** Tokens are renewed this long before BMS says they expire. */
const RENEW_MARGIN_MS = 60_000;

export interface BmsCredentials {
  readonly userName: string;
  readonly password: string;
  /** the company name BMS calls the tenant */
  readonly tenant: string;
}

export interface BmsOptions extends TransportOptions {
  readonly credentials: BmsCredentials;
  readonly region?: BmsRegion;
  readonly baseUrl?: string;
  readonly now?: () => number;
}

interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresAt: number;
}

/**
 * Kaseya BMS as a `Psa`: token authentication renewed before expiry (refresh token first, then a new login) and after
 * a `401`; accounts, locations, types; contacts paged, searched, read, created, updated and inactivated. Envelope
 * failures become coded errors; a refused contact becomes a per-record error naming the field.
 */
export class BmsPsa implements Psa {
  private readonly baseUrl: string;
  private readonly http: HttpClient;
  private readonly authHttp: HttpClient;
  private session: Session | null = null;
  private renewing: Promise<Session> | null = null;
  private readonly now: () => number;
  private forceRenew = false;

  constructor(private readonly options: BmsOptions) {
    this.baseUrl = (options.baseUrl ?? BMS_REGIONS[options.region ?? 'us']).replace(/\/$/, '');
    this.now = options.now ?? Date.now;
    const common = {
      service: 'bms',
      ...transportOf(options),
    };
    this.authHttp = new HttpClient(common);
    this.http = new HttpClient({
      ...common,
      auth: {
        headers: async () => ({ authorization: `Bearer ${(await this.validSession()).accessToken}` }),
        refresh: async () => {
          this.forceRenew = true;
        },
      },
    });
  }

  private endpoint(method: string, template: string): string {
    return `bms:${this.options.credentials.userName}:${method} ${template}`;
  }

  private async validSession(): Promise<Session> {
    const current = this.session;
    if (current !== null && !this.forceRenew && current.expiresAt - RENEW_MARGIN_MS > this.now()) return current;
    this.renewing ??= this.renew(current).finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async renew(current: Session | null): Promise<Session> {
    this.forceRenew = false;
    if (current !== null) {
      const refreshed = await this.authHttp.send({
        method: 'POST',
        url: `${this.baseUrl}${pathOf('refreshToken')}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ AccessToken: current.accessToken, RefreshToken: current.refreshToken }).toString(),
      });
      const answer = readEnvelope(refreshed.body);
      const tokens = isSuccessStatus(refreshed.status) && answer?.success === true ? readTokens(answer.result) : null;
      if (tokens !== null) return this.keep(tokens);
    }
    const { userName, password, tenant } = this.options.credentials;
    const response = await this.authHttp.send({
      method: 'POST',
      url: `${this.baseUrl}${pathOf('authenticate')}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grantType: 'password', userName, password, tenant }).toString(),
    });
    const answer = readEnvelope(response.body);
    const tokens = isSuccessStatus(response.status) && answer?.success === true ? readTokens(answer.result) : null;
    if (tokens === null) {
      const message = (answer?.error ?? `status ${response.status}`).replace(/\.$/, '');
      // contactsync signs in unattended: nobody is there to type a code from an authenticator.
      const mfa = isMfaRefusal(answer?.error ?? null);
      const hint =
        response.status === 403
          ? ' The BMS user must be an API employee with API access.'
          : ' Check the user name, the password and the tenant (the company name in BMS), and the region.';
      throw new ConnectorError({
        code: 'Auth',
        service: 'bms',
        status: response.status,
        ...(mfa ? { apiCode: BMS_MFA_REQUIRED } : {}),
        // BMS's own words for an MFA refusal say what the advice says: the advice alone, said once.
        message: mfa
          ? `BMS refused the login of ${userName}: the user has multi-factor authentication (MFA), and contactsync signs in unattended, with no one to type a code: use an API user without MFA (BMS asks for it where Admin > My Company > Auth and Provision requires MFA, or where the employee turned it on in their profile).`
          : `BMS refused the login of ${userName}: ${message}.${hint}`,
      });
    }
    return this.keep(tokens);
  }

  private keep(tokens: BmsTokens): Session {
    this.session = {
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt ?? this.now() + 15 * 60_000,
    };
    return this.session;
  }

  private send(
    name: BmsEndpointName,
    params: Readonly<Record<string, string | number>> = {},
    query: Readonly<Record<string, string | number>> = {},
    body?: unknown,
  ): Promise<HttpResponse> {
    const { method, path } = BMS_ENDPOINTS[name];
    const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    return this.http.send({
      method,
      url: `${this.baseUrl}${pathOf(name, params)}${search.size === 0 ? '' : `?${search.toString()}`}`,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      budgetKey: this.endpoint(method, path),
      // A create sent twice makes two contacts; an update sends every field, so twice is the same as once.
      idempotent: method !== 'POST',
    });
  }

  /** The envelope of a successful answer; anything else throws, coded by what the status means. */
  private answer(what: string, response: HttpResponse): BmsEnvelope & { result: NonNullable<unknown> } {
    const answer = readEnvelope(response.body);
    if (isSuccessStatus(response.status) && answer !== null && answer.success && answer.result !== null)
      return answer as BmsEnvelope & { result: NonNullable<unknown> };
    throw new ConnectorError({
      code: isSuccessStatus(response.status) && answer === null ? 'Protocol' : meaningOfStatus(response.status),
      service: 'bms',
      status: response.status,
      message: `BMS refused to ${what}: ${answer?.error ?? (answer === null ? 'not an answer BMS gives' : `status ${response.status}`)}.`,
    });
  }

  private parsed<T>(what: string, schema: z.ZodType<T>, value: unknown, status: number): T {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new ConnectorError({
      code: 'Protocol',
      service: 'bms',
      status,
      message: `BMS answered "${what}" in a shape contactsync does not read (${issue?.path.join('.') || 'result'}: ${issue?.message ?? 'invalid'}).`,
    });
  }

  /**
   * Every item of a list. Pages are asked at `BMS_PAGE_SIZE` until `totalRecords` are read or a page comes back empty;
   * a short page before the end means BMS caps pages silently, so the next pages are asked at the size it served, and
   * the page numbers still line up whichever way BMS counts them.
   */
  private async all<T>(
    what: string,
    name: BmsEndpointName,
    params: Readonly<Record<string, string | number>>,
    query: Readonly<Record<string, string>>,
    item: z.ZodType<T>,
  ): Promise<T[]> {
    const items: T[] = [];
    let size = BMS_PAGE_SIZE;
    let restarts = 0;
    let previous: string | null = null;
    for (let page = 1; ; page++) {
      const response = await this.send(name, params, {
        ...query,
        [BMS_PAGING.size]: size,
        [BMS_PAGING.number]: page,
      });
      const answer = this.answer(what, response);
      const result = this.parsed(what, item.array(), answer.result, response.status);
      // A page the same as the one before: BMS ignores paging on this list and served it whole each time.
      const seen = JSON.stringify(answer.result);
      if (page > 1 && result.length > 0 && seen === previous) return items;
      previous = seen;
      items.push(...result);
      if (result.length === 0 || (answer.totalRecords !== null && items.length >= answer.totalRecords)) return items;
      if (result.length < size) {
        // A short page before the end: BMS serves at most this many. Carry on at that size from where this page
        // ended, or read again from the start when that is not on a page boundary.
        size = result.length;
        if (items.length % size === 0) page = items.length / size;
        else if (++restarts > 3) throw this.pagingError(what, response.status);
        else {
          items.length = 0;
          page = 0;
        }
      }
    }
  }

  private pagingError(what: string, status: number): ConnectorError {
    return new ConnectorError({
      code: 'Protocol',
      service: 'bms',
      status,
      message: `BMS answered "${what}" with pages of changing size; the list could not be read whole.`,
    });
  }

  async listAccounts(): Promise<NamedRecord<number>[]> {
    return this.all('list accounts', 'accounts', {}, {}, accountItem);
  }

  async listLocations(accountId: number): Promise<PsaLocation[]> {
    const what = `list the locations of account ${accountId}`;
    const response = await this.send('locations', { accountId });
    return this.parsed(what, locationItem.array(), this.answer(what, response).result, response.status);
  }

  private async listTypes(kind: 'email' | 'phone'): Promise<PsaType[]> {
    const name = kind === 'email' ? 'emailTypes' : 'phoneTypes';
    const what = `list ${kind} types`;
    const response = await this.send(name);
    const answer = readEnvelope(response.body);
    if (!isSuccessStatus(response.status) || answer === null || !answer.success) {
      const { method, path } = BMS_ENDPOINTS[name];
      const setting = kind === 'email' ? 'psa.emailType' : 'psa.phoneType';
      throw new ConnectorError({
        code: meaningOfStatus(response.status) === 'Auth' ? 'Auth' : 'NotFound',
        service: 'bms',
        status: response.status,
        message:
          `BMS's list of ${kind} types could not be read (${method} ${path} answered ${response.status}${answer?.error ? `: ${answer.error}` : ''}), ` +
          `so a type given by name cannot be found and every contact written to BMS would fail. ` +
          `Give the BMS ${kind} type id as a number instead: in the config file, "settings": {"psa": {"${setting.split('.')[1]}": ID}} ` +
          `for every tenant, or contactsync tenants settings TENANT --set ${setting}=ID for one. ${bmsTypeIdsWhere(this.baseUrl)}`,
      });
    }
    return this.parsed(what, typeItem.array(), answer.result ?? [], response.status);
  }

  listEmailTypes(): Promise<PsaType[]> {
    return this.listTypes('email');
  }

  listPhoneTypes(): Promise<PsaType[]> {
    return this.listTypes('phone');
  }

  async listContacts(accountId: number): Promise<PsaContact[]> {
    const items = await this.all(
      `list the contacts of account ${accountId}`,
      'contacts',
      {},
      { [BMS_FILTERS.accountId]: String(accountId) },
      contactItem,
    );
    return items.map((item) => toPsaContact(item, accountId));
  }

  /** The search takes no account filter: contacts of other accounts are left out here. */
  private async search(accountId: number, filters: Record<string, string>): Promise<PsaContact[]> {
    const items = await this.all('search contacts', 'searchContacts', {}, filters, contactItem);
    return items
      .filter((item) => item.accountid === null || item.accountid === accountId)
      .map((item) => toPsaContact(item, accountId));
  }

  findContactsByEmail(accountId: number, email: string): Promise<PsaContact[]> {
    return this.search(accountId, { [BMS_FILTERS.emailAddress]: email });
  }

  findContactsByName(accountId: number, firstName: string, lastName: string): Promise<PsaContact[]> {
    return this.search(accountId, { [BMS_FILTERS.firstName]: firstName, [BMS_FILTERS.lastName]: lastName });
  }

  /** The single read of a contact as BMS gives it; null when BMS has no such contact. */
  private async readItem(id: number): Promise<BmsContactWire | null> {
    const response = await this.send('contact', { id });
    if (response.status === 404) return null;
    const what = `read contact ${id}`;
    return this.parsed(what, contactItem, this.answer(what, response).result, response.status);
  }

  private withAccount(item: BmsContactWire): PsaContact {
    if (item.accountid === null)
      throw new ConnectorError({
        code: 'Protocol',
        service: 'bms',
        status: 200,
        message: `BMS answered "read contact ${item.id}" without the contact's account.`,
      });
    return toPsaContact(item, item.accountid);
  }

  async readContact(id: number): Promise<PsaContact | null> {
    const item = await this.readItem(id);
    return item === null ? null : this.withAccount(item);
  }

  /**
   * A refused write (a `400`, or `success: false` in a `200`) becomes the record's reasons; anything else that fails
   * throws. A create answers with the new id; an update with the id it was given.
   */
  private written(what: string, response: HttpResponse, id?: number): WriteResult<number> {
    const answer = readEnvelope(response.body);
    if (
      answer !== null &&
      !answer.success &&
      (isSuccessStatus(response.status) || meaningOfStatus(response.status) === 'Validation')
    ) {
      const message = answer.error ?? `status ${response.status}`;
      const field = fieldOfMessage(message);
      return {
        ok: false,
        reasons: [reason('bms-refused', `BMS refused to ${what}: ${message}`, ...(field === null ? [] : [field]))],
      };
    }
    if (response.status === 404) return notFound(what);
    if (id !== undefined && isSuccessStatus(response.status) && answer !== null) return { ok: true, id };
    return {
      ok: true,
      id: this.parsed(what, createdResult, this.answer(what, response).result, response.status),
    };
  }

  /**
   * Creates a contact. When the answer is lost, the account is searched for the email before the contact is sent
   * again (a create is planned only when no unclaimed contact of the account has it), and the contact holding it as
   * its primary address with the names sent is taken (`madeBy`: a contact linked to someone else may hold it already),
   * so a contact is never made twice.
   */
  async createContact(accountId: number, fields: PsaContactFields): Promise<WriteResult<number>> {
    const what = `create ${fields.firstName} ${fields.lastName ?? ''}`.trim();
    const made = async () => madeBy(fields, await this.findContactsByEmail(accountId, fields.emailAddress));
    return createOnce(async () => {
      const response = await this.send('createContact', {}, {}, toContactBody(accountId, fields, 'create'));
      const answer = readEnvelope(response.body);
      const id = createdResult.safeParse(answer?.result);
      if (!isSuccessStatus(response.status) || (answer !== null && !answer.success) || id.success)
        return this.written(what, response);
      // Made, but the answer does not say the new id: found by its email, as after a lost answer.
      const found = await made();
      if (found.length === 1) return { ok: true, id: found[0]!.id };
      return this.written(what, response);
    }, made);
  }

  /**
   * Updates a contact. An update sends the whole email and phone lists, so the contact is read first and every email
   * and phone a person added is sent back with the managed ones (a former own email kept as a second one): one read
   * and one write per update. BMS replaces the record: every field is sent, whatever changed.
   */
  async updateContact(
    accountId: number,
    id: number,
    fields: PsaContactFields,
    _changed: readonly (keyof PsaContactFields)[] = [],
  ): Promise<WriteResult<number>> {
    const what = `update contact ${id}`;
    const current = await this.readItem(id);
    if (current === null) return notFound(what);
    const body = toContactBody(accountId, fields, 'update', keptOnUpdate(current));
    return this.written(what, await this.send('updateContact', { id }, {}, body), id);
  }

  async inactivateContact(_accountId: number, id: number): Promise<WriteResult<number>> {
    const item = await this.readItem(id);
    if (item === null)
      return { ok: false, reasons: [reason('bms-not-found', `BMS has no contact ${id} to inactivate.`)] };
    const response = await this.send(
      'updateContact',
      { id },
      {},
      toInactiveBody(this.withAccount(item), otherEntriesOf(item)),
    );
    return this.written(`inactivate contact ${id}`, response, id);
  }
}
