import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sameSitePath } from '../../src/web/same-site-path.ts';

/** Where a browser goes when it follows `Location: path` from a page of this site. */
function browserTarget(path: string): string {
  // The WHATWG URL parser is the browser's: it drops tabs and newlines and reads `\` as `/` in http URLs.
  return new URL(path, 'http://contactsync.lan/login').host;
}

describe('the page after signing in', () => {
  it.each([
    ['/\\host/x', 'a backslash where the second slash would be'],
    ['/\thost/x', 'a tab, which browsers drop'],
    ['/\t/host/x', 'a tab before the second slash'],
    ['/\n/host', 'a newline'],
    ['//host/x', 'a protocol-relative URL'],
    ['///host', 'three slashes'],
    ['/\\\\host', 'two backslashes'],
    ['https://evil.example/', 'an absolute URL'],
    ['http:evil.example', 'a scheme with no slashes'],
    ['javascript:alert(1)', 'a script URL'],
    ['/%5Chost/x', 'an encoded backslash'],
    ['/%5chost/x', 'an encoded backslash, lower case'],
    ['/%2F/host', 'an encoded slash'],
    ['%2F%2Fhost', 'an encoded protocol-relative URL'],
    ['/%09/host', 'an encoded tab'],
    ['/%0d%0a/host', 'an encoded line break'],
    ['', 'nothing'],
    ['host/x', 'a relative path'],
  ])('refuses %j (%s) and goes to the dashboard', (next) => {
    expect(sameSitePath(next)).toBe('/');
  });

  it('refuses what is not a string, and an overlong path', () => {
    expect(sameSitePath(undefined)).toBe('/');
    expect(sameSitePath(['/a'])).toBe('/');
    expect(sameSitePath(`/${'a'.repeat(5000)}`)).toBe('/');
  });

  it('keeps a path of this site, with its query', () => {
    expect(sameSitePath('/tenants/11111111-1111-4111-8111-111111111111')).toBe(
      '/tenants/11111111-1111-4111-8111-111111111111',
    );
    expect(sameSitePath('/contacts?q=ann%20lee')).toBe('/contacts?q=ann%20lee');
    expect(sameSitePath('/tenants/Contoso%20Ltd/preview?outcome=held')).toBe(
      '/tenants/Contoso%20Ltd/preview?outcome=held',
    );
  });

  it('never sends a browser to another host, whatever it is given', () => {
    const pieces = fc.constantFrom('/', '\\', '\t', '\n', '%2F', '%5C', '%09', 'host', '.', ':', '@', '?', '#', 'a');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 8 }), (parts) => {
        const path = sameSitePath(parts.join(''));
        expect(browserTarget(path)).toBe('contactsync.lan');
        expect(browserTarget(decodeURIComponent(path))).toBe('contactsync.lan');
      }),
      { numRuns: 2000 },
    );
  });
});
