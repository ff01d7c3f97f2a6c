import { exampleCurrency, exampleIds, exampleTimes } from './example-values.ts';
import {
  currency,
  dateTime,
  integer,
  objectSchema,
  oneOfValues,
  payloadTypeSchema,
  text,
  uri,
} from './shared-schemas.ts';

const payoutStatuses = ['not_initiated', 'in_progress', 'on_hold', 'failed', 'success'] as const;
type PayoutStatus = (typeof payoutStatuses)[number];

export const payoutSchema = objectSchema({
  title: 'Payout',
  description: 'A transfer of the merchant balance to their bank account. Carries no brand or customer.',
  required: {
    payload_type: payloadTypeSchema('Payout'),
    amount: integer('Amount paid out, in minor units.'),
    business_id: text(),
    chargebacks: integer('Deprecated, still sent: chargebacks deducted, in minor units.'),
    created_at: dateTime(),
    currency: currency(),
    fee: integer('Payout fee, in minor units.'),
    payment_method: text(),
    payout_id: text(),
    refunds: integer('Deprecated, still sent: refunds deducted, in minor units.'),
    status: oneOfValues(payoutStatuses),
    tax: integer('Deprecated, still sent: tax deducted, in minor units.'),
    updated_at: dateTime(),
  },
  optional: {
    name: text(),
    payout_document_url: uri(),
    remarks: text(),
  },
});

const remarksByStatus: Partial<Record<PayoutStatus, string>> = {
  on_hold: 'Held pending verification of the updated bank account.',
  failed: 'The receiving bank rejected the transfer: account closed.',
};

export function buildPayoutExample(status: PayoutStatus = 'not_initiated'): Record<string, unknown> {
  return {
    payload_type: 'Payout',
    amount: 184250,
    business_id: exampleIds.business,
    chargebacks: 0,
    created_at: exampleTimes.paymentCreated,
    currency: exampleCurrency,
    fee: 921,
    name: 'Payout for July 2025',
    payment_method: 'bank_transfer',
    payout_document_url:
      status === 'success'
        ? `https://live.dodopayments.com/payouts/${exampleIds.payout}/statement.pdf`
        : null,
    payout_id: exampleIds.payout,
    refunds: 2999,
    remarks: remarksByStatus[status] ?? null,
    status,
    tax: 0,
    updated_at: exampleTimes.resourceUpdated,
  };
}
