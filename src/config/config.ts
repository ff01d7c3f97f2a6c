import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/**
 * Every setting, read from the environment. Names are the environment variables; the README's
 * configuration table lists the same names.
 */
export const configSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1').describe('Address the HTTP server listens on.'),
  PORT: port.default(8080).describe('Port of the API (and, later, the dashboard).'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .describe('PostgreSQL connection URL. Unset: embedded PGlite in the data directory.'),
  SWITCHYARD_DATA_DIR: z
    .string()
    .min(1)
    .default('./.switchyard')
    .describe('Where embedded data, the generated operator token and the generated secret key are kept.'),
  SWITCHYARD_ADMIN_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters')
    .regex(/^[^.\s]+$/, 'must not contain dots or spaces (the svix SDK reads a region after a dot)')
    .optional()
    .describe(
      'Operator bearer token. Unset: one is generated on first start and written to the data directory.',
    ),
  SWITCHYARD_SECRET_KEY: z
    .string()
    .optional()
    .describe(
      'Key (32 bytes, base64 or hex) that encrypts secrets at rest. Unset: generated on first start and kept in the data directory.',
    ),
  SWITCHYARD_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .describe('Public base URL used in app-portal links. Default: http://HOST:PORT.'),
  SWITCHYARD_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe('Largest request body accepted; larger bodies get 413 before they are read whole.'),
  SWITCHYARD_DB_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(10)
    .describe('PostgreSQL connections per process.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Log level of the JSON logs on stdout.'),
});

export type Config = z.infer<typeof configSchema>;

/** A setting had a value that is not allowed; the message names the setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates the configuration. Empty variables count as unset.
 * @throws ConfigError naming each wrong setting and what it allows
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(configSchema.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}
