import { exampleIds } from './example-values.ts';
import { decimalString, integer, objectSchema, payloadTypeSchema, text } from './shared-schemas.ts';

export const creditBalanceLowSchema = objectSchema({
  title: 'CreditBalanceLow',
  description: "A customer's credit balance fell below the entitlement's low-balance threshold.",
  required: {
    payload_type: payloadTypeSchema('CreditBalanceLow'),
    available_balance: decimalString('Credits left.'),
    brand_id: text(),
    credit_entitlement_id: text(),
    credit_entitlement_name: text(),
    customer_id: text(),
    subscription_credits_amount: decimalString('Credits the subscription grants per period.'),
    subscription_id: text(),
    threshold_amount: decimalString('Balance at which the alert fires.'),
    threshold_percent: integer('Threshold as a percentage of `subscription_credits_amount`.'),
  },
});

export function buildCreditBalanceLowExample(): Record<string, unknown> {
  return {
    payload_type: 'CreditBalanceLow',
    available_balance: '85',
    brand_id: exampleIds.brand,
    credit_entitlement_id: exampleIds.creditEntitlement,
    credit_entitlement_name: 'API credits',
    customer_id: exampleIds.customer,
    subscription_credits_amount: '1000',
    subscription_id: exampleIds.subscription,
    threshold_amount: '100',
    threshold_percent: 10,
  };
}
