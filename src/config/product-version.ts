import { readFileSync } from 'node:fs';

/** contactsync's version, from its package.json (two levels up from here, in src/ and in dist/ alike). */
export function productVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}
