import type { EndpointOut, EndpointStats } from './openapi-types.ts';

export type EndpointHealth = 'enabled' | 'disabled' | 'failing';

export const DAY_MS = 86_400_000;

/** Failed share of the finished deliveries, or undefined when none finished. */
export function errorRate(stats: EndpointStats | undefined): number | undefined {
  if (!stats) return undefined;
  const finished = stats.success + stats.fail;
  return finished === 0 ? undefined : stats.fail / finished;
}

/** Disabled wins; otherwise an endpoint with any failed delivery in the window is failing. */
export function healthOf(endpoint: EndpointOut, stats: EndpointStats | undefined): EndpointHealth {
  if (endpoint.disabled) return 'disabled';
  return stats && stats.fail > 0 ? 'failing' : 'enabled';
}

export function formatRate(rate: number | undefined): string {
  return rate === undefined ? '—' : `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 1 : 0)} %`;
}
