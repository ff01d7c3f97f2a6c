import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_DIST_DIR } from '../dist-dir.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const STAMP_FILE = path.join(ROOT, 'dist/web-build.json');
const LOCK_DIR = path.join(ROOT, 'dist/.web-build-lock');
const CONFIG_FILE = path.join(ROOT, 'src/web/vite.config.ts');
const INPUTS = [path.join(ROOT, 'src/web/app'), CONFIG_FILE, path.join(ROOT, 'package-lock.json')];
/** A lock older than this was left by a build that died; a real build takes seconds. */
const STALE_LOCK_MS = 5 * 60_000;

async function filesUnder(entry: string): Promise<string[]> {
  const info = await stat(entry);
  if (!info.isDirectory()) return [entry];
  const names = (await readdir(entry)).sort();
  const nested = await Promise.all(names.map((name) => filesUnder(path.join(entry, name))));
  return nested.flat();
}

/** A hash of everything the bundle is made from: sources, Vite config and the locked dependency versions. */
export async function webSourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of await filesUnder(input)) {
      // Generated API types are erased from the bundle; they only matter to the type checker.
      if (file.endsWith('openapi-types.ts')) continue;
      hash
        .update(path.relative(ROOT, file))
        .update('\0')
        .update(await readFile(file))
        .update('\0');
    }
  }
  return hash.digest('hex');
}

async function builtHash(): Promise<string | undefined> {
  try {
    const stamp = JSON.parse(await readFile(STAMP_FILE, 'utf8')) as { hash?: string };
    await stat(path.join(WEB_DIST_DIR, 'index.html'));
    return stamp.hash;
  } catch {
    return undefined;
  }
}

async function acquireLock(): Promise<void> {
  await mkdir(path.dirname(LOCK_DIR), { recursive: true });
  for (;;) {
    try {
      await mkdir(LOCK_DIR);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (await stat(LOCK_DIR).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > STALE_LOCK_MS) await rmdir(LOCK_DIR).catch(() => undefined);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * Builds the dashboard into `dist/web` unless the build there was made from the current sources. Safe to call
 * from several processes at once (tests in parallel, `npm start`): one builds, the others wait and reuse it.
 * The new build is written beside the old and swapped in, so a running server never serves half a build.
 */
export async function ensureWebBuild(): Promise<{ built: boolean; durationMs: number }> {
  const started = performance.now();
  const hash = await webSourceHash();
  if ((await builtHash()) === hash) return { built: false, durationMs: performance.now() - started };
  await acquireLock();
  try {
    if ((await builtHash()) === hash) return { built: false, durationMs: performance.now() - started };
    const { build } = await import('vite');
    const staging = `${WEB_DIST_DIR}.${process.pid}`;
    await build({ configFile: CONFIG_FILE, build: { outDir: staging, emptyOutDir: true } });
    const previous = `${WEB_DIST_DIR}.old.${process.pid}`;
    await rename(WEB_DIST_DIR, previous).catch(() => undefined);
    await rename(staging, WEB_DIST_DIR);
    await rm(previous, { recursive: true, force: true });
    await writeFile(STAMP_FILE, JSON.stringify({ hash, builtAt: new Date().toISOString() }));
    return { built: true, durationMs: performance.now() - started };
  } finally {
    await rmdir(LOCK_DIR).catch(() => undefined);
  }
}
