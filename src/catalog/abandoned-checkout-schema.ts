import { exampleIds, exampleTimes } from './example-values.ts';
import { dateTime, objectSchema, oneOfValues, payloadTypeSchema, text } from './shared-schemas.ts';

const abandonedCheckoutStatuses = ['abandoned', 'recovering', 'recovered', 'exhausted', 'opted_out'] as const;
type AbandonedCheckoutStatus = (typeof abandonedCheckoutStatuses)[number];

export const abandonedCheckoutSchema = objectSchema({
  title: 'AbandonedCheckout',
  description: 'A checkout that failed or was never paid, and its recovery workflow.',
  required: {
    payload_type: payloadTypeSchema('AbandonedCheckout'),
    abandoned_at: dateTime(),
    abandonment_reason: oneOfValues(['payment_failed', 'checkout_incomplete']),
    brand_id: text(),
    customer_id: text(),
    payment_id: text('The original, unpaid payment.'),
    status: oneOfValues(abandonedCheckoutStatuses),
  },
  optional: {
    recovered_payment_id: text('The payment made through the recovery link; null until recovered.'),
  },
});

export function buildAbandonedCheckoutExample(
  status: AbandonedCheckoutStatus = 'abandoned',
): Record<string, unknown> {
  return {
    payload_type: 'AbandonedCheckout',
    abandoned_at: exampleTimes.paymentCreated,
    abandonment_reason: 'payment_failed',
    brand_id: exampleIds.brand,
    customer_id: exampleIds.customer,
    payment_id: exampleIds.payment,
    recovered_payment_id: status === 'recovered' ? exampleIds.recoveryPayment : null,
    status,
  };
}
