import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSwitchyard } from '../server/spawn-switchyard.ts';

describe('switchyard start', () => {
  it('starts with no configuration but a data directory, answers health, and exits 0 on SIGTERM', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-cli-'));
    try {
      // DATABASE_URL cleared: this is the embedded default, whatever the test environment has.
      const env = { PORT: '0', SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_ADMIN_TOKEN: '', DATABASE_URL: '' };
      const first = await spawnSwitchyard('start', env);
      expect((await fetch(`${first.url}/api/v1/health`)).status).toBe(204);
      const token = (await readFile(path.join(dataDir, 'admin-token'), 'utf8')).trim();
      expect(first.output()).toContain(token);
      const created = await fetch(`${first.url}/api/v1/app`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Kept', uid: 'kept' }),
      });
      expect(created.status).toBe(201);
      expect(await first.stop()).toBe(0);

      const second = await spawnSwitchyard('start', env);
      expect(second.output()).not.toContain(token);
      expect(second.output()).toContain('admin-token');
      const kept = await fetch(`${second.url}/api/v1/app/kept`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(kept.status).toBe(200);
      expect(await second.stop()).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong setting with a message naming it, and exit code 2', async () => {
    await expect(spawnSwitchyard('start', { PORT: 'eighty' })).rejects.toThrow(/exited with 2[\s\S]*PORT/);
  });
});
