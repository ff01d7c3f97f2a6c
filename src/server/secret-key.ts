import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseSecretKey } from '../secrets/index.ts';

const KEY_FILE = 'secret.key';

/**
 * The key that seals secrets at rest: `SWITCHYARD_SECRET_KEY` when set; otherwise the one in the data
 * directory, generated (owner-only) on first start. Several processes sharing PostgreSQL must share it.
 */
export async function resolveSecretKey(configured: string | undefined, dataDir: string): Promise<Buffer> {
  if (configured) return parseSecretKey(configured);
  const file = path.join(dataDir, KEY_FILE);
  try {
    return parseSecretKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then that one's key wins.
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return parseSecretKey(await readFile(file, 'utf8'));
}
