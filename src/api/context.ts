import type { Logger } from 'pino';
import type { App, Store } from '../db/index.ts';
import type { Metrics } from '../metrics/index.ts';
import type { OAuthClients } from '../oauth/index.ts';
import type { Sandbox } from '../sandbox/index.ts';

/** Who is calling: the operator (all apps) or a holder of an app-portal token (one app). */
export type Principal = { kind: 'operator' } | { kind: 'app'; appId: string; token: string };

export interface ApiOptions {
  store: Store;
  logger: Logger;
  /** The configured operator token, if any; generated tokens are looked up in the store. */
  adminToken?: string | undefined;
  /** Base URL for app-portal links. */
  publicUrl: string;
  maxBodyBytes: number;
  /** Runs transformations for test runs and backtests. */
  sandbox: Sandbox;
  /** Served at /metrics to the operator, and to holders of `metricsToken`. */
  metrics?: Metrics;
  /** A token that may read /metrics and nothing else. */
  metricsToken?: string | undefined;
  /** Answer 500 for any response the OpenAPI document does not describe (development, tests, staging). */
  validateResponses?: boolean;
  /** Days a message payload is kept unless the message asks for less. */
  payloadRetentionDays?: number;
  /** The installation's OAuth apps by card: those cards offer Connect. */
  oauth?: OAuthClients;
}

export interface ApiEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    app?: App;
    idempotencyKeyHash?: string;
    idempotencyCompleted?: boolean;
  };
}
