import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { type EventTypeDefinition, eventCatalog, findEventType } from './index.ts';

// ajv and ajv-formats are CommonJS: under Node ESM the default import is `module.exports`, whose `default` is the
// real export. TypeScript (nodenext) types the default import the same way.
const ajv = new Ajv.default({ strict: true, allErrors: true });
addFormats.default(ajv);

const expectedNames = [
  'payment.succeeded',
  'payment.processing',
  'payment.cancelled',
  'payment.failed',
  'refund.succeeded',
  'refund.failed',
  'dispute.opened',
  'dispute.accepted',
  'dispute.challenged',
  'dispute.won',
  'dispute.lost',
  'dispute.expired',
  'dispute.cancelled',
  'subscription.active',
  'subscription.renewed',
  'subscription.on_hold',
  'subscription.past_due',
  'subscription.paused',
  'subscription.unpaused',
  'subscription.cancelled',
  'subscription.failed',
  'subscription.expired',
  'subscription.plan_changed',
  'subscription.updated',
  'subscription.update_payment_method',
  'license_key.created',
  'payout.created',
  'payout.on_hold',
  'payout.in_progress',
  'payout.failed',
  'payout.success',
  'credit.added',
  'credit.deducted',
  'credit.expired',
  'credit.rolled_over',
  'credit.rollover_forfeited',
  'credit.overage_charged',
  'credit.overage_reset',
  'credit.manual_adjustment',
  'credit.balance_low',
  'abandoned_checkout.detected',
  'abandoned_checkout.recovered',
  'dunning.started',
  'dunning.recovered',
  'entitlement_grant.created',
  'entitlement_grant.delivered',
  'entitlement_grant.failed',
  'entitlement_grant.revoked',
];

function definition(name: string): EventTypeDefinition {
  const found = findEventType(name);
  if (found === undefined) throw new Error(`missing event type ${name}`);
  return found;
}

function validate(name: string, envelope: unknown): boolean {
  return ajv.validate(definition(name).schema, envelope);
}

/** A mutable deep copy of an event's example envelope. */
function exampleOf(name: string) {
  return structuredClone(definition(name).example);
}

function get(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);
}

