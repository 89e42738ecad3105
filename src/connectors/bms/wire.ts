import { z } from 'zod';
import type { PsaContact, PsaContactFields, PsaLocation, PsaType } from '../../domain/psa-contact.ts';

/**
 * Kaseya BMS's wire: every path, field name, page size, filter and status meaning the connector relies on, parsed at
 * the boundary and mapped to the domain here and nowhere else. The public evidence for BMS is thin (CONTRACTS.md);
 * each point says whether it is confirmed or a guess, so that a guess proved wrong is corrected by one edit here.
 */

export const BMS_REGIONS = {
  us: 'https://api.bms.kaseya.com',
  emea: 'https://api.bmsemea.kaseya.com',
  apac: 'https://api.bmsapac.kaseya.com',
} as const;
export type BmsRegion = keyof typeof BMS_REGIONS;

/**
 * Guess: where BMS publishes its Swagger document under each regional base URL (Kaseya's help pages name
 * `/swagger/`, the user interface; the document's own address is not published). Tried in order.
 */
export const BMS_SWAGGER_PATHS = ['/swagger/v2/swagger.json', '/swagger/docs/v2', '/swagger/v1/swagger.json'] as const;

export type Evidence = 'confirmed' | 'guess';

export interface BmsEndpoint {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** the path with `{name}` for each parameter */
  readonly path: string;
  readonly evidence: Evidence;
}

const endpoint = (method: BmsEndpoint['method'], path: string, evidence: Evidence): BmsEndpoint => ({
  method,
  path,
  evidence,
});

/** Every endpoint the connector calls. */
export const BMS_ENDPOINTS = {
  authenticate: endpoint('POST', '/v2/security/authenticate', 'confirmed'),
  refreshToken: endpoint('POST', '/v2/security/refreshtoken', 'confirmed'),
  /**
   * Confirmed by public clients (`/v2/crm/accounts/summary` is not). They send no paging and read the whole list from
   * `result`; whether BMS pages it is unknown, so it is paged as every list, and a page that repeats the one before it
   * (paging ignored) ends it.
   */
  accounts: endpoint('GET', '/v2/crm/accounts/lookup', 'confirmed'),
  locations: endpoint('GET', '/v2/crm/accounts/{accountId}/locations/lookup', 'confirmed'),
  contacts: endpoint('GET', '/v2/crm/contacts/summary', 'confirmed'),
  searchContacts: endpoint('GET', '/v2/crm/contacts/search', 'confirmed'),
  contact: endpoint('GET', '/v2/crm/contacts/summary/{id}', 'confirmed'),
  createContact: endpoint('POST', '/v2/crm/contacts/summary', 'confirmed'),
  /** guess: the operation `put-contact` exists in the official list; its path is not published */
  updateContact: endpoint('PUT', '/v2/crm/contacts/{id}', 'guess'),
  /**
   * Probably wrong: no public source has the type lists, and the system section of the official operation list has no
   * email- or phone-type operation (only generic lookups). `init` and `doctor` try them at once; when they cannot be
   * read, the settings give the type ids as numbers (`bmsTypeIdsWhere` says where a person finds them).
   */
  emailTypes: endpoint('GET', '/v2/system/emailtypes/lookup', 'guess'),
  phoneTypes: endpoint('GET', '/v2/system/phonetypes/lookup', 'guess'),
} as const;

/**
 * Where a person finds BMS's email and phone type ids when the lists cannot be read. Guess: a contact's single read
 * carries them (`emails[].emailTypeId`, `phones[].phoneTypeId`), and BMS's Swagger UI, at `/swagger/` of the API host,
 * signs in with the API user and reads one.
 */
export function bmsTypeIdsWhere(baseUrl: string): string {
  return (
    `BMS shows a type's id on a contact that has one: in its Swagger UI (${baseUrl.replace(/\/$/, '')}/swagger/), sign in ` +
    `with this API user and read a contact with GET ${BMS_ENDPOINTS.contact.path}: emails[].emailTypeId and ` +
    `phones[].phoneTypeId are the ids.`
  );
}
export type BmsEndpointName = keyof typeof BMS_ENDPOINTS;

