import { isIP } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export interface WebAddresses {
  /** whether the server listens on every interface of the machine (0.0.0.0 or ::) */
  readonly allInterfaces: boolean;
  /** the addresses a browser can use, the machine's network ones before loopback */
  readonly urls: readonly string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

function url(host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * Where the web UI can be reached, given the host it listens on: that host itself, or, on every interface, each
 * address of the machine (IPv6 ones too when it listens on `::`; link-local IPv6 addresses need a zone a browser
 * cannot take, and are left out).
 */
export function webAddresses(
  host: string,
  port: number,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): WebAddresses {
  if (!WILDCARDS.has(host)) return { allInterfaces: false, urls: [url(host, port)] };
  const withV6 = host !== '0.0.0.0';
  const found = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' || (withV6 && !i.address.toLowerCase().startsWith('fe80:')))
    .toSorted(
      (a, b) => Number(a.internal) - Number(b.internal) || (a.family === b.family ? 0 : a.family === 'IPv4' ? -1 : 1),
    );
  return { allInterfaces: true, urls: [...new Set(found.map((i) => url(i.address, port)))] };
}
