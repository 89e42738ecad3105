import { z } from 'zod';
import type { DocContact, DocContactPatch, DocContactType, DocLocation } from '../../domain/doc-contact.ts';

/**
 * IT Glue's JSON:API wire shapes, parsed at the boundary and mapped to the domain here and nowhere else. Every point the
 * developer documentation (api.itglue.com/developer) does not settle is marked "Inferred" or "Unknown" and lives in
 * this file, so that one edit corrects it.
 */

export const MEDIA_TYPE = 'application/vnd.api+json';

/** IT Glue's regional API hosts. */
export const ITGLUE_REGIONS = {
  us: 'https://api.itglue.com',
  eu: 'https://api.eu.itglue.com',
  au: 'https://api.au.itglue.com',
} as const;
export type ItGlueRegion = keyof typeof ITGLUE_REGIONS;

/** Documented: the largest `page[size]`. */
export const PAGE_SIZE = 1000;

/** Inferred: how many contacts one bulk create or bulk update carries (IT Glue documents no limit). */
export const BULK_SIZE = 100;

/** Inferred: the longest text IT Glue takes in a name or a title. */
export const ITGLUE_TEXT_LIMIT = 255;

/**
 * Documented: a wrong or revoked key gets 403 (the introduction), the endpoint tables list 401; both mean the key is
 * not accepted.
 */
export const AUTH_STATUSES: readonly number[] = [401, 403];

/** Documented: several contacts are created only on the organization's nested route; one may be created there too. */
export function createContactsPath(organizationId: string): string {
  return `/organizations/${encodeURIComponent(organizationId)}/relationships/contacts`;
}

export function contactPath(id: string): string {
  return `/contacts/${encodeURIComponent(id)}`;
}

/** Documented: a bulk update is `PATCH /contacts` (never nested). */
export const BULK_UPDATE_PATH = '/contacts';

/**
 * Unknown: the documented parameters of the bulk update list no `contact-emails` or `contact-phones`, so whether a bulk
 * update replaces them is not known. Updates that change emails or phones are sent one contact at a time.
 */
export const BULK_UPDATE_TAKES_EMAILS_AND_PHONES = false;

/**
 * Documented: the PSA integration types `filter[psa_integration_type]` takes (`manage`, `autotask`, `tigerpaw`,
 * `kaseya-bms`, `pulseway-psa`, `vorex`); by the PSA target whose contacts IT Glue's own PSA integration mirrors.
 */
const PSA_INTEGRATION_TYPES: Readonly<Record<string, string>> = {
  bms: 'kaseya-bms',
  autotask: 'autotask',
  connectwise: 'manage',
};

/** IT Glue's integration type for the installation's PSA (its target id), or null when IT Glue mirrors none of it. */
export function psaIntegrationTypeOf(psaTargetId: string | null): string | null {
  return psaTargetId === null ? null : (PSA_INTEGRATION_TYPES[psaTargetId] ?? null);
}

/**
 * Documented: `include=adapters_resources` adds a contact's integration links to a list. Whether `filter[psa_id]` takes
 * a comma-separated list is unknown (one id per request would cost a request per BMS contact), so the contacts IT
 * Glue's PSA integration keeps in step with BMS are found in the organization's own contact list, at no request of
 * their own.
 */
export const CONTACT_INCLUDE = 'adapters_resources';

/**
 * Documented: "Returns 422 … if trying to update an externally synced record". Inferred: that error's text says so;
 * its wording is not documented.
 */
export function isExternallySyncedRefusal(detail: string): boolean {
  return /externally synced|synced (?:from|with) (?:a|the|your) psa/i.test(detail);
}

const id = z.union([z.string(), z.number()]).transform(String);
const nullableId = z
  .union([z.string(), z.number()])
  .nullable()
  .optional()
  .transform((v) => (v === null || v === undefined ? null : String(v)));
const text = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/**
 * Undocumented: the shape of an included adapter resource. Read tolerantly: a contact's relationship
 * `adapters-resources` (or `adapters_resources`) names included resources, whose `remote-id` (or `remote_id`) is the
 * PSA's id of the contact and whose `integration-type` (or `integration_type`), when given, names the PSA.
 */
