import type { z } from 'zod';
import type { DirectoryOrganization, DirectoryUser } from '../../domain/directory-user.ts';
import type { CustomerTenant, DirectoryChanges, DirectorySource } from '../../domain/ports.ts';
import { ConnectorError } from '../http/connector-error.ts';
import type { HttpClient, HttpResponse, TransportOptions } from '../http/http-client.ts';
import { graphHttpClient } from './graph-http.ts';
import { GraphPaging, leadsTo } from './graph-paging.ts';
import type { GraphTokenProvider } from './token-provider.ts';
import {
  customersWire,
  deltaPageWire,
  errorWire,
  GDAP_PERMISSION,
  isRemoved,
  membersWire,
  needsResync,
  organizationWire,
  toDirectoryUser,
  toOrganization,
  TRANSITIVE_MEMBERS_COST,
  USER_SELECT,
  userPageWire,
  userWire,
} from './wire.ts';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com';

/** Graph's directory limit for the smallest tenants: resource units per app per tenant per 10 s. */
export const GRAPH_TENANT_BUDGET = { limit: 3500, windowMs: 10_000 } as const;

interface GraphDirectoryOptions extends TransportOptions {
  readonly tokens: GraphTokenProvider;
  /** the Graph simulator's base URL; Microsoft Graph by default */
  readonly baseUrl?: string;
}

const SELECT = `$select=${USER_SELECT.join(',')}`;

/**
 * Microsoft Graph as a `DirectorySource`: full reads with `$select` of every property the sync uses at `$top=999`,
 * delta rounds, the organization, GDAP customers and transitive group members. Background priority, a fresh
 * `client-request-id` on every request, and Graph's `request-id` in the log.
 */
export class GraphDirectory implements DirectorySource {
  private readonly baseUrl: string;
  private readonly origin: string;
  private readonly clients = new Map<string, HttpClient>();

  constructor(private readonly options: GraphDirectoryOptions) {
    this.baseUrl = (options.baseUrl ?? GRAPH_BASE_URL).replace(/\/$/, '');
    this.origin = new URL(this.baseUrl).origin;
  }

  private client(tenantId: string): HttpClient {
    let client = this.clients.get(tenantId);
    if (client === undefined) {
      client = graphHttpClient(tenantId, this.options.tokens, this.options);
      this.clients.set(tenantId, client);
    }
    return client;
  }

  private url(path: string): string {
    return path.startsWith('http') ? path : `${this.baseUrl}/v1.0${path}`;
  }

  private async get(tenantId: string, path: string, cost = 1): Promise<HttpResponse> {
    return this.client(tenantId).send({ method: 'GET', url: this.url(path), budgetKey: `graph:${tenantId}`, cost });
  }

  private fail(
    tenantId: string,
    what: string,
    response: HttpResponse,
    permissions = 'the application permissions User.Read.All and Organization.Read.All (GroupMember.Read.All for group scoping), with admin consent',
  ): never {
    const parsed = errorWire.safeParse(response.body);
    const apiCode = parsed.success ? parsed.data.error.code : null;
    const detail = parsed.success
      ? `${parsed.data.error.code}: ${parsed.data.error.message ?? ''}`
      : `status ${response.status}`;
    const code =
      response.status === 401 || response.status === 403
        ? 'Auth'
        : response.status === 404
          ? 'NotFound'
          : response.status === 400
            ? 'Validation'
            : 'Protocol';
    const hint = response.status === 403 ? ` Grant the app ${permissions}.` : '';
    throw new ConnectorError({
      code,
      service: 'graph',
      status: response.status,
      apiCode,
      message: `Graph refused to ${what} in tenant ${tenantId} (${detail}).${hint}`,
    });
  }

