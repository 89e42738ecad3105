import type {
  DirectorySubscription,
  DirectorySubscriptions,
  SubscriptionRequest,
} from '../../domain/directory-notice.ts';
import { ConnectorError } from '../http/connector-error.ts';
import type { HttpClient, HttpResponse, TransportOptions } from '../http/http-client.ts';
import { GRAPH_BASE_URL } from './graph-directory.ts';
import { graphHttpClient } from './graph-http.ts';
import { subscriptionWire, USER_SUBSCRIPTION } from './subscription-wire.ts';
import type { GraphTokenProvider } from './token-provider.ts';
import { errorWire } from './wire.ts';

/**
 * Graph's `403` over a subscription quota (100 per app per tenant, 1,000 per tenant over all apps, 50,000 per app),
 * said in words; null for any other `403`. Graph has been seen to answer `ExtensionError` with "Maximum number of
 * subscriptions has been reached", not always naming which limit: the documented limits are then listed.
 */
function subscriptionQuotaOf(message: string | undefined): string | null {
  const text = message ?? '';
  if (!/maximum number of subscriptions|subscription (quota|limit)|limit of [\d,]+ subscriptions/i.test(text))
    return null;
  const limit = /limit of ([\d,]+) subscriptions/i.exec(text)?.[1];
  if (limit === undefined)
    return 'a subscription quota is reached (Graph allows 100 subscriptions per app in a tenant, 1,000 per tenant over all apps and 50,000 per app)';
  const n = Number(limit.replace(/,/g, '')).toLocaleString('en-US');
  if (/over all tenants/i.test(text)) return `the app has reached its limit of ${n} subscriptions over all tenants`;
  if (/over all (apps|applications)/i.test(text))
    return `the tenant has reached its limit of ${n} subscriptions over all apps`;
  return `the tenant has reached its limit of ${n} subscriptions for this app`;
}

interface GraphSubscriptionsOptions extends TransportOptions {
  readonly tokens: GraphTokenProvider;
  readonly baseUrl?: string;
}

/**
 * Microsoft Graph subscriptions on a tenant's users (`POST/PATCH/DELETE /subscriptions`, `/reauthorize`). The app
 * needs no permission beyond `User.Read.All`, which reading the users already takes.
 */
export class GraphSubscriptions implements DirectorySubscriptions {
  private readonly baseUrl: string;
  private readonly clients = new Map<string, HttpClient>();

  constructor(private readonly options: GraphSubscriptionsOptions) {
    this.baseUrl = (options.baseUrl ?? GRAPH_BASE_URL).replace(/\/$/, '');
  }

  private async send(
    tenantId: string,
    method: 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<HttpResponse> {
    let client = this.clients.get(tenantId);
    if (client === undefined) {
      client = graphHttpClient(tenantId, this.options.tokens, this.options);
      this.clients.set(tenantId, client);
    }
    return client.send({
      method,
      url: `${this.baseUrl}/v1.0${path}`,
      budgetKey: `graph:${tenantId}`,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  }

  private fail(tenantId: string, what: string, response: HttpResponse): never {
    const parsed = errorWire.safeParse(response.body);
    const detail = parsed.success
      ? `${parsed.data.error.code}: ${parsed.data.error.message ?? ''}`
      : `status ${response.status}`;
    const quota = response.status === 403 ? subscriptionQuotaOf(parsed.success ? parsed.data.error.message : '') : null;
    if (quota !== null)
      throw new ConnectorError({
        // A quota is a limit on how many, not a refusal of who: never reported as an authentication failure.
        code: 'RateLimited',
        service: 'graph',
        status: response.status,
        apiCode: parsed.success ? parsed.data.error.code : null,
        message: `Microsoft Graph refused a new subscription in tenant ${tenantId}: ${quota} (${detail}). Remove the subscriptions the tenant's apps no longer need; until then the tenant polls.`,
      });
    throw new ConnectorError({
      code:
        response.status === 404
          ? 'NotFound'
          : response.status === 401 || response.status === 403
            ? 'Auth'
            : response.status === 400
              ? 'Validation'
              : 'Protocol',
      service: 'graph',
      status: response.status,
      apiCode: parsed.success ? parsed.data.error.code : null,
      message: `Graph refused to ${what} in tenant ${tenantId} (${detail}).`,
    });
  }

  private subscription(tenantId: string, what: string, response: HttpResponse): DirectorySubscription {
    if (response.status !== 200 && response.status !== 201) this.fail(tenantId, what, response);
    const parsed = subscriptionWire.safeParse(response.body);
    if (!parsed.success)
      throw new ConnectorError({
        code: 'Protocol',
        service: 'graph',
        status: response.status,
        message: `Graph answered ${what} in tenant ${tenantId} in an unexpected shape.`,
      });
    return { id: parsed.data.id, expiresAt: new Date(parsed.data.expirationDateTime).toISOString() };
  }

  async subscribe(tenantId: string, request: SubscriptionRequest): Promise<DirectorySubscription> {
    const response = await this.send(tenantId, 'POST', '/subscriptions', {
      ...USER_SUBSCRIPTION,
      notificationUrl: request.notificationUrl,
      lifecycleNotificationUrl: request.lifecycleNotificationUrl,
      clientState: request.clientState,
      expirationDateTime: request.expiresAt.toISOString(),
      latestSupportedTlsVersion: 'v1_2',
    });
    return this.subscription(tenantId, 'subscribe to user changes', response);
  }

  async renew(tenantId: string, subscriptionId: string, expiresAt: Date): Promise<DirectorySubscription> {
    const response = await this.send(tenantId, 'PATCH', `/subscriptions/${encodeURIComponent(subscriptionId)}`, {
      expirationDateTime: expiresAt.toISOString(),
    });
    return this.subscription(tenantId, 'renew the subscription to user changes', response);
  }

  async reauthorize(tenantId: string, subscriptionId: string): Promise<void> {
    const response = await this.send(
      tenantId,
      'POST',
      `/subscriptions/${encodeURIComponent(subscriptionId)}/reauthorize`,
    );
    if (response.status !== 200 && response.status !== 204)
      this.fail(tenantId, 'reauthorize the subscription to user changes', response);
  }

  async unsubscribe(tenantId: string, subscriptionId: string): Promise<void> {
    const response = await this.send(tenantId, 'DELETE', `/subscriptions/${encodeURIComponent(subscriptionId)}`);
    if (response.status !== 204 && response.status !== 200 && response.status !== 404)
      this.fail(tenantId, 'remove the subscription to user changes', response);
  }
}
