import type { z } from 'zod';
import type {
  DocContact,
  DocContactFields,
  DocContactPatch,
  DocContactType,
  DocLocation,
} from '../../domain/doc-contact.ts';
import type { DocStore, NamedRecord, WriteResult } from '../../domain/ports.ts';
import { reason } from '../../domain/reason.ts';
import { ConnectorError } from '../http/connector-error.ts';
import { HttpClient, transportOf, type HttpResponse, type TransportOptions } from '../http/http-client.ts';
import {
  BULK_SIZE,
  contactResource,
  contactTypeResource,
  createdDocument,
  errorDocument,
  fieldOfPointer,
  ITGLUE_REGIONS,
  listDocument,
  locationResource,
  MEDIA_TYPE,
  organizationResource,
  singleDocument,
  toAttributes,
  toContactType,
  toDocContact,
  toLocation,
  type ItGlueRegion,
} from './wire.ts';

/** IT Glue's documented limit: requests per API key. */
export const ITGLUE_BUDGET = { limit: 3000, windowMs: 5 * 60_000 } as const;
const PAGE_SIZE = 1000;

export interface ItGlueOptions extends TransportOptions {
  readonly apiKey: string;
  /** a region's host, or `baseUrl` for another one (the simulator) */
  readonly region?: ItGlueRegion;
  readonly baseUrl?: string;
}

type Write =
  | { readonly kind: 'create'; readonly organizationId: string; readonly fields: DocContactFields }
  | { readonly kind: 'update'; readonly id: string; readonly patch: DocContactPatch };

/**
 * IT Glue as a `DocStore`: organizations, locations, contact types, all contacts of an organization at
 * `page[size]=1000`, creates and updates in bulk. A `422` is turned into per-record errors naming the field, and the
 * other records of the batch are sent again without the refused ones.
 */
export class ItGlueDocStore implements DocStore {
  private readonly http: HttpClient;
  private readonly baseUrl: string;
  private readonly budgetKey: string;

