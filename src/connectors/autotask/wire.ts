import { z } from 'zod';
import type { PsaLocation } from '../../domain/psa-contact.ts';
import type { NamedRecord } from '../../domain/ports.ts';

/**
 * Autotask PSA's REST API (v1.0) on the wire: every path, field name, page size, filter and status meaning the
 * connector relies on, parsed at the boundary here and nowhere else. Sources: Autotask's developer help (ContactsEntity,
 * REST_Basic_Query_Calls, REST_Advanced_Query_Features, REST_Updating_Data_PATCH/PUT, ThreadLimiting,
 * REST_Thresholds_Limits), its Swagger document (`v1.json` in KelvinTegelaar/AutotaskAPI) and public clients. Each
 * point says whether it is documented or inferred, so that a wrong guess is corrected by one edit here.
 */

/** Documented: the zone of an API user is asked here, without credentials (exempt from thread limits). */
export const AUTOTASK_ZONE_DISCOVERY = 'https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation';
/** Documented: the API's version segment, after the zone's `url`. */
const API_VERSION = 'v1.0/';
/** Documented: where a zone's host serves the REST API (its `url`'s path). */
const API_ROOT = 'atservicesrest/';

/**
 * The zone's API base from its `url` (`https://webservices5.autotask.net/atservicesrest/` → `.../v1.0/`); a bare host
 * (a URL given by hand) gets the API's path.
 */
export function apiBaseOf(zoneUrl: string): string {
  let base = zoneUrl.endsWith('/') ? zoneUrl : `${zoneUrl}/`;
  if (new URL(base).pathname === '/') base = `${base}${API_ROOT}`;
  return /\/v1\.0\/$/i.test(base) ? base : `${base}${API_VERSION}`;
}

/** Documented: the three headers of every call but zone discovery. */
export const AUTOTASK_HEADERS = {
  integrationCode: 'ApiIntegrationCode',
  userName: 'UserName',
  secret: 'Secret',
} as const;

export interface AutotaskEndpoint {
  readonly method: 'GET' | 'POST' | 'PATCH';
  /** the path under the API base, with `{name}` for each parameter */
  readonly path: string;
  /**
   * The object endpoint Autotask counts threads by (with the integration code). Inferred: a child route counts under
   * its child entity (creating on `Companies/{id}/Contacts` is a Contacts call), and `entityInformation` under its
   * entity; grouping more calls under one name only keeps further inside the limit.
   */
  readonly entity: string;
}

const endpoint = (method: AutotaskEndpoint['method'], path: string, entity: string): AutotaskEndpoint => ({
  method,
  path,
  entity,
});

/**
 * Every endpoint the connector calls, each documented (the Swagger document has `{Entity}/query`, `{Entity}/{id}`,
 * `{Entity}/entityInformation/fields` and the child routes). Never PUT (it blanks every field not sent), never DELETE.
 */
export const AUTOTASK_ENDPOINTS = {
  threshold: endpoint('GET', 'ThresholdInformation', 'ThresholdInformation'),
  contactFields: endpoint('GET', 'Contacts/entityInformation/fields', 'Contacts'),
  contacts: endpoint('POST', 'Contacts/query', 'Contacts'),
  /** one record by id (`Contacts_QueryItem`): `{item}`, null when there is none */
  contact: endpoint('GET', 'Contacts/{id}', 'Contacts'),
  createContact: endpoint('POST', 'Companies/{companyId}/Contacts', 'Contacts'),
  updateContact: endpoint('PATCH', 'Companies/{companyId}/Contacts', 'Contacts'),
  companies: endpoint('POST', 'Companies/query', 'Companies'),
  /** documented beside `GET Companies/{id}/Locations`; the query pages as every other list */
  locations: endpoint('POST', 'CompanyLocations/query', 'CompanyLocations'),
} as const;
export type AutotaskEndpointName = keyof typeof AUTOTASK_ENDPOINTS;

/** The path of an endpoint with its parameters filled in. */
export function pathOf(name: AutotaskEndpointName, params: Readonly<Record<string, number>> = {}): string {
  return AUTOTASK_ENDPOINTS[name].path.replace(/\{(\w+)\}/g, (_, key: string) =>
    encodeURIComponent(String(params[key])),
  );
}

/** Documented: a query answers at most 500 records a page. */
export const AUTOTASK_PAGE_SIZE = 500;
/**
 * Inferred: a page's `nextPageUrl` is read with a GET: it carries the query (`search`) and the cursor (`paging`), as the
 * help shows for `GET .../query?search=`. For a POSTed query public clients differ: KelvinTegelaar/AutotaskAPI POSTs
 * the next page with the first body, a Go client POSTs it without one. Switch here if Autotask refuses the GET.
 */
