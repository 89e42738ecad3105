import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import type { KeyObject } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  fetchNetworkClient,
  LOGIN_HOST,
  loginAddress,
  offlineAuthorityMetadata,
} from '../connectors/graph/msal-network.ts';
import type { WebRole } from '../domain/web-user.ts';
import type { StateStore } from '../store/state-store.ts';
import { html } from '../html.ts';
import { checkIdToken, publicKeyOf, type IdTokenCheck, type IdTokenClaims } from './id-token.ts';
import { isMicrosoftLogin, MICROSOFT_LOGIN_PREFIX } from '../domain/microsoft-logins.ts';
import { newToken, tokenDigest } from '../config/passwords.ts';
import { sameSitePath } from './same-site-path.ts';

/** `web.entra` of the config: the app registration of the MSP's own tenant that people sign in with. */
export interface EntraConfig {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly adminGroupId: string;
  readonly viewerGroupId: string;
}

export interface EntraSignInOptions {
  readonly entra: EntraConfig;
  /** `web.publicUrl`: Microsoft sends people back to {publicUrl}/auth/microsoft/callback */
  readonly publicUrl: string;
  /** the login simulator's base URL; null for Microsoft's login host */
  readonly loginBaseUrl?: string | null;
}

const FLOW_COOKIE = 'contactsync_entra';
const FLOW_MINUTES = 10;
/** sign-ins started and not finished that are remembered at once; the oldest is forgotten first */
const PENDING_LIMIT = 1000;

interface Pending {
  readonly browser: string;
  readonly verifier: string;
  readonly nonce: string;
  readonly next: string;
  readonly expiresAt: number;
}

type Page = (
  request: FastifyRequest,
  reply: FastifyReply,
  title: string,
  body: ReturnType<typeof html>,
  status: number,
) => FastifyReply;

interface Dependencies {
  readonly store: StateStore;
  readonly options: EntraSignInOptions;
  readonly secure: boolean;
  /** opens a session for the login and sets its cookie */
  readonly openSession: (reply: FastifyReply, username: string) => Promise<void>;
  readonly page: Page;
}

/** Whether an admin has signed in with Microsoft at least once: only then may local logins be switched off. */
export async function microsoftAdminHasSignedIn(store: StateStore): Promise<boolean> {
  return (await store.listUsers()).some((u) => isMicrosoftLogin(u.username) && u.role === 'admin');
}

function roleOf(claims: IdTokenClaims, entra: EntraConfig): WebRole | null {
  if (claims.groups?.includes(entra.adminGroupId)) return 'admin';
  if (claims.groups?.includes(entra.viewerGroupId)) return 'viewer';
  return null;
}

/**
 * Sign in with Microsoft: the authorization code flow with PKCE through MSAL, against the MSP's own tenant. The state
 * is bound to the browser by a cookie and used once; the id token's nonce, signature, issuer, audience and expiry are
 * checked; the role comes from the Entra group the account is in.
 */