/** The path of an endpoint with its parameters filled in. */
export function pathOf(name: BmsEndpointName, params: Readonly<Record<string, string | number>> = {}): string {
  return BMS_ENDPOINTS[name].path.replace(/\{(\w+)\}/g, (_, key: string) => encodeURIComponent(String(params[key])));
}

/** Page size: every public client asks for 100; the largest BMS serves is not published (it may cap silently). */
export const BMS_PAGE_SIZE = 100;
/** Paging parameters (confirmed). */
export const BMS_PAGING = { size: 'PageSize', number: 'PageNumber' } as const;
/** Filters (confirmed). The search takes no account filter in any public source: results are filtered here. */
export const BMS_FILTERS = {
  accountId: 'Filter.AccountId',
  emailAddress: 'Filter.EmailAddress',
  firstName: 'Filter.FirstName',
  lastName: 'Filter.LastName',
} as const;

/** Guess: the longest text BMS takes in a contact's first name, last name or job title. */
export const BMS_TEXT_LIMIT = 100;

/**
 * The body fields of a contact create and update, as dotted paths (`emails[].emailAddress`), each with its evidence.
 * Confirmed by the only public body: the account, location, names and `emails: [{ emailAddress }]`.
 */
export const BMS_CONTACT_BODY_FIELDS: readonly { readonly field: string; readonly evidence: Evidence }[] = [
  { field: 'accountId', evidence: 'confirmed' },
  { field: 'locationId', evidence: 'confirmed' },
  { field: 'firstName', evidence: 'confirmed' },
  { field: 'lastName', evidence: 'confirmed' },
  { field: 'jobTitle', evidence: 'guess' },
  { field: 'emails', evidence: 'confirmed' },
  { field: 'emails[].emailAddress', evidence: 'confirmed' },
  { field: 'emails[].emailTypeId', evidence: 'guess' },
  { field: 'phones', evidence: 'guess' },
  { field: 'phones[].phoneNumber', evidence: 'guess' },
  { field: 'phones[].phoneTypeId', evidence: 'guess' },
  { field: 'isActive', evidence: 'guess' },
];

/**
 * A contact's emails and phones beyond the one contactsync manages, as the single read gave them, each with its type
 * (null when the read gave none).
 */
export interface BmsOtherEntries {
  readonly emails: readonly { readonly emailAddress: string; readonly emailTypeId: number | null }[];
  readonly phones: readonly { readonly phoneNumber: string; readonly phoneTypeId: number | null }[];
}

export const NO_OTHER_ENTRIES: BmsOtherEntries = { emails: [], phones: [] };

/** Emails compare ignoring case; phones by their digits, whatever separators a person typed (or as typed, if none). */
const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
const digitsOf = (phone: string) => phone.replace(/\D/g, '');
const samePhone = (a: string, b: string) => (digitsOf(a) === '' ? a.trim() === b.trim() : digitsOf(a) === digitsOf(b));

/**
 * The lists of a write: the managed entry first, then every other entry kept (its type as read, left out when the
 * read gave none), less any that equals the managed one.
 *
 * Guess: an update replaces the contact's email and phone lists with the ones sent (it is a PUT; BMS does not publish
 * whether it merges). So an update sends back every entry a person added, or BMS would delete them.
 */
function lists(
  email: { emailAddress: string; emailTypeId: number | null } | null,
  phone: { phoneNumber: string; phoneTypeId: number | null } | null,
  others: BmsOtherEntries,
): { emails: Record<string, unknown>[]; phones: Record<string, unknown>[] } {
  const emails = [
    ...(email === null ? [] : [email]),
    ...others.emails.filter((e) => email === null || !sameEmail(e.emailAddress, email.emailAddress)),
  ];
  const phones = [
    ...(phone === null ? [] : [phone]),
    ...others.phones.filter((p) => phone === null || !samePhone(p.phoneNumber, phone.phoneNumber)),
  ];
  return {
    emails: emails.map((e) => ({
      emailAddress: e.emailAddress,
      ...(e.emailTypeId === null ? {} : { emailTypeId: e.emailTypeId }),
    })),
    phones: phones.map((p) => ({
      phoneNumber: p.phoneNumber,
      ...(p.phoneTypeId === null ? {} : { phoneTypeId: p.phoneTypeId }),
    })),
  };
}

