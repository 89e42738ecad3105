import { z } from 'zod';
import type { FlatField } from '../../domain/doc-contact.ts';

/**
 * Hudu's REST wire: every path, parameter, page size and status meaning the client relies on, and the zod schemas of
 * its answers. Sources: CONTRACTS.md "Hudu API", and the public PowerShell clients `lwhitelock/HuduAPI` and
 * `Hudu-Technologies-Inc/HuduAPI` (Hudu's own). Every point they do not settle is marked "Inferred" or "Unknown" and
 * lives here, so that one edit corrects it against a live instance.
 *
 * People are assets of a layout the MSP chooses (usually "People"): Hudu has no contacts resource, no contact types,
 * no location records and no PSA mirroring of people.
 */

/** Documented: every path starts here, under the instance's own address (`https://msp.huducloud.com`). */
export const API_PREFIX = '/api/v1';

/** Documented: the key goes in this header. Keys can be scoped to companies, to destructive actions, to addresses. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * Documented: lists come 25 to a page (`page`, from 1). Inferred from both public clients (Hudu's own asks
 * `page_size=1000`, and a public script against a live instance asks `page_size=15`): assets and companies take
 * `page_size`. The client asks for 1000 and pages until a page is empty or shorter than an earlier one (see
 * `isLastPage`), so that a server that ignores or caps `page_size` is read whole all the same.
 */
export const PAGE_SIZE = 1000;
export const PAGE_SIZE_PARAM = 'page_size';

/**
 * Documented: a window that resets every 5 minutes on the minute (both public clients sleep to the next boundary on
 * a 429 whose text is "Retry later"). Unknown: how many requests the window holds.
 */
export const RATE_WINDOW_MS = 5 * 60_000;

/**
 * Unknown: the number of requests a window holds. A third-party summary of Hudu's API reports 300 a minute; taken as
 * 1,500 per 5-minute window until an instance says otherwise (`apiLimits.hudu` in the config sets it).
 */
export const GUESSED_WINDOW_LIMIT = 1500;

/** Inferred: a wrong or revoked key gets 401; a key whose scope does not cover a company or an action gets 403. */
export const WRONG_KEY_STATUS = 401;
export const OUT_OF_SCOPE_STATUS = 403;

/** Inferred: the longest name Hudu takes (a Rails string column). */
export const HUDU_TEXT_LIMIT = 255;

/** The layout's fields contactsync writes, by what they hold: the config's `hudu.fields` names each by its label. */
export type MappedField = FlatField;

export const MAPPED_FIELDS: readonly MappedField[] = ['title', 'phone', 'mobile', 'otherEmails', 'location'];

/** The labels looked for when `hudu.fields` does not name one (the DESIGN.md seed's layout has the first three). */
export const DEFAULT_FIELD_LABELS: Readonly<Record<MappedField, string>> = {
  title: 'Title',
  phone: 'Phone',
  mobile: 'Mobile',
  otherEmails: 'Other emails',
  location: 'Location',
};

/** The layout people are kept in when `hudu.layout` does not name one. */
export const DEFAULT_LAYOUT = 'People';

/**
 * Decided: Hudu has no location records in the contract, so a person's place is the text of the layout's location
 * field (`hudu.fields.location`), and a place's id is that text. The places of a company are the values its people
 * hold there.
 */
export const LOCATIONS_ARE_FIELD_TEXT = true;

/** Documented: companies, by name (`name=`) or all of them, paged. */
export const COMPANIES_PATH = `${API_PREFIX}/companies`;

/** Documented: the layouts, with their fields' labels and whether each is required. */
export const LAYOUTS_PATH = `${API_PREFIX}/asset_layouts`;

/** Documented: assets, filtered by `company_id`, `asset_layout_id`, `archived`, paged by `page`. */
export const ASSETS_PATH = `${API_PREFIX}/assets`;

/**
 * Inferred (not in the contract): whether a list without `archived` holds archived assets too. Hudu's clients pass
 * `archived=true` to "show archived results": the client lists the live ones and the archived ones in two listings.
 */
export const ARCHIVED_LISTINGS: readonly boolean[] = [false, true];

/** Documented: a company's assets are created here. */
export function companyAssetsPath(companyId: string): string {
  return `${API_PREFIX}/companies/${encodeURIComponent(companyId)}/assets`;
}

/**
 * Documented: an asset is replaced with `PUT` here (custom fields not sent are cleared: send every one back).
 * Inferred from the public clients: `GET` on the same path reads one asset.
 */
export function assetPath(companyId: string, assetId: string): string {
  return `${companyAssetsPath(companyId)}/${encodeURIComponent(assetId)}`;
}

/** Documented: a leaver's asset is archived (never deleted): `PUT` with no body. */
export function archivePath(companyId: string, assetId: string): string {
  return `${assetPath(companyId, assetId)}/archive`;
}

