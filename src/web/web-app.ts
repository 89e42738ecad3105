import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { productVersion } from '../config/product-version.ts';
import { SettingsError } from '../domain/settings.ts';
import { OperationError } from '../operations/operator-actions.ts';
import { isConnectorError } from '../connectors/http/connector-error.ts';
import { prometheusText } from '../metrics/prometheus-text.ts';
import { registerApiRoutes } from './api-routes.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { html } from '../html.ts';
import { renderPage } from './layout.ts';
import { pageTools } from './page-tools.ts';
import { registerNotificationRoutes } from './notification-routes.ts';
import { registerPages } from './pages/register-pages.ts';
import { sameSitePath } from './same-site-path.ts';
import { hashPassword, newToken, tokenDigest, verifyPassword } from '../config/passwords.ts';
import { microsoftAdminHasSignedIn, registerEntraSignIn, type EntraSignInOptions } from './entra-sign-in.ts';
import { DEVICE_COOKIE, DEVICE_COOKIE_DAYS, DeviceCookies } from './device-cookie.ts';
import { RepeatedWarnings } from './repeated-warnings.ts';
import { signInName, SignInLimiter } from './sign-in-limiter.ts';
import { STYLESHEET } from './styles.ts';
import type { Access, Identity, WebServices } from './web-context.ts';
import { WaitingCount } from './waiting-count.ts';
import { attentionItems } from '../operations/attention.ts';

export const SESSION_COOKIE = 'contactsync_session';

export interface WebAppOptions {
  readonly services: WebServices;
  /** cookies marked Secure: on whenever the UI is reached over HTTPS (behind a proxy that terminates TLS) */
  readonly secureCookies?: boolean;
  readonly sessionHours?: number;
  /** failed sign-ins allowed per address and user name in 15 minutes (4 times as many per address, 10 per name) */
  readonly loginAttempts?: number;
  /** the reverse proxies whose X-Forwarded-For gives the client's address (Fastify's trustProxy) */
  readonly trustProxy?: boolean | readonly string[];
  /** checks a password against its stored hash (scrypt); a test may watch it */
  readonly verifyPassword?: (stored: string, password: string) => Promise<boolean>;
  /** where a failed request is logged with its cause (every 500, every answer an API failed to give) */
  readonly logger?: FastifyBaseLogger;
  /** hears every route as it is added, with who may use it (the route tests check every one) */
  readonly onRoute?: (route: { readonly method: string; readonly url: string; readonly access: Access }) => void;
  /** a warning repeated within this many ms is counted and written once with its count (default a minute) */
  readonly repeatedWarningMs?: number;
  /** Sign in with Microsoft (web.entra), beside the local logins */
  readonly entra?: EntraSignInOptions;
  /** false: the local logins cannot sign in (web.localLogins; refused until a Microsoft admin has signed in) */
  readonly localLogins?: boolean;
}

/** Whether a request is a machine's (the REST API, the metrics): it is answered in JSON, never sent to sign in. */
function answersJson(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!;
  return path.startsWith('/api/') || path === '/metrics';
}

