import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Why an outbound request was refused before it left. */
export class BlockedDestinationError extends Error {
  override name = 'BlockedDestinationError';
}

export interface NetworkPolicyOptions {
  /** CIDR ranges that may be reached although they are not public (tests, private installs). */
  allowedPrivateRanges?: string[];
  /** Refuse plain http:// destinations. */
  httpsOnly?: boolean;
  /** Resolves a host name to every address; swappable so tests can make a name point anywhere. */
  resolve?: (hostname: string) => Promise<string[]>;
}

export interface NetworkPolicy {
  /** Throws BlockedDestinationError unless the URL's scheme may be used. */
  checkUrl(url: URL): void;
  /** The reason an address may not be connected to, or undefined when it may. */
  addressProblem(address: string): string | undefined;
  /**
   * Resolves a host (a name or a literal IP) to one address that may be connected to.
   * @throws BlockedDestinationError when every address it has is refused
   */
  resolveAllowed(hostname: string): Promise<string>;
}

type Parsed = ReturnType<typeof ipaddr.parse>;

const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');

/**
 * Which addresses count as public is ipaddr.js's `range()`: only `unicast` passes. That refuses loopback,
 * private, link-local (cloud metadata at 169.254.169.254 included), CGNAT, unique-local, multicast,
 * unspecified, reserved, broadcast, benchmarking and the IPv6 transition ranges that embed IPv4
 * (6to4, Teredo, NAT64), which could smuggle a private IPv4 address.
 */
function publicProblem(address: Parsed): string | undefined {
  const range = address.range();
  // ipaddr.js calls the deprecated IPv4-compatible ::/96 (::7f00:1 = ::127.0.0.1) unicast; it embeds IPv4 too.
  if (range === 'unicast' && address.kind() === 'ipv6' && address.match(IPV4_COMPATIBLE))
    return 'ipv4Compatible';
  return range === 'unicast' ? undefined : range;
}

function unmap(address: Parsed): Parsed {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

async function resolveWithDns(hostname: string): Promise<string[]> {
  const records = await lookup(hostname, { all: true, verbatim: true });
  return records.map((r) => r.address);
}

export function createNetworkPolicy(options: NetworkPolicyOptions = {}): NetworkPolicy {
  const allowed = (options.allowedPrivateRanges ?? []).map((cidr) => {
    try {
      return ipaddr.parseCIDR(cidr.trim());
    } catch {
      throw new Error(`'${cidr}' is not a CIDR range`);
    }
  });
  const resolve = options.resolve ?? resolveWithDns;

  function addressProblem(text: string): string | undefined {
    const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
    if (!ipaddr.isValid(bare)) return 'not an IP address';
    const address = unmap(ipaddr.parse(bare));
    if (allowed.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits)))
      return undefined;
    const problem = publicProblem(address);
    return problem ? `${address.toString()} is in a ${problem} range, which is blocked` : undefined;
  }

  return {
    checkUrl(url) {
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new BlockedDestinationError(
          `only http and https URLs can be delivered to, not ${url.protocol}`,
        );
      }
      if (options.httpsOnly && url.protocol !== 'https:') {
        throw new BlockedDestinationError('only https:// endpoints are allowed (SWITCHYARD_HTTPS_ONLY)');
      }
    },
    addressProblem,
    async resolveAllowed(hostname) {
      const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
      const addresses = isIP(bare) ? [bare] : await resolve(bare);
      const problems: string[] = [];
      for (const address of addresses) {
        const problem = addressProblem(address);
        if (!problem) return address;
        problems.push(problem);
      }
      throw new BlockedDestinationError(
        `refused to connect to ${hostname}: ${problems.join('; ') || 'it has no address'} (SWITCHYARD_ALLOW_PRIVATE_NETWORKS opens ranges)`,
      );
    },
  };
}
