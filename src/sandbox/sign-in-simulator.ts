import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { SimClock } from './sim-clock.ts';
import { json, randomToken, type SimRequest, type SimResponse, type SimServer } from './sim-server.ts';

/** Someone who can sign in through the authorization code flow: an account of the MSP's own tenant. */
export interface SignInUser {
  readonly oid: string;
  readonly name: string;
  readonly preferredUsername: string;
  /** the ids of the Entra groups the account is in, sent in the id token's `groups` claim */
  readonly groups: readonly string[];
}

interface IssuedCode {
  readonly tenantId: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly nonce: string;
  readonly user: SignInUser;
  readonly expiresAt: number;
  redeemed: boolean;
}

type AadError = (status: number, error: string, code: number, description: string) => SimResponse;

const KEY_ID = 'sim-signing-key';

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * The authorization code flow with PKCE of the Microsoft identity platform: `GET /{tenant}/oauth2/v2.0/authorize`
 * signs in the chosen account (no login page: a control route or `signInAs` picks who) and redirects back with a code;
 * the token endpoint redeems the code once, for an id token signed with the simulator's own key (its JWKS at
 * `/{tenant}/discovery/v2.0/keys`).
 */
export class SignInSimulator {
  private readonly users = new Map<string, SignInUser>();
  private readonly codes = new Map<string, IssuedCode>();
  private current: string | null = null;
  /** an id token that a careful client must refuse: signed with a key that is not published, for another app, expired */
  idTokenFault: 'unpublished-key' | 'other-audience' | 'expired' | null = null;
  private key: { readonly privateKey: KeyObject; readonly jwk: Record<string, unknown> } | null = null;

  constructor(
    server: SimServer,
    private readonly clock: SimClock,
    private readonly known: {
      readonly tenant: (tenantId: string) => boolean;
      /** the redirect URIs registered for an app, or null for an unknown app */
      readonly redirectUris: (clientId: string) => readonly string[] | null;
      readonly aadError: AadError;
    },
  ) {
    server.route('GET', '/{tenant}/oauth2/v2.0/authorize', (request) => this.authorize(request));
    server.route('GET', '/{tenant}/discovery/v2.0/keys', () => json(200, { keys: [this.signingKey().jwk] }));
    server.route(
      'POST',
      '/_sim/sign-in-as',
      (request) => {
        let oid: unknown;
        try {
          oid = (JSON.parse(request.body || '{}') as { oid?: unknown }).oid;
        } catch {
          return json(400, { error: 'The body is not JSON: send {"oid": "…"}.' });
        }
        if (typeof oid !== 'string' || !this.users.has(oid)) return json(404, { error: 'No such test account.' });
        this.current = oid;
        return json(200, { oid });
      },
      { control: true },
    );
  }

  /** Adds a test account; the first one added is the one who signs in until `signInAs` picks another. */
  addUser(user: SignInUser): void {
    this.users.set(user.oid, user);
    this.current ??= user.oid;
  }

  signInAs(oid: string): void {
    if (!this.users.has(oid)) throw new Error(`no test account ${oid}`);
    this.current = oid;
  }

  private signingKey(): { privateKey: KeyObject; jwk: Record<string, unknown> } {
    if (this.key === null) {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const jwk = pair.publicKey.export({ format: 'jwk' });
      this.key = {
        privateKey: createPrivateKey(pair.privateKey.export({ format: 'pem', type: 'pkcs8' })),
        jwk: { ...jwk, kid: KEY_ID, use: 'sig', alg: 'RS256' },
      };
    }
    return this.key;
  }

