import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const commaList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
/** An http(s) URL, for settings that point at a service. */
const httpUrl = z
  .string()
  .url()
  .regex(/^https?:\/\//i, 'must be an http:// or https:// URL');

/** Settings of one vendor's OAuth client (the app the operator registered with the vendor). */
function oauthClientId(vendor: string) {
  return z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe(
      `Client id of the operator's ${vendor} OAuth app; with its secret, ${vendor} cards offer Connect. Unset: the card asks for the credential instead.`,
    );
}
function oauthClientSecret(vendor: string) {
  return z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe(`Client secret of the operator's ${vendor} OAuth app (set together with the client id).`);
}
function oauthUrl(vendor: string, what: 'authorization page' | 'token endpoint') {
  return httpUrl
    .optional()
    .describe(
      `Replaces ${vendor}'s OAuth ${what} (a local fake in tests and demos). Default: ${vendor}'s own.`,
    );
}

const OAUTH_VENDORS = ['SLACK', 'DISCORD', 'HUBSPOT'] as const;

const cidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'each entry must be a CIDR range such as 127.0.0.0/8 or ::1/128');

/** Where alert emails go out: smtp:// (STARTTLS when offered) or smtps:// (TLS from the start). */
const smtpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return /^smtps?:$/i.test(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587');

/** A bare address or `Name <address>`: the sender of alert emails. */
const mailbox = z
  .string()
  .max(320)
  .regex(
    /^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/,
    'must be an address such as alerts@example.com or "Switchyard <alerts@example.com>"',
  );

const SMTP_DETAILS = ['PORT', 'USER', 'PASSWORD', 'SECURE'] as const;

/**
 * Every setting, read from the environment. Names are the environment variables; the README's
 * configuration table lists the same names.
 */
export const configSchema = z
  .object({
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
      .describe(
        'Public base URL used in app-portal links and OAuth redirect URIs (<public URL>/api/v1/oauth/<card>/callback). Default: http://HOST:PORT.',
      ),
    SWITCHYARD_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024)
      .describe('Largest request body accepted; larger bodies get 413 before they are read whole.'),
    SWITCHYARD_HEADERS_TIMEOUT_MS: positiveInt(600_000)
      .default(10_000)
      .describe('Time a client has to send its request headers; a slower one is answered 408 and cut off.'),
    SWITCHYARD_REQUEST_TIMEOUT_MS: positiveInt(3_600_000)
      .default(30_000)
      .describe(
        'Time a client has to send a whole request, body included; a slower one is answered 408 and cut off.',
      ),
    SWITCHYARD_DB_POOL_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(10)
      .describe('PostgreSQL connections per process.'),
    SWITCHYARD_WORKER: flag
      .default(true)
      .describe('Run the delivery worker inside `switchyard start`; false runs the API alone.'),
    SWITCHYARD_DELIVERY_CONCURRENCY: positiveInt(10_000)
      .default(64)
      .describe('HTTP requests in flight per worker process.'),
    SWITCHYARD_ENDPOINT_CONCURRENCY: positiveInt(10_000)
      .default(16)
      .describe('HTTP requests in flight to one endpoint per worker process.'),
    SWITCHYARD_DELIVERY_TIMEOUT_MS: positiveInt(300_000)
      .default(15_000)
      .describe('Time a receiver has to answer; no answer counts as a failed attempt.'),
    SWITCHYARD_DELIVERY_LEASE_MS: positiveInt(3_600_000)
      .optional()
      .describe(
        'How long a worker holds claimed deliveries before another may take them (renewed while held). Default: the larger of 60 s and 4 × the timeout.',
      ),
    SWITCHYARD_RETRY_SCHEDULE: commaList
      .pipe(z.array(z.coerce.number<string>('each delay must be whole seconds').int().min(0).max(604_800)))
      .default([5, 300, 1800, 7200, 18_000, 36_000, 36_000])
      .describe(
        'Seconds to wait before each retry, comma-separated (±20 % jitter); the first attempt is immediate.',
      ),
    SWITCHYARD_ALLOW_PRIVATE_NETWORKS: commaList
      .pipe(z.array(cidr))
      .default([])
      .describe(
        'CIDR ranges deliveries may reach although they are private, loopback or reserved (tests, private installs).',
      ),
    SWITCHYARD_DESTINATION_OVERRIDES: commaList
      .pipe(
        z.array(
          z
            .string()
            .regex(
              /^[a-z0-9.-]+(:\d+)?=https?:\/\/[^\s,]+$/i,
              'each entry must be vendor-host=http://address:port',
            ),
        ),
      )
      .transform((entries) => new Map(entries.map((e) => e.split('=', 2) as [string, string])))
      .default(new Map())
      .describe(
        "Comma-separated vendor-host=http://127.0.0.1:port pairs: a vendor host's traffic goes to a local address (fakes in tests, a local demo).",
      ),
    SWITCHYARD_HTTPS_ONLY: flag.default(false).describe('Refuse to deliver to http:// endpoints.'),
    SWITCHYARD_AUTO_DISABLE_AFTER_HOURS: positiveInt(10_000)
      .default(120)
      .describe(
        'Disable an endpoint that has failed continuously this long (failures at least 12 hours apart).',
      ),
    SWITCHYARD_RETENTION_DAYS: positiveInt(3650)
      .default(90)
      .describe('Days message payloads and attempt response bodies are kept.'),
    SWITCHYARD_POLL_INTERVAL_MS: positiveInt(60_000)
      .default(1000)
      .describe('How often an idle worker looks for due work when no notification wakes it.'),
    SWITCHYARD_SANDBOX_PROCESSES: positiveInt(64)
      .default(1)
      .describe('Sandbox processes that run transformations, per Switchyard process.'),
    SWITCHYARD_TRANSFORM_TIMEOUT_MS: positiveInt(10_000)
      .default(100)
      .describe('CPU time one transformation call may use.'),
    SWITCHYARD_TRANSFORM_MEMORY_MB: positiveInt(4096)
      .default(64)
      .describe('Memory of one sandbox isolate, in MB.'),
    SWITCHYARD_TRANSFORM_MAX_CODE_BYTES: positiveInt(10 * 1024 * 1024)
      .default(256 * 1024)
      .describe('Largest transformation code accepted.'),
    SWITCHYARD_TRANSFORM_MAX_OUTPUT_BYTES: positiveInt(64 * 1024 * 1024)
      .default(1024 * 1024)
      .describe("Largest result a transformation may return (the request's JSON)."),
    SWITCHYARD_SMTP_URL: smtpUrl
      .optional()
      .describe(
        'SMTP server of failure email alerts: smtp://user:password@host:587 (STARTTLS when offered) or smtps://… (TLS, port 465), special characters percent-encoded. Unset, with no SWITCHYARD_SMTP_HOST either: no alert emails.',
      ),
    SWITCHYARD_SMTP_HOST: z
      .string()
      .min(1)
      .max(253)
      .optional()
      .describe('SMTP server host, as an alternative to SWITCHYARD_SMTP_URL.'),
    SWITCHYARD_SMTP_PORT: positiveInt(65_535)
      .optional()
      .describe('Port of SWITCHYARD_SMTP_HOST. Default: 465 when secure, else 587.'),
    SWITCHYARD_SMTP_USER: z.string().min(1).optional().describe('SMTP user of SWITCHYARD_SMTP_HOST.'),
    SWITCHYARD_SMTP_PASSWORD: z
      .string()
      .min(1)
      .optional()
      .describe('SMTP password of SWITCHYARD_SMTP_HOST; never logged.'),
    SWITCHYARD_SMTP_SECURE: flag
      .optional()
      .describe(
        'TLS from the first byte; false upgrades with STARTTLS when offered. Default: true on port 465.',
      ),
    SWITCHYARD_ALERT_FROM: mailbox
      .optional()
      .describe(
        'Sender of failure email alerts, e.g. "Switchyard <alerts@example.com>"; required with SMTP.',
      ),
    SWITCHYARD_ALERT_INTERVAL_MINUTES: positiveInt(10_080)
      .default(60)
      .describe(
        'At most one alert email per endpoint and kind of alert in this many minutes, across processes.',
      ),
    SWITCHYARD_OAUTH_SLACK_CLIENT_ID: oauthClientId('Slack'),
    SWITCHYARD_OAUTH_SLACK_CLIENT_SECRET: oauthClientSecret('Slack'),
    SWITCHYARD_OAUTH_SLACK_AUTHORIZE_URL: oauthUrl('Slack', 'authorization page'),
    SWITCHYARD_OAUTH_SLACK_TOKEN_URL: oauthUrl('Slack', 'token endpoint'),
    SWITCHYARD_OAUTH_DISCORD_CLIENT_ID: oauthClientId('Discord'),
    SWITCHYARD_OAUTH_DISCORD_CLIENT_SECRET: oauthClientSecret('Discord'),
    SWITCHYARD_OAUTH_DISCORD_AUTHORIZE_URL: oauthUrl('Discord', 'authorization page'),
    SWITCHYARD_OAUTH_DISCORD_TOKEN_URL: oauthUrl('Discord', 'token endpoint'),
    SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID: oauthClientId('HubSpot'),
    SWITCHYARD_OAUTH_HUBSPOT_CLIENT_SECRET: oauthClientSecret('HubSpot'),
    SWITCHYARD_OAUTH_HUBSPOT_AUTHORIZE_URL: oauthUrl('HubSpot', 'authorization page'),
    SWITCHYARD_OAUTH_HUBSPOT_TOKEN_URL: oauthUrl('HubSpot', 'token endpoint'),
    SWITCHYARD_URL: httpUrl
      .optional()
      .describe(
        'The Switchyard that `switchyard send`, `replay` and `recover` talk to. Default: SWITCHYARD_PUBLIC_URL, else http://HOST:PORT.',
      ),
    SWITCHYARD_TOKEN: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Bearer token of `switchyard send`, `replay` and `recover` (operator or app-portal). Default: SWITCHYARD_ADMIN_TOKEN, else the generated one in the data directory.',
      ),
    SWITCHYARD_METRICS_TOKEN: z
      .string()
      .min(24, 'must be at least 24 characters')
      .optional()
      .describe('A bearer token that may read /metrics and nothing else (the operator token always may).'),
    SWITCHYARD_WORKER_METRICS_PORT: port
      .optional()
      .describe(
        'A `switchyard worker` process serves /metrics and /api/v1/health on this port (on HOST); unset, it listens on none.',
      ),
    SWITCHYARD_VALIDATE_RESPONSES: flag
      .default(false)
      .describe(
        'Check every API response against the OpenAPI document and answer 500 where one does not match (development, tests, staging).',
      ),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('Log level of the JSON logs on stdout.'),
  })
  // A client id without its secret (or the reverse) would fail only when a merchant clicks Connect.
  .superRefine((config, context) => {
    for (const vendor of OAUTH_VENDORS) {
      const id = config[`SWITCHYARD_OAUTH_${vendor}_CLIENT_ID`];
      const secret = config[`SWITCHYARD_OAUTH_${vendor}_CLIENT_SECRET`];
      if ((id === undefined) !== (secret === undefined)) {
        const missing = id === undefined ? 'CLIENT_ID' : 'CLIENT_SECRET';
        context.addIssue({
          code: 'custom',
          path: [`SWITCHYARD_OAUTH_${vendor}_${missing}`],
          message: `must be set too: an OAuth client needs both its id and its secret`,
        });
      }
    }
  })
  // Half an SMTP configuration would only show when the first alert fails to go out.
  .superRefine((config, context) => {
    const problem = (setting: string, message: string) =>
      context.addIssue({ code: 'custom', path: [setting], message });
    const byUrl = config.SWITCHYARD_SMTP_URL !== undefined;
    const byHost = config.SWITCHYARD_SMTP_HOST !== undefined;
    if (byUrl && byHost) problem('SWITCHYARD_SMTP_HOST', 'set either it or SWITCHYARD_SMTP_URL, not both');
    for (const detail of SMTP_DETAILS) {
      if (config[`SWITCHYARD_SMTP_${detail}`] !== undefined && !byHost)
        problem(
          `SWITCHYARD_SMTP_${detail}`,
          byUrl ? 'goes in SWITCHYARD_SMTP_URL' : 'needs SWITCHYARD_SMTP_HOST',
        );
    }
    if (
      byHost &&
      (config.SWITCHYARD_SMTP_USER === undefined) !== (config.SWITCHYARD_SMTP_PASSWORD === undefined)
    ) {
      const missing = config.SWITCHYARD_SMTP_USER === undefined ? 'USER' : 'PASSWORD';
      problem(
        `SWITCHYARD_SMTP_${missing}`,
        'must be set too: SMTP authentication needs a user and a password',
      );
    }
    if ((byUrl || byHost) && config.SWITCHYARD_ALERT_FROM === undefined)
      problem('SWITCHYARD_ALERT_FROM', 'must be set with SMTP: alert emails need a sender address');
  });

export type Config = z.infer<typeof configSchema>;

/** A setting had a value that is not allowed; the message names the setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Settings of a configuration file, as text the way the environment carries them. */
export interface ConfigFileSettings {
  file: string;
  values: Record<string, string>;
}

/**
 * Reads and validates the configuration: the environment over the file's settings, if any. Empty variables
 * count as unset.
 * @throws ConfigError naming each wrong setting (and the file, when the value came from it) and what it allows
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  fromFile?: ConfigFileSettings,
): Config {
  const present = Object.fromEntries(
    Object.keys(configSchema.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = configSchema.safeParse({ ...fromFile?.values, ...present });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const setting = String(issue.path[0]);
    const inFile = fromFile && setting in fromFile.values && !(setting in present);
    return `${issue.path.join('.')}${inFile ? ` (in ${fromFile.file})` : ''}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
}
