import { abandonedCheckoutSchema, buildAbandonedCheckoutExample } from './abandoned-checkout-schema.ts';
import { buildCreditBalanceLowExample, creditBalanceLowSchema } from './credit-balance-low-schema.ts';
import { buildCreditLedgerEntryExample, creditLedgerEntrySchema } from './credit-ledger-entry-schema.ts';
import { buildDisputeExample, disputeSchema } from './dispute-schema.ts';
import { buildDunningAttemptExample, dunningAttemptSchema } from './dunning-attempt-schema.ts';
import { buildEntitlementGrantExample, entitlementGrantSchema } from './entitlement-grant-schema.ts';
import { exampleIds, exampleTimes } from './example-values.ts';
import { buildLicenseKeyExample, licenseKeySchema } from './license-key-schema.ts';
import { buildPaymentExample, paymentSchema } from './payment-schema.ts';
import { buildPayoutExample, payoutSchema } from './payout-schema.ts';
import { buildRefundExample, refundSchema } from './refund-schema.ts';
import type { JsonSchema } from './shared-schemas.ts';
import { buildSubscriptionExample, subscriptionSchema } from './subscription-schema.ts';

export interface EventTypeDefinition {
  name: string;
  description: string;
  groupName: string;
  schema: Record<string, unknown>;
  example: { business_id: string; type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * Event name, description, and the state the example's resource shows when it differs from its builder's default:
 * `status` for most resources, `dispute_status` for disputes, `transaction_type` for credit ledger entries.
 */
type EventRow<S> = readonly [name: string, description: string, exampleStatus?: S];

/** `subscription.on_hold` → `SubscriptionOnHoldWebhookEvent`, the SDK's name for the event's type. */
function schemaTitle(name: string): string {
  const words = name.split(/[._]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${words.join('')}WebhookEvent`;
}

function defineEvent(
  name: string,
  description: string,
  data: JsonSchema,
  exampleData: Record<string, unknown>,
) {
  const example = {
    business_id: exampleIds.business,
    type: name,
    timestamp: exampleTimes.event,
    data: exampleData,
  };
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: schemaTitle(name),
    description,
    type: 'object',
    required: ['business_id', 'type', 'timestamp', 'data'],
    properties: {
      business_id: { type: 'string', description: 'The merchant business the event belongs to.' },
      type: { const: name, description: 'The event type.' },
      timestamp: {
        type: 'string',
        format: 'date-time',
        description: 'When the event occurred, not when it was delivered.',
      },
      data,
    },
    // Svix's send-example picks `examples[exampleIndex]` from the stored schema.
    examples: [example],
  };
  return { name, description, groupName: name.slice(0, name.indexOf('.')), schema, example };
}

function group<S>(
  data: JsonSchema,
  buildExample: (status?: S) => Record<string, unknown>,
  rows: readonly EventRow<S>[],
): EventTypeDefinition[] {
  return rows.map(([name, description, status]) =>
    defineEvent(name, description, data, buildExample(status)),
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// Frozen because shared nested schemas and example objects are reused across events.
export const eventCatalog: readonly EventTypeDefinition[] = deepFreeze([
  ...group(paymentSchema, buildPaymentExample, [
    ['payment.succeeded', 'A payment was processed successfully.'],
    ['payment.processing', 'A payment is in progress.', 'processing'],
    ['payment.cancelled', 'A payment was cancelled before it completed.', 'cancelled'],
    [
      'payment.failed',
      'A payment attempt failed, for example because of a decline or a processing error. `error_code` and `error_message` say why.',
      'failed',
    ],
  ]),
  ...group(refundSchema, buildRefundExample, [
    ['refund.succeeded', 'A refund was processed successfully.'],
    ['refund.failed', 'A refund attempt failed.', 'failed'],
  ]),
  ...group(disputeSchema, buildDisputeExample, [
    ['dispute.opened', 'The customer opened a dispute against a payment.'],
    ['dispute.accepted', 'The merchant accepted a dispute.', 'dispute_accepted'],
    ['dispute.challenged', 'The merchant challenged a dispute.', 'dispute_challenged'],
    ['dispute.won', 'The merchant won a dispute.', 'dispute_won'],
    ['dispute.lost', 'The merchant lost a dispute.', 'dispute_lost'],
    ['dispute.expired', 'A dispute expired without being resolved.', 'dispute_expired'],
    ['dispute.cancelled', 'A dispute was cancelled by the customer or the system.', 'dispute_cancelled'],
  ]),
  ...group(subscriptionSchema, buildSubscriptionExample, [
    ['subscription.active', 'A subscription was activated and its recurring charges are scheduled.'],
    ['subscription.renewed', 'A subscription was renewed for the next billing period.'],
    ['subscription.on_hold', 'A subscription was put on hold after a renewal payment failed.', 'on_hold'],
    [
      'subscription.past_due',
      'A renewal payment failed and the grace period began. At `past_due_ends_at` the subscription moves to `on_hold` or `cancelled`.',
      'past_due',
    ],
    ['subscription.paused', 'A subscription was paused.', 'paused'],
    ['subscription.unpaused', 'A paused subscription was resumed.'],
    ['subscription.cancelled', 'A subscription was cancelled by the merchant or the customer.', 'cancelled'],
    [
      'subscription.failed',
      'A subscription could not be created because its payment mandate could not be created.',
      'failed',
    ],
    ['subscription.expired', 'A subscription reached the end of its term.', 'expired'],
    ['subscription.plan_changed', 'A subscription was upgraded or downgraded, or its addons changed.'],
    ['subscription.updated', 'A field of a subscription changed. Use it to stay in sync without polling.'],
    ['subscription.update_payment_method', "A subscription's payment method was updated."],
  ]),
  ...group(licenseKeySchema, buildLicenseKeyExample, [
    ['license_key.created', 'A new license key was created for a product.'],
  ]),
  ...group(payoutSchema, buildPayoutExample, [
    ['payout.created', 'A payout was created. Its status is `not_initiated` until processing starts.'],
    ['payout.on_hold', 'A payout was put on hold.', 'on_hold'],
    ['payout.in_progress', 'A payout is being processed.', 'in_progress'],
    ['payout.failed', 'A payout failed.', 'failed'],
    ['payout.success', 'A payout completed successfully.', 'success'],
  ]),
  ...group(creditLedgerEntrySchema, buildCreditLedgerEntryExample, [
    ['credit.added', 'Credits were granted by a subscription, a one-time purchase, an add-on or the API.'],
    ['credit.deducted', 'Credits were consumed by usage or a manual debit.', 'credit_deducted'],
    ['credit.expired', 'Unused credits expired after the configured period.', 'credit_expired'],
    [
      'credit.rolled_over',
      'Unused credits were carried over to a new grant at the end of a cycle.',
      'credit_rolled_over',
    ],
    [
      'credit.rollover_forfeited',
      'Unused credits were forfeited because the maximum rollover count was reached.',
      'rollover_forfeited',
    ],
    ['credit.overage_charged', 'Overage was charged for usage beyond a zero balance.', 'overage_charged'],
    ['credit.overage_reset', 'The overage balance was reset at the end of a cycle.', 'overage_reset'],
    ['credit.manual_adjustment', 'Credits were manually added or removed.', 'manual_adjustment'],
  ]),
  ...group(creditBalanceLowSchema, buildCreditBalanceLowExample, [
    ['credit.balance_low', "A customer's credit balance fell below the configured threshold."],
  ]),
  ...group(abandonedCheckoutSchema, buildAbandonedCheckoutExample, [
    [
      'abandoned_checkout.detected',
      'A payment was found abandoned (failed or never attempted) and the recovery workflow started.',
    ],
    [
      'abandoned_checkout.recovered',
      'The customer paid through the recovery link. `recovered_payment_id` is the new payment.',
      'recovered',
    ],
  ]),
  ...group(dunningAttemptSchema, buildDunningAttemptExample, [
    [
      'dunning.started',
      'Dunning began for a subscription that went on hold or was cancelled by the customer.',
    ],
    [
      'dunning.recovered',
      'The customer updated their payment method and the payment succeeded. `payment_id` is that payment.',
      'recovered',
    ],
  ]),
  ...group(entitlementGrantSchema, buildEntitlementGrantExample, [
    [
      'entitlement_grant.created',
      'An entitlement grant was created: delivered at once for auto-fulfilled license keys, pending otherwise. OAuth integrations carry an `oauth_url`.',
    ],
    [
      'entitlement_grant.delivered',
      'An entitlement grant was delivered and the customer has access.',
      'Delivered',
    ],
    [
      'entitlement_grant.failed',
      'Delivering an entitlement grant failed and will not be retried. `error_code` and `error_message` say why.',
      'Failed',
    ],
    [
      'entitlement_grant.revoked',
      'Access granted by an entitlement was withdrawn. `revocation_reason` says why.',
      'Revoked',
    ],
  ]),
]);

const eventsByName = new Map(eventCatalog.map((definition) => [definition.name, definition]));

export function findEventType(name: string): EventTypeDefinition | undefined {
  return eventsByName.get(name);
}