  private parse<T>(
    tenantId: string,
    what: string,
    schema: z.ZodType<T>,
    response: HttpResponse,
    permissions?: string,
  ): T {
    if (response.status !== 200) this.fail(tenantId, what, response, permissions);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      throw new ConnectorError({
        code: 'Protocol',
        service: 'graph',
        status: response.status,
        message: `Graph answered ${what} in tenant ${tenantId} in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
      });
    }
    return parsed.data;
  }

  /** Follows `@odata.nextLink` to the end, sending each link back unchanged, and only to this Graph. */
  private async pages<T extends { '@odata.nextLink'?: string | undefined; value: readonly unknown[] }>(
    tenantId: string,
    what: string,
    first: string,
    schema: z.ZodType<T>,
    { cost = 1, permissions }: { cost?: number; permissions?: string } = {},
  ): Promise<T[]> {
    const pages: T[] = [];
    const paging = new GraphPaging(this.origin, tenantId, what, first);
    let next: string | undefined = first;
    while (next !== undefined) {
      const page: T = this.parse(tenantId, what, schema, await this.get(tenantId, next, cost), permissions);
      pages.push(page);
      next = paging.follow(page['@odata.nextLink'], page.value.length);
    }
    return pages;
  }

  async readUsers(tenantId: string): Promise<DirectoryUser[]> {
    const pages = await this.pages(tenantId, 'list users', `/users?${SELECT}&$top=999`, userPageWire);
    return pages.flatMap((page) => page.value.map(toDirectoryUser));
  }

  /** A full read with a delta link taken first: a change made during the read shows up again in the next round. */
  private async readAll(tenantId: string, reason: string): Promise<DirectoryChanges> {
    const latest = this.parse(
      tenantId,
      'start tracking users',
      deltaPageWire,
      await this.get(tenantId, `/users/delta?$deltatoken=latest&${SELECT}`),
    );
    const deltaLink = latest['@odata.deltaLink'];
    if (deltaLink === undefined)
      throw new ConnectorError({
        code: 'Protocol',
        service: 'graph',
        message: `Graph gave no delta link for tenant ${tenantId}.`,
      });
    return { kind: 'full', reason, users: await this.readUsers(tenantId), deltaLink };
  }

  async readChanges(tenantId: string, deltaLink: string | null): Promise<DirectoryChanges> {
    if (deltaLink === null) return this.readAll(tenantId, 'first read');
    // A link kept from another Graph (the config now points elsewhere) is not sent this tenant's token.
    if (!leadsTo(this.origin, deltaLink))
      return this.readAll(tenantId, `the stored delta link leads away from ${this.origin}`);
    const paging = new GraphPaging(this.origin, tenantId, 'user changes', deltaLink);
    const changed = new Map<string, DirectoryUser>();
    const removed = new Map<string, boolean>();
    let next: string | undefined = deltaLink;
    let finalLink: string | undefined;
    while (next !== undefined) {
      const response = await this.get(tenantId, next);
      if (needsResync(response.status, response.body)) {
        const code = errorWire.safeParse(response.body);
        const reason = `the delta token is no longer valid (${response.status}${code.success ? ` ${code.data.error.code}` : ''})`;
        return this.readAll(tenantId, reason);
      }
      const page = this.parse(tenantId, 'read user changes', deltaPageWire, response);
      // Graph lists a round's changes in order; a user listed twice takes its later entry.
      for (const entry of page.value) {
        if (isRemoved(entry)) {
          changed.delete(entry.id);
          removed.set(entry.id, entry['@removed'].reason === 'deleted');
        } else {
          removed.delete(entry.id);
          changed.set(entry.id, toDirectoryUser(entry));
        }
      }
      next = paging.follow(page['@odata.nextLink'], page.value.length);
      finalLink = page['@odata.deltaLink'];
    }
    if (finalLink === undefined)
      throw new ConnectorError({
        code: 'Protocol',
        service: 'graph',
        message: `Graph ended a delta round for tenant ${tenantId} without a delta link.`,
      });
    return {
      kind: 'delta',
      changed: [...changed.values()],
      removed: [...removed].map(([id, permanent]) => ({ id, permanent })),
      deltaLink: finalLink,
    };
  }

  async readUser(tenantId: string, userId: string): Promise<DirectoryUser | null> {
    const response = await this.get(tenantId, `/users/${encodeURIComponent(userId)}?${SELECT}`);
    if (response.status === 404) return null;
    return toDirectoryUser(this.parse(tenantId, `read user ${userId}`, userWire, response));
  }

  async readOrganization(tenantId: string): Promise<DirectoryOrganization> {
    const body = this.parse(
      tenantId,
      'read the organization',
      organizationWire,
      await this.get(tenantId, '/organization'),
    );
    const organization = body.value[0];
    if (organization === undefined)
      throw new ConnectorError({
        code: 'Protocol',
        service: 'graph',
        message: `Graph returned no organization for tenant ${tenantId}.`,
      });
    return toOrganization(organization);
  }

  async readGroupMembers(tenantId: string, groupId: string): Promise<string[]> {
    const pages = await this.pages(
      tenantId,
      `list the members of group ${groupId}`,
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers?$select=id&$top=999`,
      membersWire,
      { cost: TRANSITIVE_MEMBERS_COST },
    );
    return pages.flatMap((page) =>
      page.value
        .filter((m) => m['@odata.type'] === undefined || m['@odata.type'] === '#microsoft.graph.user')
        .map((m) => m.id),
    );
  }

  async listCustomerTenants(partnerTenantId: string): Promise<CustomerTenant[]> {
    const pages = await this.pages(
      partnerTenantId,
      'list GDAP customers',
      '/tenantRelationships/delegatedAdminCustomers',
      customersWire,
      {
        permissions: `the application permission ${GDAP_PERMISSION}, with admin consent in the partner tenant (or list the customer tenants in the config)`,
      },
    );
    return pages.flatMap((page) =>
      page.value.map((c) => ({ tenantId: c.tenantId ?? c.id, displayName: c.displayName ?? c.id })),
    );
  }
}
