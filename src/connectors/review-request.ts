import type { TransformedRequest } from '../sandbox/index.ts';
import type { Connector, ConnectorRegion, ContractFinding } from './connector.ts';

/**
 * Why the connector's credentials may not go with this request, if they may not: they are only ever sent
 * to the vendor's hosts for the endpoint's region, or, for a connector to the merchant's own API (no fixed
 * hosts), to the host of the endpoint's URL. URL-secret connectors carry none.
 */
export function credentialHostProblem(
  connector: Connector,
  region: ConnectorRegion,
  url: string,
  endpointUrl: string,
): string | undefined {
  const { manifest } = connector;
  if (manifest.authentication === 'url' || manifest.authentication === 'none') return undefined;
  const hosts = region.hosts.length ? region.hosts : [new URL(endpointUrl).hostname];
  const host = new URL(url).hostname;
  if (hosts.includes(host)) return undefined;
  return `${manifest.name} credentials are only sent to ${hosts.join(', ')} (${region.label}), not to ${host}`;
}

/** Everything that would stop this request at delivery: the credential host rule and the vendor's contract. */
export function reviewRequest(
  connector: Connector,
  request: TransformedRequest,
  region: ConnectorRegion,
  endpointUrl: string,
): ContractFinding[] {
  const hostProblem = credentialHostProblem(connector, region, request.url, endpointUrl);
  const findings = connector.check(request, region);
  // The connector's own finding on the URL says the same, with the URL to write instead: keep that one.
  if (!hostProblem || findings.some((f) => f.field === 'url')) return findings;
  return [{ field: 'url', message: hostProblem }, ...findings];
}
