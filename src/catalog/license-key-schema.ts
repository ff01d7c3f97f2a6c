import { exampleBrandFields, exampleIds, exampleTimes } from './example-values.ts';
import { dateTime, integer, objectSchema, oneOfValues, payloadTypeSchema, text } from './shared-schemas.ts';

export const licenseKeyStatuses = ['active', 'expired', 'disabled'] as const;
type LicenseKeyStatus = (typeof licenseKeyStatuses)[number];

export const licenseKeySchema = objectSchema({
  title: 'LicenseKey',
  description: 'A license key issued to a customer for a product.',
  required: {
    payload_type: payloadTypeSchema('LicenseKey'),
    id: text(),
    brand_id: text(),
    business_id: text(),
    created_at: dateTime(),
    customer_id: text(),
    instances_count: integer('Number of activated instances.'),
    key: text('The secret key the customer activates with; keep it out of logs.'),
    product_id: text(),
    source: oneOfValues(['auto', 'import', 'manual']),
    status: oneOfValues(licenseKeyStatuses),
  },
  optional: {
    activations_limit: integer(),
    expires_at: dateTime(),
    payment_id: text(),
    subscription_id: text(),
  },
});

export function buildLicenseKeyExample(status: LicenseKeyStatus = 'active'): Record<string, unknown> {
  return {
    payload_type: 'LicenseKey',
    id: exampleIds.licenseKey,
    ...exampleBrandFields,
    activations_limit: 3,
    created_at: exampleTimes.resourceUpdated,
    customer_id: exampleIds.customer,
    expires_at: exampleTimes.termEnd,
    instances_count: 0,
    key: '5F3A9C2E-7B1D-4E8A-9C6F-0D2B4A8E1F73',
    payment_id: exampleIds.payment,
    product_id: exampleIds.product,
    source: 'auto',
    status,
    subscription_id: exampleIds.subscription,
  };
}