/** A list's query: the filters given, then the page and its size. */
export function listQuery(path: string, filters: Readonly<Record<string, string>>, page: number): string {
  const query = new URLSearchParams({ ...filters, page: String(page), [PAGE_SIZE_PARAM]: String(PAGE_SIZE) });
  return `${path}?${query.toString()}`;
}

/**
 * Documented: a create's custom field is keyed by its label "converted to snake case: lowercase letters and
 * underscores in place of spaces" ("Other emails" → `other_emails`); an update takes the same keys (it also takes the
 * label itself, case and spaces aside).
 */
export function fieldKey(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, '_');
}

/** A label as a person reads it: case, and spaces or underscores, aside. */
function foldLabel(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}

/** Labels are matched as a person reads them. */
export function sameLabel(a: string, b: string): boolean {
  return foldLabel(a) === foldLabel(b);
}

/**
 * The end of a listing: an empty page, or a page shorter than an earlier one (the server filled that one to its page
 * size, whatever it is). A short first page is not trusted alone: a server that caps pages silently sends short ones.
 */
export function isLastPage(length: number, longestBefore: number): boolean {
  return length === 0 || (longestBefore > 0 && length < longestBefore);
}

const id = z.union([z.number(), z.string()]).transform(String);
const text = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

export const companyWire = z.looseObject({ id, name: z.string() });
export const companiesPage = z.looseObject({ companies: z.array(companyWire) });

export const layoutFieldWire = z.looseObject({
  label: z.string(),
  required: z.boolean().nullish(),
  field_type: z.string().nullish(),
});
export const layoutWire = z.looseObject({
  id,
  name: z.string(),
  active: z.boolean().nullish(),
  fields: z.array(layoutFieldWire).nullish(),
});
export const layoutsPage = z.looseObject({ asset_layouts: z.array(layoutWire) });

/** Inferred: a field's value may come as text, a number, a boolean or null; it is read as text. */
export const assetFieldWire = z.looseObject({ label: z.string(), value: text });

export const assetWire = z.looseObject({
  id,
  company_id: id,
  asset_layout_id: id.nullish(),
  name: z.string().nullish(),
  primary_mail: z.string().nullish(),
  archived: z.boolean().nullish(),
  fields: z.array(assetFieldWire).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});
export const assetsPage = z.looseObject({ assets: z.array(assetWire) });
/** Inferred: a create, a replace, an archive and a read answer with the asset, wrapped or not. */
export const assetAnswer = z.union([z.looseObject({ asset: assetWire }).transform((a) => a.asset), assetWire]);

export type CompanyWire = z.infer<typeof companyWire>;
export type LayoutWire = z.infer<typeof layoutWire>;
export type AssetWire = z.infer<typeof assetWire>;

/** What an asset is written as: its name, its layout, its primary email and every custom field by its key. */
export interface AssetBody {
  readonly asset: {
    readonly name: string;
    readonly asset_layout_id: number;
    readonly primary_mail: string;
    readonly custom_fields: readonly Readonly<Record<string, string>>[];
  };
}

/**
 * Unknown: Hudu's error body. Rails APIs' shapes are read tolerantly: `{"error": "...", "details": "..."}`,
 * `{"message": "..."}`, `{"errors": "a; b"}`, `{"errors": ["..."]}` and `{"errors": {"field": ["..."]}}` (the last
 * names the field; the others may start with the field's label, "Title can't be blank").
 */
export function errorProblems(body: unknown): { field: string | null; message: string }[] {
  if (typeof body === 'string') return body.trim() === '' ? [] : [{ field: null, message: body.trim() }];
  if (body === null || typeof body !== 'object') return [];
  const record = body as Record<string, unknown>;
  const problems: { field: string | null; message: string }[] = [];
  const errors = record.errors;
  if (typeof errors === 'string') {
    for (const part of errors.split(/;\s+/))
      if (part.trim() !== '') problems.push({ field: null, message: part.trim() });
  } else if (Array.isArray(errors)) {
    for (const error of errors) if (typeof error === 'string') problems.push({ field: null, message: error });
  } else if (errors !== null && typeof errors === 'object') {
    for (const [field, messages] of Object.entries(errors as Record<string, unknown>)) {
      const list = Array.isArray(messages) ? messages : [messages];
      for (const message of list) if (typeof message === 'string') problems.push({ field, message });
    }
  }
  if (problems.length === 0)
    for (const key of ['error', 'message'] as const) {
      const value = record[key];
      if (typeof value !== 'string' || value === '') continue;
      const details = typeof record.details === 'string' && record.details !== '' ? `: ${record.details}` : '';
      problems.push({ field: null, message: `${value}${details}` });
    }
  return problems;
}

/** The field a problem names: its own, else the label (or "Name") its message starts with, else null. */
export function fieldOfProblem(
  problem: { field: string | null; message: string },
  labels: readonly string[],
): string | null {
  if (problem.field !== null) return problem.field;
  const message = problem.message.toLowerCase();
  const named = [...labels, 'Name', 'Primary mail']
    .sort((a, b) => b.length - a.length)
    .find((label) => message.startsWith(`${label.toLowerCase()} `));
  return named ?? null;
}
