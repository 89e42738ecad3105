import type { z } from 'zod';
import type { NamedRecord, Psa, WriteResult } from '../../domain/ports.ts';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from '../../domain/psa-contact.ts';
import { reason, type Reason } from '../../domain/reason.ts';
import { ConnectorError } from '../http/connector-error.ts';
import { createOnce, madeBy } from '../http/create-once.ts';
import { parseAnswer } from '../http/parse-answer.ts';
import { HttpClient, transportOf, type HttpResponse, type TransportOptions } from '../http/http-client.ts';
import { keptPrimary, toCreateItem, toInactiveItem, toPsaContact, toUpdateItem } from './mapping.ts';
import {
  authInfo,
  clientPage,
  clientWire,
  fieldOfError,
  HALO_FALLBACK_AUTH_PATH,
  HALO_PAGE_SIZE,
  HALO_PATHS,
  HALO_SCOPE,
  HALO_TOKEN_PATH,
  meaningOfAnswer,
  meaningOfStatus,
  messageOf,
  pageQuery,
  sitePage,
  siteWire,
  tokenAnswer,
  userPage,
  usersQuery,
  userWire,
  type HaloUserWire,
} from './wire.ts';

const SERVICE = 'halo';
const NAME = 'Halo';
/** A token is renewed this long before Halo says it expires. */
const RENEW_MARGIN_MS = 60_000;
/** A list that changes while it is read is read again this many times in all. */
const LIST_ROUNDS = 3;

export interface HaloCredentials {
  /** the API application's client id (Halo: Configuration > Integrations > HaloPSA API > Applications) */
  readonly clientId: string;
  readonly secret: string;
}

export interface HaloOptions extends TransportOptions {
  /** the instance's address (`https://acme.halopsa.com`), or the simulator's */
  readonly baseUrl: string;
  readonly credentials: HaloCredentials;
  /** the tenant of a hosted instance, sent with the token request */
  readonly tenant?: string;
  /** the auth server's address, where `authinfo` is not to be asked */
  readonly authUrl?: string;
}

interface Token {
  readonly value: string;
  readonly expiresAt: number;
}

const isSuccess = (status: number) => status >= 200 && status < 300;
/** The secret goes to an auth server over https, or to Halo's own host (a simulator on loopback), nowhere else. */
function safeAuthUrl(url: string, baseUrl: string): boolean {
  try {
    const auth = new URL(url);
    return auth.protocol === 'https:' || auth.hostname === new URL(baseUrl).hostname;
  } catch {
    return false;
  }
}
/** A user's three email fields. */
type EmailFields = Pick<HaloUserWire, 'emailaddress' | 'email2' | 'email3'>;