/**
 * The body of a create or an update (`isActive` only on an update: whether a create takes it is not known). An update
 * carries the contact's other emails and phones, read just before; a create has none.
 */
export function toContactBody(
  accountId: number,
  fields: PsaContactFields,
  kind: 'create' | 'update',
  others: BmsOtherEntries = NO_OTHER_ENTRIES,
): Record<string, unknown> {
  return {
    accountId,
    locationId: fields.locationId,
    firstName: fields.firstName,
    lastName: fields.lastName,
    jobTitle: fields.jobTitle,
    ...lists(
      { emailAddress: fields.emailAddress, emailTypeId: fields.emailTypeId },
      fields.phoneNumber === null ? null : { phoneNumber: fields.phoneNumber, phoneTypeId: fields.phoneTypeId },
      others,
    ),
    ...(kind === 'update' ? { isActive: fields.isActive } : {}),
  };
}

/**
 * An update that only marks the contact inactive: every other field, every email and phone included, is sent as BMS
 * holds it (an update sends all).
 */
export function toInactiveBody(current: PsaContact, others: BmsOtherEntries): Record<string, unknown> {
  return {
    accountId: current.accountId,
    locationId: current.locationId,
    firstName: current.firstName,
    lastName: current.lastName,
    jobTitle: current.jobTitle,
    ...lists(
      current.emailAddress === null ? null : { emailAddress: current.emailAddress, emailTypeId: current.emailTypeId },
      current.phoneNumber === null ? null : { phoneNumber: current.phoneNumber, phoneTypeId: current.phoneTypeId },
      others,
    ),
    isActive: false,
  };
}

// --- reading: keys case-insensitively (both camelCase and PascalCase have been seen) ---

/** The value with every object key lower-cased, so that schemas below read `FirstName` and `firstName` alike. */
export function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.toLowerCase(), lowerKeys(v)]));
}

const text = z
  .string()
  .nullable()
  .optional()
  .transform((v) => (v === undefined || v === null || v.trim() === '' ? null : v));
const id = z.number().int();
const optionalId = id
  .nullable()
  .optional()
  .transform((v) => v ?? null);
const flag = z
  .boolean()
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/** The error's text: `message` and `Details` have both been seen, and a bare string is read too. */
const errorText = z
  .union([z.string(), z.looseObject({ message: z.string().nullish(), details: z.string().nullish() })])
  .nullish()
  .transform((e) =>
    e === null || e === undefined ? null : typeof e === 'string' ? e : (e.message ?? e.details ?? null),
  );

/** The envelope `{success, result, totalRecords, error}`; `success` may be absent where a `result` came. */
const envelopeSchema = z.looseObject({
  success: z.boolean().optional(),
  result: z.unknown().optional(),
  totalrecords: z.number().int().nullish(),
  error: errorText,
  message: z.string().nullish(),
});

export interface BmsEnvelope {
  readonly success: boolean;
  readonly result: unknown;
  readonly totalRecords: number | null;
  /** the error's text, when the envelope carries one */
  readonly error: string | null;
}

/** Reads an answer's envelope; null when the body is not one. A `200` may still say `success: false`. */
export function readEnvelope(body: unknown): BmsEnvelope | null {
  const parsed = envelopeSchema.safeParse(lowerKeys(body));
  if (!parsed.success) return null;
  const { success, result, totalrecords, error, message } = parsed.data;
  return {
    success: success ?? (result !== undefined && result !== null),
    result: result ?? null,
    totalRecords: totalrecords ?? null,
    error: error ?? message ?? null,
  };
}

