import { z } from '@hono/zod-openapi';

/** Svix's UID rule; a uid may not look like an id of the same resource. */
export function uidSchema(idPrefix: string) {
  return z
    .string()
    .min(1)
    .max(256)
    .regex(/^[a-zA-Z0-9\-_.]+$/, 'may contain only letters, digits, "-", "_" and "."')
    .refine((v) => !v.startsWith(idPrefix), `must not start with "${idPrefix}", which marks ids`);
}

export const eventTypeNameSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[a-zA-Z0-9\-_.]+$/, 'event type names may contain only letters, digits, "-", "_" and "."')
  .openapi({ example: 'payment.succeeded' });

export const metadataSchema = z.record(z.string(), z.string()).openapi({ example: { tier: 'gold' } });

export const channelsSchema = z
  .array(
    z
      .string()
      .max(128)
      .regex(/^[a-zA-Z0-9\-_.:+]+$/, 'channels may contain letters, digits and "-_.:+"'),
  )
  .min(1)
  .max(10)
  .refine((a) => new Set(a).size === a.length, 'channels must be unique');

export const throttleRateSchema = z.number().int().min(1).max(65535);

export const timestampSchema = z
  .string()
  .openapi({ format: 'date-time', example: '2026-01-01T12:00:00.000Z' });

/** Repeated keys or one comma-joined value (what the svix SDK sends) both give a list. */
export const listParamSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean));

const booleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(250).default(50),
  iterator: z.string().max(300).optional(),
  order: z.enum(['ascending', 'descending']).optional(),
});

export const withContentQuery = z.object({ with_content: booleanParam.default(true) });
export const booleanQueryParam = booleanParam;

/**
 * An ISO 8601 time from 1970 to 9999: any time a message can have. Earlier years (year 0 among them) are
 * valid ISO but out of PostgreSQL's range or meaningless here, and would fail in the database instead.
 */
export const isoTime = z.iso.datetime({ offset: true }).refine((value) => {
  const time = Date.parse(value);
  return time >= 0 && time < Date.UTC(10_000, 0, 1);
}, 'must be a time between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z');

export const dateParam = isoTime.transform((v) => new Date(v));

/** Svix's ListResponse wrapper. */
export function listResponseSchema<T extends z.ZodTypeAny>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      iterator: z.string().nullable(),
      prevIterator: z.string().nullable().optional(),
      done: z.boolean(),
    })
    .openapi(name);
}

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.union([
      z.string(),
      z.array(
        z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() }),
      ),
    ]),
  })
  .openapi('Problem');

/** The error responses every operation may give. */
export const errorResponses = Object.fromEntries(
  [400, 401, 403, 404, 409, 413, 422].map((status) => [
    status,
    { description: 'Problem', content: { 'application/problem+json': { schema: problemSchema } } },
  ]),
);

export function jsonBody<T extends z.ZodTypeAny>(schema: T) {
  return { body: { required: true, content: { 'application/json': { schema } } } };
}

export function jsonResponse<T extends z.ZodTypeAny>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

export const noContent = { description: 'Done; no body.' };
