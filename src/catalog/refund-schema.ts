import {
  exampleBrandFields,
  exampleCurrency,
  exampleCustomer,
  exampleIds,
  exampleMonthlyAmount,
  exampleTimes,
} from './example-values.ts';
import {
  boolean,
  currency,
  customerSchema,
  dateTime,
  metadataSchema,
  minorAmount,
  objectSchema,
  oneOfValues,
  payloadTypeSchema,
  text,
} from './shared-schemas.ts';

const refundStatuses = ['succeeded', 'failed', 'pending', 'review'] as const;
type RefundStatus = (typeof refundStatuses)[number];

/** The fields a refund shares with its summary inside `Payment.refunds[]`. */
export const refundSummaryFields = {
  required: {
    business_id: text(),
    created_at: dateTime(),
    is_partial: boolean('Whether only part of the payment was refunded.'),
    payment_id: text('The refunded payment.'),
    refund_id: text(),
    status: oneOfValues(refundStatuses),
  },
  optional: {
    amount: minorAmount('Refunded amount.'),
    currency: currency(),
    reason: text(),
  },
};

export const refundSchema = objectSchema({
  title: 'Refund',
  description: 'A refund of all or part of a payment.',
  required: {
    payload_type: payloadTypeSchema('Refund'),
    ...refundSummaryFields.required,
    brand_id: text(),
    customer: customerSchema,
    metadata: metadataSchema,
  },
  optional: refundSummaryFields.optional,
});

export function buildRefundExample(status: RefundStatus = 'succeeded'): Record<string, unknown> {
  return {
    payload_type: 'Refund',
    ...exampleBrandFields,
    amount: exampleMonthlyAmount,
    created_at: exampleTimes.resourceUpdated,
    currency: exampleCurrency,
    customer: exampleCustomer,
    is_partial: false,
    metadata: {},
    payment_id: exampleIds.payment,
    reason: 'Customer requested cancellation within the refund window',
    refund_id: exampleIds.refund,
    status,
  };
}
