import { fileURLToPath } from 'node:url';

/** Where the built dashboard lives (git-ignored), next to the repository's `src/`. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));
