import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * Where an alert may go. Link-local addresses (cloud metadata services live there, 169.254.169.254), the other
 * metadata addresses of the large clouds (AWS fd00:ec2::254, Alibaba 100.100.100.200, Azure 168.63.129.16), the
 * local-use NAT64 prefix and multicast are never reached; loopback and private networks only when the channel says `allowPrivateNetwork` (a relay on the LAN),
 * so that a webhook or an SMTP host cannot be turned against this server's own neighbourhood. The same rules hold for
 * every spelling of an address (decimal or hex IPv4 is normalized by the URL parser; IPv4 inside IPv6 is unwrapped
 * here) and for the addresses a name resolves to when the message is sent.
 */
type AddressKind = 'public' | 'private' | 'forbidden';

type Range = readonly [base: number, bits: number, kind: Exclude<AddressKind, 'public'>];

const ip4 = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

/** The first range that holds an address gives its kind: the single metadata addresses come before their networks. */
const IPV4_RANGES: readonly Range[] = [
  [ip4(169, 254, 0, 0), 16, 'forbidden'],
  // Alibaba Cloud's metadata service (inside 100.64.0.0/10) and Azure's wire server (a public address).
  [ip4(100, 100, 100, 200), 32, 'forbidden'],
  [ip4(168, 63, 129, 16), 32, 'forbidden'],
  [ip4(224, 0, 0, 0), 3, 'forbidden'],
  [ip4(0, 0, 0, 0), 8, 'private'],
  [ip4(127, 0, 0, 0), 8, 'private'],
  [ip4(10, 0, 0, 0), 8, 'private'],
  [ip4(172, 16, 0, 0), 12, 'private'],
  [ip4(192, 168, 0, 0), 16, 'private'],
  [ip4(100, 64, 0, 0), 10, 'private'],
  [ip4(192, 0, 0, 0), 24, 'private'],
  [ip4(198, 18, 0, 0), 15, 'private'],
];

function kindOfIpv4(address: number): AddressKind {
  for (const [base, bits, kind] of IPV4_RANGES) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    if ((address & mask) >>> 0 === base) return kind;
  }
  return 'public';
}

function parseIpv4(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
  return ip4(a, b, c, d);
}

const groupsOf = (s: string | null | undefined): string[] =>
  s === null || s === undefined || s === '' ? [] : s.split(':');

/** The kind of the IPv4 address carried in two 16-bit groups of an IPv6 address. */
const embedded = (hi: number, lo: number): AddressKind => kindOfIpv4(((hi << 16) | lo) >>> 0);

/** The eight 16-bit groups of an IPv6 address (with a dotted IPv4 tail, a zone id or brackets allowed). */
function ipv6Groups(text: string): number[] {
  let address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (dotted !== undefined) {
    const v4 = parseIpv4(dotted);
    address = `${address.slice(0, -dotted.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = address.includes('::') ? address.split('::') : [address, null];
  const left = groupsOf(head).map((g) => parseInt(g, 16));
  const right = groupsOf(tail).map((g) => parseInt(g, 16));
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function kindOfIpv6(groups: readonly number[]): AddressKind {
  const g = (i: number) => groups[i] ?? 0;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((x) => x === 0);
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d, and :: and ::1 with them) and NAT64 (64:ff9b::a.b.c.d)
  if (zeros(0, 5) && (g(5) === 0xffff || g(5) === 0)) return embedded(g(6), g(7));
  if (g(0) === 0x64 && g(1) === 0xff9b && zeros(2, 6)) return embedded(g(6), g(7));
  // The local-use NAT64 prefix (64:ff9b:1::/48) places the IPv4 address as each network chooses: never reached.
  if (g(0) === 0x64 && g(1) === 0xff9b && g(2) === 1) return 'forbidden';
  // AWS's metadata service over IPv6 (fd00:ec2::254), inside the private fc00::/7.
  if (g(0) === 0xfd00 && g(1) === 0xec2 && zeros(2, 7) && g(7) === 0x254) return 'forbidden';
  // 6to4 (2002:a.b.c.d::/48) carries an IPv4 address too
  if (g(0) === 0x2002) return embedded(g(1), g(2));
  if ((g(0) & 0xffc0) === 0xfe80) return 'forbidden';
  if ((g(0) & 0xff00) === 0xff00) return 'forbidden';
  if ((g(0) & 0xfe00) === 0xfc00) return 'private';
  if ((g(0) & 0xffc0) === 0xfec0) return 'private';
  return 'public';
}

/** What kind of address `text` is (an IPv4 or IPv6 literal, brackets allowed); null when it is not an address. */
export function addressKind(text: string): AddressKind | null {
  const bare = text.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return kindOfIpv4(parseIpv4(bare));
  if (isIPv6(bare.replace(/%.*$/, ''))) return kindOfIpv6(ipv6Groups(bare));
  return null;
}

/** Names that are this machine, whatever DNS says. */
function isLocalName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** Why an alert may not go to `host` (a name or an address), or null when it may. */
export function destinationProblem(host: string, allowPrivateNetwork: boolean): string | null {
  const kind = isLocalName(host) ? 'private' : (addressKind(host) ?? addressKind(canonicalHost(host)));
  return problemOf(kind, allowPrivateNetwork);
}

/** A host as a URL spells it: `2130706433` and `0x7f.1` are 127.0.0.1 (an SMTP host is not given as a URL). */
function canonicalHost(host: string): string {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return host;
  }
}

/**
 * With `allowPrivateNetwork`, a test alert's failure (refused at once, or a timeout) tells whether a LAN port is open:
 * only admins set the flag and send tests, so that is accepted; without it, no private address is ever tried.
 */
function problemOf(kind: AddressKind | null, allowPrivateNetwork: boolean): string | null {
  if (kind === 'forbidden') return 'it is a link-local, metadata or multicast address, where alerts are never sent';
  if (kind === 'private' && !allowPrivateNetwork)
    return 'it is on this machine or a private network: set "allowPrivateNetwork": true on the channel if that is meant';
  return null;
}

/** A refused destination, found when the message was about to be sent. */
export class DestinationRefused extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'DestinationRefused';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for `net.connect` and `http.request` that refuses a name resolving to an address the channel may not
 * reach: the address checked is the one connected to, so a name that changes its answer between the check and the
 * connection (DNS rebinding) gains nothing.
 */
export function guardedLookup(allowPrivateNetwork: boolean) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const why = problemOf(addressKind(address), allowPrivateNetwork);
        // The address itself is not told: the answer of this network's DNS is none of the asker's business.
        if (why !== null)
          return callback(new DestinationRefused(`${hostname} resolves to an address that is refused: ${why}`), []);
      }
      if (options.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      return callback(null, first.address, first.family);
    });
  };
}

/** The addresses of `host`, each checked; for a client (nodemailer) that cannot take a lookup of ours. */
export async function checkedAddress(host: string, allowPrivateNetwork: boolean): Promise<string> {
  const literal = destinationProblem(host, allowPrivateNetwork);
  if (literal !== null) throw new DestinationRefused(`${host}: ${literal}`);
  if (addressKind(host) !== null) return host.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) =>
    guardedLookup(allowPrivateNetwork)(host, { all: true }, (error, addresses) => {
      if (error) return reject(error);
      const first = (addresses as LookupAddress[])[0];
      return first === undefined ? reject(new Error(`${host} has no address`)) : resolve(first.address);
    }),
  );
}
