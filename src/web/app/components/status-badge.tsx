import type { EndpointHealth } from '../api/endpoint-health.ts';

const LABELS: Record<EndpointHealth, string> = {
  enabled: 'Enabled',
  disabled: 'Disabled',
  failing: 'Failing',
};

export function StatusBadge({ health }: { health: EndpointHealth }) {
  return <span className={`badge badge-${health}`}>{LABELS[health]}</span>;
}
