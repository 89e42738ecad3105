import { z } from 'zod';

/**
 * ConnectWise PSA's REST API 3.0 on the wire: every path, header, field name, page size, condition and status meaning
 * the connector relies on, parsed at the boundary here and nowhere else. Sources: ConnectWise's developer guides
 * (companyinfo, pagination, clientId, conditions), the clients generated from its OpenAPI document
 * (`Jetbuilt/connect_wise`, `ai-connor/connectwise`, `spinen/connectwise-company-php-client`), and
 * `christaylorcodes/ConnectWiseManageAPI`. Each point says whether it is documented or inferred, so that a wrong guess
 * is corrected by one edit here.
 */

/** Documented: the login site answers the company's codebase here, without credentials. */
export const companyInfoPath = (company: string): string => `/login/companyinfo/${encodeURIComponent(company)}`;

/**
 * Documented: `{CompanyName, Codebase: "v2017_3/", VersionCode, VersionNumber, CompanyID, IsCloud, SiteUrl}`. `IsCloud`
 * has been seen as a boolean and as the string "True"; `SiteUrl` (the API's host, such as `api-na.myconnectwise.net`) is
 * absent from older answers, when the login site's host serves the API.
 */
export const companyInfoAnswer = z
  .looseObject({
    Codebase: z.string().min(1),
    CompanyName: z.string().nullish(),
    VersionCode: z.string().nullish(),
    IsCloud: z.union([z.boolean(), z.string()]).nullish(),
    SiteUrl: z.string().nullish(),
    // Inferred: public scripts read `SiteURL` (PowerShell, which ignores case): either spelling is read.
    SiteURL: z.string().nullish(),
  })
  .transform(({ SiteURL, ...info }) => ({ ...info, SiteUrl: info.SiteUrl ?? SiteURL ?? null }));
export interface CompanyInfo {
  readonly Codebase: string;
  readonly SiteUrl?: string | null;
}

/** Documented: the API is `{codebase}apis/3.0/` on the API's host (`SiteUrl`, else the login site's). */
export function apiBaseOf(siteOrigin: string, info: CompanyInfo): string {
  const site = new URL(siteOrigin);
  const host = info.SiteUrl !== null && info.SiteUrl !== undefined && info.SiteUrl !== '' ? info.SiteUrl : site.host;
  const codebase = info.Codebase.replace(/^\/+/, '').replace(/\/?$/, '/');
  return `${site.protocol}//${host.replace(/^https?:\/\//, '').replace(/\/+$/, '')}/${codebase}apis/3.0/`;
}

/** A login site as given (`na.myconnectwise.net`, or a URL): its origin, https unless the URL says otherwise. */
export function siteOriginOf(site: string): string {
  return new URL(/^https?:\/\//i.test(site) ? site : `https://${site}`).origin;
}

/** Whether an address is an API base (`.../apis/3.0`) rather than a site. */
export const isApiBase = (url: string): boolean => /\/apis\/3\.0\/?$/i.test(new URL(url).pathname);

/** A fixed API base (the simulator's, or one given by hand) ending with `/`. */
export const fixedApiBase = (baseUrl: string): string => (baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);

/** Documented: Basic auth of `company+publicKey:privateKey`, and the integration's `clientId` on every call. */
export function authHeaders(credentials: {
  readonly company: string;
  readonly publicKey: string;
  readonly privateKey: string;
  readonly clientId: string;
}): Record<string, string> {
  const { company, publicKey, privateKey, clientId } = credentials;
  return {
    authorization: `Basic ${Buffer.from(`${company}+${publicKey}:${privateKey}`).toString('base64')}`,
    clientId,
  };
}

/** Every path the connector calls, under the API base. Never `DELETE` a contact (a communication item, yes). */
export const CONNECTWISE_PATHS = {
  systemInfo: 'system/info',
  communicationTypes: 'company/communicationTypes',
  companies: 'company/companies',
  sites: (companyId: number) => `company/companies/${companyId}/sites`,
  contacts: 'company/contacts',
  contact: (id: number) => `company/contacts/${id}`,
  communications: (id: number) => `company/contacts/${id}/communications`,
  communication: (id: number, itemId: number) => `company/contacts/${id}/communications/${itemId}`,
} as const;

/** Documented: at most 1,000 records a page (25 unless asked). */
export const CONNECTWISE_PAGE_SIZE = 1000;
/**
 * Documented: with this header, pages come in id order and each names the next in its `Link` header (`rel="next"`),
 * absent on the last; the database does not count the matches for each page, unlike `page=n`.
 */
export const FORWARD_ONLY = { 'pagination-type': 'forward-only' } as const;

/** The `rel="next"` address of a `Link` header, or null. */
export function nextLinkOf(header: string | null): string | null {
  if (header === null) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (match !== null && /rel\s*=\s*"?next"?/i.test(match[2]!)) return match[1]!;
  }
  return null;
}