const adapterRefs = z
  .looseObject({ data: z.array(z.looseObject({ id })).nullish() })
  .nullish()
  .transform((r) => r?.data?.map((ref) => ref.id) ?? []);
export const relationshipsOfContact = z
  .looseObject({ 'adapters-resources': adapterRefs.optional(), adapters_resources: adapterRefs.optional() })
  .nullish()
  .transform((r) => [...(r?.['adapters-resources'] ?? []), ...(r?.adapters_resources ?? [])]);
export const includedResource = z.looseObject({
  id,
  type: z.string().nullish(),
  attributes: z.record(z.string(), z.unknown()).nullish(),
});

/** The PSA contact id an included adapter resource links to, or null when it is not a link to the installation's PSA. */
function psaIdOfAdapter(resource: z.infer<typeof includedResource>, integrationType: string): number | null {
  if (!/^adapters?[-_]resources?$/.test(resource.type ?? 'adapters-resources')) return null;
  const attributes = resource.attributes ?? {};
  const integration = attributes['integration-type'] ?? attributes.integration_type;
  if (integration !== undefined && integration !== null && integration !== integrationType) return null;
  const remote = String(attributes['remote-id'] ?? attributes.remote_id ?? '');
  return /^\d+$/.test(remote) ? Number(remote) : null;
}

/**
 * The PSA contact a listed contact is kept in step with, from its adapter links of the PSA's integration type; null
 * when none (or when IT Glue mirrors nothing of the installation's PSA).
 */
export function mirroredPsaIdOf(
  adapterIds: readonly string[],
  included: ReadonlyMap<string, z.infer<typeof includedResource>>,
  integrationType: string | null,
): number | null {
  if (integrationType === null) return null;
  for (const adapterId of adapterIds) {
    const resource = included.get(adapterId);
    const psaId = resource === undefined ? null : psaIdOfAdapter(resource, integrationType);
    if (psaId !== null) return psaId;
  }
  return null;
}

