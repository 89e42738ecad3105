import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'contactsync_device';
export const DEVICE_COOKIE_DAYS = 365;

/**
 * A browser where a person signed in before: a random id signed together with the login name. Sign-in failures sent
 * from elsewhere (other addresses, other browsers) never lock out a browser that shows one for the name being signed
 * in to; its own failures are limited on their own. Only a successful sign-in makes one, for that name alone, so a
 * stranger cannot make one for someone else. The name is signed exactly as it signs in: logins are matched exactly, so
 * a cookie of `Victim` must not count as one of `victim`.
 */
export class DeviceCookies {
  constructor(private readonly key: string) {}

  private mac(id: string, name: string): Buffer {
    return createHmac('sha256', this.key).update(`${id}\u0000${name}`).digest();
  }

  /** A cookie value for `name` (keeping the browser's id when it has one). */
  issue(name: string, id: string = randomBytes(16).toString('base64url')): string {
    return `${id}.${this.mac(id, name).toString('base64url')}`;
  }

  /** The browser's id when `value` was issued for `name`; null otherwise. */
  verify(value: string | undefined, name: string): string | null {
    if (value === undefined || name === '') return null;
    const [id, signature, extra] = value.split('.');
    if (id === undefined || signature === undefined || extra !== undefined || !/^[\w-]{16,64}$/.test(id)) return null;
    const given = Buffer.from(signature, 'base64url');
    const wanted = this.mac(id, name);
    return given.length === wanted.length && timingSafeEqual(given, wanted) ? id : null;
  }
}
