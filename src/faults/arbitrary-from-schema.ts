import fc from 'fast-check';

/** The part of JSON Schema (as the OpenAPI document writes it) the fuzzer reads. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  example?: unknown;
  default?: unknown;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

/** Strings a validator and a database must both survive. */
const NASTY_STRINGS = [
  '',
  ' ',
  'a\u0000b',
  '\u0000',
  '\uD800',
  '💳🧾',
  '../../etc/passwd',
  '%00',
  "'; drop table apps; --",
  '<script>alert(1)</script>',
  'x'.repeat(10_000),
  'payment.succeeded',
  'https://example.com/hook',
  'http://127.0.0.1:1/',
  'app_',
  '__proto__',
];
/** Numbers at and past the edges of every range. */
const NASTY_NUMBERS = [0, -1, 1, 0.5, -0, 2 ** 31, 2 ** 53 + 2, -(2 ** 53), 1e308, Number.MIN_VALUE];

export const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Any JSON value, including ones no schema expects. */
export const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nastyString,
  fc.constantFrom(...NASTY_NUMBERS),
  fc.constant(null),
);

function resolve(schema: JsonSchema, document: unknown): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 20; hops++) {
    const target = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
    current = (target ?? {}) as JsonSchema;
  }
  return current;
}

/**
 * Values that mostly fit `schema`, with boundary values and, now and then, a member of the wrong type, an
 * unknown member, or a required one missing: what a careless or hostile client sends.
 */
export function arbitraryFromSchema(schema: JsonSchema, document: unknown, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, document);
  if (depth > 4) return anyJson;
  const wrong = anyJson;
  const fitting = fittingArbitrary(s, document, depth);
  return fc.oneof({ arbitrary: fitting, weight: 8 }, { arbitrary: wrong, weight: 1 });
}

function fittingArbitrary(s: JsonSchema, document: unknown, depth: number): fc.Arbitrary<unknown> {
  const choices = s.oneOf ?? s.anyOf;
  if (choices?.length) return fc.oneof(...choices.map((c) => arbitraryFromSchema(c, document, depth + 1)));
  if (s.allOf?.length) return arbitraryFromSchema(s.allOf[0]!, document, depth + 1);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.oneof(fc.constantFrom(...s.enum), nastyString);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  const examples = [s.example, s.default].filter((v) => v !== undefined);
  const withExamples = (arb: fc.Arbitrary<unknown>) =>
    examples.length ? fc.oneof(fc.constantFrom(...examples), arb) : arb;
  switch (type) {
    case 'string': {
      const lengths = [s.minLength, s.maxLength].filter((n): n is number => n !== undefined);
      const edges = [0, 1, ...lengths.flatMap((n) => [n - 1, n, n + 1])].filter((n) => n >= 0 && n < 100_000);
      const formatted =
        s.format === 'uri'
          ? fc.constantFrom('https://example.com/hook', 'http://127.0.0.1/x', 'ftp://x', 'https://')
          : s.format === 'date-time'
            ? fc.constantFrom('2026-11-23T10:00:00Z', '2026-13-45T99:00:00Z', '0000-01-01T00:00:00Z')
            : nastyString;
      return withExamples(
        fc.oneof(
          formatted,
          fc.constantFrom(...edges).map((n) => 'a'.repeat(n)),
        ),
      );
    }
    case 'integer':
    case 'number': {
      const bounds = [s.minimum, s.maximum].filter((n): n is number => n !== undefined);
      return withExamples(
        fc.oneof(
          fc.constantFrom(...NASTY_NUMBERS, ...bounds.flatMap((n) => [n - 1, n, n + 1])),
          fc.integer(),
        ),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = arbitraryFromSchema(s.items ?? {}, document, depth + 1);
      return withExamples(
        fc.oneof(fc.array(items, { maxLength: 4 }), fc.array(items, { minLength: 50, maxLength: 300 })),
      );
    }
    case 'object':
    case undefined: {
      if (!s.properties) return withExamples(fc.dictionary(nastyString, anyJson, { maxKeys: 4 }));
      const required = new Set(s.required ?? []);
      const members = Object.fromEntries(
        Object.entries(s.properties).map(([name, member]) => [
          name,
          arbitraryFromSchema(member, document, depth + 1),
        ]),
      );
      const record = fc.record(members, {
        requiredKeys: Object.keys(members).filter((name) => required.has(name)),
      });
      return withExamples(
        fc.oneof(
          { arbitrary: record, weight: 6 },
          // A required member missing, or one nobody declared.
          { arbitrary: fc.record(members, { requiredKeys: [] }), weight: 1 },
          {
            arbitrary: fc
              .tuple(record, nastyString, anyJson)
              .map(([r, key, value]) => ({ ...r, [key]: value })),
            weight: 1,
          },
        ),
      );
    }
    default:
      return anyJson;
  }
}