const contactAttributes = z.object({
  'organization-id': nullableId,
  'first-name': text,
  'last-name': text,
  title: text,
  'contact-type-id': nullableId,
  'location-id': nullableId,
  important: z.boolean().nullable().optional(),
  notes: text,
  'created-at': text,
  'updated-at': text,
  'contact-emails': z
    .array(
      z.object({
        value: z.string(),
        primary: z.boolean().nullable().optional(),
        'label-name': z.string().nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
  'contact-phones': z
    .array(
      z.object({
        value: z.string(),
        extension: z.string().nullable().optional(),
        primary: z.boolean().nullable().optional(),
        'label-name': z.string().nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
});

export const contactResource = z.object({
  id,
  type: z.string().optional(),
  attributes: contactAttributes,
  relationships: relationshipsOfContact,
});

/** A list page. The documented examples carry no `meta`; real answers have been seen with it, and with null links. */
export const listDocument = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    included: z.array(includedResource).nullish(),
    meta: z
      .object({
        'next-page': z.number().nullable().optional(),
        'total-pages': z.number().nullable().optional(),
        'total-count': z.number().nullable().optional(),
      })
      .nullable()
      .optional(),
  });

export const singleDocument = <T extends z.ZodType>(item: T) => z.object({ data: item });

export const organizationResource = z.object({
  id,
  // `resource-url` is the organization's page in the account's web app (filled in by the API, per its introduction).
  attributes: z.object({ name: z.string(), 'resource-url': z.string().nullable().optional() }),
});
export const locationResource = z.object({
  id,
  attributes: z.object({ name: z.string(), primary: z.boolean().nullable().optional() }),
});
export const contactTypeResource = z.object({ id, attributes: z.object({ name: z.string() }) });

export const createdDocument = z.object({ data: z.union([contactResource, z.array(contactResource)]) });

/** Documented: `status` is a number; `detail` and `source` may be absent. A numeric string is read as its number. */
export const errorDocument = z.object({
  errors: z.array(
    z.object({
      status: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
      title: z.string().nullable().optional(),
      detail: z.string().nullable().optional(),
      source: z.object({ pointer: z.string().nullable().optional() }).nullable().optional(),
    }),
  ),
});

export function toDocContact(
  resource: z.infer<typeof contactResource>,
  organizationId: string,
  mirroredPsaContactId: number | null = null,
): DocContact {
  const a = resource.attributes;
  return {
    id: resource.id,
    organizationId: a['organization-id'] ?? organizationId,
    firstName: a['first-name'],
    lastName: a['last-name'],
    title: a.title,
    contactTypeId: a['contact-type-id'],
    locationId: a['location-id'],
    important: a.important ?? false,
    notes: a.notes,
    mirroredPsaContactId,
    createdAt: a['created-at'],
    updatedAt: a['updated-at'],
    emails: (a['contact-emails'] ?? []).map((e) => ({
      value: e.value,
      primary: e.primary ?? false,
      label: e['label-name'] ?? '',
    })),
    phones: (a['contact-phones'] ?? []).map((p) => ({
      value: p.value.replace(/\D/g, ''),
      extension: p.extension ?? null,
      primary: p.primary ?? false,
      label: p['label-name'] ?? '',
    })),
  };
}

export function toLocation(resource: z.infer<typeof locationResource>): DocLocation {
  return { id: resource.id, name: resource.attributes.name, primary: resource.attributes.primary ?? false };
}

export function toContactType(resource: z.infer<typeof contactTypeResource>): DocContactType {
  return { id: resource.id, name: resource.attributes.name };
}

/** Documented: one contact to create, in `data` (an object for one, an array for several). */
export function createItem(fields: DocContactPatch): Record<string, unknown> {
  return { type: 'contacts', attributes: toAttributes(fields) };
}

/** Documented: one contact of a single update (`PATCH /contacts/{id}`): the attributes to change. */
export function updateItem(patch: DocContactPatch): Record<string, unknown> {
  return { type: 'contacts', attributes: toAttributes(patch) };
}

/** Documented: one item of a bulk update, its id inside `attributes`. */
export function bulkUpdateItem(contactId: string, patch: DocContactPatch): Record<string, unknown> {
  return { type: 'contacts', attributes: { id: Number(contactId), ...toAttributes(patch) } };
}

/** True when a patch may go in a bulk update (see `BULK_UPDATE_TAKES_EMAILS_AND_PHONES`). */
export function bulkUpdatable(patch: DocContactPatch): boolean {
  return BULK_UPDATE_TAKES_EMAILS_AND_PHONES || (patch.emails === undefined && patch.phones === undefined);
}

/** The attributes of a contact as IT Glue takes them: only the keys present in `patch`. */
export function toAttributes(patch: DocContactPatch): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  if (patch.firstName !== undefined) attributes['first-name'] = patch.firstName;
  if (patch.lastName !== undefined) attributes['last-name'] = patch.lastName;
  if (patch.title !== undefined) attributes.title = patch.title;
  if (patch.contactTypeId !== undefined)
    attributes['contact-type-id'] = patch.contactTypeId === null ? null : Number(patch.contactTypeId);
  if (patch.locationId !== undefined)
    attributes['location-id'] = patch.locationId === null ? null : Number(patch.locationId);
  if (patch.emails !== undefined)
    attributes['contact-emails'] = patch.emails.map((e) => ({
      value: e.value,
      primary: e.primary,
      'label-name': e.label,
    }));
  if (patch.phones !== undefined) {
    attributes['contact-phones'] = patch.phones.map((p) => ({
      value: p.value,
      ...(p.extension === null ? {} : { extension: p.extension }),
      primary: p.primary,
      'label-name': p.label,
    }));
  }
  return attributes;
}

/** The field an error pointer names, in IT Glue's words: `/data/1/attributes/contact-emails/0/value` → `contact-emails[0].value`. */
export function fieldOfPointer(pointer: string): { index: number | null; field: string } {
  const match = /^\/data(?:\/(\d+))?(?:\/attributes)?\/?(.*)$/.exec(pointer);
  if (match === null) return { index: null, field: pointer };
  const field = (match[2] ?? '')
    .split('/')
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`), '');
  return { index: match[1] === undefined ? null : Number(match[1]), field: field === '' ? 'record' : field };
}