const tokenSchema = z.looseObject({
  accesstoken: z.string().min(1),
  refreshtoken: z.string().min(1),
  accesstokenexpireon: z.string().nullish(),
});

export interface BmsTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** ms since the epoch, null when BMS gave no readable expiry */
  readonly expiresAt: number | null;
}

/** A BMS timestamp; one without a zone is UTC (BMS sends some without). */
export function parseBmsTime(value: string): number | null {
  const zoned = /(?:[zZ]|[+-]\d{2}:?\d{2})$/.test(value.trim());
  const time = Date.parse(zoned ? value.trim() : `${value.trim()}Z`);
  return Number.isNaN(time) ? null : time;
}

export function readTokens(result: unknown): BmsTokens | null {
  const parsed = tokenSchema.safeParse(result);
  if (!parsed.success) return null;
  const expiry = parsed.data.accesstokenexpireon;
  return {
    accessToken: parsed.data.accesstoken,
    refreshToken: parsed.data.refreshtoken,
    expiresAt: expiry === null || expiry === undefined ? null : parseBmsTime(expiry),
  };
}

export const accountItem = z
  .looseObject({ id, name: z.string().nullish(), accountname: z.string().nullish() })
  .transform((a) => ({ id: a.id, name: a.name ?? a.accountname ?? '' }));

export const locationItem = z
  .looseObject({ id, name: z.string().nullish(), locationname: z.string().nullish(), ismain: flag })
  .transform((l): PsaLocation => ({ id: l.id, name: l.name ?? l.locationname ?? '', isMain: l.ismain ?? false }));

export const typeItem = z
  .looseObject({ id, name: z.string().nullish(), description: z.string().nullish() })
  .transform((t): PsaType => ({ id: t.id, name: t.name ?? t.description ?? '' }));

const emailEntry = z.looseObject({
  emailaddress: text,
  email: text,
  emailtypeid: optionalId,
  typeid: optionalId,
  isprimary: flag,
  isdefault: flag,
});
const phoneEntry = z.looseObject({
  phonenumber: text,
  number: text,
  phonetypeid: optionalId,
  typeid: optionalId,
  isprimary: flag,
  isdefault: flag,
});

/** The entry marked primary (or default), else the first. */
function primaryOf<T extends { isprimary: boolean | null; isdefault: boolean | null }>(
  entries: readonly T[],
): T | null {
  return entries.find((e) => e.isprimary === true || e.isdefault === true) ?? entries[0] ?? null;
}

/**
 * A contact as the summary list, the search and the single read give it. The email comes flat (`emailAddress`) or
 * as `Emails[].EmailAddress`; the phone flat or as a `phones` array (a guess); `accountId` may be absent, the account
 * being known from the query; the title as `jobTitle` or `title`.
 */
const contactSchema = z.looseObject({
  id,
  accountid: optionalId,
  firstname: text,
  lastname: text,
  jobtitle: text,
  title: text,
  emailaddress: text,
  emailtypeid: optionalId,
  emails: z.array(emailEntry).nullish(),
  phonenumber: text,
  phonetypeid: optionalId,
  phones: z.array(phoneEntry).nullish(),
  locationid: optionalId,
  isactive: flag,
});

export const contactItem = contactSchema;
export type BmsContactWire = z.infer<typeof contactSchema>;

/** The contact's own email and phone (the ones contactsync manages): flat, else the entry marked primary, else the first. */
function ownEntries(
  item: BmsContactWire,
): Pick<PsaContact, 'emailAddress' | 'emailTypeId' | 'phoneNumber' | 'phoneTypeId'> {
  const email = primaryOf(item.emails ?? []);
  const phone = primaryOf(item.phones ?? []);
  return {
    emailAddress: item.emailaddress ?? email?.emailaddress ?? email?.email ?? null,
    emailTypeId: item.emailtypeid ?? email?.emailtypeid ?? email?.typeid ?? null,
    phoneNumber: item.phonenumber ?? phone?.phonenumber ?? phone?.number ?? null,
    phoneTypeId: item.phonetypeid ?? phone?.phonetypeid ?? phone?.typeid ?? null,
  };
}