const same = (a: string | null, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();

/**
 * HaloPSA as a `Psa`: the auth server found from `authinfo`, a client-credentials token renewed before it expires and
 * after a 401; Users (Halo's contacts) by client, paged; created and updated by `POST /api/Users` (an update carries
 * the id and only what changed), inactivated with `inactive: true`; never DELETE. The Entra object id and tenant id are
 * read and written as `azureoid` and `azure_tenant_id`; clients carry their `azure_tenants`.
 */
export class HaloPsa implements Psa {
  private readonly http: HttpClient;
  private readonly authHttp: HttpClient;
  private readonly baseUrl: string;
  private readonly budgetKey: string;
  private readonly now: () => number;
  private token: Token | null = null;
  private renewing: Promise<Token> | null = null;
  /**
   * The email fields of each client's users as last listed or written, by user id: a change of primary keeps the older
   * one where the user has room without reading it again (the run that writes it has just listed it).
   */
  private readonly emailsSeen = new Map<number, Map<number, EmailFields>>();

  constructor(private readonly options: HaloOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
    // One rolling limit per instance, shared by every tool the MSP runs against it.
    this.budgetKey = `${SERVICE}:${new URL(this.baseUrl).host.toLowerCase()}`;
    const common = { service: SERVICE, displayName: NAME, meaningOf: meaningOfAnswer, ...transportOf(options) };
    this.authHttp = new HttpClient(common);
    this.http = new HttpClient({
      ...common,
      auth: {
        headers: async () => ({ authorization: `Bearer ${(await this.validToken()).value}` }),
        refresh: async () => {
          this.token = null;
        },
      },
    });
  }

  private validToken(): Promise<Token> {
    const current = this.token;
    if (current !== null && current.expiresAt - RENEW_MARGIN_MS > this.now()) return Promise.resolve(current);
    this.renewing ??= this.signIn().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  /**
   * The auth server's address: the config's, else `authinfo`'s `auth_url`, else `{base}/auth`; and the tenant: the
   * config's, else the one `authinfo` names (as HaloAPI reads it).
   */
  private async authServer(): Promise<{ url: string; tenant: string | null }> {
    const tenant = this.options.tenant ?? null;
    if (this.options.authUrl !== undefined) return { url: this.options.authUrl.replace(/\/+$/, ''), tenant };
    const response = await this.authHttp.send({ method: 'GET', url: `${this.baseUrl}${HALO_PATHS.authInfo}` });
    const parsed = authInfo.safeParse(response.body);
    const info = isSuccess(response.status) && parsed.success ? parsed.data : null;
    const url = info?.auth_url ?? null;
    if (url !== null && !safeAuthUrl(url, this.baseUrl))
      throw new ConnectorError({
        code: 'Auth',
        service: SERVICE,
        message: `Halo's authinfo names an auth server the client secret is not sent to (${url}: neither https nor Halo's own host); set halo.authUrl in the config if it is right.`,
      });
    return {
      url: (url ?? `${this.baseUrl}${HALO_FALLBACK_AUTH_PATH}`).replace(/\/+$/, ''),
      tenant: tenant ?? info?.tenant_id ?? null,
    };
  }

  private async signIn(): Promise<Token> {
    const { clientId, secret } = this.options.credentials;
    const { url: server, tenant } = await this.authServer();
    const url = `${server}${HALO_TOKEN_PATH}${tenant ? `?tenant=${encodeURIComponent(tenant)}` : ''}`;
    const response = await this.authHttp.send({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
        scope: HALO_SCOPE,
      }).toString(),
    });
    const answer = tokenAnswer.safeParse(response.body);
    if (!isSuccess(response.status) || !answer.success)
      throw new ConnectorError({
        code: isSuccess(response.status) ? 'Protocol' : 'Auth',
        service: SERVICE,
        status: response.status,
        message: `Halo refused the sign-in of API application ${clientId} (status ${response.status}${this.said(response)}): check the client id and secret of the API application (Configuration > Integrations > HaloPSA API), that it uses client credentials with the "all" permission, and the tenant of a hosted instance.`,
      });
    this.token = {
      value: answer.data.access_token,
      expiresAt: this.now() + (answer.data.expires_in ?? 3600) * 1000,
    };
    return this.token;
  }

  private said(response: HttpResponse): string {
    const message = messageOf(response.body);
    return message === null ? '' : `: ${message}`;
  }

  private send(
    method: 'GET' | 'POST',
    path: string,
    query: Readonly<Record<string, string>> = {},
    body?: unknown,
  ): Promise<HttpResponse> {
    const search = new URLSearchParams(query);
    return this.http.send({
      method,
      url: `${this.baseUrl}${path}${search.size === 0 ? '' : `?${search.toString()}`}`,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      budgetKey: this.budgetKey,
      // A create sent twice makes two users; an update with the same fields is the same twice.
      idempotent: method === 'GET' || (Array.isArray(body) && body.every((item) => 'id' in (item as object))),
    });
  }

  /** A successful answer's body; anything else throws, coded by what its status means. */
  private answer(what: string, response: HttpResponse): unknown {
    if (isSuccess(response.status)) return response.body;
    throw new ConnectorError({
      code: meaningOfStatus(response.status),
      service: SERVICE,
      status: response.status,
      message: `Halo refused to ${what} (status ${response.status}${this.said(response)}).${response.status === 401 ? ' Check the client id and secret of the API application.' : response.status === 403 ? " The API application's permissions do not allow it." : ''}`,
    });
  }

  private parsed<T>(what: string, schema: z.ZodType<T>, value: unknown): T {
    return parseAnswer({ service: SERVICE, name: NAME }, what, schema, value);
  }

  /**
   * Every record of a list, page by page until `record_count` are read or a page comes short. Pages are counted from
   * the start: when the count changes between pages, a record may have moved across a page's edge (one moved away from
   * an earlier page hides the first of the next), so the list is read again from its first page.
   */
  private async all<T>(
    what: string,
    path: string,
    query: Readonly<Record<string, string>>,
    page: z.ZodType<{ record_count?: number | null | undefined } & Record<string, unknown>>,
    key: string,
    item: z.ZodType<T>,
  ): Promise<T[]> {
    for (let round = 1; ; round++) {
      const items: T[] = [];
      let counted: number | null = null;
      for (let pageNo = 1; ; pageNo++) {
        const answer = this.parsed(
          what,
          page,
          this.answer(what, await this.send('GET', path, { ...query, ...pageQuery(pageNo) })),
        );
        const records = this.parsed(what, item.array(), answer[key]);
        items.push(...records);
        const total = answer.record_count ?? null;
        if (counted !== null && total !== null && total !== counted) break;
        counted = total ?? counted;
        if (records.length === 0 || (total !== null ? items.length >= total : records.length < HALO_PAGE_SIZE))
          return items;
      }
      if (round >= LIST_ROUNDS)
        throw new ConnectorError({
          code: 'Transient',
          service: SERVICE,
          message: `Halo's answer to "${what}" changed while it was read, ${LIST_ROUNDS} times; it is read again at the next run.`,
        });
    }
  }

  async listAccounts(): Promise<NamedRecord<number>[]> {
    const clients = await this.all(
      'list clients',
      HALO_PATHS.clients,
      { includeazuretenants: 'true' },
      clientPage,
      'clients',
      clientWire,
    );
    return clients.map((client) => ({
      id: client.id,
      name: client.name,
      directoryTenantIds: (client.azure_tenants ?? []).flatMap((t) => (t.azure_tenant_id ? [t.azure_tenant_id] : [])),
    }));
  }

  /** The client's sites; its main site is the client's `main_site_id` (inferred), else its first. */
  async listLocations(accountId: number): Promise<PsaLocation[]> {
    const what = `list the sites of client ${accountId}`;
    const [sites, client] = await Promise.all([
      this.all(what, HALO_PATHS.sites, { client_id: String(accountId) }, sitePage, 'sites', siteWire),
      this.send('GET', `${HALO_PATHS.clients}/${accountId}`).then((r) =>
        this.parsed(what, clientWire, this.answer(what, r)),
      ),
    ]);
    const active = sites.filter((s) => s.inactive !== true).sort((a, b) => a.id - b.id);
    const main = active.find((s) => s.id === client.main_site_id) ?? active[0];
    return active.map((s) => ({ id: s.id, name: s.name, isMain: s === main }));
  }

  /** Halo has no typed email or phone lists: a user has a field for each. */
  async listEmailTypes(): Promise<PsaType[]> {
    return [];
  }

  async listPhoneTypes(): Promise<PsaType[]> {
    return [];
  }

  private async users(what: string, accountId: number, search: string | null): Promise<PsaContact[]> {
    const users = (
      await this.all(what, HALO_PATHS.users, usersQuery(accountId, search), userPage, 'users', userWire)
    ).filter((u) => (u.client_id ?? accountId) === accountId);
    // A whole listing replaces what was seen of the client; a search adds to it.
    const seen = (search === null ? undefined : this.emailsSeen.get(accountId)) ?? new Map<number, EmailFields>();
    for (const { id, emailaddress, email2, email3 } of users) seen.set(id, { emailaddress, email2, email3 });
    this.emailsSeen.set(accountId, seen);
    return users.map((u) => toPsaContact(u, accountId));
  }

  listContacts(accountId: number): Promise<PsaContact[]> {
    return this.users(`list the users of client ${accountId}`, accountId, null);
  }

  /** Halo's `search` is broader than an address (inferred): the answer is narrowed to the users holding it. */
  async findContactsByEmail(accountId: number, email: string): Promise<PsaContact[]> {
    const wanted = email.trim().toLowerCase();
    const found = await this.users('find users by email', accountId, email.trim());
    return found.filter((c) => [c.emailAddress, ...c.otherEmails].some((e) => e?.trim().toLowerCase() === wanted));
  }

  async findContactsByName(accountId: number, firstName: string, lastName: string): Promise<PsaContact[]> {
    const found = await this.users('find users by name', accountId, lastName.trim());
    return found.filter((c) => same(c.firstName, firstName) && same(c.lastName, lastName));
  }

  async readContact(id: number): Promise<PsaContact | null> {
    const what = `read user ${id}`;
    const response = await this.send('GET', HALO_PATHS.user(id));
    if (response.status === 404) return null;
    const user = this.parsed(what, userWire, this.answer(what, response));
    if (user.client_id === null || user.client_id === undefined)
      throw new ConnectorError({
        code: 'Protocol',
        service: SERVICE,
        message: `Halo answered "${what}" without the user's client.`,
      });
    return toPsaContact(user, user.client_id);
  }

  /**
   * A refused record (a 400 with a message) becomes its reason, naming the field; a missing record, a reason too;
   * anything else that fails throws. A write answers the user saved (one item: the object; several: an array).
   */
  private written(what: string, response: HttpResponse): WriteResult<number> {
    const message = messageOf(response.body);
    if (meaningOfAnswer(response.status, response.body) === 'refused' && message !== null) {
      const field = fieldOfError(message);
      return {
        ok: false,
        reasons: [reason('halo-refused', `Halo refused to ${what}: ${message}`, ...(field === null ? [] : [field]))],
      };
    }
    if (response.status === 404)
      return { ok: false, reasons: [reason('halo-not-found', `Halo has no such user (${what}).`)] };
    const body = this.answer(what, response);
    const saved = this.parsed(what, userWire, Array.isArray(body) ? body[0] : body);
    return { ok: true, id: saved.id };
  }

  /** The site a write names: the one given, else the client's main site (Halo refuses a user without a site). */
  private async siteOf(accountId: number, locationId: number | null): Promise<number | null> {
    if (locationId !== null) return locationId;
    return (await this.listLocations(accountId)).find((l) => l.isMain)?.id ?? null;
  }

  /**
   * Creates a user. When the answer is lost, the client is searched for the email before the user is sent again, and
   * the user holding it as its primary address with the names sent is taken (`madeBy`: another may hold it already, one
   * linked to someone else), so that a user is never made twice.
   */
  async createContact(accountId: number, fields: PsaContactFields): Promise<WriteResult<number>> {
    const what = `create ${fields.firstName} ${fields.lastName ?? ''}`.trim();
    const siteId = await this.siteOf(accountId, fields.locationId);
    const item = { ...toCreateItem({ ...fields, locationId: siteId }), client_id: accountId };
    return createOnce(
      async () => this.written(what, await this.send('POST', HALO_PATHS.users, undefined, [item])),
      async () => madeBy(fields, await this.findContactsByEmail(accountId, fields.emailAddress)),
    );
  }

  /** Updates a user with only the fields that changed (Halo keeps every field not sent), naming its site. */
  async updateContact(
    accountId: number,
    id: number,
    fields: PsaContactFields,
    changed: readonly (keyof PsaContactFields)[],
  ): Promise<WriteResult<number>> {
    let item = toUpdateItem(id, fields.locationId, fields, changed);
    // Only fields Halo does not hold changed (a type): nothing to send.
    if (Object.keys(item).length === 1) return { ok: true, id };
    const notes: Reason[] = [];
    let written: EmailFields | null = null;
    if (changed.includes('emailAddress')) {
      // The older primary is kept in email2 or email3: as the run's listing has them, else as Halo holds them now.
      const current = this.emailsSeen.get(accountId)?.get(id) ?? (await this.readEmails(id));
      if (current === null)
        return { ok: false, reasons: [reason('halo-not-found', `Halo has no such user (update user ${id}).`)] };
      const kept = keptPrimary(current, fields.emailAddress);
      if (kept !== null) {
        Object.assign(item, kept);
        written = { ...current, emailaddress: fields.emailAddress, ...kept };
      } else {
        item = toUpdateItem(
          id,
          fields.locationId,
          fields,
          changed.filter((field) => field !== 'emailAddress'),
        );
        notes.push(
          reason(
            'halo-email-kept',
            `Halo user ${id} keeps ${current.emailaddress ?? ''} as its primary email: ${fields.emailAddress} would replace it, and its second and third addresses (${current.email2 ?? ''}, ${current.email3 ?? ''}) are taken, so the older primary would be lost. Clear one of them in Halo, and the next run makes ${fields.emailAddress} the primary.`,
            'emailAddress',
          ),
        );
      }
    }
    // The primary alone changed, and is kept: nothing to send.
    if (Object.keys(item).length === 1) return { ok: true, id, notes };
    const result = this.written(`update user ${id}`, await this.send('POST', HALO_PATHS.users, undefined, [item]));
    if (result.ok && written !== null) this.emailsSeen.get(accountId)?.set(id, written);
    return result.ok && notes.length > 0 ? { ...result, notes } : result;
  }

  /** A user's email fields as Halo holds them now; null when Halo has no such user. */
  private async readEmails(id: number): Promise<EmailFields | null> {
    const what = `read user ${id}`;
    const response = await this.send('GET', HALO_PATHS.user(id));
    if (response.status === 404) return null;
    const { emailaddress, email2, email3 } = this.parsed(what, userWire, this.answer(what, response));
    return { emailaddress, email2, email3 };
  }

  /** Marks the user inactive (`inactive: true`), every other field kept as Halo holds it. */
  async inactivateContact(accountId: number, id: number): Promise<WriteResult<number>> {
    const current = await this.readContact(id);
    if (current === null)
      return { ok: false, reasons: [reason('halo-not-found', `Halo has no user ${id} to make inactive.`)] };
    const siteId = current.locationId ?? (await this.siteOf(accountId, null));
    return this.written(
      `inactivate user ${id}`,
      await this.send('POST', HALO_PATHS.users, undefined, [toInactiveItem(id, siteId)]),
    );
  }
}
