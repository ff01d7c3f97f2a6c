import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toTsModule } from './json-schema-to-ts.ts';
import { readOpenApiDocument } from './openapi-document.ts';

/** Git-ignored: made from the API's schemas whenever the dashboard is type-checked or built. */
export const API_TYPES_FILE = fileURLToPath(new URL('../app/api/openapi-types.ts', import.meta.url));

const HEADER = `// Generated from the API's OpenAPI document by src/web/build/write-api-types.ts; do not edit.`;

/** Writes the dashboard's API types from the OpenAPI document; leaves the file alone when unchanged. */
export async function writeApiTypes(file = API_TYPES_FILE): Promise<boolean> {
  const document = await readOpenApiDocument();
  const source = toTsModule(document.components.schemas, HEADER);
  const current = await readFile(file, 'utf8').catch(() => undefined);
  if (current === source) return false;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, source);
  return true;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeApiTypes();
}
