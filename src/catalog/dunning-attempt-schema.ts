import { exampleIds, exampleTimes } from './example-values.ts';
import { dateTime, objectSchema, oneOfValues, payloadTypeSchema, text } from './shared-schemas.ts';

const dunningStatuses = ['recovering', 'recovered', 'exhausted'] as const;
type DunningStatus = (typeof dunningStatuses)[number];

export const dunningAttemptSchema = objectSchema({
  title: 'DunningAttempt',
  description: 'An attempt to recover a subscription whose renewal could not be charged.',
  required: {
    payload_type: payloadTypeSchema('DunningAttempt'),
    brand_id: text(),
    created_at: dateTime(),
    customer_id: text(),
    status: oneOfValues(dunningStatuses),
    subscription_id: text(),
    trigger_state: oneOfValues(
      ['on_hold', 'cancelled', 'past_due'],
      'Subscription state that started dunning.',
    ),
  },
  optional: {
    payment_id: text('The recovering payment; set once recovered.'),
  },
});

export function buildDunningAttemptExample(status: DunningStatus = 'recovering'): Record<string, unknown> {
  return {
    payload_type: 'DunningAttempt',
    brand_id: exampleIds.brand,
    created_at: exampleTimes.paymentCreated,
    customer_id: exampleIds.customer,
    payment_id: status === 'recovered' ? exampleIds.recoveryPayment : null,
    status,
    subscription_id: exampleIds.subscription,
    trigger_state: 'on_hold',
  };
}
