import { normalizeEmail } from './email.ts';

interface MailboxAddresses {
  /** the `SMTP:` address */
  readonly primary: string | null;
  /** the `smtp:` addresses, without the primary and without duplicates or case variants */
  readonly aliases: readonly string[];
  /** `smtp:`/`SMTP:` entries that are not valid addresses, as given */
  readonly invalid: readonly string[];
}

/**
 * Reads Exchange's `proxyAddresses`: `SMTP:` (upper-case) marks the primary address, `smtp:` an alias;
 * other prefixes (`SIP:`, `X500:`, ...) are not email and are ignored.
 */
export function parseProxyAddresses(entries: readonly string[]): MailboxAddresses {
  let primary: string | null = null;
  const aliases = new Set<string>();
  const invalid: string[] = [];
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const prefix = entry.slice(0, colon);
    if (prefix.toLowerCase() !== 'smtp') continue;
    const address = normalizeEmail(entry.slice(colon + 1));
    if (address === null) {
      invalid.push(entry);
      continue;
    }
    if (prefix === 'SMTP' && primary === null) primary = address;
    else aliases.add(address);
  }
  if (primary !== null) aliases.delete(primary);
  return { primary, aliases: [...aliases], invalid };
}
