/**
 * A redirect refused because the request carried a credential (an API key, a password, a client secret, a token) and
 * the redirect pointed at another origin: fetch would have sent the key, or a 307's body with the password, there.
 */
export class CrossOriginRedirect extends Error {
  constructor(
    readonly status: number,
    /** where the credential was meant to go, and where it was sent: origins only, never a path or query */
    readonly from: string,
    readonly to: string,
  ) {
    super(`redirected (${status}) from ${from} to ${to}, another address: the credential was not sent there`);
    this.name = 'CrossOriginRedirect';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * Built-in fetch for a request that carries a credential: redirects within the same origin are followed (as fetch
 * would), one to another origin throws `CrossOriginRedirect` before anything is sent there.
 */
export async function fetchWithCredential(url: string, init: RequestInit): Promise<Response> {
  let current = new URL(url);
  let request: RequestInit = { ...init, redirect: 'manual' };
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, request);
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new CrossOriginRedirect(response.status, current.origin, 'an address that is not valid');
    }
    if (next.origin !== current.origin) throw new CrossOriginRedirect(response.status, current.origin, next.origin);
    if (hop >= MAX_REDIRECTS) throw new CrossOriginRedirect(response.status, current.origin, 'itself, again and again');
    // As fetch does: a 303, or a 301/302 after a POST, is followed by a GET without the body.
    const method = (request.method ?? 'GET').toUpperCase();
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      const { body: _dropped, ...rest } = request;
      request = { ...rest, method: 'GET' };
    }
    current = next;
  }
}
