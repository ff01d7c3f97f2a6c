import { ApiProblem } from './api-problem.ts';
import type { Problem } from './openapi-types.ts';

export type Query = Record<string, string | number | boolean | string[] | undefined>;

export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<void>;
}

function withQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

/**
 * Talks to the Switchyard API on the same origin with a bearer token. Error answers become `ApiProblem`s;
 * a 401 also tells `onUnauthorized`, so an expired token sends the user back to sign in.
 */
export function createApiClient(token: string, onUnauthorized: () => void): ApiClient {
  async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) onUnauthorized();
    if (!response.ok) {
      const problem = (await response.json().catch(() => undefined)) as Problem | undefined;
      throw new ApiProblem(
        problem?.code
          ? problem
          : {
              type: 'about:blank',
              title: response.statusText,
              status: response.status,
              code: 'http_error',
              detail: `The server answered ${response.status} ${response.statusText}`,
            },
      );
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  return {
    get: (path, query) => send('GET', withQuery(path, query)),
    post: (path, body = {}) => send('POST', path, body),
    put: (path, body) => send('PUT', path, body),
    patch: (path, body) => send('PATCH', path, body),
    delete: (path) => send('DELETE', path),
  };
}
