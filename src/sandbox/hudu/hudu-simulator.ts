import type { SimClock } from '../sim-clock.ts';
import { json, SimServer, type LoggedRequest, type SimRequest, type SimResponse } from '../sim-server.ts';
import { readAssetBody, type AssetField, type Layout, type LayoutField } from './asset-body.ts';
import { BoundaryWindow } from './boundary-window.ts';
import { assetWire, companyWire, fieldsOf, layoutWire, type AssetRecord, type Company } from './wire-shapes.ts';
import { huduSimulateSchema, type HuduSeed, type HuduSimulate } from './seed-schema.ts';

/** Documented: 25 records a page unless `page_size` says otherwise. */
const DEFAULT_PAGE_SIZE = 25;
const API = '/api/v1';

/** What an API key may do: Hudu scopes keys by destructive actions (DELETE) and by companies. */
export interface HuduKeyScope {
  readonly destructive?: boolean;
  /** the companies the key may see and change; null or absent: every company */
  readonly companies?: readonly number[] | null;
}

interface KeyScope {
  readonly destructive: boolean;
  readonly companies: ReadonlySet<number> | null;
}

/** What a person sets on an asset in Hudu's web app (the fields by label). */
export interface AssetEdit {
  readonly name?: string;
  readonly primary_mail?: string | null;
  readonly fields?: Readonly<Record<string, string | null>>;
}

class HuduError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`Hudu ${status}`);
  }
}

const notFound = (details: string) => new HuduError(404, { error: 'Not Found', details });
const forbidden = (details: string) => new HuduError(403, { error: 'Forbidden', details });

/** Rack::Attack's answer, which the official PowerShell client recognizes by its text ("Retry later"). */
const THROTTLED: SimResponse = { status: 429, headers: { 'content-type': 'text/plain' }, body: 'Retry later\n' };

/** Rails' reading of a boolean query parameter. */
function truthy(value: string | null): boolean {
  return value !== null && ['true', '1', 't'].includes(value.toLowerCase());
}

/**
 * Hudu's REST API for companies, asset layouts and assets, as its API documentation and the official PowerShell client
 * show it (its own reading of CONTRACTS.md, independent of the connector): `x-api-key` on every call (401 without a
 * valid one), keys scoped by destructive actions (DELETE refused; archiving is not destructive) and by companies,
 * lists of 25 a page (`page_size` up to `pageSizeCap`) paged until an empty page, archived assets listed only with
 * `archived=true`, creates checked against the layout (a required field blank or a custom field naming no field of the
 * layout: 422 naming it), updates whose `custom_fields` replace every custom field (a field not sent is blanked), and a
 * request budget per window of 5 minutes starting on the clock's 5-minute boundaries (over it: 429 "Retry later", no
 * `Retry-After`).
 */
