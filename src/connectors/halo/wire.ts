import { z } from 'zod';

/**
 * HaloPSA's wire (CONTRACTS.md, "HaloPSA API"): every path, field name, page size and status meaning the client
 * relies on, so that a wrong guess is corrected here alone. Sources: Halo's OpenAPI
 * (`covenanttechnologysolutions/halopsa-rest`), `homotechsual/HaloAPI` (PowerShell: `Connect-HaloAPI.ps1` reads
 * `api/authinfo`, appends `/token` to `auth_url` with `?tenant=`, and posts the client-credentials form with
 * `scope=all`; `New-HaloPOSTRequest.ps1` posts every create and update to `api/{Endpoint}` as a JSON array, a create
 * without `id` and an update with one), `lwhitelock/HaloPSA-Automation`.
 */

/** The API's paths, under the instance's address. */
export const HALO_PATHS = {
  authInfo: '/api/authinfo',
  users: '/api/Users',
  user: (id: number) => `/api/Users/${id}`,
  clients: '/api/Client',
  sites: '/api/Site',
} as const;

/** The token path under `auth_url`; without an `auth_url`, `{base}/auth/token` (HaloAPI's fallback). */
export const HALO_TOKEN_PATH = '/token';
export const HALO_FALLBACK_AUTH_PATH = '/auth';
/** The scope asked for: every permission the API application was given. */
export const HALO_SCOPE = 'all';

/**
 * Users a page. **Unknown**: the largest `page_size` Halo takes (CONTRACTS.md); 100 is taken as safe, and a page cut
 * shorter is read as the last one only when `record_count` says so.
 */
export const HALO_PAGE_SIZE = 100;

/**
 * Hosted instances answered 429 "300 Requests per rolling 5 minute window"; self-hosted **unknown**. Shared with every
 * tool the MSP runs against the instance.
 */
export const HALO_LIMIT = { limit: 300, windowMs: 300_000 } as const;

/** **Inferred**: Halo's columns for names and titles are wide; names longer than this are shortened. */
export const HALO_TEXT_LIMIT = 100;

/** A user's fields on the wire. `jobtitle` is **inferred** from Halo's user model (not named in CONTRACTS.md). */
export const USER_FIELDS = {
  id: 'id',
  firstName: 'firstname',
  surname: 'surname',
  name: 'name',
  jobTitle: 'jobtitle',
  email: 'emailaddress',
  email2: 'email2',
  email3: 'email3',
  phone: 'phonenumber',
  mobile: 'mobilenumber',
  siteId: 'site_id',
  clientId: 'client_id',
  inactive: 'inactive',
  azureObjectId: 'azureoid',
  azureTenantId: 'azure_tenant_id',
} as const;

const text = z
  .string()
  .nullable()
  .optional()
  .transform((v) => (v === undefined || v === '' ? null : v));

export const userWire = z.looseObject({
  id: z.number().int(),
  client_id: z.number().int().nullable().optional(),
  site_id: z.number().int().nullable().optional(),
  firstname: text,
  surname: text,
  name: text,
  jobtitle: text,
  emailaddress: text,
  email2: text,
  email3: text,
  phonenumber: text,
  mobilenumber: text,
  inactive: z.boolean().nullable().optional(),
  azureoid: text,
  azure_tenant_id: text,
});
export type HaloUserWire = z.infer<typeof userWire>;

export const userPage = z.object({ record_count: z.number().int().nullable().optional(), users: z.array(z.unknown()) });

export const clientWire = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  inactive: z.boolean().nullable().optional(),
  /** **Inferred**: the client's main site */
  main_site_id: z.number().int().nullable().optional(),
  /** only with `includeazuretenants=true` */
  azure_tenants: z
    .array(z.looseObject({ azure_tenant_id: z.string().nullable().optional() }))
    .nullable()
    .optional(),
});
export const clientPage = z.object({
  record_count: z.number().int().nullable().optional(),
  clients: z.array(z.unknown()),
});

export const siteWire = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  client_id: z.number().int().nullable().optional(),
  inactive: z.boolean().nullable().optional(),
});
export const sitePage = z.object({ record_count: z.number().int().nullable().optional(), sites: z.array(z.unknown()) });

/** `auth_url`: the auth server; `tenant_id`: the tenant a hosted instance's token request names (HaloAPI reads it). */
export const authInfo = z.looseObject({
  auth_url: z.string().nullable().optional(),
  tenant_id: z.string().nullable().optional(),
});
export const tokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().optional(),
});

/** The query of a list page: `pageinate=true`, `page_size`, `page_no` from 1. */
export function pageQuery(pageNo: number): Record<string, string> {
  return { pageinate: 'true', page_size: String(HALO_PAGE_SIZE), page_no: String(pageNo) };
}

/** Users of one client, active and inactive (Halo lists only active ones unless asked). */
export function usersQuery(clientId: number, search: string | null): Record<string, string> {
  return {
    client_id: String(clientId),
    includeactive: 'true',
    includeinactive: 'true',
    ...(search === null ? {} : { search }),
  };
}

/**
 * A refusal's text. **Inferred**: Halo answers a refused write with 400 and a message, as a JSON string or as an
 * object with `message`/`Message`/`error`.
 */
export function messageOf(body: unknown): string | null {
  if (typeof body === 'string') return body.trim() === '' ? null : body;
  if (body !== null && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['message', 'Message', 'error_description', 'error'])
      if (typeof record[key] === 'string') return record[key];
  }
  return null;
}

/** What an answer means: 429 (or the limit's words) throttled; a 400 with a message a refused record (inferred). */
export function meaningOfAnswer(status: number, body: unknown): 'refused' | 'throttled' | null {
  const message = messageOf(body);
  if (status === 429 || (message !== null && /requests per rolling/i.test(message))) return 'throttled';
  return status === 400 && message !== null ? 'refused' : null;
}

export function meaningOfStatus(status: number): 'Auth' | 'NotFound' | 'Validation' | 'RateLimited' | 'Protocol' {
  if (status === 401 || status === 403) return 'Auth';
  if (status === 404) return 'NotFound';
  if (status === 429) return 'RateLimited';
  if (status === 400) return 'Validation';
  return 'Protocol';
}

/** The user fields an error can be about, longest first (`email2` before `emailaddress` is not needed, but kept). */
const NAMED_IN_ERRORS = Object.values(USER_FIELDS).sort((a, b) => b.length - a.length);

/** The user field a Halo message names (as a word, in any case), by Halo's own name for it. */
export function fieldOfError(message: string): string | null {
  const words = new Set(message.match(/[A-Za-z][A-Za-z0-9_]*/g)?.map((w) => w.toLowerCase()) ?? []);
  return NAMED_IN_ERRORS.find((field) => words.has(field.toLowerCase())) ?? null;
}
