import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';

const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_UI_VERSION = (
  JSON.parse(readFileSync(path.join(SWAGGER_UI_DIR, 'package.json'), 'utf8')) as { version: string }
).version;

/** The files the page needs, versioned in their URL so that browsers may keep them for good. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchyard API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css?v=${SWAGGER_UI_VERSION}">
</head>
<body>
<div id="reference"></div>
<script src="/docs/swagger-ui-bundle.js?v=${SWAGGER_UI_VERSION}"></script>
<script src="/docs/init.js?v=${SWAGGER_UI_VERSION}"></script>
</body>
</html>
`;

/** Kept in a file of its own so that the page runs under a CSP without inline scripts. */
const INIT = `window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#reference',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  filter: true,
});
`;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The interactive API reference at /docs: Swagger UI, served from the installed package (a self-hosted
 * gateway may have no internet), reading the OpenAPI document the API generates from its own schemas.
 */
export function docsRoutes() {
  const router = new Hono();
  const cache = new Map<string, string>();
  const read = (file: string) => {
    let content = cache.get(file);
    if (content === undefined) {
      content = readFileSync(path.join(SWAGGER_UI_DIR, file), 'utf8');
      cache.set(file, content);
    }
    return content;
  };
  const forever = { 'cache-control': 'public, max-age=31536000, immutable' };

  router.get('/docs', (c) => c.html(PAGE, 200, { ...SECURITY_HEADERS, 'cache-control': 'no-cache' }));
  router.get('/docs/init.js', (c) =>
    c.body(INIT, 200, { ...SECURITY_HEADERS, ...forever, 'content-type': 'text/javascript; charset=utf-8' }),
  );
  for (const [file, contentType] of Object.entries(ASSETS)) {
    router.get(`/docs/${file}`, (c) =>
      c.body(read(file), 200, { ...SECURITY_HEADERS, ...forever, 'content-type': contentType }),
    );
  }
  return router;
}