/**
 * Documented: first and last names take 30 characters, a title 50 (the OpenAPI clients' "Max length"); a
 * communication item's value 250.
 */
export const CONNECTWISE_TEXT_LIMIT = 30;
export const CONNECTWISE_TITLE_LIMIT = 50;

/**
 * Inferred: ConnectWise publishes no request limit; its cloud front answers 429 under load. contactsync keeps to this
 * many requests a minute per API member unless `apiLimits.connectwise` says otherwise.
 */
export const CONNECTWISE_MINUTE_LIMIT = { limit: 600, windowMs: 60_000 } as const;

// --- conditions ---

/** Documented: strings are double-quoted; inferred: a `\` escapes a quote or a backslash inside one. */
export const quoted = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export const contactsOfCompany = (companyId: number): string => `company/id=${companyId}`;

export const contactsByName = (companyId: number, firstName: string, lastName: string): string =>
  `company/id=${companyId} and firstName=${quoted(firstName)} and lastName=${quoted(lastName)}`;

/**
 * Documented (CONTRACTS.md): a contact with an email item of this address, as `childConditions` on
 * `communicationItems`. `like` without a wildcard compares without regard to case; an address holding `%` or `*`
 * matches more, so the caller keeps only the exact matches.
 */
export const contactsWithEmail = (email: string): string =>
  `communicationItems/value like ${quoted(email)} AND communicationItems/communicationType="Email"`;

// --- answers ---

const text = z
  .string()
  .nullish()
  .transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v));
const id = z.number().int();
const reference = z.looseObject({ id, name: z.string().nullish() });

/** Documented: a communication item (`ContactCommunication`). */
export const itemWire = z.looseObject({
  id,
  type: reference,
  value: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  extension: text,
  defaultFlag: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  communicationType: z.string().nullish(),
});
export type ConnectwiseItemWire = z.infer<typeof itemWire>;

/** Documented: a contact (`Contact`); ConnectWise leaves out the keys whose value is null. */
export const contactWire = z.looseObject({
  id,
  firstName: text,
  lastName: text,
  title: text,
  company: reference.nullish(),
  site: reference.nullish(),
  inactiveFlag: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  communicationItems: z
    .array(itemWire)
    .nullish()
    .transform((v) => v ?? []),
});
export type ConnectwiseContactWire = z.infer<typeof contactWire>;

export const companyItem = z.looseObject({ id, name: z.string().nullish() });

export const siteItem = z.looseObject({
  id,
  name: z.string().nullish(),
  primaryAddressFlag: z.boolean().nullish(),
  inactiveFlag: z.boolean().nullish(),
});

/** Documented: a communication type (`CommunicationType`). */
export const typeItem = z.looseObject({
  id,
  description: z.string(),
  emailFlag: z.boolean().nullish(),
  phoneFlag: z.boolean().nullish(),
  faxFlag: z.boolean().nullish(),
  /** the type the database offers first for its kind */
  defaultFlag: z.boolean().nullish(),
});
export type ConnectwiseType = z.infer<typeof typeItem>;

/** Documented: `communicationType` of an item is `Email`, `Phone` or `Fax`. */
export const EMAIL_KIND = 'Email';
export const PHONE_KIND = 'Phone';

/** Documented: `GET system/info` answers the version (the sign-in check). */
export const systemInfo = z.looseObject({ version: z.string().nullish(), isCloud: z.boolean().nullish() });

/** Documented: a refusal is `{code, message, errors: [{code, message, resource, field}]}`. */
const errorAnswer = z.looseObject({
  code: z.string().nullish(),
  message: z.string().nullish(),
  errors: z
    .array(z.looseObject({ code: z.string().nullish(), message: z.string().nullish(), field: z.string().nullish() }))
    .nullish(),
});

/** The problems of a refusal, each with the field it names (null where it names none). */
export function problemsOf(body: unknown): { message: string; field: string | null }[] | null {
  const parsed = errorAnswer.safeParse(body);
  if (!parsed.success) return null;
  const { errors, message } = parsed.data;
  if (errors !== null && errors !== undefined && errors.length > 0)
    return errors.map((e) => ({ message: e.message ?? e.code ?? 'refused', field: e.field ?? null }));
  return message === null || message === undefined ? null : [{ message, field: null }];
}

/**
 * What an HTTP status means. Documented: 400 a refused record; 401 the key pair or the clientId; 403 the API member's
 * security role; 404 no such record; 429 the cloud front's limit.
 */
export function meaningOfStatus(status: number): 'Auth' | 'NotFound' | 'Validation' | 'RateLimited' | 'Protocol' {
  if (status === 401 || status === 403) return 'Auth';
  if (status === 404) return 'NotFound';
  if (status === 429) return 'RateLimited';
  if (status === 400) return 'Validation';
  return 'Protocol';
}
