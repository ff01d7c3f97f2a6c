import { WEB_DIST_DIR } from '../dist-dir.ts';
import { ensureWebBuild } from './ensure-web-build.ts';

/** `npm run build:web`, and `npm start` before it starts: builds the dashboard when its sources changed. */
const { built, durationMs } = await ensureWebBuild();
if (built) process.stdout.write(`dashboard built into ${WEB_DIST_DIR} in ${Math.round(durationMs)} ms\n`);