export class HuduSimulator {
  readonly server: SimServer;
  private readonly keys = new Map<string, KeyScope>();
  private readonly companies = new Map<number, Company>();
  private readonly layouts = new Map<number, Layout>();
  private readonly assets = new Map<number, AssetRecord>();
  private nextAssetId = 1;
  private nextCompanyId = 1;
  private nextFieldId = 1;
  readonly limiter: BoundaryWindow;
  /** asset body keys that creates and updates accept but drop, as an API drops what it does not know */
  ignoredFields: string[];
  pageSizeCap: number;

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
    /** the seed's `simulate.hudu` */
    readonly simulate: HuduSimulate = huduSimulateSchema.parse(undefined),
  ) {
    this.ignoredFields = [...simulate.ignoreFields];
    this.pageSizeCap = simulate.pageSizeCap;
    this.limiter = new BoundaryWindow(simulate.rateLimit, () => clock.now());
    this.server = new SimServer({
      name: 'hudu',
      log,
      faultBody: (status) =>
        status === 429 ? THROTTLED : json(status, { error: status === 404 ? 'Not Found' : 'Internal Server Error' }),
    });
    const route = (method: string, path: string, handler: (request: SimRequest, scope: KeyScope) => SimResponse) =>
      this.server.route(method, `${API}${path}`, (request) => this.guard(request, handler));
    route('GET', '/api_info', () => json(200, { version: '2.39.0', date: '2025-01-01' }));
    route('GET', '/companies', (r, s) => this.listCompanies(r, s));
    route('GET', '/companies/{id}', (r, s) =>
      json(200, { company: companyWire(this.company(r, s, 'id'), this.server.url) }),
    );
    route('GET', '/asset_layouts', (r) => this.listLayouts(r));
    route('GET', '/asset_layouts/{id}', (r) => json(200, { asset_layout: layoutWire(this.layout(r)) }));
    route('GET', '/assets', (r, s) => this.listAssets(r, s, null));
    route('GET', '/companies/{cid}/assets', (r, s) => this.listAssets(r, s, this.company(r, s, 'cid')));
    route('POST', '/companies/{cid}/assets', (r, s) => this.createAsset(r, s));
    route('GET', '/companies/{cid}/assets/{id}', (r, s) => json(200, { asset: this.wire(this.asset(r, s)) }));
    route('PUT', '/companies/{cid}/assets/{id}', (r, s) => this.updateAsset(r, s));
    route('PUT', '/companies/{cid}/assets/{id}/archive', (r, s) => this.setArchived(r, s, true));
    route('PUT', '/companies/{cid}/assets/{id}/unarchive', (r, s) => this.setArchived(r, s, false));
    route('DELETE', '/companies/{cid}/assets/{id}', (r, s) => this.destroyAsset(r, s));
  }

  /** Accepts `apiKey`, scoped as given (default: every company, destructive actions allowed). */
  registerKey(apiKey: string, scope: HuduKeyScope = {}): void {
    this.keys.set(apiKey, {
      destructive: scope.destructive ?? true,
      companies: scope.companies === undefined || scope.companies === null ? null : new Set(scope.companies),
    });
  }

  load(seed: HuduSeed): void {
    for (const layout of seed.assetLayouts) {
      if (this.layouts.has(layout.id)) throw new Error(`hudu.assetLayouts: layout ${layout.id} is given twice`);
      const fields: LayoutField[] = layout.fields.map((field) => ({
        id: this.nextFieldId++,
        label: field.label,
        required: field.required,
        field_type: field.field_type,
      }));
      this.layouts.set(layout.id, { id: layout.id, name: layout.name, fields });
    }
    for (const company of seed.companies) {
      this.companies.set(company.id, { id: company.id, name: company.name });
      this.nextCompanyId = Math.max(this.nextCompanyId, company.id + 1);
      for (const asset of company.assets) {
        const where = `hudu company ${company.id} asset ${asset.id}`;
        const layout = this.layouts.get(asset.asset_layout_id);
        if (layout === undefined) throw new Error(`${where}: asset_layout_id ${asset.asset_layout_id} is no layout`);
        if (this.assets.has(asset.id)) throw new Error(`${where}: asset ${asset.id} is given twice`);
        const now = new Date(this.clock.now()).toISOString();
        this.assets.set(asset.id, {
          id: asset.id,
          company_id: company.id,
          asset_layout_id: layout.id,
          name: asset.name,
          primary_mail: asset.primary_mail,
          archived: asset.archived,
          fields: this.fieldValues(layout, asset.fields, where),
          created_at: now,
          updated_at: now,
        });
        this.nextAssetId = Math.max(this.nextAssetId, asset.id + 1);
      }
    }
  }

  /** The records in the seed's shape: every field of each asset's layout, null where it is blank. */
  dump(): HuduSeed {
    return {
      assetLayouts: [...this.layouts.values()].map((layout) => ({
        id: layout.id,
        name: layout.name,
        fields: layout.fields.map(({ label, required, field_type }) => ({ label, required, field_type })),
      })),
      companies: [...this.companies.values()].map((company) => ({
        id: company.id,
        name: company.name,
        assets: this.assetsOf(company.id).map((asset) => ({
          id: asset.id,
          asset_layout_id: asset.asset_layout_id,
          name: asset.name,
          primary_mail: asset.primary_mail,
          archived: asset.archived,
          fields: this.fieldsOf(asset),
        })),
      })),
    };
  }

  // --- what a person does in Hudu's web app, for tests ---

  /** A company's assets, archived or not, by id. */
  assetsOf(companyId: number): AssetRecord[] {
    return [...this.assets.values()].filter((a) => a.company_id === companyId).sort((a, b) => a.id - b.id);
  }

  /** An asset's fields by label, every field of its layout (null where blank). */
  fieldsByLabel(assetId: number): Record<string, string | null> {
    return Object.fromEntries(this.fieldsOf(this.record(assetId)).map((f) => [f.label, f.value]));
  }

  addCompany(name: string): number {
    const id = this.nextCompanyId++;
    this.companies.set(id, { id, name });
    return id;
  }

  /** A person adds an asset of a layout to a company; returns its id. */
  addAsset(companyId: number, layoutId: number, edit: AssetEdit & { readonly archived?: boolean } = {}): number {
    const layout = this.layouts.get(layoutId);
    if (layout === undefined) throw new Error(`no Hudu asset layout ${layoutId}`);
    if (!this.companies.has(companyId)) throw new Error(`no Hudu company ${companyId}`);
    const id = this.nextAssetId++;
    const now = new Date(this.clock.now()).toISOString();
    this.assets.set(id, {
      id,
      company_id: companyId,
      asset_layout_id: layoutId,
      name: edit.name ?? '',
      primary_mail: edit.primary_mail ?? null,
      archived: edit.archived ?? false,
      fields: this.fieldValues(
        layout,
        Object.entries(edit.fields ?? {}).map(([label, value]) => ({ label, value })),
        `new asset`,
      ),
      created_at: now,
      updated_at: now,
    });
    return id;
  }

  /** A person edits an asset: the fields named change, the others keep their values. */
  editAsset(id: number, edit: AssetEdit): void {
    const asset = this.record(id);
    const layout = this.layouts.get(asset.asset_layout_id)!;
    const given = Object.entries(edit.fields ?? {}).map(([label, value]) => ({ label, value }));
    const changed = this.fieldValues(layout, given, `asset ${id}`);
    for (const { label } of given) asset.fields.set(label, changed.get(label) ?? null);
    if (edit.name !== undefined) asset.name = edit.name;
    if (edit.primary_mail !== undefined) asset.primary_mail = edit.primary_mail;
    asset.updated_at = new Date(this.clock.now()).toISOString();
  }

  archiveAsset(id: number, archived = true): void {
    this.record(id).archived = archived;
  }

  deleteAsset(id: number): void {
    this.assets.delete(id);
  }

  // --- the API ---

  private guard(request: SimRequest, handler: (request: SimRequest, scope: KeyScope) => SimResponse): SimResponse {
    // A throttle in front of the application counts every request, signed in or not.
    if (this.limiter.take() > 0) return THROTTLED;
    try {
      const key = request.headers['x-api-key'];
      const scope = typeof key === 'string' ? this.keys.get(key) : undefined;
      if (scope === undefined)
        throw new HuduError(401, { error: 'Unauthorized', details: 'No valid API key was given in x-api-key.' });
      return handler(request, scope);
    } catch (error) {
      if (!(error instanceof HuduError)) throw error;
      return json(error.status, error.body);
    }
  }

  private page<T>(request: SimRequest, items: readonly T[], pageSize: boolean): T[] {
    const asked = Number(request.query.get('page_size'));
    const size =
      pageSize && Number.isInteger(asked) && asked >= 1 ? Math.min(asked, this.pageSizeCap) : DEFAULT_PAGE_SIZE;
    const number = Math.max(1, Math.floor(Number(request.query.get('page') ?? '1')) || 1);
    return items.slice((number - 1) * size, number * size);
  }

  private visible(scope: KeyScope, companyId: number): boolean {
    return scope.companies === null || scope.companies.has(companyId);
  }

  private company(request: SimRequest, scope: KeyScope, param: 'id' | 'cid'): Company {
    const id = Number(request.params[param]);
    const company = this.companies.get(id);
    if (company === undefined) throw notFound(`Company ${request.params[param]} was not found.`);
    if (!this.visible(scope, id)) throw forbidden(`This API key is not scoped to company ${id}.`);
    return company;
  }

  private layout(request: SimRequest): Layout {
    const layout = this.layouts.get(Number(request.params.id));
    if (layout === undefined) throw notFound(`Asset layout ${request.params.id} was not found.`);
    return layout;
  }

  private record(id: number): AssetRecord {
    const asset = this.assets.get(id);
    if (asset === undefined) throw new Error(`no Hudu asset ${id}`);
    return asset;
  }

  private asset(request: SimRequest, scope: KeyScope): AssetRecord {
    const company = this.company(request, scope, 'cid');
    const asset = this.assets.get(Number(request.params.id));
    if (asset === undefined || asset.company_id !== company.id)
      throw notFound(`Asset ${request.params.id} was not found in company ${company.id}.`);
    return asset;
  }

  private fieldValues(layout: Layout, given: readonly AssetField[], where: string): Map<string, string | null> {
    const values = new Map<string, string | null>();
    for (const { label, value } of given) {
      if (!layout.fields.some((field) => field.label === label))
        throw new Error(`${where}: "${label}" is no field of layout ${layout.name}`);
      values.set(label, value === null || value.trim() === '' ? null : value);
    }
    return values;
  }

  private fieldsOf(asset: AssetRecord): AssetField[] {
    return fieldsOf(asset, this.layouts.get(asset.asset_layout_id)!);
  }

  private wire(asset: AssetRecord): Record<string, unknown> {
    const layout = this.layouts.get(asset.asset_layout_id)!;
    return assetWire(asset, layout, this.companies.get(asset.company_id)?.name ?? null, this.server.url);
  }

  private listCompanies(request: SimRequest, scope: KeyScope): SimResponse {
    const name = request.query.get('name');
    const search = request.query.get('search')?.toLowerCase() ?? null;
    const all = [...this.companies.values()]
      .filter((c) => this.visible(scope, c.id))
      .filter((c) => name === null || c.name === name)
      .filter((c) => search === null || c.name.toLowerCase().includes(search))
      .sort((a, b) => a.id - b.id);
    return json(200, { companies: this.page(request, all, true).map((c) => companyWire(c, this.server.url)) });
  }

  /** Documented with `page` alone: layouts come 25 a page, whatever `page_size` says. */
  private listLayouts(request: SimRequest): SimResponse {
    const name = request.query.get('name');
    const all = [...this.layouts.values()].filter((l) => name === null || l.name === name).sort((a, b) => a.id - b.id);
    return json(200, { asset_layouts: this.page(request, all, false).map((l) => layoutWire(l)) });
  }

  private listAssets(request: SimRequest, scope: KeyScope, company: Company | null): SimResponse {
    const q = request.query;
    const archived = truthy(q.get('archived'));
    const eq = (name: string, value: (a: AssetRecord) => string) => {
      const wanted = q.get(name);
      return (asset: AssetRecord) => wanted === null || value(asset) === wanted;
    };
    const all = [...this.assets.values()]
      .filter((a) => this.visible(scope, a.company_id) && a.archived === archived)
      .filter(company === null ? eq('company_id', (a) => String(a.company_id)) : (a) => a.company_id === company.id)
      .filter(company === null ? eq('asset_layout_id', (a) => String(a.asset_layout_id)) : () => true)
      .filter(company === null ? eq('id', (a) => String(a.id)) : () => true)
      .filter(company === null ? eq('name', (a) => a.name) : () => true)
      .sort((a, b) => a.id - b.id);
    return json(200, { assets: this.page(request, all, true).map((a) => this.wire(a)) });
  }

  /** Rails reads a JSON body only when it is sent as JSON; otherwise the `asset` parameter is missing. */
  private jsonBody(request: SimRequest): string {
    return String(request.headers['content-type'] ?? '').startsWith('application/json') ? request.body : '{}';
  }

  private refused(result: { status: 400 | 422; problems: readonly string[] }): HuduError {
    return result.status === 400
      ? new HuduError(400, { error: 'Parameter missing', details: result.problems.join('; ') })
      : new HuduError(422, { errors: result.problems.join('; ') });
  }

  private createAsset(request: SimRequest, scope: KeyScope): SimResponse {
    const company = this.company(request, scope, 'cid');
    const result = readAssetBody(this.jsonBody(request), null, (id) => this.layouts.get(id), this.ignoredFields);
    if (!result.ok) throw this.refused(result);
    const { changes } = result;
    const id = this.nextAssetId++;
    const now = new Date(this.clock.now()).toISOString();
    const asset: AssetRecord = {
      id,
      company_id: company.id,
      asset_layout_id: changes.asset_layout_id!,
      name: changes.name!,
      primary_mail: changes.primary_mail ?? null,
      archived: false,
      fields: new Map((changes.fields ?? []).map((f) => [f.label, f.value])),
      created_at: now,
      updated_at: now,
    };
    this.assets.set(id, asset);
    return json(201, { asset: this.wire(asset) });
  }

  private updateAsset(request: SimRequest, scope: KeyScope): SimResponse {
    const asset = this.asset(request, scope);
    const layout = this.layouts.get(asset.asset_layout_id)!;
    const result = readAssetBody(this.jsonBody(request), layout, (id) => this.layouts.get(id), this.ignoredFields);
    if (!result.ok) throw this.refused(result);
    const { changes } = result;
    if (changes.name !== undefined) asset.name = changes.name;
    if (changes.primary_mail !== undefined) asset.primary_mail = changes.primary_mail;
    // Documented reading kept by CONTRACTS.md: the custom fields sent replace the asset's, every one of them.
    if (changes.fields !== undefined) asset.fields = new Map(changes.fields.map((f) => [f.label, f.value]));
    asset.updated_at = new Date(this.clock.now()).toISOString();
    return json(200, { asset: this.wire(asset) });
  }

  private setArchived(request: SimRequest, scope: KeyScope, archived: boolean): SimResponse {
    const asset = this.asset(request, scope);
    asset.archived = archived;
    asset.updated_at = new Date(this.clock.now()).toISOString();
    return json(200, { asset: this.wire(asset) });
  }

  /** Documented: destructive actions are the DELETE actions, which a key can be made without. */
  private destroyAsset(request: SimRequest, scope: KeyScope): SimResponse {
    if (!scope.destructive) throw forbidden('This API key may not perform destructive actions.');
    const asset = this.asset(request, scope);
    this.assets.delete(asset.id);
    return { status: 204 };
  }
}
