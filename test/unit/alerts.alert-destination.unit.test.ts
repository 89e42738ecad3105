import { describe, expect, it } from 'vitest';
import { addressKind, destinationProblem } from '../../src/config/alert-destination.ts';

describe('addressKind', () => {
  it.each([
    ['169.254.169.254', 'forbidden'],
    ['169.254.0.1', 'forbidden'],
    ['[fe80::1]', 'forbidden'],
    ['febf:ffff::1', 'forbidden'],
    ['::ffff:169.254.169.254', 'forbidden'],
    ['::ffff:a9fe:a9fe', 'forbidden'],
    ['64:ff9b::a9fe:a9fe', 'forbidden'],
    ['2002:a9fe:a9fe::1', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['ff02::1', 'forbidden'],
    // The metadata services of the large clouds, whatever allowPrivateNetwork says.
    ['fd00:ec2::254', 'forbidden'],
    ['[fd00:ec2:0:0:0:0:0:254]', 'forbidden'],
    ['100.100.100.200', 'forbidden'],
    ['::ffff:100.100.100.200', 'forbidden'],
    ['168.63.129.16', 'forbidden'],
    ['64:ff9b::a83f:8110', 'forbidden'],
    // The local-use NAT64 prefix carries an IPv4 address where each network puts it.
    ['64:ff9b:1::a9fe:a9fe', 'forbidden'],
    ['64:ff9b:1:a9fe:a9:fe00::', 'forbidden'],
    ['168.63.129.17', 'public'],
    ['127.0.0.1', 'private'],
    ['127.255.255.254', 'private'],
    ['0.0.0.0', 'private'],
    ['[::1]', 'private'],
    ['::', 'private'],
    ['[::ffff:7f00:1]', 'private'],
    ['::ffff:127.0.0.1', 'private'],
    ['10.20.30.40', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.100.100.201', 'private'],
    ['fd00:ec2::253', 'private'],
    ['fd00::1', 'private'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['hooks.slack.com', null],
  ])('%s is %s', (address, kind) => {
    expect(addressKind(address)).toBe(kind);
  });
});

describe('destinationProblem', () => {
  it('reads an SMTP host in decimal or hex as the address it is, and names for this machine as loopback', () => {
    expect(destinationProblem('2852039166', true)).toMatch(/link-local/);
    expect(destinationProblem('0x7f000001', false)).toMatch(/private network/);
    expect(destinationProblem('LOCALHOST.', false)).toMatch(/private network/);
    expect(destinationProblem('mail.localhost', true)).toBeNull();
    expect(destinationProblem('smtp.office365.com', false)).toBeNull();
  });

  it('refuses the clouds’ metadata addresses even to a channel that may reach private networks', () => {
    for (const host of ['[fd00:ec2::254]', '100.100.100.200', '168.63.129.16', '[64:ff9b:1::a9fe:a9fe]'])
      expect(destinationProblem(host, true), host).toMatch(/metadata/);
  });
});