describe('event catalog', () => {
  it('lists exactly the 48 event types of SDK 2.52.0, in reference order', () => {
    expect(eventCatalog.map((event) => event.name)).toEqual(expectedNames);
  });

  it('has unique names', () => {
    expect(new Set(eventCatalog.map((event) => event.name)).size).toBe(eventCatalog.length);
  });

  it('finds event types by name', () => {
    expect(findEventType('payment.succeeded')?.name).toBe('payment.succeeded');
    expect(findEventType('customer.created')).toBeUndefined();
  });

  describe.each(eventCatalog.map((event) => [event.name, event] as const))('%s', (name, event) => {
    it('has a Svix-compatible name and the prefix as group', () => {
      expect(name).toMatch(/^[a-zA-Z0-9\-_.]+$/);
      expect(event.groupName).toBe(name.split('.')[0]);
    });

    it('has a description and a titled draft-07 schema of the envelope', () => {
      expect(event.description.length).toBeGreaterThan(10);
      expect(event.schema).toMatchObject({
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: expect.stringMatching(/WebhookEvent$/),
        description: event.description,
        required: ['business_id', 'type', 'timestamp', 'data'],
      });
    });

    it('has an example envelope that validates against its schema', () => {
      expect(event.example.type).toBe(name);
      expect(event.example.data.payload_type).toEqual(expect.any(String));
      expect(event.example.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      const valid = ajv.validate(event.schema, event.example);
      expect(ajv.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    });
  });
});

describe('examples', () => {
  const paymentFields = [
    ['customer', 'customer_id'],
    ['customer', 'email'],
    ['customer', 'name'],
    ['total_amount'],
    ['currency'],
    ['payment_method'],
    ['payment_id'],
  ];
  const subscriptionFields = [
    ['customer', 'customer_id'],
    ['customer', 'email'],
    ['subscription_id'],
    ['product_id'],
    ['recurring_pre_tax_amount'],
    ['payment_frequency_interval'],
    ['next_billing_date'],
    ['cancel_at_next_billing_date'],
  ];

  it.each(expectedNames.filter((name) => name.startsWith('payment.')))(
    '%s has every payment field the seed transformations read',
    (name) => {
      const { data } = definition(name).example;
      for (const path of paymentFields) expect(get(data, path), path.join('.')).not.toBeUndefined();
      expect(data.total_amount).toBe(2999);
      expect(data.currency).toBe('USD');
    },
  );

  it.each(expectedNames.filter((name) => name.startsWith('subscription.')))(
    '%s has every subscription field the seed transformations read',
    (name) => {
      const { data } = definition(name).example;
      for (const path of subscriptionFields) expect(get(data, path), path.join('.')).not.toBeUndefined();
      expect(data).toHaveProperty('cancelled_at');
    },
  );

  it('shows the resource state the event names', () => {
    const failedPayment = definition('payment.failed').example.data;
    expect(failedPayment).toMatchObject({ status: 'failed', error_code: expect.any(String) });
    expect(failedPayment.error_message).toEqual(expect.any(String));
    expect(definition('payment.succeeded').example.data).toMatchObject({
      status: 'succeeded',
      error_code: null,
    });
    expect(definition('subscription.cancelled').example.data).toMatchObject({
      status: 'cancelled',
      cancelled_at: expect.any(String),
    });
    expect(definition('subscription.active').example.data).toMatchObject({
      status: 'active',
      cancelled_at: null,
    });
    expect(definition('subscription.past_due').example.data.past_due_ends_at).toEqual(expect.any(String));
    expect(definition('dispute.won').example.data.dispute_status).toBe('dispute_won');
    expect(definition('credit.deducted').example.data).toMatchObject({
      transaction_type: 'credit_deducted',
      is_credit: false,
    });
    expect(definition('entitlement_grant.revoked').example.data).toMatchObject({
      status: 'Revoked',
      revocation_reason: expect.any(String),
    });
  });

  it('keeps credit ledger balances consistent with the amount moved', () => {
    for (const event of eventCatalog.filter((e) => e.example.data.payload_type === 'CreditLedgerEntry')) {
      const { amount, balance_before, balance_after, overage_before, overage_after, is_credit } =
        event.example.data;
      const moved =
        Number(balance_after) - Number(balance_before) - (Number(overage_after) - Number(overage_before));
      expect(Math.abs(moved), event.name).toBe(Number(amount));
      expect(moved > 0, event.name).toBe(is_credit);
    }
  });
});

describe('schemas reject malformed events', () => {
  it('rejects a payment without a customer', () => {
    const envelope = exampleOf('payment.succeeded');
    delete envelope.data.customer;
    expect(validate('payment.succeeded', envelope)).toBe(false);
  });

  it('rejects an envelope whose type is another event', () => {
    const envelope = exampleOf('payment.succeeded');
    envelope.type = 'payment.failed';
    expect(validate('payment.succeeded', envelope)).toBe(false);
  });

  it('rejects an unknown subscription status', () => {
    const envelope = exampleOf('subscription.active');
    envelope.data.status = 'bogus';
    expect(validate('subscription.active', envelope)).toBe(false);
  });

  it('rejects an amount sent as a string', () => {
    const envelope = exampleOf('payment.succeeded');
    envelope.data.total_amount = '29.99';
    expect(validate('payment.succeeded', envelope)).toBe(false);
  });

  it('rejects a wrong payload_type', () => {
    const envelope = exampleOf('refund.succeeded');
    envelope.data.payload_type = 'Payment';
    expect(validate('refund.succeeded', envelope)).toBe(false);
  });

  it('rejects a missing envelope field', () => {
    const envelope: Partial<EventTypeDefinition['example']> = exampleOf('dunning.started');
    delete envelope.business_id;
    expect(validate('dunning.started', envelope)).toBe(false);
  });

  it('rejects a timestamp that is not ISO 8601', () => {
    const envelope = exampleOf('payout.created');
    envelope.timestamp = '04/08/2025 05:30';
    expect(validate('payout.created', envelope)).toBe(false);
  });

  it('rejects an unknown currency and a lower-case grant status', () => {
    const payment = exampleOf('payment.succeeded');
    payment.data.currency = 'XXX';
    expect(validate('payment.succeeded', payment)).toBe(false);
    const grant = exampleOf('entitlement_grant.delivered');
    grant.data.status = 'delivered';
    expect(validate('entitlement_grant.delivered', grant)).toBe(false);
  });

  it('rejects a nested customer without email', () => {
    const envelope = exampleOf('subscription.cancelled');
    delete (envelope.data.customer as Record<string, unknown>).email;
    expect(validate('subscription.cancelled', envelope)).toBe(false);
  });

  it('rejects a dispute amount sent as a number', () => {
    const envelope = exampleOf('dispute.opened');
    envelope.data.amount = 2999;
    expect(validate('dispute.opened', envelope)).toBe(false);
  });

  it('accepts null and absence for optional fields, and unknown fields', () => {
    const withNull = exampleOf('payment.succeeded');
    withNull.data.payment_method = null;
    withNull.data.status = null;
    expect(validate('payment.succeeded', withNull)).toBe(true);
    const withoutOptional = exampleOf('payment.succeeded');
    delete withoutOptional.data.card_last_four;
    withoutOptional.data.some_future_field = 'added by a newer API version';
    expect(validate('payment.succeeded', withoutOptional)).toBe(true);
  });

  it('rejects null for required fields', () => {
    const envelope = exampleOf('subscription.active');
    envelope.data.next_billing_date = null;
    expect(validate('subscription.active', envelope)).toBe(false);
  });
});

describe('catalog objects', () => {
  it('are frozen, so shared nested schemas cannot be corrupted by a consumer', () => {
    const event = definition('payment.succeeded');
    expect(Object.isFrozen(event.schema)).toBe(true);
    expect(Object.isFrozen(event.example.data.customer)).toBe(true);
  });
});