  private authorize(request: SimRequest): SimResponse {
    const q = request.query;
    const tenantId = request.params.tenant!.toLowerCase();
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!this.known.tenant(tenantId))
      return this.known.aadError(400, 'invalid_request', 90002, `Tenant '${tenantId}' not found.`);
    const uris = this.known.redirectUris(clientId);
    if (uris === null)
      return this.known.aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantId}'.`,
      );
    // A redirect URI that is not registered gets an error page, never a redirect to it.
    if (!uris.includes(redirectUri))
      return this.known.aadError(
        400,
        'invalid_request',
        50011,
        `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
      );
    const back = (fields: Record<string, string>): SimResponse => {
      const target = new URL(redirectUri);
      for (const [name, value] of Object.entries(fields)) target.searchParams.set(name, value);
      const state = q.get('state');
      if (state !== null) target.searchParams.set('state', state);
      return { status: 302, headers: { location: target.toString() }, body: '' };
    };
    if (q.get('response_type') !== 'code')
      return back({
        error: 'unsupported_response_type',
        error_description: 'AADSTS700054: response_type is not code.',
      });
    if (!(q.get('scope') ?? '').split(' ').includes('openid'))
      return back({ error: 'invalid_scope', error_description: "AADSTS70011: The scope must include 'openid'." });
    const codeChallenge = q.get('code_challenge') ?? '';
    if (codeChallenge === '' || q.get('code_challenge_method') !== 'S256')
      return back({
        error: 'invalid_request',
        error_description:
          'AADSTS501491: Invalid size of Code_Challenge parameter, or a code_challenge_method other than S256.',
      });
    const user = this.current === null ? undefined : this.users.get(this.current);
    if (user === undefined)
      return back({ error: 'access_denied', error_description: 'AADSTS50020: No test account signs in.' });
    const code = randomToken('0.sim-code.');
    this.codes.set(code, {
      tenantId,
      clientId,
      redirectUri,
      codeChallenge,
      nonce: q.get('nonce') ?? '',
      user,
      expiresAt: this.clock.now() + 10 * 60_000,
      redeemed: false,
    });
    return back({ code });
  }

  /** The token endpoint's answer to `grant_type=authorization_code`, once the client has proved who it is. */
  redeem(tenantId: string, clientId: string, form: URLSearchParams): SimResponse {
    const issued = this.codes.get(form.get('code') ?? '');
    if (issued === undefined || issued.tenantId !== tenantId || issued.clientId !== clientId)
      return this.known.aadError(
        400,
        'invalid_grant',
        9002313,
        "The provided value for the 'code' parameter is not valid.",
      );
    if (issued.redeemed)
      return this.known.aadError(
        400,
        'invalid_grant',
        54005,
        'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      );
    if (issued.expiresAt <= this.clock.now())
      return this.known.aadError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code or refresh token has expired due to inactivity.',
      );
    if (form.get('redirect_uri') !== issued.redirectUri)
      return this.known.aadError(
        400,
        'invalid_grant',
        500117,
        'The reply uri specified in the request does not match the reply uri used to request the authorization code.',
      );
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== issued.codeChallenge)
      return this.known.aadError(
        400,
        'invalid_grant',
        501481,
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      );
    issued.redeemed = true;
    const now = Math.floor(this.clock.now() / 1000);
    const { user } = issued;
    const fault = this.idTokenFault;
    const issuedAt = fault === 'expired' ? now - 7200 : now;
    const idToken = this.jwt(
      {
        ver: '2.0',
        iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
        aud: fault === 'other-audience' ? 'another-app' : clientId,
        iat: issuedAt,
        nbf: issuedAt,
        exp: issuedAt + 3600,
        nonce: issued.nonce,
        oid: user.oid,
        sub: createHash('sha256').update(`${user.oid}:${clientId}`).digest('base64url'),
        tid: tenantId,
        name: user.name,
        preferred_username: user.preferredUsername,
        groups: user.groups,
      },
      fault === 'unpublished-key' ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey : null,
    );
    return json(200, {
      token_type: 'Bearer',
      scope: form.get('scope') ?? 'openid profile',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: randomToken('eyJ0eXAiOiJKV1Qi.'),
      id_token: idToken,
      client_info: Buffer.from(JSON.stringify({ uid: user.oid, utid: tenantId })).toString('base64url'),
    });
  }

  private jwt(claims: Record<string, unknown>, otherKey: KeyObject | null): string {
    const signed = `${part({ typ: 'JWT', alg: 'RS256', kid: KEY_ID })}.${part(claims)}`;
    return `${signed}.${sign('sha256', Buffer.from(signed), otherKey ?? this.signingKey().privateKey).toString('base64url')}`;
  }
}
