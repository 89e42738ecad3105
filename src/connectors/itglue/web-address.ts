/** The account subdomain in an IT Glue web address (`https://msp.itglue.com/123/...` → `msp`), or null. */
export function itglueSubdomainOf(address: string): string | null {
  let host: string;
  try {
    host = new URL(address).hostname.toLowerCase();
  } catch {
    return null;
  }
  const match = /^([a-z0-9][a-z0-9-]*)\.(?:eu\.|au\.)?itglue\.com$/.exec(host);
  return match === null || match[1] === 'api' || match[1] === 'app' ? null : match[1]!;
}
