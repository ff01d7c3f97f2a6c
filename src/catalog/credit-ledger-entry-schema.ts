import { exampleBrandFields, exampleIds, exampleTimes } from './example-values.ts';
import {
  boolean,
  dateTime,
  decimalString,
  metadataSchema,
  objectSchema,
  oneOfValues,
  payloadTypeSchema,
  text,
} from './shared-schemas.ts';

const creditTransactionTypes = [
  'credit_added',
  'credit_deducted',
  'credit_expired',
  'credit_rolled_over',
  'rollover_forfeited',
  'overage_charged',
  'overage_reset',
  'auto_top_up',
  'manual_adjustment',
  'refund',
] as const;
type CreditTransactionType = (typeof creditTransactionTypes)[number];

export const creditLedgerEntrySchema = objectSchema({
  title: 'CreditLedgerEntry',
  description: "One movement on a customer's credit balance for a credit entitlement.",
  required: {
    payload_type: payloadTypeSchema('CreditLedgerEntry'),
    id: text(),
    amount: decimalString('Credits moved by this entry.'),
    balance_after: decimalString(),
    balance_before: decimalString(),
    brand_id: text(),
    business_id: text(),
    created_at: dateTime(),
    credit_entitlement_id: text(),
    customer_id: text(),
    is_credit: boolean('True when the entry adds to the balance, false when it takes from it.'),
    metadata: metadataSchema,
    overage_after: decimalString(),
    overage_before: decimalString(),
    transaction_type: oneOfValues(creditTransactionTypes),
  },
  optional: {
    description: text(),
    grant_id: text(),
    reference_id: text(),
    reference_type: text('Kind of object `reference_id` points to, e.g. `subscription`, `payment` or `api`.'),
  },
});

interface LedgerMovement {
  amount: string;
  isCredit: boolean;
  balance: readonly [before: string, after: string];
  overage: readonly [before: string, after: string];
  description: string;
  reference: readonly [type: string, id: string | null];
}

const subscriptionReference = ['subscription', exampleIds.subscription] as const;

// Each movement keeps before/after balances arithmetically consistent with its amount.
const movements: Record<CreditTransactionType, LedgerMovement> = {
  credit_added: {
    amount: '1000',
    isCredit: true,
    balance: ['250', '1250'],
    overage: ['0', '0'],
    description: 'Monthly credit grant for the Pro plan',
    reference: subscriptionReference,
  },
  credit_deducted: {
    amount: '120',
    isCredit: false,
    balance: ['1250', '1130'],
    overage: ['0', '0'],
    description: 'Usage: 120 API calls',
    reference: subscriptionReference,
  },
  credit_expired: {
    amount: '200',
    isCredit: false,
    balance: ['200', '0'],
    overage: ['0', '0'],
    description: 'Credits expired 30 days after grant',
    reference: subscriptionReference,
  },
  credit_rolled_over: {
    amount: '125',
    isCredit: true,
    balance: ['0', '125'],
    overage: ['0', '0'],
    description: 'Rolled over 50% of 250 unused credits',
    reference: subscriptionReference,
  },
  rollover_forfeited: {
    amount: '125',
    isCredit: false,
    balance: ['125', '0'],
    overage: ['0', '0'],
    description: 'Maximum rollover count of 2 reached',
    reference: subscriptionReference,
  },
  overage_charged: {
    amount: '150',
    isCredit: false,
    balance: ['0', '0'],
    overage: ['0', '150'],
    description: 'Usage of 150 API calls beyond a zero balance',
    reference: subscriptionReference,
  },
  overage_reset: {
    amount: '150',
    isCredit: true,
    balance: ['0', '0'],
    overage: ['150', '0'],
    description: 'Overage balance reset at cycle end',
    reference: subscriptionReference,
  },
  auto_top_up: {
    amount: '500',
    isCredit: true,
    balance: ['80', '580'],
    overage: ['0', '0'],
    description: 'Automatic top-up below threshold',
    reference: ['payment', exampleIds.payment],
  },
  manual_adjustment: {
    amount: '500',
    isCredit: true,
    balance: ['1130', '1630'],
    overage: ['0', '0'],
    description: 'Goodwill credit after support ticket #4821',
    reference: ['api', null],
  },
  refund: {
    amount: '1000',
    isCredit: false,
    balance: ['1000', '0'],
    overage: ['0', '0'],
    description: 'Credits removed after the payment was refunded',
    reference: ['payment', exampleIds.payment],
  },
};

export function buildCreditLedgerEntryExample(
  transactionType: CreditTransactionType = 'credit_added',
): Record<string, unknown> {
  const movement = movements[transactionType];
  return {
    payload_type: 'CreditLedgerEntry',
    id: exampleIds.creditLedgerEntry,
    amount: movement.amount,
    balance_after: movement.balance[1],
    balance_before: movement.balance[0],
    ...exampleBrandFields,
    created_at: exampleTimes.resourceUpdated,
    credit_entitlement_id: exampleIds.creditEntitlement,
    customer_id: exampleIds.customer,
    description: movement.description,
    grant_id: exampleIds.creditGrant,
    is_credit: movement.isCredit,
    metadata: {},
    overage_after: movement.overage[1],
    overage_before: movement.overage[0],
    reference_id: movement.reference[1],
    reference_type: movement.reference[0],
    transaction_type: transactionType,
  };
}
