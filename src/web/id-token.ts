import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/** The claims of a Microsoft id token that signing in uses. */
export interface IdTokenClaims {
  readonly oid: string;
  readonly tid: string;
  readonly name: string | null;
  readonly preferredUsername: string | null;
  /** the group ids of the `groups` claim; null when Entra left them out (more groups than fit: "overage") */
  readonly groups: readonly string[] | null;
}

export type IdTokenCheck =
  | { readonly ok: true; readonly claims: IdTokenClaims }
  | { readonly ok: false; readonly why: string };

interface Expected {
  readonly issuer: string;
  readonly audience: string;
  readonly nonce: string;
  readonly now: number;
}

function part(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Checks an id token as MSAL does not: MSAL compares the nonce, but not the signature, the issuer, the audience or
 * the expiry. The keys are the tenant's published signing keys (RS256), found by the token's `kid`.
 */
export async function checkIdToken(
  token: string,
  keyOf: (kid: string) => Promise<KeyObject | null>,
  expected: Expected,
): Promise<IdTokenCheck> {
  const pieces = token.split('.');
  if (pieces.length !== 3) return { ok: false, why: 'the id token is not a JWT' };
  const [header64, payload64, signature64] = pieces as [string, string, string];
  const header = part(header64);
  const claims = part(payload64);
  if (header === null || claims === null) return { ok: false, why: 'the id token cannot be read' };
  if (header.alg !== 'RS256') return { ok: false, why: `the id token is signed with ${String(header.alg)}, not RS256` };
  const key = await keyOf(String(header.kid ?? ''));
  if (key === null) return { ok: false, why: 'the id token is signed with a key the tenant does not publish' };
  const signed = verify('sha256', Buffer.from(`${header64}.${payload64}`), key, Buffer.from(signature64, 'base64url'));
  if (!signed) return { ok: false, why: 'the id token signature is wrong' };
  if (claims.iss !== expected.issuer) return { ok: false, why: `the id token comes from ${String(claims.iss)}` };
  if (claims.aud !== expected.audience) return { ok: false, why: 'the id token was made for another app' };
  if (claims.nonce !== expected.nonce) return { ok: false, why: 'the id token answers another sign-in (nonce)' };
  // Entra allows five minutes of clock skew.
  const skew = 5 * 60;
  const seconds = expected.now / 1000;
  if (typeof claims.exp !== 'number' || claims.exp + skew < seconds)
    return { ok: false, why: 'the id token has expired' };
  if (typeof claims.nbf === 'number' && claims.nbf - skew > seconds)
    return { ok: false, why: 'the id token is not valid yet' };
  const oid = text(claims.oid);
  const tid = text(claims.tid);
  if (oid === null || tid === null) return { ok: false, why: 'the id token names no account (oid, tid)' };
  const groups = Array.isArray(claims.groups) ? claims.groups.filter((g): g is string => typeof g === 'string') : null;
  return {
    ok: true,
    claims: { oid, tid, name: text(claims.name), preferredUsername: text(claims.preferred_username), groups },
  };
}

/** A key of a JWKS answer, or null when it is not an RSA signing key. */
export function publicKeyOf(jwk: Record<string, unknown>): KeyObject | null {
  if (jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) return null;
  try {
    return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return null;
  }
}
