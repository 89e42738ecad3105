import type { GraphSimulator, UserChange } from './graph-simulator.ts';
import type { SimClock } from './sim-clock.ts';
import { json, type SimRequest, type SimResponse } from './sim-server.ts';

/** Graph's documented longest life of a subscription on users (and other directory resources): 41,760 minutes. */
export const USER_SUBSCRIPTION_MAX_MINUTES = 41_760;
/** Paused notifications (a reauthorization not answered) are dropped this long after the pause, as Graph does. */
const PAUSE_LIMIT_MS = 4 * 3600_000;
const CLIENT_STATE_MAX = 128;
/** Graph's documented quotas of subscriptions on directory resources such as users. */
export const SUBSCRIPTION_QUOTAS = { perAppPerTenant: 100, perTenant: 1_000, perApp: 50_000 } as const;

/**
 * The one lifecycle event Graph documents for users. `subscriptionRemoved` and `missed` are documented for Outlook and
 * Teams resources only: for users a removed subscription or a lost notice is never announced.
 */
export type LifecycleEvent = 'reauthorizationRequired';

interface Subscription {
  readonly id: string;
  readonly tenantId: string;
  readonly applicationId: string;
  readonly resource: string;
  readonly changeTypes: readonly ('created' | 'updated' | 'deleted')[];
  readonly clientState: string | null;
  notificationUrl: string;
  readonly lifecycleNotificationUrl: string | null;
  expiresAt: number;
  /** a reauthorization was asked for and not yet given: notifications are held */
  pausedAt: number | null;
  /** the last `sequenceNumber` sent in a notice's `resourceData` */
  sequence: number;
  /** held by another application (made by `occupy`): counts against the quotas, never notified */
  readonly inert: boolean;
  held: Record<string, unknown>[];
  /** notifications waiting for this tick's batch */
  batch: Record<string, unknown>[];
}

/** Options a test can tighten. */
export interface SubscriptionSimOptions {
  /** how long the notification endpoint has to answer the validation request (Graph: 10 s) */
  validationTimeoutMs: number;
  /** how long it has to answer a notification before the delivery counts as failed (Graph: 3 s) */
  deliveryTimeoutMs: number;
  /** the wait before the first retry of a failed delivery, doubled at each retry up to `retryMaxDelayMs` */
  retryDelayMs: number;
  retryMaxDelayMs: number;
  /**
   * How long a failed delivery is retried, on the simulator's clock (a test moves the clock to get there at once),
   * before it is dropped without a word (Graph: up to 4 hours).
   */
  retryForMs: number;
  /** Graph's quotas of subscriptions (a test may lower them) */
  quotas: { perAppPerTenant: number; perTenant: number; perApp: number };
}

/** Notices Graph gave up on, silently: the receiver is never told; tests and benchmarks read them here. */
export interface Dropped {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly count: number;
  readonly at: number;
  readonly why: 'asked' | 'undeliverable' | 'paused';
}

/** What the simulator delivered, for tests and benchmarks. */
export interface Delivery {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly url: string;
  readonly kind: 'validation' | 'notification' | 'lifecycle';
  readonly status: number | null;
  readonly at: number;
  /** how long the endpoint took to answer (or the timeout), in ms */
  readonly ms: number;
  readonly count: number;
}

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/**
 * Microsoft Graph change notifications on `users`, as Graph documents them: `POST /subscriptions` validates the
 * notification URL (and the lifecycle URL) by posting a `validationToken` that must come back as `text/plain` within
 * 10 s before it answers `201`; a change to a user is posted as a notification carrying the subscription's
 * `clientState` and a `sequenceNumber`, to be answered `2xx` within 3 s; a failed delivery is retried with backoff for
 * up to 4 hours, then dropped without a word (no `missed`: for users Graph never announces a lost notice).
 * Subscriptions expire (at most 41,760 minutes ahead), are renewed by `PATCH`, removed by `DELETE`, reauthorized by
 * `POST /subscriptions/{id}/reauthorize`; the one lifecycle event for users, `reauthorizationRequired`, goes to the
 * lifecycle URL. `created` is accepted in `changeType` but never sent: a new user arrives as `updated`. Over a quota
 * (100 subscriptions per app per tenant, 1,000 per tenant over all apps, 50,000 per app) `POST` answers `403`
 * naming the limit. Control routes under `/_sim/subscriptions` drop notifications (silently) and ask for a
 * reauthorization.
 *
 * Inferred: the error codes of refusals (`InvalidRequest`; `ExtensionError` with a `Forbidden` reason over a quota,
 * as Graph has been seen to answer); the retry schedule within the 4 hours. The simulator accepts `http://`
 * notification URLs on loopback only, since nothing here can present a certificate; any other URL must be
 * `https://`, as Graph requires.
 */
