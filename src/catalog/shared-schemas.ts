export type JsonSchema = Record<string, unknown>;

function described(schema: JsonSchema, description: string | undefined): JsonSchema {
  return description === undefined ? schema : { ...schema, description };
}

export function text(description?: string): JsonSchema {
  return described({ type: 'string' }, description);
}

export function dateTime(description?: string): JsonSchema {
  return described({ type: 'string', format: 'date-time' }, description);
}

export function uri(description?: string): JsonSchema {
  return described({ type: 'string', format: 'uri' }, description);
}

export function integer(description?: string): JsonSchema {
  return described({ type: 'integer' }, description);
}

export function minorAmount(description: string): JsonSchema {
  return { type: 'integer', minimum: 0, description: `${description} In the currency's smallest unit.` };
}

export function decimalString(description?: string): JsonSchema {
  return described({ type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' }, description);
}

export function boolean(description?: string): JsonSchema {
  return described({ type: 'boolean' }, description);
}

export function oneOfValues(values: readonly string[], description?: string): JsonSchema {
  return described({ type: 'string', enum: [...values] }, description);
}

export function arrayOf(items: JsonSchema, description?: string): JsonSchema {
  return described({ type: 'array', items }, description);
}

/** Optional fields may be absent or explicitly null on the wire. */
function nullable(schema: JsonSchema): JsonSchema {
  const { description, ...rest } = schema;
  return described(
    { anyOf: [rest, { type: 'null' }] },
    typeof description === 'string' ? description : undefined,
  );
}

interface ObjectSpec {
  title?: string;
  description?: string;
  required: Record<string, JsonSchema>;
  optional?: Record<string, JsonSchema>;
}

/**
 * Unknown properties stay allowed: the platform adds fields between SDK versions and a delivery carries the
 * newest resource state, so a closed schema would reject real traffic.
 */
export function objectSchema(spec: ObjectSpec): JsonSchema {
  const optional = Object.fromEntries(
    Object.entries(spec.optional ?? {}).map(([key, schema]) => [key, nullable(schema)]),
  );
  return {
    type: 'object',
    ...(spec.title === undefined ? {} : { title: spec.title }),
    ...(spec.description === undefined ? {} : { description: spec.description }),
    required: Object.keys(spec.required),
    properties: { ...spec.required, ...optional },
  };
}

export function payloadTypeSchema(payloadType: string): JsonSchema {
  return { const: payloadType, description: 'Discriminator naming the resource carried in `data`.' };
}

export const paymentProviders = ['stripe', 'adyen', 'dodo'] as const;

export const timeIntervals = ['Day', 'Week', 'Month', 'Year'] as const;

// ISO 4217 codes accepted by SDK 2.52.0 (`Currency`).
const currencyCodes: readonly string[] = `
  AED ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BWP BYN BZD CAD CHF
  CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD
  HNL HRK HTG HUF IDR ILS INR IQD JMD JOD JPY KES KGS KHR KMF KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD
  MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP
  PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SZL THB TND TOP
  TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW
`
  .trim()
  .split(/\s+/);

// ISO 3166-1 alpha-2 codes accepted by SDK 2.52.0 (`CountryCode`).
export const countryCodes: readonly string[] = `
  AF AX AL DZ AS AD AO AI AQ AG AR AM AW AU AT AZ BS BH BD BB BY BE BZ BJ BM BT BO BQ BA BW BV BR
  IO BN BG BF BI KH CM CA CV KY CF TD CL CN CX CC CO KM CG CD CK CR CI HR CU CW CY CZ DK DJ DM DO
  EC EG SV GQ ER EE ET FK FO FJ FI FR GF PF TF GA GM GE DE GH GI GR GL GD GP GU GT GG GN GW GY HT
  HM VA HN HK HU IS IN ID IR IQ IE IM IL IT JM JP JE JO KZ KE KI KP KR KW KG LA LV LB LS LR LY LI
  LT LU MO MK MG MW MY MV ML MT MH MQ MR MU YT MX FM MD MC MN ME MS MA MZ MM NA NR NP NL NC NZ NI
  NE NG NU NF MP NO OM PK PW PS PA PG PY PE PH PN PL PT PR QA RE RO RU RW BL SH KN LC MF PM VC WS
  SM ST SA SN RS SC SL SG SX SK SI SB SO ZA GS SS ES LK SD SR SJ SZ SE CH SY TW TJ TZ TH TL TG TK
  TO TT TN TR TM TC TV UG UA AE GB UM US UY UZ VU VE VN VG VI WF EH YE ZM ZW
`
  .trim()
  .split(/\s+/);

export function currency(description = 'ISO 4217 currency code.'): JsonSchema {
  return oneOfValues(currencyCodes, description);
}

export const metadataSchema: JsonSchema = {
  type: 'object',
  description: 'Merchant-defined key-value pairs.',
  additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
};

export const customerSchema = objectSchema({
  title: 'CustomerLimitedDetails',
  description: 'The customer the resource belongs to.',
  required: {
    customer_id: text(),
    email: { type: 'string', format: 'email' },
    name: text(),
  },
  optional: {
    metadata: metadataSchema,
    phone_number: text(),
  },
});

export const billingAddressSchema = objectSchema({
  title: 'BillingAddress',
  description: 'Billing address given at checkout.',
  required: {
    country: oneOfValues(countryCodes, 'ISO 3166-1 alpha-2 country code.'),
  },
  optional: {
    city: text(),
    state: text(),
    street: text(),
    zipcode: text(),
  },
});

export const customFieldResponsesSchema = arrayOf(
  objectSchema({ title: 'CustomFieldResponse', required: { key: text(), value: text() } }),
  'Answers to custom fields collected at checkout.',
);

export const discountsSchema = arrayOf(
  objectSchema({
    title: 'DiscountDetail',
    required: {
      amount: integer('Basis points for percentage discounts, otherwise an amount in minor units.'),
      business_id: text(),
      code: text(),
      created_at: dateTime(),
      discount_id: text(),
      metadata: metadataSchema,
      position: integer('Order in which stacked discounts apply.'),
      preserve_on_plan_change: boolean(),
      restricted_to: arrayOf(text(), 'Product ids the discount is limited to.'),
      times_used: integer(),
      type: text(),
    },
    optional: {
      cycles_remaining: integer(),
      expires_at: dateTime(),
      name: text(),
      subscription_cycles: integer(),
      usage_limit: integer(),
    },
  }),
  'Stacked discounts, ordered by position.',
);
