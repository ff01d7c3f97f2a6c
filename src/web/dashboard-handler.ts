import { readFile } from 'node:fs/promises';
import path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * CodeMirror writes its styles at run time, hence inline styles; connector logos are SVG data URLs. Framing is
 * allowed from anywhere: the merchant's view is meant to be embedded in the platform's own dashboard.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Switchyard</title>
<p>The dashboard is not built. Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it) and reload.</p></html>`;

/** Files copied from `public/` to the root of the build, such as the favicon. */
const ROOT_FILE = /^\/[\w-]+\.(svg|ico|png)$/;

/**
 * The paths the single-page app owns: its pages (sign-in, the app-portal landing, one app's pages) and its
 * files. Every other path stays with the API and its other routes (`/api/…`, `/metrics`, `/docs`).
 */
function isDashboardPath(pathname: string): boolean {
  return (
    pathname === '/' ||
    pathname === '/app-portal' ||
    pathname.startsWith('/app/') ||
    pathname.startsWith('/assets/') ||
    ROOT_FILE.test(pathname)
  );
}

/**
 * Serves the built dashboard from `dir`: hashed files under `/assets/` cached for a year, every page path
 * answered with `index.html` (revalidated each time) so that the single-page app can route it. Answers
 * `undefined` for requests that belong to the API.
 */
export function createDashboardHandler(dir: string) {
  const cache = new Map<string, Uint8Array>();

  async function load(file: string): Promise<Uint8Array | undefined> {
    const cached = cache.get(file);
    if (cached) return cached;
    const content = await readFile(path.join(dir, file)).catch(() => undefined);
    // Hashed assets never change under their name; index.html may be rebuilt, so it is read each time.
    if (content && file.startsWith('assets/')) cache.set(file, content);
    return content;
  }

  function respond(
    request: Request,
    body: Uint8Array | string,
    file: string,
    cacheControl: string,
    status = 200,
  ) {
    const headers = {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': cacheControl,
    };
    return new Response(request.method === 'HEAD' ? null : body, { status, headers });
  }

  return async function handle(request: Request): Promise<Response | undefined> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
    const { pathname } = new URL(request.url);
    if (!isDashboardPath(pathname)) return undefined;
    const name = pathname.slice(1);
    if (pathname.startsWith('/assets/')) {
      const valid = /^assets\/[\w.-]+$/.test(name);
      const content = valid ? await load(name) : undefined;
      if (!content) return respond(request, 'Not found', '.txt', 'no-store', 404);
      return respond(request, content, name, 'public, max-age=31536000, immutable');
    }
    if (ROOT_FILE.test(pathname)) {
      const content = await load(name);
      if (!content) return respond(request, 'Not found', '.txt', 'no-store', 404);
      return respond(request, content, name, 'no-cache');
    }
    const index = await load('index.html');
    if (!index) return respond(request, NOT_BUILT, 'index.html', 'no-store', 503);
    return respond(request, index, 'index.html', 'no-cache');
  };
}
