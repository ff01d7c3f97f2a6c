import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.ts';
import { OPERATOR_TOKEN_FILE } from '../server/operator-token.ts';
import { CliError, EXIT_FAILURE, usageError } from './cli-error.ts';

export interface ClientOptions {
  url?: string | undefined;
  token?: string | undefined;
}

export interface SwitchyardClient {
  url: string;
  /** @throws ApiProblemError for an error answer, CliError when Switchyard cannot be reached */
  request<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

/** An error answer of the API, shown as its problem document's title and detail. */
export class ApiProblemError extends CliError {
  override name = 'ApiProblemError';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message, EXIT_FAILURE);
    this.status = status;
  }
}

interface Problem {
  title?: string;
  detail?: string | { loc?: (string | number)[]; msg?: string }[];
}

function describeProblem(status: number, body: string): string {
  let problem: Problem | undefined;
  try {
    problem = JSON.parse(body) as Problem;
  } catch {
    problem = undefined;
  }
  const title = problem?.title ?? `HTTP ${status}`;
  const detail = Array.isArray(problem?.detail)
    ? problem.detail.map((issue) => `${(issue.loc ?? []).join('.')}: ${issue.msg ?? ''}`).join('; ')
    : (problem?.detail ?? body.slice(0, 500));
  return `${status} ${title}${detail ? `: ${detail}` : ''}`;
}

/** Where Switchyard is: `--url`, else SWITCHYARD_URL, else its public URL, else where this configuration listens. */
function resolveUrl(config: Config, option: string | undefined): string {
  const url = option ?? config.SWITCHYARD_URL ?? config.SWITCHYARD_PUBLIC_URL;
  if (url) {
    if (!/^https?:\/\/[^/\s]+/i.test(url))
      throw usageError(`--url must be an http:// or https:// URL, not ${url}`);
    return url.replace(/\/+$/, '');
  }
  // A server listening on every address is reached on loopback from the same machine.
  const host = ['0.0.0.0', '::', ''].includes(config.HOST) ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}`;
}

/** The token: `--token`, else SWITCHYARD_TOKEN, else the operator token configured or generated on this machine. */
function resolveToken(config: Config, option: string | undefined): string {
  const token = option ?? config.SWITCHYARD_TOKEN ?? config.SWITCHYARD_ADMIN_TOKEN;
  if (token) return token;
  const file = path.resolve(config.SWITCHYARD_DATA_DIR, OPERATOR_TOKEN_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw usageError(
      `no token: pass --token or set SWITCHYARD_TOKEN (no generated operator token in ${file} either)`,
    );
  }
}

/** A client of a running Switchyard's HTTP API. */
export function createSwitchyardClient(config: Config, options: ClientOptions): SwitchyardClient {
  const url = resolveUrl(config, options.url);
  const token = resolveToken(config, options.token);
  return {
    url,
    async request<T>(method: string, route: string, body?: unknown, headers: Record<string, string> = {}) {
      let response: Response;
      try {
        response = await fetch(`${url}${route}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new CliError(
          `cannot reach Switchyard at ${url}: ${cause?.code ?? cause?.message ?? String(error)}`,
          EXIT_FAILURE,
        );
      }
      const text = await response.text();
      if (!response.ok) throw new ApiProblemError(response.status, describeProblem(response.status, text));
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
