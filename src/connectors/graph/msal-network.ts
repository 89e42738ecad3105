import { AuthError, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { CrossOriginRedirect, fetchWithCredential } from '../http/credential-fetch.ts';

/** MSAL's error code for a login request whose redirect to another address was refused (the secret stayed home). */
export const REDIRECT_REFUSED = 'redirect_refused';

/** Microsoft's login host, which MSAL insists on (it refuses `http://` authorities). */
export const LOGIN_HOST = 'https://login.microsoftonline.com';

/**
 * What MSAL would otherwise discover over the network for a tenant's authority, given up front so that it makes no
 * discovery calls: only the token request goes out.
 */
export function offlineAuthorityMetadata(tenantId: string): {
  authorityMetadata: string;
  cloudDiscoveryMetadata: string;
} {
  const base = `${LOGIN_HOST}/${tenantId}`;
  return {
    authorityMetadata: JSON.stringify({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      issuer: `https://login.microsoftonline.com/${tenantId}/v2.0`,
      jwks_uri: `${LOGIN_HOST}/${tenantId}/discovery/v2.0/keys`,
    }),
    cloudDiscoveryMetadata: JSON.stringify({
      tenant_discovery_endpoint: `${base}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [
        {
          preferred_network: 'login.microsoftonline.com',
          preferred_cache: 'login.windows.net',
          aliases: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
        },
      ],
    }),
  };
}

async function send<T>(
  method: 'GET' | 'POST',
  url: string,
  options: NetworkRequestOptions | undefined,
  timeoutMs: number,
): Promise<NetworkResponse<T>> {
  const init: RequestInit = { method, signal: AbortSignal.timeout(timeoutMs) };
  if (options?.headers !== undefined) init.headers = options.headers;
  if (options?.body !== undefined) init.body = options.body;
  let response: Response;
  try {
    // The token request carries the client secret (or a signed assertion) in its body: a 307 must not take it away.
    response = await fetchWithCredential(url, init);
  } catch (error) {
    // An AuthError passes through MSAL unchanged, with its message; any other error becomes a bare "network_error".
    if (error instanceof CrossOriginRedirect)
      throw new AuthError(
        REDIRECT_REFUSED,
        '',
        `Microsoft's login endpoint answered with a redirect (${error.status}) to ${error.to}, another address than ${error.from}; the client secret was not sent there. Check the login address in the config.`,
      );
    throw error;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    headers[key] = value;
  });
  const text = await response.text();
  let body: unknown = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = {
      error: 'invalid_response',
      error_description: `the login endpoint answered ${response.status} with a body that is not JSON`,
    };
  }
  return { headers, body: body as T, status: response.status };
}

/** An address on Microsoft's login host, moved to the login simulator when `loginBaseUrl` is given. */
export function loginAddress(loginBaseUrl: string | null, url: string): string {
  return loginBaseUrl !== null && url.startsWith(LOGIN_HOST)
    ? loginBaseUrl.replace(/\/$/, '') + url.slice(LOGIN_HOST.length)
    : url;
}

/**
 * MSAL's network client over built-in fetch. With `loginBaseUrl` (the login simulator), requests for Microsoft's
 * login host go there instead; everything else MSAL does is unchanged.
 */
export function fetchNetworkClient(loginBaseUrl: string | null, timeoutMs = 30_000): INetworkModule {
  const target = (url: string): string => loginAddress(loginBaseUrl, url);
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
      send<T>('GET', target(url), options, timeout ?? timeoutMs),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) =>
      send<T>('POST', target(url), options, timeoutMs),
  };
}