function statusOf(error: unknown): number {
  if (error instanceof OperationError) return error.code === 'NotFound' ? 404 : error.code === 'Validation' ? 400 : 409;
  if (error instanceof SettingsError) return 400;
  const code = (error as { code?: string }).code;
  if (code === 'FST_CSRF_MISSING_SECRET' || code === 'FST_CSRF_INVALID_TOKEN') return 403;
  const status = (error as { statusCode?: number }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return status;
  if (isConnectorError(error)) return 502;
  return 500;
}

function messageOf(error: unknown, status: number, requestId: string): string {
  if (status === 403 && String((error as { code?: string }).code).startsWith('FST_CSRF'))
    return 'The form was refused: its security token is missing or out of date. Reload the page and try again.';
  if (status === 500) return `Something went wrong on the server; the log has the details (request ${requestId}).`;
  return (error as Error).message;
}

/**
 * The web UI and the REST API in one Fastify app: sessions from the store, roles, CSRF tokens on every state-changing
 * form, a rate-limited sign-in, secure headers.
 */
export async function buildWebApp(options: WebAppOptions): Promise<FastifyInstance> {
  const { services } = options;
  const { store } = services;
  const localLogins = options.localLogins ?? true;
  if (!localLogins && (options.entra === undefined || !(await microsoftAdminHasSignedIn(store))))
    throw Object.assign(
      new Error(
        "web.localLogins: false is refused: no admin has signed in with Microsoft yet, and without local logins no one could. Sign in with Microsoft once as a member of the admins' group (web.entra.adminGroupId), then switch local logins off.",
      ),
      { code: 'Validation' },
    );
  const trustProxy = options.trustProxy ?? false;
  const repeats = new RepeatedWarnings(
    (message, repeated, intervalMs) =>
      app.log.warn({ repeated }, `${message} (${repeated} more times in ${Math.round(intervalMs / 1000)} s)`),
    options.repeatedWarningMs,
  );
  const app = Fastify({
    ...(options.logger === undefined ? {} : { loggerInstance: options.logger }),
    // A request's warnings (the CSRF check's "Missing csrf secret") can be sent by a stranger a thousand times.
    childLoggerFactory: (logger, bindings, childOptions) => {
      const child = logger.child(bindings, childOptions);
      const warn = child.warn.bind(child);
      child.warn = ((first: unknown, ...rest: unknown[]) => {
        const message = typeof first === 'string' ? first : typeof rest[0] === 'string' ? rest[0] : null;
        if (message === null || repeats.admit(message)) (warn as (...args: unknown[]) => void)(first, ...rest);
      }) as typeof child.warn;
      return child;
    },
    // The log is for what went wrong: requests that were answered are not written one by one.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    trustProxy: typeof trustProxy === 'boolean' ? trustProxy : [...trustProxy],
    bodyLimit: 1024 * 1024,
  });
  const secure = options.secureCookies ?? false;
  const sessionMs = (options.sessionHours ?? 12) * 3600_000;
  const hmacKey = await store.appSecret('csrf-hmac');
  const limiter = new SignInLimiter(store, options.loginAttempts ?? 5);
  const devices = new DeviceCookies(await store.appSecret('device-cookie'));
  const checkPassword = options.verifyPassword ?? verifyPassword;
  // An unknown name costs the same scrypt work as a known one: the answer's time does not tell them apart.
  const stranger = await hashPassword(newToken());
  const htmx = await readFile(createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js'), 'utf8');

  app.decorateRequest('identity', null);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') options.onRoute?.({ method, url: route.url, access: route.config?.access ?? 'admin' });
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Only behind HTTPS: over plain HTTP on a LAN it would send the assets and the sign-in form to https and fail.
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    hsts: secure,
  });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(csrfProtection, {
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure },
    getUserInfo: (request: FastifyRequest) => request.identity?.sessionHash ?? 'signed-out',
    csrfOpts: { hmacKey },
  });

  /** Throws the CSRF plugin's error (answered 403) when the form's token does not match its cookie. */
  const checkCsrf = (request: FastifyRequest, reply: FastifyReply) =>
    new Promise<void>((resolve, reject) =>
      app.csrfProtection(request, reply, (error?: Error) => (error ? reject(error) : resolve())),
    );

  // Who is asking: a session cookie, or an API token in the Authorization header.
  app.addHook('onRequest', async (request) => {
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      const token = await store.apiTokenUser(tokenDigest(bearer));
      request.identity =
        token === null ? null : { kind: 'token', name: token.name, role: token.role, sessionHash: null };
      return;
    }
    const cookieValue = request.cookies[SESSION_COOKIE];
    if (cookieValue === undefined) return;
    const sessionHash = tokenDigest(cookieValue);
    const user = await store.sessionUser(sessionHash);
    request.identity = user === null ? null : { kind: 'session', name: user.username, role: user.role, sessionHash };
  });

  // Authentication and roles, from each route's `access`; then CSRF for every state change made with a cookie.
  app.addHook('preHandler', async (request, reply) => {
    // An address that is no route is answered 404 for any role (a viewer is not told it "needs admin"); signed out,
    // it asks for a sign-in as every page does, so that strangers learn nothing of the routes.
    const route = request.routeOptions.url;
    const access = route === undefined ? 'viewer' : (request.routeOptions.config.access ?? 'admin');
    const isApi = answersJson(request);
    if (access !== 'public' && request.identity === null) {
      if (isApi)
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({
            error: {
              code: 'Unauthenticated',
              message: 'Sign in, or send an API token: Authorization: Bearer TOKEN (made with contactsync token add).',
            },
          });
      if (request.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(
          renderPage(
            { identity: null, csrf: '', path: '/login' },
            'Sign in required',
            html`<p>Your session has ended. <a href="/login">Sign in</a> again.</p>`,
          ),
        );
    }
    if (access === 'admin' && request.identity !== null && request.identity.role !== 'admin') {
      const message = 'This needs the admin role; you are signed in as a viewer.';
      if (isApi) return reply.code(403).send({ error: { code: 'Forbidden', message } });
      return reply
        .code(403)
        .type('text/html; charset=utf-8')
        .send(
          renderPage(
            { identity: request.identity, csrf: '', path: request.url },
            'Not allowed',
            html`<p>${message}</p>`,
          ),
        );
    }
    const changes = request.method !== 'GET' && request.method !== 'HEAD' && route !== undefined;
    if (changes && request.identity?.kind !== 'token' && request.routeOptions.config.csrf !== false)
      await checkCsrf(request, reply);
    return undefined;
  });

  // The navigation's count of what waits for a person, on every page.
  const waiting = new WaitingCount(async () => (await attentionItems(store, services.targets)).length);
  const waitingOf = new WeakMap<FastifyRequest, number | null>();
  app.addHook('preHandler', async (request) => {
    if (request.method === 'GET' && request.identity !== null && !answersJson(request))
      waitingOf.set(request, await waiting.get());
  });
  app.addHook('onResponse', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') waiting.forget();
  });

  const tools = pageTools((request) => waitingOf.get(request) ?? null);

  app.setErrorHandler((error, request, reply) => {
    const status = statusOf(error);
    // The cause goes to the log, under the id the answer gives; the answer itself says nothing of it.
    if (status === 500 || status === 502)
      request.log.error(
        { err: error, requestId: request.id, method: request.method, route: request.routeOptions.url ?? null },
        'request failed',
      );
    const message = messageOf(error, status, request.id);
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
    if (answersJson(request)) {
      const code =
        error instanceof OperationError
          ? error.code
          : error instanceof SettingsError
            ? 'Validation'
            : status === 403
              ? 'Forbidden'
              : status === 429
                ? 'RateLimited'
                : status === 502
                  ? 'Upstream'
                  : status >= 500
                    ? 'Internal'
                    : 'BadRequest';
      return reply.code(status).send({
        error: {
          code,
          message,
          ...(error instanceof SettingsError || (error instanceof OperationError && error.problems.length > 0)
            ? { problems: error.problems }
            : {}),
        },
      });
    }
    return tools.send(
      request,
      reply,
      status === 404
        ? 'Not found'
        : status === 403
          ? 'Refused'
          : status === 429
            ? 'Try again shortly'
            : 'Something went wrong',
      html`<div class="notice bad" role="alert">${message}</div>
        <p><a href="/">Back to the dashboard</a></p>`,
      status,
    );
  });
  app.setNotFoundHandler((request, reply) => {
    if (answersJson(request))
      return reply
        .code(404)
        .send({ error: { code: 'NotFound', message: `No route ${request.method} ${request.url.split('?')[0]}.` } });
    return reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(
        renderPage(
          { identity: request.identity, csrf: '', path: request.url },
          'Not found',
          html`<p>There is no page here. <a href="/">Back to the dashboard</a></p>`,
        ),
      );
  });

  app.get('/assets/app.css', { config: { access: 'public' } }, (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
  );
  app.get('/assets/htmx.min.js', { config: { access: 'public' } }, (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(htmx),
  );

  // --- signing in and out ---

  const loginPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    next: string,
    error: string | null,
    status: number,
  ) => {
    const nobody = options.entra === undefined && (await store.countUsers()) === 0;
    const top = html`${error === null ? '' : html`<div class="notice bad" role="alert">${error}</div>`}
    ${options.entra === undefined ? '' : html`<p><a class="button" href="/auth/microsoft?next=${encodeURIComponent(next)}">Sign in with Microsoft</a></p>`}`;
    // With local logins off, the page offers Microsoft alone.
    if (!localLogins) return tools.send(request, reply, 'Sign in', html`<div class="card login">${top}</div>`, status);
    return tools.send(
      request,
      reply,
      'Sign in',
      html`<div class="card login">
        ${top}
        <form method="post" action="/login">
          <input type="hidden" name="_csrf" value="${tools.csrf(request, reply)}" />
          <input type="hidden" name="next" value="${next}" />
          <div class="field">
            <label for="username">User name</label
            ><input type="text" id="username" name="username" autocomplete="username" required />
          </div>
          <div class="field">
            <label for="password">Password</label
            ><input type="password" id="password" name="password" autocomplete="current-password" required />
          </div>
          <p><button type="submit">Sign in</button></p>
        </form>
        ${nobody ? html`<p class="muted">No one can sign in yet: add a login with <code>contactsync user add NAME --role admin</code>.</p>` : ''}
      </div>`,
      status,
    );
  };
  app.get('/login', { config: { access: 'public' } }, async (request, reply) => {
    const next = sameSitePath((request.query as { next?: unknown }).next);
    if (request.identity !== null) return reply.redirect(next, 303);
    return loginPage(request, reply, next, null, 200);
  });
  /** A new session for the login, in its cookie; a new session gets a new CSRF secret. */
  const openSession = async (reply: FastifyReply, username: string) => {
    const session = newToken();
    await store.createSession(tokenDigest(session), username, new Date(Date.now() + sessionMs));
    reply.setCookie(SESSION_COOKIE, session, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      maxAge: sessionMs / 1000,
    });
    reply.clearCookie('_csrf', { path: '/' });
  };
  // A sign-in form is small: a stranger's megabyte of user name is refused before it is read.
  // The CSRF check comes after the limiter counted the attempt: a flood of forms without the cookie is limited too.
  app.post('/login', { config: { access: 'public', csrf: false }, bodyLimit: 16 * 1024 }, async (request, reply) => {
    if (!localLogins)
      return loginPage(request, reply, '/', 'Local logins are switched off here: sign in with Microsoft.', 403);
    const body = (request.body ?? {}) as { username?: unknown; password?: unknown; next?: unknown };
    const given = typeof body.username === 'string' ? body.username.trim() : '';
    // What is counted, looked up and audited: never more of the name than a login can have.
    const username = signInName(given);
    const password = typeof body.password === 'string' ? body.password : '';
    const next = sameSitePath(body.next);
    const device = devices.verify(request.cookies[DEVICE_COOKIE], username);
    const turn = await limiter.begin(request.ip, username, device);
    if (!turn.allowed) {
      const minutes = Math.max(1, Math.ceil(turn.retryAfterMs / 60_000));
      reply.header('retry-after', String(Math.ceil(turn.retryAfterMs / 1000)));
      return loginPage(
        request,
        reply,
        next,
        `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        429,
      );
    }
    await checkCsrf(request, reply);
    const user = username === '' || username !== given ? null : await store.getUser(username);
    const matches = await checkPassword(user?.passwordHash ?? stranger, password);
    if (user === null || !matches) {
      await turn.settle(false);
      await store.audit(`web:${username || '(blank)'}`, 'login.failed', username, {
        ip: request.ip,
        ...(username === given ? {} : { nameLength: given.length }),
      });
      return loginPage(request, reply, next, 'The user name or the password is wrong.', 401);
    }
    await turn.settle(true);
    await openSession(reply, user.username);
    await store.audit(`web:${user.username}`, 'login', user.username, { ip: request.ip });
    // This browser is now known for this name: failures from elsewhere will not lock it out.
    reply.setCookie(DEVICE_COOKIE, devices.issue(user.username, device ?? undefined), {
      path: '/login',
      httpOnly: true,
      sameSite: 'strict',
      secure,
      maxAge: DEVICE_COOKIE_DAYS * 86_400,
    });
    return reply.redirect(next, 303);
  });
  if (options.entra !== undefined)
    registerEntraSignIn(app, {
      store,
      options: options.entra,
      secure,
      page: (request, reply, title, body, status) => tools.send(request, reply, title, body, status),
      openSession,
    });
  app.post('/logout', { config: { access: 'viewer' } }, async (request, reply) => {
    if (request.identity?.sessionHash) await store.deleteSession(request.identity.sessionHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  // Prometheus scrapes with a token (bearer_token in its scrape config), like any API client.
  app.get('/metrics', { config: { access: 'viewer' } }, async (_request, reply) =>
    reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(await prometheusText(store, services.queue ? await services.queue.counts() : null, services.targets)),
  );

  registerHealthRoutes(app, store, services.heartbeat ?? null);
  registerNotificationRoutes(app, services.notices ?? null, (message, fields) => app.log.error(fields, message));
  registerPages(app, services, tools);
  registerApiRoutes(app, services, productVersion());
  return app;
}

export type { Identity };
