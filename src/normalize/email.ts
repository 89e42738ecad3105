/** Email addresses: one canonical form for comparing and writing, and a validity check. */

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ASCII = /^[\x20-\x7e]*$/;
// An address already in canonical form: lower-case ASCII, a valid local part, at least two valid domain labels.
const CANONICAL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function domainToAscii(domain: string): string | null {
  if (ASCII.test(domain)) return domain;
  try {
    // The WHATWG URL parser applies UTS #46 (IDNA) to the host: the same conversion browsers and mail servers use.
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * Trim, Unicode NFC, lower-case, internationalized domain to ASCII. Returns null when the result is not a
 * deliverable-looking address (the documentation platform refuses those), so callers can report the value instead of writing it.
 */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  // Most addresses are canonical already: they are returned as they are, without building a new string.
  if (raw.length <= 254 && CANONICAL.test(raw) && raw.indexOf('@') <= 64) return raw;
  let value = raw.trim();
  if (value.startsWith('<') && value.endsWith('>')) value = value.slice(1, -1).trim();
  if (!ASCII.test(value)) value = value.normalize('NFC');
  value = value.toLowerCase();
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return null;
  const local = value.slice(0, at);
  const given = value.slice(at + 1);
  const domain = domainToAscii(given);
  if (domain === null || local.length > 64 || !LOCAL_PART.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  const address = domain === given ? value : `${local}@${domain}`;
  return address.length > 254 ? null : address;
}