export class GraphSubscriptionsSimulator {
  private readonly subscriptions = new Map<string, Subscription>();
  /** notifications still to drop, per tenant id (lower-case) or `*` */
  private readonly toDrop = new Map<string, number>();
  readonly deliveries: Delivery[] = [];
  readonly dropped: Dropped[] = [];
  readonly options: SubscriptionSimOptions = {
    validationTimeoutMs: 10_000,
    deliveryTimeoutMs: 3_000,
    // Graph documents the 4 hours, not its schedule within them: a backoff from 10 s to 15 minutes is assumed.
    retryDelayMs: 10_000,
    retryMaxDelayMs: 15 * 60_000,
    retryForMs: 4 * 3600_000,
    quotas: { ...SUBSCRIPTION_QUOTAS },
  };
  /** retries waiting, cancelled when the simulator closes */
  private readonly retries = new Set<NodeJS.Timeout>();
  private flushScheduled = false;

  constructor(
    private readonly graph: GraphSimulator,
    private readonly clock: SimClock,
  ) {
    const server = graph.server;
    server.route('POST', '/v1.0/subscriptions', (r) =>
      this.authorized(r, (tenantId, appId) => this.create(r, tenantId, appId)),
    );
    server.route('GET', '/v1.0/subscriptions', (r) => this.authorized(r, (tenantId) => this.list(tenantId)));
    server.route('GET', '/v1.0/subscriptions/{id}', (r) => this.authorized(r, (tenantId) => this.read(r, tenantId)));
    server.route('PATCH', '/v1.0/subscriptions/{id}', (r) => this.authorized(r, (tenantId) => this.renew(r, tenantId)));
    server.route('DELETE', '/v1.0/subscriptions/{id}', (r) =>
      this.authorized(r, (tenantId) => this.remove(r, tenantId)),
    );
    server.route('POST', '/v1.0/subscriptions/{id}/reauthorize', (r) =>
      this.authorized(r, (tenantId) => this.reauthorize(r, tenantId)),
    );
    server.route('GET', '/_sim/subscriptions', () => json(200, { value: this.describe() }));
    server.route('POST', '/_sim/subscriptions/drop', (r) => this.dropRoute(r));
    server.route('POST', '/_sim/subscriptions/{id}/lifecycle', (r) => this.lifecycleRoute(r));
    graph.userChanges.push((change) => this.changed(change));
  }

  // --- control surface ---

  /** The next `count` notifications of the tenant (every tenant when null) are lost, and nobody is told. */
  dropNotifications(tenantId: string | null, count: number): void {
    const key = tenantId?.toLowerCase() ?? '*';
    this.toDrop.set(key, (this.toDrop.get(key) ?? 0) + count);
  }

  /** Raises a lifecycle event on a subscription: a reauthorization request holds its notifications until answered. */
  async raise(subscriptionId: string, event: LifecycleEvent): Promise<boolean> {
    const subscription = this.subscriptions.get(subscriptionId);
    if (subscription === undefined) return false;
    subscription.pausedAt ??= this.clock.now();
    await this.sendLifecycle(subscription, event);
    return true;
  }

  /** Graph forgets a subscription without a word, as it does for users (no `subscriptionRemoved`). */
  forget(subscriptionId: string): boolean {
    return this.subscriptions.delete(subscriptionId);
  }

