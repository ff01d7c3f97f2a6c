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
  customerSchema,
  dateTime,
  decimalString,
  objectSchema,
  oneOfValues,
  payloadTypeSchema,
  paymentProviders,
  text,
} from './shared-schemas.ts';

const disputeStages = ['pre_dispute', 'dispute', 'pre_arbitration'] as const;

const disputeStatuses = [
  'dispute_opened',
  'dispute_expired',
  'dispute_accepted',
  'dispute_cancelled',
  'dispute_challenged',
  'dispute_won',
  'dispute_lost',
] as const;
type DisputeStatus = (typeof disputeStatuses)[number];

/** The fields a dispute shares with its summary inside `Payment.disputes[]`. */
export const disputeSummaryFields = {
  required: {
    // Unlike every other amount on the platform, disputes carry theirs as a string.
    amount: decimalString('Disputed amount, as a decimal string.'),
    business_id: text(),
    created_at: dateTime(),
    currency: text('ISO 4217 currency code of the disputed amount.'),
    dispute_id: text(),
    dispute_stage: oneOfValues(disputeStages),
    dispute_status: oneOfValues(disputeStatuses),
    payment_id: text('The disputed payment.'),
  },
  optional: {
    is_resolved_by_rdr: boolean('Whether the dispute was resolved by Rapid Dispute Resolution.'),
    remarks: text(),
  },
};

export const disputeSchema = objectSchema({
  title: 'Dispute',
  description: 'A dispute (chargeback) raised against a payment.',
  required: {
    payload_type: payloadTypeSchema('Dispute'),
    ...disputeSummaryFields.required,
    brand_id: text(),
    customer: customerSchema,
    payment_provider: oneOfValues(paymentProviders),
  },
  optional: {
    ...disputeSummaryFields.optional,
    reason: text(),
  },
});

export function buildDisputeExample(status: DisputeStatus = 'dispute_opened'): Record<string, unknown> {
  return {
    payload_type: 'Dispute',
    ...exampleBrandFields,
    amount: String(exampleMonthlyAmount),
    created_at: exampleTimes.resourceUpdated,
    currency: exampleCurrency,
    customer: exampleCustomer,
    dispute_id: exampleIds.dispute,
    dispute_stage: 'dispute',
    dispute_status: status,
    is_resolved_by_rdr: false,
    payment_id: exampleIds.payment,
    payment_provider: 'stripe',
    reason: 'Cardholder does not recognize the transaction',
    remarks: status === 'dispute_challenged' ? 'Evidence of service usage submitted' : null,
  };
}
