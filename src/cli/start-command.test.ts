import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSwitchyard } from '../server/spawn-switchyard.ts';
import { runSwitchyard } from './testing.ts';

// Each start creates an embedded database in a new data directory: close to 30 s on a busy two-core machine.
const PROCESS_TIMEOUT = { timeout: 90_000 };

describe('switchyard start', PROCESS_TIMEOUT, () => {
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

  it('reads a configuration file named by SWITCHYARD_CONFIG, the environment overriding it', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-cli-'));
    try {
      const file = path.join(dataDir, 'switchyard.json');
      // The file's log level is wrong, but the environment's (which spawnSwitchyard sets) wins.
      await writeFile(file, JSON.stringify({ PORT: 0, SWITCHYARD_DATA_DIR: dataDir, LOG_LEVEL: 'loud' }));
      const server = await spawnSwitchyard('start', { SWITCHYARD_CONFIG: file, DATABASE_URL: '' });
      expect(server.output()).toContain(`embedded PGlite in ${dataDir}`);
      expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(204);
      expect(await server.stop()).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a configuration file with an unknown key or a wrong value, naming both, with exit code 2', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-cli-'));
    try {
      const unknown = path.join(dir, 'unknown.json');
      await writeFile(unknown, JSON.stringify({ PORT: 0, SWITCHYARD_WORKERS: 2 }));
      const first = await runSwitchyard(['start', '--config', unknown]);
      expect(first.code).toBe(2);
      expect(first.stderr).toMatch(/SWITCHYARD_WORKERS \(in .*unknown\.json\): unknown setting/);

      const wrong = path.join(dir, 'wrong.json');
      await writeFile(wrong, JSON.stringify({ PORT: 'eighty', SWITCHYARD_DATA_DIR: dir }));
      const second = await runSwitchyard(['api', '--config', wrong]);
      expect(second.code).toBe(2);
      expect(second.stderr).toMatch(/PORT \(in .*wrong\.json\): /);
      expect(second.stderr).not.toMatch(/\n\s+at /);

      const missing = await runSwitchyard(['worker', '--config', path.join(dir, 'nope.json')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/cannot read the configuration file .*nope\.json: no such file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('switchyard api', PROCESS_TIMEOUT, () => {
  it('serves the API without a delivery worker', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'switchyard-cli-'));
    try {
      const server = await spawnSwitchyard('api', {
        PORT: '0',
        SWITCHYARD_DATA_DIR: dataDir,
        DATABASE_URL: '',
      });
      expect(server.output()).toContain('delivery worker: not in this process');
      expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(204);
      expect(await server.stop()).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('switchyard worker', () => {
  it('refuses to run on the embedded database, with exit code 2', async () => {
    const run = await runSwitchyard(['worker']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/switchyard worker needs DATABASE_URL/);
  });
});
