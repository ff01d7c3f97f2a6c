import type { TransformedRequest } from '../sandbox/index.ts';
import type { Connector, ConnectorRegion, ContractFinding } from './connector.ts';

/**
 * Why the connector's credentials may not go with this request, if they may not: they are only ever sent
 * to the vendor's hosts for the endpoint's region (URL-secret connectors carry none).
 */
export function credentialHostProblem(
  connector: Connector,
  region: ConnectorRegion,
  url: string,
): string | undefined {
  const { manifest } = connector;
  if (manifest.authentication === 'url' || manifest.authentication === 'none') return undefined;
  const host = new URL(url).hostname;
  if (region.hosts.includes(host)) return undefined;
  return `${manifest.name} credentials are only sent to ${region.hosts.join(', ')} (${region.label}), not to ${host}`;
}

/** Everything that would stop this request at delivery: the credential host rule and the vendor's contract. */
export function reviewRequest(
  connector: Connector,
  request: TransformedRequest,
  region: ConnectorRegion,
): ContractFinding[] {
  const hostProblem = credentialHostProblem(connector, region, request.url);
  return [
    ...(hostProblem ? [{ field: 'url', message: hostProblem }] : []),
    ...connector.check(request, region),
  ];
}
