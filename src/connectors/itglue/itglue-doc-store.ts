import type { z } from 'zod';
import type {
  DocContact,
  DocContactFields,
  DocContactPatch,
  DocContactType,
  DocLocation,
} from '../../domain/doc-contact.ts';
import type { DocStore, NamedRecord, WriteResult } from '../../domain/ports.ts';
import { reason, type Reason } from '../../domain/reason.ts';
import { ConnectorError } from '../http/connector-error.ts';
import { answerLost, madeBefore, madeBy, type MadeContactKey } from '../http/create-once.ts';
import { HttpClient, transportOf, type HttpResponse, type TransportOptions } from '../http/http-client.ts';
import { itglueProfile } from './profile.ts';
import {
  AUTH_STATUSES,
  BULK_SIZE,
  BULK_UPDATE_PATH,
  bulkUpdatable,
  CONTACT_INCLUDE,
  bulkUpdateItem,
  contactPath,
  contactResource,
  contactTypeResource,
  createContactsPath,
  createdDocument,
  createItem,
  errorDocument,
  fieldOfPointer,
  isExternallySyncedRefusal,
  ITGLUE_REGIONS,
  listDocument,
  locationResource,
  MEDIA_TYPE,
  organizationResource,
  includedResource,
  mirroredPsaIdOf,
  psaIntegrationTypeOf,
  PAGE_SIZE,
  singleDocument,
  toContactType,
  toDocContact,
  toLocation,
  updateItem,
  type ItGlueRegion,
} from './wire.ts';

export interface ItGlueOptions extends TransportOptions {
  readonly apiKey: string;
  /** a region's host, or `baseUrl` for another one (the simulator) */
  readonly region?: ItGlueRegion;
  readonly baseUrl?: string;
  /**
   * the installation's PSA (its target id), whose contacts IT Glue's own PSA integration mirrors: such contacts refuse
   * edits and are changed through the PSA; BMS unless told, null for none
   */
  readonly psa?: string | null;
  /** that PSA's name as users read it, for the messages about mirrored contacts (BMS unless told) */
  readonly psaName?: string;
}

type Write =
  | { readonly kind: 'create'; readonly organizationId: string; readonly fields: DocContactFields }
  | { readonly kind: 'update'; readonly id: string; readonly patch: DocContactPatch };

/** What tells the contact a create made from others holding its address (see `madeBy`), of a contact or a draft. */
function madeKeyOf(contact: Pick<DocContact, 'firstName' | 'lastName' | 'emails'>): MadeContactKey {
  return {
    emailAddress: contact.emails.find((e) => e.primary)?.value ?? null,
    firstName: contact.firstName,
    lastName: contact.lastName,
  };
}

function refused(message: string, field?: string): WriteResult<string> {
  return { ok: false, reasons: [reason('itglue-refused', message, field)] };
}

/** What IT Glue's error document says, one line. */
function errorText(body: unknown, status: number): string {
  const parsed = errorDocument.safeParse(body);
  if (!parsed.success || parsed.data.errors.length === 0) return `status ${status}`;
  return parsed.data.errors.map((e) => e.detail ?? e.title ?? `status ${e.status ?? status}`).join('; ');
}

/**
 * IT Glue as a `DocStore`, as its developer documentation describes it: organizations, locations, contact types, all
 * contacts of an organization at the largest page size, creates in bulk on the organization's nested route, updates in
 * bulk on `PATCH /contacts` (id inside `attributes`; email and phone changes one contact at a time), and the contacts
 * its own PSA integration mirrors from BMS. A `422` is turned into per-record errors naming the field, and the other
 * records of the batch are sent again without the refused ones.
 */
export class ItGlueDocStore implements DocStore {
  private readonly http: HttpClient;
  private readonly baseUrl: string;
  private readonly budgetKey: string;
  private readonly psaIntegrationType: string | null;
  private readonly psaName: string;

