import type { z } from 'zod';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from '../../domain/psa-contact.ts';
import type { NamedRecord, Psa, WriteResult } from '../../domain/ports.ts';
import { reason } from '../../domain/reason.ts';
import { ConnectorError } from '../http/connector-error.ts';
import { HttpClient, transportOf, type HttpResponse, type TransportOptions } from '../http/http-client.ts';
import {
  accountItem,
  BMS_PAGE_SIZE,
  BMS_REGIONS,
  contactItem,
  createdResult,
  envelope,
  failure,
  fieldOfMessage,
  locationItem,
  toContactBody,
  toInactiveBody,
  tokenResult,
  toPsaContact,
  toPsaLocation,
  toPsaType,
  typeItem,
  type BmsRegion,
} from './wire.ts';

/** BMS's documented limit: calls per hour, counted per endpoint. */
export const BMS_ENDPOINT_BUDGET = { limit: 1500, windowMs: 3600_000 } as const;
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
        url: `${this.baseUrl}/v2/security/refreshtoken`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ AccessToken: current.accessToken, RefreshToken: current.refreshToken }).toString(),
      });
      const parsed = envelope(tokenResult).safeParse(refreshed.body);
      if (refreshed.status === 200 && parsed.success && parsed.data.result) return this.keep(parsed.data.result);
    }
    const { userName, password, tenant } = this.options.credentials;
    const response = await this.authHttp.send({
      method: 'POST',
      url: `${this.baseUrl}/v2/security/authenticate`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grantType: 'password', userName, password, tenant }).toString(),
    });
    const parsed = envelope(tokenResult).safeParse(response.body);
    if (response.status !== 200 || !parsed.success || !parsed.data.success || !parsed.data.result) {
      const message = (failure.safeParse(response.body).data?.error?.message ?? `status ${response.status}`).replace(
        /\.$/,
        '',
      );
      const hint =
        response.status === 403
          ? ' The BMS user must be an API employee with API access.'
          : ' Check the user name, the password and the tenant (the company name in BMS), and the region.';
      throw new ConnectorError({
        code: 'Auth',
        service: 'bms',
        status: response.status,
        message: `BMS refused the login of ${userName}: ${message}.${hint}`,
      });
    }
    return this.keep(parsed.data.result);
  }

  private keep(result: z.infer<typeof tokenResult>): Session {
    const expiresAt = Date.parse(result.accessTokenExpireOn);
    this.session = {
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      expiresAt: Number.isNaN(expiresAt) ? this.now() + 15 * 60_000 : expiresAt,
    };
    return this.session;
  }

  private send(method: 'GET' | 'POST' | 'PUT', path: string, template: string, body?: unknown): Promise<HttpResponse> {
    return this.http.send({
      method,
      url: `${this.baseUrl}${path}`,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      budgetKey: this.endpoint(method, template),
      // A create sent twice makes two contacts; an update sends every field, so twice is the same as once.
      idempotent: method !== 'POST',
    });
  }

  private messageOf(response: HttpResponse): string {
    return failure.safeParse(response.body).data?.error?.message ?? `status ${response.status}`;
  }

  private result<T>(
    what: string,
    schema: z.ZodType<T>,
    response: HttpResponse,
  ): { result: T; totalRecords: number | undefined } {
    const parsed = envelope(schema).safeParse(response.body);
    if (
      response.status !== 200 ||
      !parsed.success ||
      !parsed.data.success ||
      parsed.data.result === undefined ||
      parsed.data.result === null
    ) {
      const code =
        response.status === 401 || response.status === 403
          ? 'Auth'
          : response.status === 404
            ? 'NotFound'
            : response.status === 400
              ? 'Validation'
              : 'Protocol';
      throw new ConnectorError({
        code,
        service: 'bms',
        status: response.status,
        message: `BMS refused to ${what}: ${this.messageOf(response)}.`,
      });
    }
    return { result: parsed.data.result, totalRecords: parsed.data.totalRecords };
  }

  /** Every page of a list at the largest page size, until `totalRecords` are read. */
  private async all<T extends z.ZodType>(what: string, path: string, template: string, item: T): Promise<z.infer<T>[]> {
    const items: z.infer<T>[] = [];
    const separator = path.includes('?') ? '&' : '?';
    for (let page = 1; ; page++) {
      const response = await this.send(
        'GET',
        `${path}${separator}PageSize=${BMS_PAGE_SIZE}&PageNumber=${page}`,
        template,
      );
      const { result, totalRecords } = this.result(what, item.array(), response);
      items.push(...(result as z.infer<T>[]));
      if (result.length < BMS_PAGE_SIZE || (totalRecords !== undefined && items.length >= totalRecords)) return items;
    }
  }

  async listAccounts(): Promise<NamedRecord<number>[]> {
    return (await this.all('list accounts', '/v2/crm/accounts', '/v2/crm/accounts', accountItem)).map((a) => ({
      id: a.id,
      name: a.name,
    }));
  }

  async listLocations(accountId: number): Promise<PsaLocation[]> {
    const response = await this.send(
      'GET',
      `/v2/crm/accounts/${accountId}/locations/lookup`,
      '/v2/crm/accounts/{id}/locations/lookup',
    );
    return this.result(`list the locations of account ${accountId}`, locationItem.array(), response).result.map(
      toPsaLocation,
    );
  }

  async listEmailTypes(): Promise<PsaType[]> {
    return this.result(
      'list email types',
      typeItem.array(),
      await this.send('GET', '/v2/system/emailtypes', '/v2/system/emailtypes'),
    ).result.map(toPsaType);
  }

  async listPhoneTypes(): Promise<PsaType[]> {
    return this.result(
      'list phone types',
      typeItem.array(),
      await this.send('GET', '/v2/system/phonetypes', '/v2/system/phonetypes'),
    ).result.map(toPsaType);
  }

  async listContacts(accountId: number): Promise<PsaContact[]> {
    const items = await this.all(
      `list the contacts of account ${accountId}`,
      `/v2/crm/contacts/summary?Filter.AccountId=${accountId}`,
      '/v2/crm/contacts/summary',
      contactItem,
    );
    return items.map(toPsaContact);
  }

  private async search(accountId: number, filters: Record<string, string>): Promise<PsaContact[]> {
    const query = new URLSearchParams({ 'Filter.AccountId': String(accountId), ...filters }).toString();
    const items = await this.all(
      'search contacts',
      `/v2/crm/contacts/search?${query}`,
      '/v2/crm/contacts/search',
      contactItem,
    );
    return items.filter((item) => item.accountId === accountId).map(toPsaContact);
  }

  findContactsByEmail(accountId: number, email: string): Promise<PsaContact[]> {
    return this.search(accountId, { 'Filter.EmailAddress': email });
  }

  findContactsByName(accountId: number, firstName: string, lastName: string): Promise<PsaContact[]> {
    return this.search(accountId, { 'Filter.FirstName': firstName, 'Filter.LastName': lastName });
  }

  async readContact(id: number): Promise<PsaContact | null> {
    const response = await this.send('GET', `/v2/crm/contacts/summary/${id}`, '/v2/crm/contacts/summary/{id}');
    if (response.status === 404) return null;
    return toPsaContact(this.result(`read contact ${id}`, contactItem, response).result);
  }

  /** A refused write becomes the record's reasons; anything else that fails throws. */
  private written(what: string, response: HttpResponse): WriteResult<number> {
    if (response.status === 400) {
      const message = this.messageOf(response);
      const field = fieldOfMessage(message);
      return {
        ok: false,
        reasons: [reason('bms-refused', `BMS refused to ${what}: ${message}`, ...(field === null ? [] : [field]))],
      };
    }
    if (response.status === 404)
      return { ok: false, reasons: [reason('bms-not-found', `BMS has no such contact (${what}).`)] };
    return { ok: true, id: this.result(what, createdResult, response).result.id };
  }

  /**
   * Creates a contact. When the answer is lost, the account is searched for the email before the contact is sent
   * again (a create is planned only when no contact of the account has it), so a contact is never made twice.
   */
  async createContact(accountId: number, fields: PsaContactFields): Promise<WriteResult<number>> {
    for (let round = 1; ; round++) {
      try {
        const response = await this.send(
          'POST',
          '/v2/crm/contacts/summary',
          '/v2/crm/contacts/summary',
          toContactBody(accountId, fields),
        );
        return this.written(`create ${fields.firstName} ${fields.lastName ?? ''}`.trim(), response);
      } catch (error) {
        if (!(error instanceof ConnectorError) || !error.outcomeUnknown || round >= 5) throw error;
        const found = await this.findContactsByEmail(accountId, fields.emailAddress);
        if (found.length === 1) return { ok: true, id: found[0]!.id };
      }
    }
  }

  async updateContact(accountId: number, id: number, fields: PsaContactFields): Promise<WriteResult<number>> {
    return this.written(
      `update contact ${id}`,
      await this.send('PUT', `/v2/crm/contacts/${id}`, '/v2/crm/contacts/{id}', toContactBody(accountId, fields)),
    );
  }

  async inactivateContact(id: number): Promise<WriteResult<number>> {
    const current = await this.readContact(id);
    if (current === null)
      return { ok: false, reasons: [reason('bms-not-found', `BMS has no contact ${id} to inactivate.`)] };
    return this.written(
      `inactivate contact ${id}`,
      await this.send('PUT', `/v2/crm/contacts/${id}`, '/v2/crm/contacts/{id}', toInactiveBody(current)),
    );
  }
}
