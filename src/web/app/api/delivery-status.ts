/** Svix's delivery status codes, as the API reports them with `expanded_statuses`. */
export const DELIVERY_STATUSES = [
  { code: 0, text: 'success', label: 'Delivered' },
  { code: 1, text: 'pending', label: 'Pending' },
  { code: 2, text: 'fail', label: 'Failed' },
  { code: 3, text: 'sending', label: 'Sending' },
  { code: 4, text: 'canceled', label: 'Canceled' },
] as const;

export type DeliveryStatusText = (typeof DELIVERY_STATUSES)[number]['text'];

export function statusLabel(text: DeliveryStatusText): string {
  return DELIVERY_STATUSES.find((s) => s.text === text)?.label ?? text;
}

/** How an attempt's error class reads to a merchant. */
export const ERROR_CLASS_LABELS: Record<string, string> = {
  dns: 'The host name did not resolve',
  connect: 'The connection was refused or dropped',
  tls: 'The TLS handshake failed',
  timeout: 'No answer in time',
  blocked: 'Blocked: the address is not allowed',
  network: 'Network error',
  transformation: 'The transformation failed',
  sandbox: 'The transformation could not run',
};