export function registerEntraSignIn(app: FastifyInstance, deps: Dependencies): void {
  const { entra, publicUrl } = deps.options;
  const loginBaseUrl = deps.options.loginBaseUrl ?? null;
  const redirectUri = `${publicUrl.replace(/\/$/, '')}/auth/microsoft/callback`;
  const scopes = ['openid', 'profile'];
  const crypto = new CryptoProvider();
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: entra.clientId,
      clientSecret: entra.clientSecret,
      authority: `${LOGIN_HOST}/${entra.tenantId}`,
      ...offlineAuthorityMetadata(entra.tenantId),
    },
    system: { networkClient: fetchNetworkClient(loginBaseUrl) },
  });
  const pending = new Map<string, Pending>();
  let keys = new Map<string, KeyObject>();

  const keyOf = async (kid: string): Promise<KeyObject | null> => {
    if (!keys.has(kid)) {
      // Entra rolls its keys over: a key not seen yet means a fresh look at the published ones.
      const response = await fetch(loginAddress(loginBaseUrl, `${LOGIN_HOST}/${entra.tenantId}/discovery/v2.0/keys`), {
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { keys?: Record<string, unknown>[] };
      keys = new Map();
      for (const jwk of body.keys ?? []) {
        const key = publicKeyOf(jwk);
        if (key !== null && typeof jwk.kid === 'string') keys.set(jwk.kid, key);
      }
    }
    return keys.get(kid) ?? null;
  };

  const refused = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
    deps.page(
      request,
      reply,
      'Sign-in refused',
      html`<div class="card login">
        <div class="notice bad" role="alert">${message}</div>
        <p><a href="/login">Back to sign in</a></p>
      </div>`,
      status,
    );

  app.get('/auth/microsoft', { config: { access: 'public' } }, async (request, reply) => {
    const next = sameSitePath((request.query as { next?: unknown }).next);
    const { verifier, challenge } = await crypto.generatePkceCodes();
    const state = newToken();
    const nonce = newToken();
    const browser = newToken();
    const now = Date.now();
    for (const [key, entry] of pending)
      if (entry.expiresAt <= now || pending.size >= PENDING_LIMIT) pending.delete(key);
    pending.set(state, {
      browser: tokenDigest(browser),
      verifier,
      nonce,
      next,
      expiresAt: now + FLOW_MINUTES * 60_000,
    });
    const url = await msal.getAuthCodeUrl({
      redirectUri,
      scopes,
      state,
      nonce,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      responseMode: 'query',
    });
    // Lax, not strict: Microsoft's page sends the browser back here, and a strict cookie would stay behind.
    reply.setCookie(FLOW_COOKIE, browser, {
      path: '/auth/microsoft',
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secure,
      maxAge: FLOW_MINUTES * 60,
    });
    return reply.redirect(loginAddress(loginBaseUrl, url), 302);
  });

  app.get('/auth/microsoft/callback', { config: { access: 'public' } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const state = typeof query.state === 'string' ? query.state : '';
    const entry = pending.get(state);
    pending.delete(state);
    reply.clearCookie(FLOW_COOKIE, { path: '/auth/microsoft' });
    const browser = request.cookies[FLOW_COOKIE];
    if (
      entry === undefined ||
      entry.expiresAt <= Date.now() ||
      browser === undefined ||
      tokenDigest(browser) !== entry.browser
    )
      return refused(
        request,
        reply,
        400,
        'This sign-in was not started in this browser, was used already or is out of date. Start again with "Sign in with Microsoft".',
      );
    if (typeof query.error === 'string') {
      const description =
        typeof query.error_description === 'string' ? query.error_description.split('\n')[0]! : query.error;
      return refused(request, reply, 401, `Microsoft did not sign you in: ${description}`);
    }
    const code = typeof query.code === 'string' ? query.code : '';
    let idToken: string;
    try {
      const result = await msal.acquireTokenByCode(
        { code, redirectUri, scopes, codeVerifier: entry.verifier, nonce: entry.nonce, state },
        { code, state, nonce: entry.nonce },
      );
      idToken = result.idToken;
    } catch (error) {
      const message = (error as Error).message ?? '';
      request.log.warn({ error: message.split('\n')[0] }, 'signing in with Microsoft failed');
      const aadsts = /AADSTS\d+/.exec(message)?.[0];
      return refused(
        request,
        reply,
        502,
        `Microsoft refused the sign-in${aadsts === undefined ? '' : ` (${aadsts})`}. Start again with "Sign in with Microsoft"; if it keeps failing, check web.entra in the config.`,
      );
    }
    let verdict: IdTokenCheck;
    try {
      verdict = await checkIdToken(idToken, keyOf, {
        issuer: `https://login.microsoftonline.com/${entra.tenantId}/v2.0`,
        audience: entra.clientId,
        nonce: entry.nonce,
        now: Date.now(),
      });
    } catch (error) {
      request.log.warn({ error: (error as Error).message }, "reading Microsoft's signing keys failed");
      return refused(
        request,
        reply,
        502,
        "Microsoft's signing keys could not be read, so the sign-in cannot be checked. Try again in a minute.",
      );
    }
    if (!verdict.ok) {
      request.log.warn({ why: verdict.why }, 'a Microsoft id token was refused');
      return refused(request, reply, 401, `The answer from Microsoft was refused: ${verdict.why}. Start again.`);
    }
    const { claims } = verdict;
    const who = claims.preferredUsername ?? claims.oid;
    const username = `${MICROSOFT_LOGIN_PREFIX}${who}`;
    const role = roleOf(claims, entra);
    if (role === null) {
      await deps.store.audit(`web:${username}`, 'login.failed', username, { ip: request.ip, via: 'microsoft' });
      return refused(
        request,
        reply,
        403,
        claims.groups === null
          ? `You signed in with Microsoft as ${who}, but the token lists none of your groups (you are in too many for it). In the app registration's token configuration, send the groups assigned to the application.`
          : `You signed in with Microsoft as ${who}, but you are in neither of the Entra groups allowed here. Ask an admin to add you to the viewers' or the admins' group.`,
      );
    }
    const existing = await deps.store.getUser(username);
    if (existing === null) await deps.store.addUser(username, '!microsoft', role);
    else if (existing.role !== role && (await deps.store.changeUser(username, { kind: 'role', role })) === 'last-admin')
      return refused(
        request,
        reply,
        403,
        `You are no longer in the admins' group, and ${username} is the only admin: another admin must be added first.`,
      );
    await deps.openSession(reply, username);
    await deps.store.audit(`web:${username}`, 'login', username, {
      ip: request.ip,
      via: 'microsoft',
      name: claims.name ?? who,
      role,
    });
    // The session cookie is strict, and a redirect that began on Microsoft's page would leave it behind: the next page
    // is reached from this one instead.
    return deps.page(
      request,
      reply,
      'Signed in',
      html`<meta http-equiv="refresh" content="0;url=${entry.next}" />
        <div class="card login">
          <p>Signed in with Microsoft as ${who}. <a href="${entry.next}">Continue</a></p>
        </div>`,
      200,
    );
  });
}
