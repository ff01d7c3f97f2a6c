import pino from 'pino';
import type { ApiOptions } from '../../api/context.ts';
import { createApi } from '../../api/index.ts';

/** The shape of the OpenAPI document parts the type generator reads. */
export interface OpenApiDocument {
  components: { schemas: Record<string, Record<string, unknown>> };
}

/**
 * The API's OpenAPI document, built in process without a database or a port: the document comes from the
 * route schemas alone, and no handler runs, so the store and sandbox are never touched.
 */
export async function readOpenApiDocument(): Promise<OpenApiDocument> {
  const unused = new Proxy(
    {},
    {
      get(_target, property) {
        throw new Error(`the OpenAPI document was built by a handler that used ${String(property)}`);
      },
    },
  );
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