  /** `count` subscriptions of another application in the tenant: they count against the quotas, nothing more. */
  occupy(tenantId: string, applicationId: string, count: number): void {
    for (let i = 0; i < count; i++) {
      const id = crypto.randomUUID();
      this.subscriptions.set(id, {
        id,
        tenantId,
        applicationId,
        resource: 'users',
        changeTypes: ['updated'],
        clientState: null,
        notificationUrl: 'https://elsewhere.invalid/notifications',
        lifecycleNotificationUrl: null,
        expiresAt: this.clock.now() + USER_SUBSCRIPTION_MAX_MINUTES * 60_000,
        pausedAt: null,
        sequence: 0,
        inert: true,
        held: [],
        batch: [],
      });
    }
  }

  /** Stops the retries still waiting. */
  close(): void {
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
  }

  /** The live subscriptions, without their client state. */
  describe(): {
    id: string;
    tenantId: string;
    resource: string;
    notificationUrl: string;
    expirationDateTime: string;
    paused: boolean;
  }[] {
    this.expire();
    return [...this.subscriptions.values()]
      .filter((s) => !s.inert)
      .map((s) => ({
        id: s.id,
        tenantId: s.tenantId,
        resource: s.resource,
        notificationUrl: s.notificationUrl,
        expirationDateTime: new Date(s.expiresAt).toISOString(),
        paused: s.pausedAt !== null,
      }));
  }

  // --- the API ---

  private async authorized(
    request: SimRequest,
    handler: (tenantId: string, applicationId: string) => SimResponse | Promise<SimResponse>,
  ): Promise<SimResponse> {
    const caller = this.graph.caller(request);
    if (!caller.ok) return caller.response;
    return handler(caller.tenantId, caller.clientId);
  }

  private invalid(message: string): SimResponse {
    return this.graph.errorResponse(400, 'InvalidRequest', message);
  }

  /** Over one of Graph's quotas, a new subscription is refused with `403`, the limit named. */
  private overQuota(tenantId: string, applicationId: string): SimResponse | null {
    this.expire();
    const tenantKey = tenantId.toLowerCase();
    let appInTenant = 0;
    let inTenant = 0;
    let ofApp = 0;
    for (const s of this.subscriptions.values()) {
      const sameTenant = s.tenantId.toLowerCase() === tenantKey;
      const sameApp = s.applicationId === applicationId;
      if (sameTenant) inTenant += 1;
      if (sameApp) ofApp += 1;
      if (sameTenant && sameApp) appInTenant += 1;
    }
    const { quotas } = this.options;
    const reason =
      appInTenant >= quotas.perAppPerTenant
        ? `the application has reached its limit of ${quotas.perAppPerTenant} subscriptions in this tenant`
        : inTenant >= quotas.perTenant
          ? `the tenant has reached its limit of ${quotas.perTenant} subscriptions over all applications`
          : ofApp >= quotas.perApp
            ? `the application has reached its limit of ${quotas.perApp} subscriptions over all tenants`
            : null;
    if (reason === null) return null;
    return this.graph.errorResponse(
      403,
      'ExtensionError',
      `Operation: Create; Exception: [Status Code: Forbidden; Reason: Maximum number of subscriptions has been reached: ${reason}.]`,
    );
  }

  private notFound(id: string): SimResponse {
    return this.graph.errorResponse(404, 'ResourceNotFound', `The object was not found: subscription '${id}'.`);
  }

  private body(request: SimRequest): Record<string, unknown> | null {
    try {
      const parsed: unknown = JSON.parse(request.body);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    } catch {
      return null;
    }
  }

