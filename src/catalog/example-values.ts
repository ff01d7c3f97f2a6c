/**
 * One merchant, one customer and one monthly subscription in its fourth period, so that every example in the
 * catalog describes the same story and ids cross-reference correctly between event types.
 */
export const exampleIds = {
  business: 'bus_u8jzPde0IgxLd6GncfBAe',
  // The default brand of a business shares the business id, as in live deliveries.
  brand: 'bus_u8jzPde0IgxLd6GncfBAe',
  customer: 'cus_pfJBd0Kh8oOOL8dKLzdoc',
  subscription: 'sub_J2isAjIhKtJ0RlgLKOmxg',
  product: 'pdt_JTeKdNnFRIBXuDL7DxtpY',
  payment: 'pay_2IjeQm4hqU6RGzjvdbzsS',
  recoveryPayment: 'pay_vj7FAc9QeWJKY40uvSwMF',
  paymentMethod: 'pm_R4y9ojfljoQoaF1Llqsaj',
  invoice: 'inv_83RZJzzzzgEOzdmenCkhv',
  refund: 'ref_LZDe1f8rESQedUStPKR0C',
  dispute: 'dis_sTy4Qwb8DwkNhFdnXsiVp',
  licenseKey: 'lic_zz63FfkCzJr4i0B3JrTAw',
  payout: 'po_lBYOvfZ8UzDzV8fUkkibj',
  creditEntitlement: 'cde_MdgaKjIg8xNbe3nNyjOq9',
  creditLedgerEntry: 'cle_wMxEhh2FDEEtfjgVvVqE1',
  creditGrant: 'grt_SkHbn88HxjSI6bWHtP3fS',
  entitlement: 'ent_2qHx6kwXoIIXGvOoNZYW2',
  entitlementGrant: 'grt_M9wCZ7Uw9xfogoEmvnEN5',
} as const;

export const exampleTimes = {
  subscriptionCreated: '2025-05-04T05:28:12.418305Z',
  periodStart: '2025-08-04T05:28:12.418305Z',
  periodEnd: '2025-09-04T05:28:12.418305Z',
  /** Twelve monthly periods after `subscriptionCreated`. */
  termEnd: '2026-05-04T05:28:12.418305Z',
  gracePeriodEnd: '2025-08-11T05:28:12.418305Z',
  paymentCreated: '2025-08-04T05:28:13.027341Z',
  resourceUpdated: '2025-08-04T05:30:44.961205Z',
  /** When every example event occurred; resources updated just before it. */
  event: '2025-08-04T05:30:45.182629Z',
} as const;

export const exampleBrandFields = { brand_id: exampleIds.brand, business_id: exampleIds.business };

export const exampleCurrency = 'USD';

/** The monthly price in cents; Delaware levies no sales tax, so it is also the amount charged. */
export const exampleMonthlyAmount = 2999;

export const exampleCustomer = {
  customer_id: exampleIds.customer,
  email: 'ada.lovelace@example.com',
  name: 'Ada Lovelace',
  metadata: {},
  phone_number: '+13025550142',
};

export const exampleBilling = {
  city: 'Wilmington',
  country: 'US',
  state: 'DE',
  street: '1000 N West St',
  zipcode: '19801',
};

export const exampleMetadata = { crm_account_id: '0015e00000XyZ12AAB', seats: 5, referred: true };