export function toPsaContact(item: BmsContactWire, accountId: number): PsaContact {
  return {
    id: item.id,
    accountId: item.accountid ?? accountId,
    firstName: item.firstname,
    lastName: item.lastname,
    jobTitle: item.jobtitle ?? item.title,
    ...ownEntries(item),
    // one phone field, and the contact's one email is all the sync reads
    mobilePhone: null,
    otherEmails: [],
    locationId: item.locationid,
    isActive: item.isactive ?? true,
  };
}

/**
 * The emails and phones of a contact (from the single read) beyond its own, which contactsync manages. Guess: the
 * single read lists every entry in `emails` and `phones`, in the shape a create takes them.
 */
export function otherEntriesOf(item: BmsContactWire): BmsOtherEntries {
  const own = ownEntries(item);
  const emails = (item.emails ?? []).flatMap((e) => {
    const emailAddress = e.emailaddress ?? e.email;
    return emailAddress === null || (own.emailAddress !== null && sameEmail(emailAddress, own.emailAddress))
      ? []
      : [{ emailAddress, emailTypeId: e.emailtypeid ?? e.typeid }];
  });
  const phones = (item.phones ?? []).flatMap((p) => {
    const phoneNumber = p.phonenumber ?? p.number;
    return phoneNumber === null || (own.phoneNumber !== null && samePhone(phoneNumber, own.phoneNumber))
      ? []
      : [{ phoneNumber, phoneTypeId: p.phonetypeid ?? p.typeid }];
  });
  return { emails, phones };
}

/**
 * What an update keeps beside the managed email and phone: every other entry, and the contact's own email as it was,
 * so that an address a person typed (or the user's former address) stays on the contact as a second email when the
 * managed one changes, as IT Glue keeps an older primary. A phone that changes is replaced.
 */
export function keptOnUpdate(item: BmsContactWire): BmsOtherEntries {
  const others = otherEntriesOf(item);
  const own = ownEntries(item);
  return own.emailAddress === null
    ? others
    : { ...others, emails: [{ emailAddress: own.emailAddress, emailTypeId: own.emailTypeId }, ...others.emails] };
}

/**
 * Whether a status is a success. Confirmed: `200` for reads. Unknown: the status of a create (`201` would be usual), so
 * any 2xx is a success (the envelope's `success` flag still decides).
 */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Guess: the refusal of a sign-in by a user with multi-factor authentication who sent no `MFACode`. BMS publishes
 * neither its status nor its code; its text is expected to name MFA.
 */
export function isMfaRefusal(message: string | null): boolean {
  return message !== null && /\bMFA\b|multi-?factor|two-?factor|\b2FA\b|authenticator|verification code/i.test(message);
}

/** The `apiCode` of the sign-in error of a user with MFA (BMS gives no code of its own), for callers to branch on. */
export const BMS_MFA_REQUIRED = 'MfaRequired';

/** The id of a created contact: `result.id`, or a bare number as the result. */
export const createdResult = z.union([z.looseObject({ id }).transform((r) => r.id), id]);

/** Guess: BMS names the field first in a validation message (`firstName: ...`). */
export function fieldOfMessage(message: string): string | null {
  return /^([A-Za-z][\w.[\]]*):/.exec(message)?.[1] ?? null;
}

/**
 * What an HTTP status means from BMS. Confirmed: `401` is an expired or wrong token ("Security Error", 978001), and
 * a `200` may still say `success: false`. Guesses: `403` at login is a user without API access; `400` is a refused
 * record; how a rate-limit breach is signalled is not published (`429` is assumed).
 */
export function meaningOfStatus(status: number): 'Auth' | 'NotFound' | 'Validation' | 'RateLimited' | 'Protocol' {
  if (status === 401 || status === 403) return 'Auth';
  if (status === 404) return 'NotFound';
  if (status === 400 || status === 422) return 'Validation';
  if (status === 429) return 'RateLimited';
  return 'Protocol';
}