export const AUTOTASK_NEXT_PAGE_METHOD = 'GET' as const;
/** Documented: at most 3 requests at once per integration code and object endpoint ("Thread Threshold Exceeded"). */
export const AUTOTASK_THREADS_PER_ENDPOINT = 3;
/** Documented: 10,000 requests per rolling hour per database, shared by every integration the MSP runs. */
export const AUTOTASK_HOURLY_LIMIT = { limit: 10_000, windowMs: 3600_000 } as const;
/**
 * Documented (ContactsEntity, field lengths): first name, last name and title take at most 50 characters. Doctor reads
 * the instance's own lengths.
 */
export const AUTOTASK_TEXT_LIMIT = 50;

// --- contacts ---

/** Documented: the Contacts fields the connector reads and writes. `isActive` is an integer, 1 or 0. */
export const CONTACT_FIELDS = {
  id: 'id',
  companyId: 'companyID',
  firstName: 'firstName',
  lastName: 'lastName',
  title: 'title',
  email: 'emailAddress',
  email2: 'emailAddress2',
  email3: 'emailAddress3',
  phone: 'phone',
  mobilePhone: 'mobilePhone',
  locationId: 'companyLocationID',
  isActive: 'isActive',
} as const;

/** Documented: a result over 500 records needs `id` among the `IncludeFields`; every query names it. */
const CONTACT_INCLUDE = Object.values(CONTACT_FIELDS);

/** A filter of the query language (documented operators; `or` and `and` group `items`). */
export type AutotaskFilter =
  | {
      readonly op: 'eq' | 'noteq' | 'gt' | 'gte' | 'lt' | 'lte' | 'beginsWith' | 'endsWith' | 'contains';
      readonly field: string;
      readonly value: string | number;
    }
  | { readonly op: 'exist' | 'notExist'; readonly field: string }
  | { readonly op: 'in' | 'notIn'; readonly field: string; readonly value: readonly (string | number)[] }
  | { readonly op: 'or' | 'and'; readonly items: readonly AutotaskFilter[] };

/** The body of `POST {Entity}/query` (documented key names). */
export function queryBody(
  filter: readonly AutotaskFilter[],
  includeFields: readonly string[],
): Record<string, unknown> {
  return { MaxRecords: AUTOTASK_PAGE_SIZE, IncludeFields: includeFields, Filter: filter };
}

/** The contacts of a company, active and inactive. */
export const contactsOfCompany = (companyId: number): Record<string, unknown> =>
  queryBody([{ op: 'eq', field: CONTACT_FIELDS.companyId, value: companyId }], CONTACT_INCLUDE);

/** Contacts of a company with the address in any of their three email fields. */
export const contactsByEmail = (companyId: number, email: string): Record<string, unknown> =>
  queryBody(
    [
      { op: 'eq', field: CONTACT_FIELDS.companyId, value: companyId },
      {
        op: 'or',
        items: [CONTACT_FIELDS.email, CONTACT_FIELDS.email2, CONTACT_FIELDS.email3].map((field) => ({
          op: 'eq' as const,
          field,
          value: email,
        })),
      },
    ],
    CONTACT_INCLUDE,
  );

/** Contacts of a company with this first and last name. */
export const contactsByName = (companyId: number, firstName: string, lastName: string): Record<string, unknown> =>
  queryBody(
    [
      { op: 'eq', field: CONTACT_FIELDS.companyId, value: companyId },
      { op: 'eq', field: CONTACT_FIELDS.firstName, value: firstName },
      { op: 'eq', field: CONTACT_FIELDS.lastName, value: lastName },
    ],
    CONTACT_INCLUDE,
  );

/** Every company: a query needs a filter, and every record has an id. */
export const allCompanies = (): Record<string, unknown> =>
  queryBody([{ op: 'exist', field: 'id' }], ['id', 'companyName']);

/** The locations of a company. */
export const locationsOfCompany = (companyId: number): Record<string, unknown> =>
  queryBody([{ op: 'eq', field: 'companyID', value: companyId }], ['id', 'companyID', 'name', 'isPrimary', 'isActive']);

// --- answers ---

const text = z
  .string()
  .nullish()
  .transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v));
const id = z.number().int();
const optionalId = id.nullish().transform((v) => v ?? null);
/** `isActive` is an integer (documented); a boolean is read too. */
const activeFlag = z
  .union([z.number().int(), z.boolean()])
  .nullish()
  .transform((v) => (v === undefined || v === null ? null : v === true || v === 1));

/** A contact as a query answers it (the fields of `IncludeFields`). */
export const contactWire = z.looseObject({
  id,
  companyID: optionalId,
  firstName: text,
  lastName: text,
  title: text,
  emailAddress: text,
  emailAddress2: text,
  emailAddress3: text,
  phone: text,
  mobilePhone: text,
  companyLocationID: optionalId,
  isActive: activeFlag,
});
export type AutotaskContactWire = z.infer<typeof contactWire>;

/** Documented: a read by id answers `{item}`; inferred: `item` is null when there is no such record. */
export const itemAnswer = z.looseObject({ item: z.unknown().nullish() }).transform((a) => a.item ?? null);

