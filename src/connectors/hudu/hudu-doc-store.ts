import type { z } from 'zod';
import type { DocContact, DocContactFields, DocContactPatch, DocLocation } from '../../domain/doc-contact.ts';
import type { DocRequiredField } from '../../domain/doc-required-field.ts';
import type { NamedRecord, WriteResult } from '../../domain/ports.ts';
import { reason } from '../../domain/reason.ts';
import { ConnectorError } from '../http/connector-error.ts';
import { HttpClient, transportOf, type HttpResponse, type TransportOptions } from '../http/http-client.ts';
import type { DocumentationClient } from '../target-clients.ts';
import {
  assetBody,
  displayName,
  fieldsOf,
  findLayout,
  missingRequired,
  peopleLayout,
  requiredFieldsOf,
  sentAsset,
  toDocContact,
  type FieldLabels,
  type PeopleLayout,
} from './asset-mapping.ts';
import {
  API_KEY_HEADER,
  archivePath,
  ARCHIVED_LISTINGS,
  assetAnswer,
  assetPath,
  ASSETS_PATH,
  assetsPage,
  COMPANIES_PATH,
  companiesPage,
  companyAssetsPath,
  DEFAULT_LAYOUT,
  errorProblems,
  fieldOfProblem,
  isLastPage,
  LAYOUTS_PATH,
  layoutsPage,
  listQuery,
  OUT_OF_SCOPE_STATUS,
  RATE_WINDOW_MS,
  sameLabel,
  WRONG_KEY_STATUS,
  type AssetBody,
  type AssetWire,
  type LayoutWire,
} from './wire.ts';

export interface HuduOptions extends TransportOptions {
  /** the instance's address, `https://msp.huducloud.com` (or the simulator's) */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** the layout people are kept in (`hudu.layout`) */
  readonly layout?: string;
  /** the labels of the layout's fields that hold the mapped fields (`hudu.fields`) */
  readonly fields?: FieldLabels;
}

/** An asset as last listed or written, and when: a replace sends back every field it holds. */
interface HeldAsset {
  readonly asset: AssetWire;
  readonly at: number;
}

/** How long a listed asset stands in for a read before a replace, and the layout is kept: about one run. */
const HELD_FOR_MS = 10 * 60_000;
/** How old a layout is read again when an asset holds a field it lacks. */
const LAYOUT_AGAIN_AFTER_MS = 60_000;

/** The record a write is about, as a person tells it apart: its name, else its email. */
function named(fields: DocContactFields): string {
  const name = displayName(fields.firstName, fields.lastName);
  const email = fields.emails.find((e) => e.primary)?.value ?? fields.emails[0]?.value ?? '';
  return name === '' ? email : email === '' ? `"${name}"` : `"${name}" (${email})`;
}

/**
 * Hudu as a `DocStore`: people are assets of one layout (`hudu.layout`, default "People"). Companies are listed for
 * mapping; a company's people are its assets of the layout, live and archived, paged until the end; a person is
 * created on the company and replaced with `PUT`, every custom field sent back as the asset holds it (Hudu replaces
 * them); a leaver is archived, never deleted. A 429 is waited out for the 5-minute window.
 */
export class HuduDocStore implements DocumentationClient {
  private readonly http: HttpClient;
  private readonly baseUrl: string;
  private readonly budgetKey: string;
  private readonly now: () => number;
  private layoutFound: { readonly layout: Promise<PeopleLayout>; readonly at: number } | null = null;
  /** assets by id, from the last listing or write: a replace needs every field, and the company */
  private readonly held = new Map<string, HeldAsset>();
  /** a listing in flight per company: the places and the people of one run come from the same pages */
  private readonly listings = new Map<string, Promise<DocContact[]>>();

  constructor(private readonly options: HuduOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    // The budget is per API key; the key itself is never used as a name.
    this.budgetKey = `hudu:${options.apiKey.slice(-6)}`;
    this.now = options.now ?? Date.now;
    this.http = new HttpClient({
      service: 'hudu',
      auth: { headers: async () => ({ [API_KEY_HEADER]: options.apiKey }), refresh: async () => {} },
      // Hudu's window resets every 5 minutes: a 429 is waited out for that long, never given up after a few tries.
      throttleWindowMs: RATE_WINDOW_MS,
      ...transportOf(options),
    });
  }

