import { z } from '@hono/zod-openapi';

/** Headers whose values are credentials: stored like the rest, but never shown again (as Svix does). */
const SENSITIVE = new Set([
  'authorization',
  'x-auth-token',
  'x-api-key',
  'www-authenticate',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** Headers the delivery engine owns: hop-by-hop, framing, and the signature set. */
const RESERVED = new Set([
  'host',
  'connection',
  'content-length',
  'content-type',
  'content-encoding',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

const RESERVED_PREFIXES = [
  'svix-',
  'x-svix-',
  'webhook-',
  'x-amz-',
  'x-goog-',
  'x-azure-',
  'x-ms-',
  'x-cloud-trace-',
  'x-forwarded-',
];

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function headerNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (!TOKEN.test(name)) return `'${name}' is not a valid header name`;
  if (RESERVED.has(lower)) return `'${name}' is set by Switchyard and cannot be a custom header`;
  const prefix = RESERVED_PREFIXES.find((p) => lower.startsWith(p));
  if (prefix) return `headers starting with '${prefix}' are reserved`;
  return undefined;
}

export const headerNameSchema = z
  .string()
  .max(256)
  .superRefine((name, ctx) => {
    const problem = headerNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const headersSchema = z
  .record(
    headerNameSchema,
    z
      .string()
      .max(4096)
      .regex(/^[^\r\n\0]*$/, 'header values may not contain line breaks or NUL'),
  )
  .refine((h) => Object.keys(h).length <= 64, 'at most 64 custom headers');

/** Splits stored headers into what may be shown and the names of the ones that may not. */
export function toHeadersOut(headers: Record<string, string>) {
  const shown: Record<string, string> = {};
  const sensitive: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (SENSITIVE.has(name.toLowerCase())) sensitive.push(name);
    else shown[name] = value;
  }
  return { headers: shown, sensitive };
}