/** Documented: a query answers `{items, pageDetails: {count, requestCount, prevPageUrl, nextPageUrl}}`. */
export const queryPage = z.looseObject({
  items: z.array(z.unknown()),
  pageDetails: z
    .looseObject({ nextPageUrl: z.string().nullish() })
    .nullish()
    .transform((p) => ({ nextPageUrl: p?.nextPageUrl ?? null })),
});

export const companyItem = z
  .looseObject({ id, companyName: z.string().nullish() })
  .transform((c): NamedRecord<number> => ({ id: c.id, name: c.companyName ?? '' }));

/** A location; an inactive one is no place to put a contact (the caller leaves it out). */
export const locationItem = z
  .looseObject({ id, name: z.string().nullish(), isPrimary: z.boolean().nullish(), isActive: activeFlag })
  .transform((l): PsaLocation & { readonly isActive: boolean } => ({
    id: l.id,
    name: l.name ?? '',
    isMain: l.isPrimary ?? false,
    isActive: l.isActive ?? true,
  }));

/** Documented: a create answers `{itemId}`; a PATCH answers the same with the record's id. */
export const itemIdAnswer = z.looseObject({ itemId: id }).transform((a) => a.itemId);

/** Documented: `{zoneName, url, webUrl, ci}`. */
export const zoneAnswer = z.looseObject({
  zoneName: z.string().nullish(),
  url: z.string().min(1),
  webUrl: z.string().nullish(),
  ci: z.number().nullish(),
});
export type AutotaskZone = { readonly apiBase: string; readonly webUrl: string | null; readonly name: string | null };

/** Documented: the database's hourly limit, its window in minutes and the count in it (this call included). */
export const thresholdAnswer = z
  .looseObject({
    externalRequestThreshold: z.number().int().positive(),
    requestThresholdTimeframe: z.number().positive().nullish(),
    currentTimeframeRequestCount: z.number().int().min(0),
  })
  .transform((t) => ({
    limit: t.externalRequestThreshold,
    windowMs: (t.requestThresholdTimeframe ?? 60) * 60_000,
    used: t.currentTimeframeRequestCount,
  }));
export type AutotaskThreshold = z.output<typeof thresholdAnswer>;

/** Documented: `{fields: [{name, isRequired, isReadOnly, length, ...}]}`. */
export const fieldInformation = z.looseObject({
  fields: z.array(
    z.looseObject({
      name: z.string(),
      isRequired: z.boolean().nullish(),
      isReadOnly: z.boolean().nullish(),
      length: z.number().int().nullish(),
    }),
  ),
});

// --- errors ---

/** Documented: a failure answers `{"errors": ["..."]}` (with status 500 for a refused record). */
const errorsAnswer = z.looseObject({
  errors: z.array(z.union([z.string(), z.looseObject({ message: z.string() }).transform((e) => e.message)])).min(1),
});

/** The texts of an answer's `errors`, or null when it carries none. */
export function errorsOf(body: unknown): readonly string[] | null {
  const parsed = errorsAnswer.safeParse(body);
  return parsed.success ? parsed.data.errors : null;
}

/**
 * Inferred: the thread limit and the hourly limit refuse with these words ("Thread Threshold Exceeded"; the hourly
 * limit's status is not published). Such an answer is waited out as a 429.
 */
export function isThrottleText(message: string): boolean {
  return /thread threshold|threshold exceeded|request limit|too many requests/i.test(message);
}

/**
 * Inferred: a 500 whose errors only say that something went wrong is a failure of the server, not a refusal of the
 * record: tried again (a create is looked for first).
 */
export function isServerFailureText(message: string): boolean {
  return /unexpected error|internal server error|service unavailable|temporarily unavailable|try again|timed? ?out/i.test(
    message,
  );
}

/** What an answer means beyond its status: a refused record (final) or throttling (waited out). */
export function meaningOfAnswer(status: number, body: unknown): 'refused' | 'throttled' | null {
  const errors = errorsOf(body);
  if (status === 429 || (errors !== null && errors.some(isThrottleText))) return 'throttled';
  if (errors === null || errors.every(isServerFailureText)) return null;
  // A refused record comes as a 500 with the reasons (documented); 400 is read alike.
  return status === 500 || status === 400 ? 'refused' : null;
}

/**
 * What an HTTP status means. Documented: 500 + `errors` is a refusal. Inferred: 401 and 403 are credentials or
 * permissions (the security level of the API user); 404 a path or record that is not there.
 */
export function meaningOfStatus(status: number): 'Auth' | 'NotFound' | 'Validation' | 'RateLimited' | 'Protocol' {
  if (status === 401 || status === 403) return 'Auth';
  if (status === 404) return 'NotFound';
  if (status === 429) return 'RateLimited';
  if (status === 400 || status === 500) return 'Validation';
  return 'Protocol';
}
