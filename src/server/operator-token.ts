import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../db/index.ts';
import { createToken } from '../secrets/index.ts';

export const OPERATOR_TOKEN_FILE = 'admin-token';

export type OperatorTokenSource =
  | { kind: 'configured' }
  | { kind: 'generated'; token: string; file: string }
  | { kind: 'existing'; file: string };

/**
 * Makes sure an operator token exists. Without `SWITCHYARD_ADMIN_TOKEN`, the first start generates one,
 * stores only its hash, and writes it once to an owner-only file in the data directory.
 */
export async function ensureOperatorToken(
  store: Store,
  configured: string | undefined,
  dataDir: string,
): Promise<OperatorTokenSource> {
  if (configured) return { kind: 'configured' };
  const file = path.resolve(dataDir, OPERATOR_TOKEN_FILE);
  if (await store.tokens.hasOperatorToken()) return { kind: 'existing', file };
  const token = createToken('sy_admin');
  await store.tokens.storeOperatorToken(token);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return { kind: 'generated', token, file };
}
