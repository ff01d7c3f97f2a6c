import pino from 'pino';
import type { ApiOptions } from '../../api/context.ts';
import { createApi } from '../../api/index.ts';

/** The shape of the OpenAPI document parts the type generator reads. */
export interface OpenApiDocument {
  components: { schemas: Record<string, Record<string, unknown>> };
}

/**
 * The API's OpenAPI document, built in process without a database or a port: the document comes from the
 * route schemas alone, and no handler runs, so the store and sandbox are never called.
 */
export async function readOpenApiDocument(): Promise<OpenApiDocument> {
  // Route factories may keep references to parts of the store; only calling one would mean a handler ran.
  const unused: object = new Proxy(() => undefined, {
    get: (_target, property) => (property === 'then' ? undefined : unused),
    apply() {
      throw new Error('building the OpenAPI document called into the store or sandbox');
    },
  });
  const api = createApi({
    store: unused,
    sandbox: unused,
    logger: pino({ level: 'silent' }),
    publicUrl: 'http://127.0.0.1',
    maxBodyBytes: 1,
  } as unknown as ApiOptions);
  const response = await api.request('/api/openapi.json');
  if (!response.ok) throw new Error(`GET /api/openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}