  constructor(options: ItGlueOptions) {
    this.psaIntegrationType = psaIntegrationTypeOf(options.psa === undefined ? 'bms' : options.psa);
    this.psaName = options.psaName ?? 'BMS';
    this.baseUrl = (options.baseUrl ?? ITGLUE_REGIONS[options.region ?? 'us']).replace(/\/$/, '');
    // The budget is per API key; the key itself is never used as a name.
    this.budgetKey = `itglue:${options.apiKey.slice(-6)}`;
    this.http = new HttpClient({
      service: 'itglue',
      auth: { headers: async () => ({ 'x-api-key': options.apiKey }), refresh: async () => {} },
      // IT Glue documents no Retry-After: a 429 is waited out for its whole 5-minute window.
      throttleWindowMs: itglueProfile.budget.windowMs,
      ...transportOf(options),
    });
  }

  private send(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<HttpResponse> {
    return this.http.send({
      method,
      url: path.startsWith('http') ? path : `${this.baseUrl}${path}`,
      headers: { accept: MEDIA_TYPE, ...(body === undefined ? {} : { 'content-type': MEDIA_TYPE }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      budgetKey: this.budgetKey,
      // A create sent twice makes two contacts; an update sent twice is the same update.
      idempotent: method !== 'POST',
    });
  }

  /**
   * The contacts a lost create may have made: those of the organization with the address it sent as their primary
   * email and, when there are several, with the names it sent (`madeBy`: a contact linked to someone else may hold the
   * address already).
   */
  private async contactsMadeBy(organizationId: string, fields: DocContactFields): Promise<{ readonly id: string }[]> {
    const email = fields.emails.find((e) => e.primary)?.value;
    if (email === undefined) return [];
    const path = `/contacts?filter[organization_id]=${encodeURIComponent(organizationId)}&filter[primary_email]=${encodeURIComponent(email)}`;
    const document = this.parse('find a contact by email', listDocument(contactResource), await this.send('GET', path));
    const found = document.data.map((resource) => {
      const contact = toDocContact(resource, organizationId);
      return { id: contact.id, ...madeKeyOf(contact) };
    });
    return madeBy(madeKeyOf(fields), found);
  }

  private fail(what: string, response: HttpResponse): never {
    const { status } = response;
    const detail = errorText(response.body, status);
    if (AUTH_STATUSES.includes(status))
      throw new ConnectorError({
        code: 'Auth',
        service: 'itglue',
        status,
        message: `IT Glue did not accept the API key (${status}: ${detail}): check the key and its region (US, EU or AU).`,
      });
    const code = status === 404 ? 'NotFound' : status === 422 || status === 400 ? 'Validation' : 'Protocol';
    const hint = status === 415 ? ' The request was not sent as application/vnd.api+json.' : '';
    throw new ConnectorError({
      code,
      service: 'itglue',
      status,
      message: `IT Glue refused to ${what} (${detail}).${hint}`,
    });
  }

  private parse<T>(what: string, schema: z.ZodType<T>, response: HttpResponse, ok = 200): T {
    if (response.status !== ok) this.fail(what, response);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success)
      throw new ConnectorError({
        code: 'Protocol',
        service: 'itglue',
        status: response.status,
        message: `IT Glue answered ${what} in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
      });
    return parsed.data;
  }

  /** Every page of a list, at the largest page size. */
  private async all<T extends z.ZodType>(what: string, path: string, item: T): Promise<z.infer<T>[]> {
    return (await this.allWithIncluded(what, path, item)).items;
  }

  /** Every page of a list with the resources its pages include, by id. */
  private async allWithIncluded<T extends z.ZodType>(
    what: string,
    path: string,
    item: T,
  ): Promise<{ items: z.infer<T>[]; included: Map<string, z.infer<typeof includedResource>> }> {
    const items: z.infer<T>[] = [];
    const included = new Map<string, z.infer<typeof includedResource>>();
    const separator = path.includes('?') ? '&' : '?';
    for (let page = 1; ; page++) {
      const document = this.parse(
        what,
        listDocument(item),
        await this.send('GET', `${path}${separator}page[size]=${PAGE_SIZE}&page[number]=${page}`),
      );
      items.push(...document.data);
      for (const resource of document.included ?? []) included.set(resource.id, resource);
      // Without `meta` (as in the documented examples), a full page may have a next one.
      const more =
        document.meta === null || document.meta === undefined
          ? document.data.length >= PAGE_SIZE
          : document.meta['next-page'] !== null && document.meta['next-page'] !== undefined;
      if (!more || document.data.length === 0) return { items, included };
    }
  }

  async listOrganizations(): Promise<NamedRecord<string>[]> {
    return (await this.all('list organizations', '/organizations', organizationResource)).map((o) => ({
      id: o.id,
      name: o.attributes.name,
    }));
  }

  /** The account's web address as its API tells it (an organization's `resource-url`), or null when it says none. */
  async webAddress(): Promise<string | null> {
    const document = this.parse(
      'read an organization',
      listDocument(organizationResource),
      await this.send('GET', '/organizations?page[size]=1&page[number]=1'),
    );
    return document.data[0]?.attributes['resource-url'] ?? null;
  }

  async listLocations(organizationId: string): Promise<DocLocation[]> {
    return (
      await this.all(
        `list the locations of organization ${organizationId}`,
        `/organizations/${encodeURIComponent(organizationId)}/relationships/locations`,
        locationResource,
      )
    ).map(toLocation);
  }

  async listContactTypes(): Promise<DocContactType[]> {
    return (await this.all('list contact types', '/contact_types', contactTypeResource)).map(toContactType);
  }

  /**
   * Every contact of the organization, each with the BMS contact IT Glue's PSA integration keeps it in step with (from
   * its adapter links, included in the same pages: no request of their own).
   */
  async listContacts(organizationId: string): Promise<DocContact[]> {
    const { items, included } = await this.allWithIncluded(
      `list the contacts of organization ${organizationId}`,
      `/contacts?filter[organization_id]=${encodeURIComponent(organizationId)}&include=${CONTACT_INCLUDE}`,
      contactResource,
    );
    return items.map((resource) =>
      toDocContact(
        resource,
        organizationId,
        mirroredPsaIdOf(resource.relationships, included, this.psaIntegrationType),
      ),
    );
  }

  async readContact(id: string): Promise<DocContact | null> {
    const response = await this.send('GET', contactPath(id));
    if (response.status === 404) return null;
    const document = this.parse(`read contact ${id}`, singleDocument(contactResource), response);
    return toDocContact(document.data, document.data.attributes['organization-id'] ?? '');
  }

  async createContacts(organizationId: string, drafts: readonly DocContactFields[]): Promise<WriteResult<string>[]> {
    const results: WriteResult<string>[] = [];
    const writes = drafts.map((fields): Write => ({ kind: 'create', organizationId, fields }));
    for (let start = 0; start < writes.length; start += BULK_SIZE)
      results.push(...(await this.writeSafely(writes.slice(start, start + BULK_SIZE))));
    return results;
  }

  /** Changes of emails or phones one contact at a time, the others in bulk: one result per update, in order. */
  async updateContacts(
    updates: readonly { readonly id: string; readonly patch: DocContactPatch }[],
  ): Promise<WriteResult<string>[]> {
    const results: WriteResult<string>[] = new Array(updates.length);
    const bulk: number[] = [];
    for (let i = 0; i < updates.length; i++) {
      const { id, patch } = updates[i]!;
      if (bulkUpdatable(patch)) bulk.push(i);
      else results[i] = (await this.writeSafely([{ kind: 'update', id, patch }]))[0]!;
    }
    for (let start = 0; start < bulk.length; start += BULK_SIZE) {
      const positions = bulk.slice(start, start + BULK_SIZE);
      const written = await this.writeSafely(
        positions.map((i) => ({ kind: 'update', id: updates[i]!.id, patch: updates[i]!.patch })),
      );
      positions.forEach((position, k) => {
        results[position] = written[k]!;
      });
    }
    return results;
  }

  /**
   * A batch whose answer was lost may have been created: each contact is looked up by its primary email (a create is
   * planned only when no unclaimed contact of the organization has the user's addresses) and taken when found once
   * (`madeBefore`), and only those not found are sent again. One found several times stops the batch, for a person to
   * look, rather than being made again.
   */
  private async writeSafely(batch: readonly Write[], round = 1): Promise<WriteResult<string>[]> {
    try {
      return await this.writeBatch(batch);
    } catch (error) {
      if (!answerLost(error) || round >= 5) throw error;
      const results: (WriteResult<string> | null)[] = [];
      for (const write of batch) {
        const id =
          write.kind === 'create'
            ? await madeBefore(error, () => this.contactsMadeBy(write.organizationId, write.fields))
            : null;
        results.push(id === null ? null : { ok: true, id });
      }
      const resent = await this.writeSafely(
        batch.filter((_, i) => results[i] === null),
        round + 1,
      );
      let next = 0;
      return results.map((result) => result ?? resent[next++]!);
    }
  }

  /** The request a batch is: creates on the nested route, one update on its own path, several on the bulk path. */
  private request(batch: readonly Write[]): { method: 'POST' | 'PATCH'; path: string; body: unknown; what: string } {
    const first = batch[0]!;
    const count = batch.length === 1 ? 'a contact' : `${batch.length} contacts`;
    if (first.kind === 'create') {
      const items = batch.map((write) => createItem((write as Extract<Write, { kind: 'create' }>).fields));
      return {
        method: 'POST',
        path: createContactsPath(first.organizationId),
        body: { data: batch.length === 1 ? items[0] : items },
        what: `create ${count}`,
      };
    }
    const updates = batch as readonly Extract<Write, { kind: 'update' }>[];
    if (updates.length === 1)
      return {
        method: 'PATCH',
        path: contactPath(first.id),
        body: { data: updateItem(first.patch) },
        what: 'update a contact',
      };
    return {
      method: 'PATCH',
      path: BULK_UPDATE_PATH,
      body: { data: updates.map((write) => bulkUpdateItem(write.id, write.patch)) },
      what: `update ${count}`,
    };
  }

  /** One request; records IT Glue refuses get their errors, and the rest are sent again without them. */
  private async writeBatch(batch: readonly Write[]): Promise<WriteResult<string>[]> {
    if (batch.length === 0) return [];
    const kind = batch[0]!.kind;
    const single = batch.length === 1;
    const { method, path, body, what } = this.request(batch);
    const response = await this.send(method, path, body);

    if (response.status === 422 || (response.status === 404 && kind === 'update')) {
      const parsed = errorDocument.safeParse(response.body);
      const errors = parsed.success ? parsed.data.errors : [];
      const problems = new Map<number, Reason[]>();
      for (const error of errors) {
        const { index, field } = fieldOfPointer(error.source?.pointer ?? '');
        const at = single ? 0 : index;
        if (at === null) continue;
        const message = error.detail ?? error.title ?? 'refused';
        const found = isExternallySyncedRefusal(message)
          ? reason(
              'itglue-externally-synced',
              `IT Glue refuses edits to this contact: its PSA integration keeps it in step with ${this.psaName} (${message}). Change it in ${this.psaName}.`,
            )
          : reason('itglue-refused', `IT Glue refused ${field}: ${message}`, field);
        problems.set(at, [...(problems.get(at) ?? []), found]);
      }
      // Without pointers the refused record cannot be told apart: each is tried alone.
      if (problems.size === 0) {
        if (single) {
          const text = errorText(response.body, response.status);
          return [
            isExternallySyncedRefusal(text)
              ? {
                  ok: false,
                  reasons: [
                    reason(
                      'itglue-externally-synced',
                      `IT Glue refuses edits to this contact: its PSA integration keeps it in step with ${this.psaName} (${text}). Change it in ${this.psaName}.`,
                    ),
                  ],
                }
              : refused(`IT Glue refused the contact: ${text}`),
          ];
        }
        const results: WriteResult<string>[] = [];
        for (const write of batch) results.push(...(await this.writeBatch([write])));
        return results;
      }
      const retried = await this.writeBatch(batch.filter((_, i) => !problems.has(i)));
      let next = 0;
      return batch.map((_, i) => {
        const found = problems.get(i);
        return found === undefined ? retried[next++]! : { ok: false, reasons: found };
      });
    }
    const document = this.parse(
      what,
      createdDocument,
      response,
      response.status === 200 || response.status === 201 ? response.status : kind === 'create' ? 201 : 200,
    );
    const resources = Array.isArray(document.data) ? document.data : [document.data];
    if (resources.length !== batch.length)
      throw new ConnectorError({
        code: 'Protocol',
        service: 'itglue',
        message: `IT Glue answered ${resources.length} records for ${batch.length} written.`,
      });
    return resources.map((resource) => ({ ok: true, id: resource.id }));
  }
}