  /** The expiration asked for, or why it is refused. */
  private expiration(value: unknown): number | string {
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) return 'expirationDateTime is required and must be a date and time.';
    const now = this.clock.now();
    if (at <= now) return 'Subscription expiration must be in the future.';
    if (at > now + USER_SUBSCRIPTION_MAX_MINUTES * 60_000)
      return `Subscription expiration can only be ${USER_SUBSCRIPTION_MAX_MINUTES} minutes in the future.`;
    return at;
  }

  private urlProblem(name: string, value: unknown): string | null {
    if (typeof value !== 'string') return `${name} is required.`;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return `${name} must be an absolute URL.`;
    }
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return null;
    return `${name} must be an https URL.`;
  }

  private async create(request: SimRequest, tenantId: string, applicationId: string): Promise<SimResponse> {
    const body = this.body(request);
    if (body === null) return this.invalid('The request body must be a JSON object.');
    const resource = String(body.resource ?? '').replace(/^\//, '');
    if (resource.toLowerCase() !== 'users')
      return this.invalid(
        `Resource '${String(body.resource)}' is not supported by the simulator: subscribe to 'users'.`,
      );
    const changeTypes = String(body.changeType ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    if (changeTypes.length === 0) return this.invalid('changeType is required.');
    // `created` is accepted on users, but Graph sends nothing for it: a new user arrives as `updated`.
    for (const changeType of changeTypes)
      if (changeType !== 'created' && changeType !== 'updated' && changeType !== 'deleted')
        return this.invalid(`ChangeType '${changeType}' is not valid.`);
    const expiresAt = this.expiration(body.expirationDateTime);
    if (typeof expiresAt === 'string') return this.invalid(expiresAt);
    const clientState = body.clientState === undefined || body.clientState === null ? null : String(body.clientState);
    if (clientState !== null && clientState.length > CLIENT_STATE_MAX)
      return this.invalid(`clientState can be at most ${CLIENT_STATE_MAX} characters.`);
    const urlProblem =
      this.urlProblem('notificationUrl', body.notificationUrl) ??
      (body.lifecycleNotificationUrl === undefined || body.lifecycleNotificationUrl === null
        ? null
        : this.urlProblem('lifecycleNotificationUrl', body.lifecycleNotificationUrl));
    if (urlProblem !== null) return this.invalid(urlProblem);
    const quota = this.overQuota(tenantId, applicationId);
    if (quota !== null) return quota;
    const notificationUrl = String(body.notificationUrl);
    const lifecycleNotificationUrl =
      body.lifecycleNotificationUrl === undefined || body.lifecycleNotificationUrl === null
        ? null
        : String(body.lifecycleNotificationUrl);
    const id = crypto.randomUUID();
    for (const url of [notificationUrl, ...(lifecycleNotificationUrl === null ? [] : [lifecycleNotificationUrl])]) {
      const refused = await this.validate(id, tenantId, url);
      if (refused !== null) return this.invalid(refused);
    }
    const subscription: Subscription = {
      id,
      tenantId,
      applicationId,
      resource,
      changeTypes: changeTypes as ('created' | 'updated' | 'deleted')[],
      clientState,
      notificationUrl,
      lifecycleNotificationUrl,
      expiresAt,
      pausedAt: null,
      sequence: 0,
      inert: false,
      held: [],
      batch: [],
    };
    this.subscriptions.set(id, subscription);
    return json(201, this.wire(subscription));
  }

  /** Graph's validation request: the token must come back, as text, within the time allowed. */
  private async validate(subscriptionId: string, tenantId: string, url: string): Promise<string | null> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${crypto.randomUUID()}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    let status: number | null = null;
    const started = performance.now();
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        signal: AbortSignal.timeout(this.options.validationTimeoutMs),
      });
      status = response.status;
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      if (response.status !== 200 || text !== token || !type.startsWith('text/plain'))
        return 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.';
      return null;
    } catch (error) {
      const name = (error as Error).name;
      return name === 'TimeoutError' || name === 'AbortError'
        ? 'Subscription validation request timed out.'
        : 'Subscription validation request failed. The notification endpoint could not be reached.';
    } finally {
      const ms = Math.round(performance.now() - started);
      this.deliveries.push({ subscriptionId, tenantId, url, kind: 'validation', status, at: Date.now(), ms, count: 0 });
    }
  }

  private wire(s: Subscription): Record<string, unknown> {
    return {
      '@odata.context': `${this.graph.server.url}/v1.0/$metadata#subscriptions/$entity`,
      id: s.id,
      resource: s.resource,
      applicationId: s.applicationId,
      changeType: s.changeTypes.join(','),
      clientState: s.clientState,
      notificationUrl: s.notificationUrl,
      lifecycleNotificationUrl: s.lifecycleNotificationUrl,
      expirationDateTime: new Date(s.expiresAt).toISOString(),
      creatorId: s.applicationId,
      includeResourceData: false,
      latestSupportedTlsVersion: 'v1_2',
      notificationQueryOptions: null,
      notificationUrlAppId: null,
    };
  }

  /** Subscriptions past their expiration are gone, as in Graph. */
  private expire(): void {
    const now = this.clock.now();
    for (const [id, s] of this.subscriptions) if (s.expiresAt <= now) this.subscriptions.delete(id);
  }

  private owned(request: SimRequest, tenantId: string): Subscription | null {
    this.expire();
    const subscription = this.subscriptions.get(request.params.id!);
    return subscription !== undefined && subscription.tenantId === tenantId ? subscription : null;
  }

  private list(tenantId: string): SimResponse {
    this.expire();
    return json(200, {
      '@odata.context': `${this.graph.server.url}/v1.0/$metadata#subscriptions`,
      value: [...this.subscriptions.values()]
        .filter((s) => s.tenantId === tenantId && !s.inert)
        .map((s) => this.wire(s)),
    });
  }

  private read(request: SimRequest, tenantId: string): SimResponse {
    const subscription = this.owned(request, tenantId);
    return subscription === null ? this.notFound(request.params.id!) : json(200, this.wire(subscription));
  }

  private async renew(request: SimRequest, tenantId: string): Promise<SimResponse> {
    const subscription = this.owned(request, tenantId);
    if (subscription === null) return this.notFound(request.params.id!);
    const body = this.body(request);
    if (body === null) return this.invalid('The request body must be a JSON object.');
    if (body.notificationUrl !== undefined) {
      const problem = this.urlProblem('notificationUrl', body.notificationUrl);
      if (problem !== null) return this.invalid(problem);
      const refused = await this.validate(subscription.id, tenantId, String(body.notificationUrl));
      if (refused !== null) return this.invalid(refused);
      subscription.notificationUrl = String(body.notificationUrl);
    }
    if (body.expirationDateTime !== undefined) {
      const expiresAt = this.expiration(body.expirationDateTime);
      if (typeof expiresAt === 'string') return this.invalid(expiresAt);
      subscription.expiresAt = expiresAt;
    }
    // Renewing reauthorizes too.
    this.resume(subscription);
    return json(200, this.wire(subscription));
  }

  private remove(request: SimRequest, tenantId: string): SimResponse {
    const subscription = this.owned(request, tenantId);
    if (subscription === null) return this.notFound(request.params.id!);
    this.subscriptions.delete(subscription.id);
    return { status: 204 };
  }

  private reauthorize(request: SimRequest, tenantId: string): SimResponse {
    const subscription = this.owned(request, tenantId);
    if (subscription === null) return this.notFound(request.params.id!);
    this.resume(subscription);
    return { status: 204 };
  }

  private resume(subscription: Subscription): void {
    if (subscription.pausedAt === null) return;
    const droppedForGood = this.clock.now() - subscription.pausedAt > PAUSE_LIMIT_MS;
    const held = subscription.held;
    subscription.pausedAt = null;
    subscription.held = [];
    if (held.length === 0) return;
    // Held past Graph's 4 hours, the notices are gone, and nothing says so.
    if (droppedForGood) this.drop(subscription, held.length, 'paused');
    else void this.deliver(subscription, held);
  }

  // --- notifications ---

  private changed(change: UserChange): void {
    this.expire();
    const tenantKey = change.tenantId.toLowerCase();
    for (const subscription of this.subscriptions.values()) {
      if (
        subscription.inert ||
        subscription.tenantId.toLowerCase() !== tenantKey ||
        !subscription.changeTypes.includes(change.changeType)
      )
        continue;
      subscription.sequence += 1;
      const notification = {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: new Date(subscription.expiresAt).toISOString(),
        changeType: change.changeType,
        resource: `Users/${change.userId}`,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.User',
          '@odata.id': `Users/${change.userId}`,
          id: change.userId,
          organizationId: subscription.tenantId,
          sequenceNumber: subscription.sequence,
        },
        clientState: subscription.clientState,
        tenantId: subscription.tenantId,
      };
      const dropKey = (this.toDrop.get(tenantKey) ?? 0) > 0 ? tenantKey : (this.toDrop.get('*') ?? 0) > 0 ? '*' : null;
      if (dropKey !== null) {
        this.toDrop.set(dropKey, this.toDrop.get(dropKey)! - 1);
        this.drop(subscription, 1, 'asked');
        continue;
      }
      if (subscription.pausedAt !== null) subscription.held.push(notification);
      else subscription.batch.push(notification);
    }
    // Changes made in one moment go out together, as Graph batches notifications.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        for (const subscription of this.subscriptions.values()) {
          if (subscription.batch.length === 0) continue;
          const batch = subscription.batch;
          subscription.batch = [];
          void this.deliver(subscription, batch);
        }
      });
    }
  }

  /** One attempt at a delivery: true when the endpoint answered `2xx` within the time allowed. */
  private async attempt(
    subscription: Subscription,
    url: string,
    kind: 'notification' | 'lifecycle',
    value: Record<string, unknown>[],
  ): Promise<boolean> {
    let status: number | null = null;
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ value }),
        signal: AbortSignal.timeout(this.options.deliveryTimeoutMs),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = null;
    }
    this.deliveries.push({
      subscriptionId: subscription.id,
      tenantId: subscription.tenantId,
      url,
      kind,
      status,
      at: Date.now(),
      ms: Math.round(performance.now() - started),
      count: value.length,
    });
    return status !== null && status >= 200 && status < 300;
  }

  /**
   * Posts until the endpoint takes it: a failure (an answer other than `2xx`, or none within the timeout) is retried
   * with backoff until `retryForMs` has passed on the simulator's clock since the first attempt; then the notices are
   * dropped, silently.
   */
  private async post(
    subscription: Subscription,
    url: string,
    kind: 'notification' | 'lifecycle',
    value: Record<string, unknown>[],
  ): Promise<void> {
    const firstAt = this.clock.now();
    for (let retry = 0; ; retry++) {
      if (await this.attempt(subscription, url, kind, value)) return;
      if (this.clock.now() - firstAt >= this.options.retryForMs) {
        this.drop(subscription, value.length, 'undeliverable');
        return;
      }
      const wait = Math.min(this.options.retryMaxDelayMs, this.options.retryDelayMs * 2 ** retry);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.retries.delete(timer);
          resolve();
        }, wait);
        timer.unref();
        this.retries.add(timer);
      });
    }
  }

  private drop(subscription: Subscription, count: number, why: Dropped['why']): void {
    this.dropped.push({ subscriptionId: subscription.id, tenantId: subscription.tenantId, count, at: Date.now(), why });
  }

  private async deliver(subscription: Subscription, value: Record<string, unknown>[]): Promise<void> {
    await this.post(subscription, subscription.notificationUrl, 'notification', value);
  }

  private async sendLifecycle(subscription: Subscription, event: LifecycleEvent): Promise<void> {
    if (subscription.lifecycleNotificationUrl === null) return;
    await this.post(subscription, subscription.lifecycleNotificationUrl, 'lifecycle', [
      {
        subscriptionId: subscription.id,
        subscriptionExpirationDateTime: new Date(subscription.expiresAt).toISOString(),
        tenantId: subscription.tenantId,
        clientState: subscription.clientState,
        lifecycleEvent: event,
      },
    ]);
  }

  // --- control routes ---

  private dropRoute(request: SimRequest): SimResponse {
    const body = this.body(request) ?? {};
    const count = Number(body.count ?? 1);
    if (!Number.isInteger(count) || count < 1)
      return json(400, { error: { code: 'BadRequest', message: 'count must be a whole number of at least 1.' } });
    const tenantId = typeof body.tenantId === 'string' ? body.tenantId : null;
    this.dropNotifications(tenantId, count);
    return json(200, { dropping: count, tenantId });
  }

  private async lifecycleRoute(request: SimRequest): Promise<SimResponse> {
    const event = (this.body(request) ?? {}).event;
    if (event !== 'reauthorizationRequired')
      return json(400, {
        error: {
          code: 'BadRequest',
          message: 'event must be reauthorizationRequired: Graph sends no subscriptionRemoved and no missed for users.',
        },
      });
    if (!(await this.raise(request.params.id!, event)))
      return json(404, { error: { code: 'NotFound', message: `No subscription ${request.params.id}.` } });
    return json(200, { raised: event });
  }
}
