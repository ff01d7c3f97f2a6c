import { describe, expect, it } from 'vitest';
import { BlockedDestinationError, createNetworkPolicy } from './network-policy.ts';

const policy = createNetworkPolicy();

const blocked: Array<[label: string, address: string]> = [
  ['IPv4 loopback', '127.0.0.1'],
  ['IPv4 loopback, top of 127/8', '127.255.255.254'],
  ['private 10/8', '10.0.0.1'],
  ['private 10/8, top', '10.255.255.255'],
  ['private 172.16/12, bottom', '172.16.0.1'],
  ['private 172.16/12, top', '172.31.255.255'],
  ['private 192.168/16', '192.168.1.1'],
  ['link-local 169.254/16', '169.254.1.1'],
  ['cloud metadata 169.254.169.254', '169.254.169.254'],
  ['CGNAT 100.64/10', '100.64.0.1'],
  ['CGNAT 100.64/10, top', '100.127.255.254'],
  ['Alibaba metadata 100.100.100.200', '100.100.100.200'],
  ['unspecified 0.0.0.0', '0.0.0.0'],
  ['this-network 0/8', '0.1.2.3'],
  ['multicast 224/4', '224.0.0.1'],
  ['multicast 224/4, top', '239.255.255.255'],
  ['reserved 240/4', '240.0.0.1'],
  ['broadcast', '255.255.255.255'],
  ['benchmarking 198.18/15', '198.18.0.1'],
  ['benchmarking 198.18/15, second half', '198.19.255.254'],
  ['IPv6 loopback', '::1'],
  ['IPv6 unspecified', '::'],
  ['IPv6 link-local fe80::/10', 'fe80::1'],
  ['IPv6 link-local fe80::/10, top', 'febf::1'],
  ['IPv6 unique-local fc00::/7', 'fc00::1'],
  ['AWS IPv6 metadata fd00:ec2::254', 'fd00:ec2::254'],
  ['IPv6 multicast ff00::/8', 'ff02::1'],
  ['IPv4-mapped loopback, dotted', '::ffff:127.0.0.1'],
  ['IPv4-mapped loopback, hex', '::ffff:7f00:1'],
  ['IPv4-mapped metadata', '::ffff:169.254.169.254'],
  ['IPv4-mapped private', '::ffff:10.0.0.1'],
  ['6to4 embedding 127.0.0.1', '2002:7f00:1::'],
  ['NAT64 embedding 127.0.0.1', '64:ff9b::7f00:1'],
  ['Teredo 2001::/32', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  ['documentation 2001:db8::/32', '2001:db8::1'],
  ['IPv4-compatible loopback ::7f00:1', '::7f00:1'],
  ['IPv4-compatible loopback, dotted', '::127.0.0.1'],
  ['IPv4-compatible metadata ::a9fe:a9fe', '::a9fe:a9fe'],
  ['IPv4-compatible public ::808:808', '::808:808'],
];

const allowed: Array<[label: string, address: string]> = [
  ['Google DNS', '8.8.8.8'],
  ['Cloudflare DNS', '1.1.1.1'],
  ['just past 172.16/12', '172.32.0.1'],
  ['just before 172.16/12', '172.15.255.255'],
  ['just past CGNAT', '100.128.0.1'],
  ['Cloudflare DNS over IPv6', '2606:4700:4700::1111'],
  ['IPv4-mapped public', '::ffff:8.8.8.8'],
];

describe('network policy: addresses', () => {
  it.each(blocked)('blocks %s (%s)', async (_label, address) => {
    expect(policy.addressProblem(address)).toMatch(/range, which is blocked$/);
    await expect(policy.resolveAllowed(address)).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it.each(allowed)('allows %s (%s)', async (_label, address) => {
    expect(policy.addressProblem(address)).toBeUndefined();
    await expect(policy.resolveAllowed(address)).resolves.toBe(address);
  });

  it('accepts bracketed IPv6 hosts as URL.hostname gives them', async () => {
    await expect(policy.resolveAllowed('[::1]')).rejects.toBeInstanceOf(BlockedDestinationError);
    await expect(policy.resolveAllowed('[2606:4700:4700::1111]')).resolves.toBe('2606:4700:4700::1111');
  });

  it('names the unmapped IPv4 address when refusing IPv4-mapped IPv6', () => {
    expect(policy.addressProblem('::ffff:7f00:1')).toBe('127.0.0.1 is in a loopback range, which is blocked');
  });

  it('refuses things that are not addresses at all', () => {
    expect(policy.addressProblem('example.com')).toBe('not an IP address');
    expect(policy.addressProblem('')).toBe('not an IP address');
  });
});

describe('network policy: URL spellings of loopback', () => {
  const spellings = [
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0x7f.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://127.000.000.001/',
  ];

  it.each(spellings)('%s normalises to a blocked address', async (text) => {
    const url = new URL(text);
    const rejection = policy.resolveAllowed(url.hostname);
    await expect(rejection).rejects.toBeInstanceOf(BlockedDestinationError);
    await expect(rejection).rejects.toThrow(/loopback/);
  });

  it('http://[::127.0.0.1]/ (IPv4-compatible, normalised to [::7f00:1]) is blocked', async () => {
    const url = new URL('http://[::127.0.0.1]/');
    expect(url.hostname).toBe('[::7f00:1]');
    await expect(policy.resolveAllowed(url.hostname)).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('never hands such a spelling to DNS', async () => {
    const lookups: string[] = [];
    const spy = createNetworkPolicy({
      resolve: async (name) => {
        lookups.push(name);
        return ['8.8.8.8'];
      },
    });
    for (const text of spellings) {
      await expect(spy.resolveAllowed(new URL(text).hostname)).rejects.toBeInstanceOf(
        BlockedDestinationError,
      );
    }
    expect(lookups).toEqual([]);
  });
});

describe('network policy: names', () => {
  it('blocks a name that resolves to loopback', async () => {
    const p = createNetworkPolicy({ resolve: async () => ['127.0.0.1'] });
    await expect(p.resolveAllowed('evil.example')).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('blocks a name whose every address is private, listing them all', async () => {
    const p = createNetworkPolicy({ resolve: async () => ['10.0.0.5', '192.168.0.7', 'fd00::1'] });
    const rejection = p.resolveAllowed('internal.example');
    await expect(rejection).rejects.toBeInstanceOf(BlockedDestinationError);
    await expect(rejection).rejects.toThrow(/internal\.example/);
    await expect(rejection).rejects.toThrow(/10\.0\.0\.5/);
    await expect(rejection).rejects.toThrow(/192\.168\.0\.7/);
    await expect(rejection).rejects.toThrow(/fd00::1/);
  });

  it('chooses the public address of a name that resolves to a mix', async () => {
    const p = createNetworkPolicy({ resolve: async () => ['127.0.0.1', '10.1.1.1', '93.184.215.14', '::1'] });
    await expect(p.resolveAllowed('mixed.example')).resolves.toBe('93.184.215.14');
  });

  it('blocks a name with no addresses', async () => {
    const p = createNetworkPolicy({ resolve: async () => [] });
    await expect(p.resolveAllowed('empty.example')).rejects.toThrow(/no address/);
  });

  it('passes the bare name to the resolver', async () => {
    const asked: string[] = [];
    const p = createNetworkPolicy({
      resolve: async (name) => {
        asked.push(name);
        return ['1.1.1.1'];
      },
    });
    await p.resolveAllowed('hooks.example');
    expect(asked).toEqual(['hooks.example']);
  });

  it('blocks localhost with the real resolver', async () => {
    const rejection = policy.resolveAllowed('localhost');
    await expect(rejection).rejects.toBeInstanceOf(BlockedDestinationError);
    await expect(rejection).rejects.toThrow(/loopback/);
  });
});

describe('network policy: allowed private ranges', () => {
  it('127.0.0.0/8 lets loopback through but not 10.0.0.1', async () => {
    const p = createNetworkPolicy({ allowedPrivateRanges: ['127.0.0.0/8'] });
    expect(p.addressProblem('127.0.0.1')).toBeUndefined();
    expect(p.addressProblem('127.200.1.1')).toBeUndefined();
    await expect(p.resolveAllowed('127.0.0.1')).resolves.toBe('127.0.0.1');
    await expect(p.resolveAllowed('::ffff:127.0.0.1')).resolves.toBe('::ffff:127.0.0.1');
    await expect(p.resolveAllowed('10.0.0.1')).rejects.toBeInstanceOf(BlockedDestinationError);
    await expect(p.resolveAllowed('::1')).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('::1/128 lets IPv6 loopback through but not IPv4 loopback', async () => {
    const p = createNetworkPolicy({ allowedPrivateRanges: ['::1/128'] });
    await expect(p.resolveAllowed('::1')).resolves.toBe('::1');
    await expect(p.resolveAllowed('[::1]')).resolves.toBe('::1');
    await expect(p.resolveAllowed('127.0.0.1')).rejects.toBeInstanceOf(BlockedDestinationError);
    await expect(p.resolveAllowed('fe80::1')).rejects.toBeInstanceOf(BlockedDestinationError);
  });

  it('applies to names as well as literals', async () => {
    const p = createNetworkPolicy({
      allowedPrivateRanges: ['10.0.0.0/8'],
      resolve: async () => ['192.168.1.1', '10.2.3.4'],
    });
    await expect(p.resolveAllowed('office.example')).resolves.toBe('10.2.3.4');
  });

  it.each(['not-a-cidr', '10.0.0.0/33', '10.0.0.0', '::1/129', ''])('rejects %j at construction', (cidr) => {
    expect(() => createNetworkPolicy({ allowedPrivateRanges: [cidr] })).toThrow(/is not a CIDR range/);
  });
});

describe('network policy: schemes', () => {
  it.each(['ftp://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'gopher://example.com/'])(
    'blocks %s',
    (text) => {
      expect(() => policy.checkUrl(new URL(text))).toThrow(BlockedDestinationError);
    },
  );

  it('allows http and https by default', () => {
    expect(() => policy.checkUrl(new URL('http://example.com/'))).not.toThrow();
    expect(() => policy.checkUrl(new URL('https://example.com/'))).not.toThrow();
  });

  it('blocks http only with httpsOnly', () => {
    const strict = createNetworkPolicy({ httpsOnly: true });
    expect(() => strict.checkUrl(new URL('http://example.com/'))).toThrow(BlockedDestinationError);
    expect(() => strict.checkUrl(new URL('https://example.com/'))).not.toThrow();
    expect(() => strict.checkUrl(new URL('ftp://example.com/'))).toThrow(BlockedDestinationError);
  });
});
