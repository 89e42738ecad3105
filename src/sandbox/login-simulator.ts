import { createPublicKey, createVerify, verify as verifySignature, constants, type KeyObject } from 'node:crypto';
import type { SimClock } from './sim-clock.ts';
import { json, randomToken, SimServer, type LoggedRequest, type SimResponse } from './sim-server.ts';
import { SignInSimulator } from './sign-in-simulator.ts';

export interface RegisteredApp {
  readonly clientId: string;
  /** a client secret, or null for an app that signs in with a certificate only */
  readonly clientSecret: string | null;
  /** the PEM of the app's certificate (or public key), for client assertions */
  readonly certificatePem?: string;
  /** the tenants that granted admin consent; all known tenants when absent */
  readonly consentedTenants?: readonly string[];
  /** where the authorization code flow may send people back to */
  readonly redirectUris?: readonly string[];
}

export interface IssuedToken {
  readonly tenantId: string;
  readonly clientId: string;
  readonly expiresAt: number;
}

export type TokenCheck =
  | { readonly ok: true; readonly token: IssuedToken }
  | { readonly ok: false; readonly reason: 'missing' | 'invalid' | 'expired' };

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

function aadError(status: number, error: string, code: number, description: string): SimResponse {
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const traceId = crypto.randomUUID();
  const correlationId = crypto.randomUUID();
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
  });
}

function base64UrlJson(part: string): Record<string, unknown> | null {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Checks a client assertion (a JWT signed with the app's certificate, RS256 or PS256) for this token endpoint. */
function assertionValid(assertion: string, key: KeyObject, clientId: string, now: number): boolean {
  const parts = assertion.split('.');
  if (parts.length !== 3) return false;
  const [header64, payload64, signature64] = parts as [string, string, string];
  const header = base64UrlJson(header64);
  const payload = base64UrlJson(payload64);
  if (header === null || payload === null) return false;
  const signed = Buffer.from(`${header64}.${payload64}`);
  const signature = Buffer.from(signature64, 'base64url');
  let valid = false;
  if (header.alg === 'RS256') valid = createVerify('RSA-SHA256').update(signed).verify(key, signature);
  else if (header.alg === 'PS256') {
    valid = verifySignature(
      'sha256',
      signed,
      { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
      signature,
    );
  }
  const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
  // Entra allows five minutes of clock skew.
  return valid && payload.iss === clientId && payload.sub === clientId && exp > now - 5 * 60_000;
}

/**
 * The Microsoft identity platform's token endpoint, per tenant: `POST /{tenantId}/oauth2/v2.0/token`, for the
 * client-credentials flow and (through `signIns`) the authorization code flow. Errors have Entra's shape (`error`, `error_description` with an AADSTS code).
 */
export class LoginSimulator {
  readonly server: SimServer;
  /** people signing in to an app by the authorization code flow */
  readonly signIns: SignInSimulator;
  private readonly apps = new Map<string, RegisteredApp & { key: KeyObject | null }>();
  private readonly tenants = new Set<string>();
  private readonly tokens = new Map<string, IssuedToken>();
  tokenLifetimeSeconds = 3599;
  tokensIssued = 0;

  constructor(
    log: LoggedRequest[],
    private readonly clock: SimClock,
  ) {
    this.server = new SimServer({
      name: 'login',
      log,
      faultBody: (status) =>
        aadError(
          status,
          status === 429 ? 'temporarily_unavailable' : 'server_error',
          90033,
          'A transient error has occurred. Please try again.',
        ),
    });
    this.server.route('POST', '/{tenant}/oauth2/v2.0/token', (request) =>
      this.token(request.params.tenant!, request.body, request.headers['content-type'] ?? ''),
    );
    this.signIns = new SignInSimulator(this.server, clock, {
      tenant: (tenantId) => this.tenants.has(tenantId.toLowerCase()),
      redirectUris: (clientId) => {
        const app = this.apps.get(clientId);
        return app === undefined ? null : (app.redirectUris ?? []);
      },
      aadError,
    });
  }

  addTenant(tenantId: string): void {
    this.tenants.add(tenantId.toLowerCase());
  }

  registerApp(app: RegisteredApp): void {
    this.apps.set(app.clientId, {
      ...app,
      key: app.certificatePem === undefined ? null : createPublicKey(app.certificatePem),
    });
  }

  /** Every token issued so far stops working, as after a long pause. */
  expireAllTokens(): void {
    for (const [token, issued] of this.tokens) this.tokens.set(token, { ...issued, expiresAt: 0 });
  }

  check(authorization: string | undefined): TokenCheck {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (match === null) return { ok: false, reason: 'missing' };
    const token = this.tokens.get(match[1]!.trim());
    if (token === undefined) return { ok: false, reason: 'invalid' };
    if (token.expiresAt <= this.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, token };
  }

  private token(tenantPath: string, body: string, contentType: string): SimResponse {
    if (!contentType.includes('application/x-www-form-urlencoded')) {
      return aadError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    const form = new URLSearchParams(body);
    const tenantId = tenantPath.toLowerCase();
    if (!this.tenants.has(tenantId)) {
      return aadError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenantPath}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials' && grant !== 'authorization_code') {
      return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    const clientId = form.get('client_id') ?? '';
    const app = this.apps.get(clientId);
    if (app === undefined) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenantPath}'.`,
      );
    }
    if (app.consentedTenants !== undefined && !app.consentedTenants.some((t) => t.toLowerCase() === tenantId)) {
      return aadError(
        400,
        'invalid_client',
        7000229,
        `The client application ${clientId} is missing service principal in the tenant ${tenantPath}. An administrator of the tenant must grant admin consent to the application.`,
      );
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (app.clientSecret === null || secret !== app.clientSecret) {
        return aadError(
          401,
          'invalid_client',
          7000215,
          'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.',
        );
      }
    } else if (assertion !== null) {
      if (app.key === null || !assertionValid(assertion, app.key, clientId, this.clock.now())) {
        return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
      }
    } else {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (grant === 'authorization_code') return this.signIns.redeem(tenantId, clientId, form);
    const scope = form.get('scope') ?? '';
    if (!scope.split(' ').includes(GRAPH_SCOPE)) {
      return aadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
      );
    }
    const accessToken = randomToken('eyJ0eXAiOiJKV1Qi.');
    this.tokens.set(accessToken, {
      tenantId,
      clientId,
      expiresAt: this.clock.now() + this.tokenLifetimeSeconds * 1000,
    });
    this.tokensIssued += 1;
    return json(200, {
      token_type: 'Bearer',
      expires_in: this.tokenLifetimeSeconds,
      ext_expires_in: this.tokenLifetimeSeconds,
      access_token: accessToken,
    });
  }
}