  private send(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<HttpResponse> {
    return this.http.send({
      method,
      url: `${this.baseUrl}${path}`,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      budgetKey: this.budgetKey,
      // A create sent twice makes two people; a replace or an archive sent twice is the same write.
      idempotent: method !== 'POST',
    });
  }

  private fail(what: string, response: HttpResponse): never {
    const { status } = response;
    const detail = errorProblems(response.body)
      .map((p) => (p.field === null ? p.message : `${p.field}: ${p.message}`))
      .join('; ');
    const said = detail === '' ? `status ${status}` : `${status}: ${detail}`;
    if (status === WRONG_KEY_STATUS)
      throw new ConnectorError({
        code: 'Auth',
        service: 'hudu',
        status,
        message: `Hudu did not accept the API key (${said}): check the key and the instance's address (hudu.baseUrl).`,
      });
    if (status === OUT_OF_SCOPE_STATUS)
      throw new ConnectorError({
        code: 'Auth',
        service: 'hudu',
        status,
        message: `Hudu refused to ${what} (${said}): the API key's scope does not allow it. Check the key's companies and allowed addresses in Hudu (Admin, API keys).`,
      });
    throw new ConnectorError({
      code: status === 404 ? 'NotFound' : status === 422 || status === 400 ? 'Validation' : 'Protocol',
      service: 'hudu',
      status,
      message: `Hudu refused to ${what} (${said}).`,
    });
  }

  private parse<T>(what: string, schema: z.ZodType<T>, response: HttpResponse): T {
    if (response.status < 200 || response.status >= 300) this.fail(what, response);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success)
      throw new ConnectorError({
        code: 'Protocol',
        service: 'hudu',
        status: response.status,
        message: `Hudu answered ${what} in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
      });
    return parsed.data;
  }

  /** Every page of a list, until an empty page or one shorter than an earlier one. */
  private async pages<T>(
    what: string,
    path: string,
    filters: Readonly<Record<string, string>>,
    read: (body: unknown) => readonly T[] | null,
  ): Promise<T[]> {
    const items: T[] = [];
    let longest = 0;
    for (let page = 1; ; page++) {
      const response = await this.send('GET', listQuery(path, filters, page));
      if (response.status < 200 || response.status >= 300) this.fail(what, response);
      const found = read(response.body);
      if (found === null)
        throw new ConnectorError({
          code: 'Protocol',
          service: 'hudu',
          status: response.status,
          message: `Hudu answered ${what} in an unexpected shape.`,
        });
      items.push(...found);
      if (isLastPage(found.length, longest)) return items;
      longest = Math.max(longest, found.length);
    }
  }

  async listOrganizations(): Promise<NamedRecord<string>[]> {
    const companies = await this.pages('list companies', COMPANIES_PATH, {}, (body) => {
      const parsed = companiesPage.safeParse(body);
      return parsed.success ? parsed.data.companies : null;
    });
    return companies.map((company) => ({ id: company.id, name: company.name }));
  }

  /** Every layout, with its fields. */
  async listLayouts(): Promise<LayoutWire[]> {
    return this.pages('list asset layouts', LAYOUTS_PATH, {}, (body) => {
      const parsed = layoutsPage.safeParse(body);
      return parsed.success ? parsed.data.asset_layouts : null;
    });
  }

  /**
   * The people layout named by the config, with its mapped fields: read again after a while, so that a field the MSP
   * adds to the layout is written without a restart. A layout or a field label of the config that Hudu does not have
   * fails every run that reads it, with the names Hudu has: a label that finds nothing would leave that value unwritten
   * without a word.
   */
  layout(): Promise<PeopleLayout> {
    if (this.layoutFound !== null && this.now() - this.layoutFound.at <= HELD_FOR_MS) return this.layoutFound.layout;
    const layout = (async () => {
      const name = this.options.layout ?? DEFAULT_LAYOUT;
      const layouts = await this.listLayouts();
      const found = findLayout(layouts, name);
      if (found === null)
        throw new ConnectorError({
          code: 'Validation',
          service: 'hudu',
          message: `Hudu has no asset layout named "${name}" (setting hudu.layout); its layouts are ${layouts.map((l) => JSON.stringify(l.name)).join(', ') || 'none'}.`,
        });
      const { layout: people, missing } = peopleLayout(found, this.options.fields ?? {});
      if (missing.length > 0)
        throw new ConnectorError({
          code: 'Validation',
          service: 'hudu',
          message: `Hudu's layout "${people.name}" has no field ${missing.map((m) => `"${m.label}" (setting hudu.fields.${m.field})`).join(', ')}; its fields are ${people.labels.map((l) => JSON.stringify(l)).join(', ') || 'none'}.`,
        });
      return people;
    })();
    this.layoutFound = { layout, at: this.now() };
    // A failure is not kept: the next call asks again.
    layout.catch(() => {
      if (this.layoutFound?.layout === layout) this.layoutFound = null;
    });
    return layout;
  }

  /** The layout's required fields, with the mapped field that fills each: a person lacking one is held from Hudu. */
  async requiredFields(): Promise<DocRequiredField[]> {
    return requiredFieldsOf(await this.layout());
  }

  /** Hudu has no address of its own in its answers: links are made from `hudu.baseUrl`. */
  async webAddress(): Promise<string | null> {
    return this.baseUrl;
  }

  /** Hudu has no location records: a company's places are the texts its people hold in the location field. */
  async listLocations(organizationId: string): Promise<DocLocation[]> {
    const people = await this.listing(organizationId);
    const names = new Map<string, string>();
    for (const person of people)
      if (person.locationId !== null && !names.has(person.locationId.toLowerCase()))
        names.set(person.locationId.toLowerCase(), person.locationId);
    return [...names.values()].sort().map((name) => ({ id: name, name, primary: false }));
  }

  /** Hudu has no contact types. */
  async listContactTypes(): Promise<[]> {
    return [];
  }

  /** The company's people: its assets of the layout, live and archived. */
  listContacts(organizationId: string): Promise<DocContact[]> {
    return this.listing(organizationId);
  }

  /** One listing of the company at a time: callers that ask while it runs share its answer. */
  private listing(organizationId: string): Promise<DocContact[]> {
    const running = this.listings.get(organizationId);
    if (running !== undefined) return running;
    const listed = this.listPeople(organizationId).finally(() => this.listings.delete(organizationId));
    this.listings.set(organizationId, listed);
    return listed;
  }

  private async listPeople(organizationId: string): Promise<DocContact[]> {
    const layout = await this.layout();
    const people: DocContact[] = [];
    for (const archived of ARCHIVED_LISTINGS) {
      const assets = await this.pages(
        `list the people of company ${organizationId}`,
        ASSETS_PATH,
        { company_id: organizationId, asset_layout_id: String(layout.id), archived: String(archived) },
        (body) => {
          const parsed = assetsPage.safeParse(body);
          return parsed.success ? parsed.data.assets : null;
        },
      );
      for (const asset of assets) {
        // A server that ignores a filter must not mix in another company's or another layout's assets.
        if (asset.company_id !== organizationId || (asset.asset_layout_id ?? String(layout.id)) !== String(layout.id))
          continue;
        if (people.some((person) => person.id === asset.id)) continue;
        this.hold(asset);
        people.push(toDocContact(asset, layout));
      }
    }
    return people;
  }

  private hold(asset: AssetWire): void {
    this.held.set(asset.id, { asset, at: this.now() });
  }

  /** The asset as Hudu holds it now, or null when there is none with this id. */
  private async fetchAsset(id: string): Promise<AssetWire | null> {
    const companyId = this.held.get(id)?.asset.company_id;
    if (companyId !== undefined) {
      const response = await this.send('GET', assetPath(companyId, id));
      if (response.status === 404) return null;
      const asset = this.parse(`read asset ${id}`, assetAnswer, response);
      this.hold(asset);
      return asset;
    }
    // Inferred: `id` filters the asset list (the public clients use it); the answer is checked all the same.
    for (const archived of ARCHIVED_LISTINGS) {
      const response = await this.send('GET', listQuery(ASSETS_PATH, { id, archived: String(archived) }, 1));
      if (response.status === 404) continue;
      const asset = this.parse(`read asset ${id}`, assetsPage, response).assets.find((a) => a.id === id);
      if (asset === undefined) continue;
      this.hold(asset);
      return asset;
    }
    return null;
  }

  async readContact(id: string): Promise<DocContact | null> {
    const asset = await this.fetchAsset(id);
    return asset === null ? null : toDocContact(asset, await this.layout());
  }

  /**
   * One create per person. The sync holds a person lacking a required field before it gets here (`requiredFields`); one
   * that comes all the same is refused here, naming the field, and never sent.
   */
  async createContacts(organizationId: string, drafts: readonly DocContactFields[]): Promise<WriteResult<string>[]> {
    const layout = await this.layout();
    const results: WriteResult<string>[] = [];
    for (const fields of drafts) {
      const body = assetBody(fields, null, layout);
      const refused = this.refuseMissing(body, layout, fields);
      results.push(refused ?? (await this.create(organizationId, body, fields, layout)));
    }
    return results;
  }

  private refuseMissing(body: AssetBody, layout: PeopleLayout, fields: DocContactFields): WriteResult<string> | null {
    const missing = missingRequired(body, layout);
    if (missing.length === 0) return null;
    return {
      ok: false,
      reasons: missing.map((label) =>
        reason(
          'hudu-required-field',
          `Hudu's layout "${layout.name}" requires "${label}", and contactsync has no value for ${named(fields)}: fill it in Microsoft 365, map it in hudu.fields, or make it optional in the layout.`,
          label,
        ),
      ),
    };
  }

  /**
   * A create whose answer was lost may have happened: the company's people are read again, and a new one with the same
   * primary email is taken for it before anything is sent again. An asset listed before the create is never taken (one
   * linked to someone else may hold the address); several new ones are not sent again, for a person to look.
   */
  private async create(
    organizationId: string,
    body: AssetBody,
    fields: DocContactFields,
    layout: PeopleLayout,
    round = 1,
    before: ReadonlySet<string> = new Set(this.held.keys()),
  ): Promise<WriteResult<string>> {
    try {
      const response = await this.send('POST', companyAssetsPath(organizationId), body);
      if (response.status === 422 || response.status === 400) return this.refusal(response, fields, layout);
      const asset = this.parse(`create ${named(fields)}`, assetAnswer, response);
      this.hold(asset);
      return { ok: true, id: asset.id };
    } catch (error) {
      if (!(error instanceof ConnectorError) || !error.outcomeUnknown || round >= 5) throw error;
      const mail = body.asset.primary_mail.toLowerCase();
      const found = (await this.listPeople(organizationId)).filter(
        (person) =>
          !before.has(person.id) &&
          mail !== '' &&
          person.emails.some((e) => e.primary && e.value.toLowerCase() === mail),
      );
      if (found.length === 1) return { ok: true, id: found[0]!.id };
      if (found.length > 1) throw error;
      return this.create(organizationId, body, fields, layout, round + 1, before);
    }
  }

  /** A refused record: what Hudu said, naming the field where it does. */
  private refusal(response: HttpResponse, fields: DocContactFields, layout: PeopleLayout): WriteResult<string> {
    const problems = errorProblems(response.body);
    if (problems.length === 0) problems.push({ field: null, message: `status ${response.status}` });
    return {
      ok: false,
      reasons: problems.map((problem) => {
        const field = fieldOfProblem(problem, layout.labels);
        return reason(
          'hudu-refused',
          `Hudu refused ${named(fields)}${field === null ? '' : ` (${field})`}: ${problem.message}`,
          ...(field === null ? [] : [field]),
        );
      }),
    };
  }

  /** Each update replaces the asset with every field it holds and the changes laid over; a leaver is archived. */
  async updateContacts(
    updates: readonly { readonly id: string; readonly patch: DocContactPatch }[],
  ): Promise<WriteResult<string>[]> {
    const results: WriteResult<string>[] = [];
    for (const { id, patch } of updates) results.push(await this.update(id, patch));
    return results;
  }

  private async update(id: string, patch: DocContactPatch): Promise<WriteResult<string>> {
    let layout = await this.layout();
    const listed = this.held.get(id);
    const asset =
      listed !== undefined && this.now() - listed.at <= HELD_FOR_MS ? listed.asset : await this.fetchAsset(id);
    if (asset === null)
      return { ok: false, reasons: [reason('hudu-refused', `Hudu has no asset ${id}: it was deleted in Hudu.`)] };
    // A field the layout as last read lacks: the layout is read again unless it was just read (one added since is sent
    // back, never blanked), and what it still lacks is left out of the replace.
    const unknown = (asset.fields ?? []).some((field) => !layout.labels.some((label) => sameLabel(label, field.label)));
    if (unknown && this.layoutFound !== null && this.now() - this.layoutFound.at > LAYOUT_AGAIN_AFTER_MS) {
      this.layoutFound = null;
      layout = await this.layout();
    }
    const { archived, ...changes } = patch;
    if (Object.keys(changes).length > 0) {
      const fields: DocContactFields = { ...fieldsOf(toDocContact(asset, layout)), ...changes };
      const body = assetBody(fields, asset, layout);
      const refused = this.refuseMissing(body, layout, fields);
      if (refused !== null) return refused;
      const response = await this.send('PUT', assetPath(asset.company_id, id), body);
      if (response.status === 422 || response.status === 400) return this.refusal(response, fields, layout);
      if (response.status === 404)
        return { ok: false, reasons: [reason('hudu-refused', `Hudu has no asset ${id}: it was deleted in Hudu.`)] };
      this.hold(this.answered(`update ${named(fields)}`, response, asset, body));
    }
    if (archived === true) {
      const response = await this.send('PUT', archivePath(asset.company_id, id));
      if (response.status === 404)
        return { ok: false, reasons: [reason('hudu-refused', `Hudu has no asset ${id}: it was deleted in Hudu.`)] };
      const current = this.held.get(id)?.asset ?? asset;
      this.hold(this.answered(`archive asset ${id}`, response, { ...current, archived: true }, null));
    }
    return { ok: true, id };
  }

  /** The asset a write answered with; what was sent, laid over the asset, when the answer does not carry it. */
  private answered(what: string, response: HttpResponse, before: AssetWire, body: AssetBody | null): AssetWire {
    if (response.status < 200 || response.status >= 300) this.fail(what, response);
    const parsed = assetAnswer.safeParse(response.body);
    return parsed.success ? parsed.data : body === null ? before : sentAsset(before, body);
  }
}
