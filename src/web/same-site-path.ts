import { hasControlCharacters } from '../normalize/control-characters.ts';

const PROBE_ORIGIN = 'http://contactsync.invalid';

/**
 * The page to go to after signing in, when it is a path of this site; `/` for anything else. Browsers read a
 * backslash as a slash and drop tabs and newlines from a URL, so `/\host`, `/\t/host` and their percent-encoded forms
 * would leave the site as surely as `//host` or `https://host`: all of them are refused.
 */
export function sameSitePath(next: unknown): string {
  if (typeof next !== 'string' || next.length > 2048) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return '/';
  }
  for (const form of [next, decoded])
    if (!form.startsWith('/') || /^\/[/\\]/.test(form) || form.includes('\\') || hasControlCharacters(form)) return '/';
  const url = new URL(next, PROBE_ORIGIN);
  if (url.origin !== PROBE_ORIGIN) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith('//') ? '/' : path;
}