  constructor(options: ItGlueOptions) {
    this.baseUrl = (options.baseUrl ?? ITGLUE_REGIONS[options.region ?? 'us']).replace(/\/$/, '');
    // The budget is per API key; the key itself is never used as a name.
    this.budgetKey = `itglue:${options.apiKey.slice(-6)}`;
    this.http = new HttpClient({
      service: 'itglue',
      auth: { headers: async () => ({ 'x-api-key': options.apiKey }), refresh: async () => {} },
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

  /** The contact of the organization whose primary email is `email`, if there is exactly one. */
  private async findByPrimaryEmail(organizationId: string, email: string): Promise<string | null> {
    const path = `/contacts?filter[organization_id]=${encodeURIComponent(organizationId)}&filter[primary_email]=${encodeURIComponent(email)}`;
    const document = this.parse('find a contact by email', listDocument(contactResource), await this.send('GET', path));
    return document.data.length === 1 ? document.data[0]!.id : null;
  }

  private fail(what: string, response: HttpResponse): never {
    const parsed = errorDocument.safeParse(response.body);
    const detail = parsed.success
      ? parsed.data.errors.map((e) => e.detail ?? e.title ?? '').join('; ')
      : `status ${response.status}`;
    const code =
      response.status === 401 || response.status === 403
        ? 'Auth'
        : response.status === 404
          ? 'NotFound'
          : response.status === 422 || response.status === 400
            ? 'Validation'
            : 'Protocol';
    const hint =
      response.status === 401
        ? ' Check the API key, and that it belongs to this region (US, EU or AU).'
        : response.status === 415
          ? ' The request was not sent as application/vnd.api+json.'
          : '';
    throw new ConnectorError({
      code,
      service: 'itglue',
      status: response.status,
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
    const items: z.infer<T>[] = [];
    const separator = path.includes('?') ? '&' : '?';
    for (let page = 1; ; page++) {
      const document = this.parse(
        what,
        listDocument(item),
        await this.send('GET', `${path}${separator}page[size]=${PAGE_SIZE}&page[number]=${page}`),
      );
      items.push(...document.data);
      const next = document.meta?.['next-page'];
      if (next === null || next === undefined || document.data.length === 0) return items;
    }
  }

  async listOrganizations(): Promise<NamedRecord<string>[]> {
    return (await this.all('list organizations', '/organizations', organizationResource)).map((o) => ({
      id: o.id,
      name: o.attributes.name,
    }));
  }

  async listLocations(organizationId: string): Promise<DocLocation[]> {
    return (
      await this.all(
        `list the locations of organization ${organizationId}`,
        `/organizations/${organizationId}/relationships/locations`,
        locationResource,
      )
    ).map(toLocation);
  }

  async listContactTypes(): Promise<DocContactType[]> {
    return (await this.all('list contact types', '/contact_types', contactTypeResource)).map(toContactType);
  }

  async listContacts(organizationId: string): Promise<DocContact[]> {
    const resources = await this.all(
      `list the contacts of organization ${organizationId}`,
      `/contacts?filter[organization_id]=${encodeURIComponent(organizationId)}`,
      contactResource,
    );
    return resources.map((resource) => toDocContact(resource, organizationId));
  }

  async readContact(id: string): Promise<DocContact | null> {
    const response = await this.send('GET', `/contacts/${encodeURIComponent(id)}`);
    if (response.status === 404) return null;
    const document = this.parse(`read contact ${id}`, singleDocument(contactResource), response);
    return toDocContact(document.data, document.data.attributes['organization-id'] ?? '');
  }

  createContacts(organizationId: string, drafts: readonly DocContactFields[]): Promise<WriteResult<string>[]> {
    return this.writeAll(drafts.map((fields) => ({ kind: 'create', organizationId, fields })));
  }

  updateContacts(
    updates: readonly { readonly id: string; readonly patch: DocContactPatch }[],
  ): Promise<WriteResult<string>[]> {
    return this.writeAll(updates.map(({ id, patch }) => ({ kind: 'update', id, patch })));
  }

  private async writeAll(writes: readonly Write[]): Promise<WriteResult<string>[]> {
    const results: WriteResult<string>[] = [];
    for (let start = 0; start < writes.length; start += BULK_SIZE)
      results.push(...(await this.writeSafely(writes.slice(start, start + BULK_SIZE))));
    return results;
  }

  /**
   * A batch whose answer was lost may have been created: each contact is looked up by its primary email (a create is
   * planned only when no contact of the organization has the user's addresses), and only those not found are sent
   * again.
   */
  private async writeSafely(batch: readonly Write[], round = 1): Promise<WriteResult<string>[]> {
    try {
      return await this.writeBatch(batch);
    } catch (error) {
      if (!(error instanceof ConnectorError) || !error.outcomeUnknown || round >= 5) throw error;
      const results: (WriteResult<string> | null)[] = [];
      for (const write of batch) {
        const primary = write.kind === 'create' ? write.fields.emails.find((e) => e.primary)?.value : undefined;
        const id =
          write.kind === 'create' && primary !== undefined
            ? await this.findByPrimaryEmail(write.organizationId, primary)
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

  /** One bulk request; records IT Glue refuses get their errors, and the rest are sent again without them. */
  private async writeBatch(batch: readonly Write[]): Promise<WriteResult<string>[]> {
    if (batch.length === 0) return [];
    const kind = batch[0]!.kind;
    const single = batch.length === 1;
    const items = batch.map((write) =>
      write.kind === 'create'
        ? {
            type: 'contacts',
            attributes: { 'organization-id': Number(write.organizationId), ...toAttributes(write.fields) },
          }
        : { type: 'contacts', id: write.id, attributes: toAttributes(write.patch) },
    );
    const what =
      kind === 'create'
        ? `create ${batch.length === 1 ? 'a contact' : `${batch.length} contacts`}`
        : `update ${batch.length === 1 ? 'a contact' : `${batch.length} contacts`}`;
    const path =
      kind === 'create'
        ? '/contacts'
        : single
          ? `/contacts/${(batch[0] as Extract<Write, { kind: 'update' }>).id}`
          : '/contacts';
    const response = await this.send(kind === 'create' ? 'POST' : 'PATCH', path, { data: single ? items[0] : items });

    if (response.status === 422 || (response.status === 404 && kind === 'update')) {
      const parsed = errorDocument.safeParse(response.body);
      const problems = new Map<number, { field: string; message: string }[]>();
      for (const error of parsed.success ? parsed.data.errors : []) {
        const { index, field } = fieldOfPointer(error.source?.pointer ?? '');
        const at = single ? 0 : index;
        if (at === null) continue;
        problems.set(at, [...(problems.get(at) ?? []), { field, message: error.detail ?? error.title ?? 'refused' }]);
      }
      // Without pointers the refused record cannot be told apart: each is tried alone.
      if (problems.size === 0) {
        if (single)
          return [
            {
              ok: false,
              reasons: [
                reason(
                  'itglue-refused',
                  `IT Glue refused the contact: ${parsed.success ? parsed.data.errors.map((e) => e.detail ?? e.title).join('; ') : `status ${response.status}`}`,
                ),
              ],
            },
          ];
        const results: WriteResult<string>[] = [];
        for (const write of batch) results.push(...(await this.writeBatch([write])));
        return results;
      }
      const retried = await this.writeBatch(batch.filter((_, i) => !problems.has(i)));
      let next = 0;
      return batch.map((_, i) => {
        const found = problems.get(i);
        if (found === undefined) return retried[next++]!;
        return {
          ok: false,
          reasons: found.map((p) => reason('itglue-refused', `IT Glue refused ${p.field}: ${p.message}`, p.field)),
        };
      });
    }
    const ok = kind === 'create' ? 201 : 200;
    const document = this.parse(
      what,
      createdDocument,
      response,
      response.status === 200 || response.status === 201 ? response.status : ok,
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
