import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { webAddresses } from '../../src/web/web-addresses.ts';

const info = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({
    address,
    family,
    internal,
    netmask: '',
    mac: '',
    cidr: null,
    ...(family === 'IPv6' ? { scopeid: 0 } : {}),
  }) as NetworkInterfaceInfo;

const machine = {
  lo: [info('127.0.0.1', 'IPv4', true), info('::1', 'IPv6', true)],
  eth0: [info('192.168.1.20', 'IPv4'), info('fd00::2', 'IPv6'), info('fe80::1', 'IPv6')],
  wlan0: [info('10.0.0.7', 'IPv4')],
};

describe('where the web UI can be reached', () => {
  it('is the host it listens on, when that is one address or name', () => {
    expect(webAddresses('127.0.0.1', 8080, machine)).toEqual({ allInterfaces: false, urls: ['http://127.0.0.1:8080'] });
    expect(webAddresses('contactsync.lan', 80, machine).urls).toEqual(['http://contactsync.lan:80']);
    expect(webAddresses('fd00::2', 8080, machine).urls).toEqual(['http://[fd00::2]:8080']);
  });

  it('on 0.0.0.0, is each IPv4 address of the machine, its network ones before loopback', () => {
    expect(webAddresses('0.0.0.0', 8080, machine)).toEqual({
      allInterfaces: true,
      urls: ['http://192.168.1.20:8080', 'http://10.0.0.7:8080', 'http://127.0.0.1:8080'],
    });
  });

  it('on ::, the IPv6 addresses too, but not link-local ones a browser cannot take without a zone', () => {
    expect(webAddresses('::', 8080, machine).urls).toEqual([
      'http://192.168.1.20:8080',
      'http://10.0.0.7:8080',
      'http://[fd00::2]:8080',
      'http://127.0.0.1:8080',
      'http://[::1]:8080',
    ]);
  });
});
