import { type DeliveryStatusText, statusLabel } from '../api/delivery-status.ts';

export function DeliveryBadge({ status }: { status: DeliveryStatusText }) {
  return <span className={`badge badge-${status}`}>{statusLabel(status)}</span>;
}
