import { exampleBrandFields, exampleIds, exampleTimes } from './example-values.ts';
import { licenseKeyStatuses } from './license-key-schema.ts';
import {
  arrayOf,
  dateTime,
  integer,
  metadataSchema,
  objectSchema,
  oneOfValues,
  payloadTypeSchema,
  text,
  uri,
} from './shared-schemas.ts';

// Capitalised, unlike every other status enum on the platform.
const entitlementGrantStatuses = ['Pending', 'Delivered', 'Failed', 'Revoked'] as const;
type EntitlementGrantStatus = (typeof entitlementGrantStatuses)[number];

const integrationTypes = [
  'discord',
  'telegram',
  'github',
  'figma',
  'framer',
  'notion',
  'digital_files',
  'license_key',
  'feature_flag',
] as const;

const revocationReasons = [
  'subscription_cancelled',
  'subscription_on_hold',
  // Sent capitalised; the docs mark this value unstable.
  'SubscriptionPaused',
  'subscription_expired',
  'plan_changed',
  'refund',
  'manual',
  'license_key_disabled',
  'platform_external',
] as const;

const digitalProductDeliverySchema = objectSchema({
  title: 'DigitalProductDelivery',
  description: 'Files to download, for `digital_files` grants.',
  required: {
    files: arrayOf(
      objectSchema({
        required: {
          download_url: uri('Short-lived presigned URL.'),
          expires_in: integer('Seconds until `download_url` expires.'),
          file_id: text(),
          filename: text(),
        },
        optional: {
          content_type: text(),
          file_size: integer('Size in bytes.'),
        },
      }),
    ),
  },
  optional: {
    external_url: uri(),
    instructions: text(),
  },
});

const grantedLicenseKeySchema = objectSchema({
  title: 'GrantedLicenseKey',
  description: 'The issued key, for `license_key` grants.',
  required: {
    id: text(),
    activations_used: integer(),
    key: text('The secret key the customer activates with; keep it out of logs.'),
    status: oneOfValues(licenseKeyStatuses),
  },
  optional: {
    activations_limit: integer(),
    expires_at: dateTime(),
  },
});

export const entitlementGrantSchema = objectSchema({
  title: 'EntitlementGrant',
  description:
    "A customer's grant of an entitlement (Discord role, GitHub access, files, license key, feature).",
  required: {
    payload_type: payloadTypeSchema('EntitlementGrant'),
    id: text(),
    brand_id: text(),
    business_id: text(),
    created_at: dateTime(),
    customer_id: text(),
    entitlement_id: text(),
    integration_type: oneOfValues(integrationTypes),
    metadata: metadataSchema,
    status: oneOfValues(entitlementGrantStatuses),
    updated_at: dateTime(),
  },
  optional: {
    delivered_at: dateTime(),
    digital_product_delivery: digitalProductDeliverySchema,
    error_code: text(),
    error_message: text(),
    feature: objectSchema({
      title: 'GrantedFeature',
      required: { feature_id: text(), feature_type: text() },
    }),
    license_key: grantedLicenseKeySchema,
    oauth_expires_at: dateTime(),
    oauth_url: uri('Where the customer connects their account, for OAuth integrations.'),
    payment_id: text(),
    revocation_reason: oneOfValues(revocationReasons),
    revoked_at: dateTime(),
    subscription_id: text(),
  },
});

export function buildEntitlementGrantExample(
  status: EntitlementGrantStatus = 'Pending',
): Record<string, unknown> {
  const pending = status === 'Pending';
  const failed = status === 'Failed';
  const revoked = status === 'Revoked';
  return {
    payload_type: 'EntitlementGrant',
    id: exampleIds.entitlementGrant,
    ...exampleBrandFields,
    // A revoked grant is old: it was delivered when the subscription started.
    created_at: revoked ? exampleTimes.subscriptionCreated : exampleTimes.paymentCreated,
    customer_id: exampleIds.customer,
    delivered_at: revoked
      ? exampleTimes.subscriptionCreated
      : status === 'Delivered'
        ? exampleTimes.resourceUpdated
        : null,
    digital_product_delivery: null,
    entitlement_id: exampleIds.entitlement,
    error_code: failed ? 'discord_role_assignment_failed' : null,
    error_message: failed ? 'The bot lacks the Manage Roles permission in the server.' : null,
    feature: null,
    integration_type: 'discord',
    license_key: null,
    metadata: {},
    oauth_expires_at: pending ? '2025-08-05T05:30:44.961205Z' : null,
    oauth_url: pending
      ? `https://checkout.dodopayments.com/entitlements/discord/connect?grant=${exampleIds.entitlementGrant}`
      : null,
    payment_id: exampleIds.payment,
    revocation_reason: revoked ? 'subscription_cancelled' : null,
    revoked_at: revoked ? exampleTimes.resourceUpdated : null,
    status,
    subscription_id: exampleIds.subscription,
    updated_at: exampleTimes.resourceUpdated,
  };
}
