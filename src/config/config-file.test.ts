import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { readConfigFile } from './config-file.ts';

describe('configuration file', () => {
  let dir: string;
  const write = async (name: string, content: unknown) => {
    const file = path.join(dir, name);
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the settings by their variable names, with JSON numbers, booleans and lists', async () => {
    const file = await write('good.json', {
      PORT: 9090,
      SWITCHYARD_HTTPS_ONLY: true,
      SWITCHYARD_RETRY_SCHEDULE: [1, 60],
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: ['10.0.0.0/8', '127.0.0.0/8'],
      LOG_LEVEL: 'warn',
    });
    const config = loadConfig({}, readConfigFile(file));
    expect(config).toMatchObject({
      PORT: 9090,
      SWITCHYARD_HTTPS_ONLY: true,
      SWITCHYARD_RETRY_SCHEDULE: [1, 60],
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: ['10.0.0.0/8', '127.0.0.0/8'],
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
    });
  });

  it('lets the environment override the file, an empty variable counting as unset', async () => {
    const file = await write('override.json', { PORT: 9090, HOST: '0.0.0.0' });
    const config = loadConfig({ PORT: '7070', HOST: '' }, readConfigFile(file));
    expect(config.PORT).toBe(7070);
    expect(config.HOST).toBe('0.0.0.0');
  });

  it('refuses an unknown key, naming it and the file', async () => {
    const file = await write('unknown.json', { PORT: 9090, SWITCHYARD_WORKERS: 4 });
    expect(() => readConfigFile(file)).toThrow(ConfigError);
    expect(() => readConfigFile(file)).toThrow(/SWITCHYARD_WORKERS \(in .*unknown\.json\): unknown setting/);
  });

  it('names a wrong value, the file it came from and what is allowed', async () => {
    const file = await write('bad.json', { PORT: 99999, SWITCHYARD_WORKER: 'maybe' });
    const attempt = () => loadConfig({}, readConfigFile(file));
    expect(attempt).toThrow(/PORT \(in .*bad\.json\): .*65535/);
    expect(attempt).toThrow(/SWITCHYARD_WORKER \(in .*bad\.json\): .*"true"/);
    // The same wrong value from the environment is the environment's, not the file's.
    expect(() => loadConfig({ PORT: '99999' }, readConfigFile(file))).toThrow(/PORT: /);
  });

  it('refuses objects as values, files that are not one JSON object, and missing files', async () => {
    const nested = await write('nested.json', { PORT: { value: 1 } });
    expect(() => readConfigFile(nested)).toThrow(/PORT \(in .*\): must be a string, number, boolean/);
    const list = await write('list.json', '[1, 2]');
    expect(() => readConfigFile(list)).toThrow(/must hold one JSON object/);
    const broken = await write('broken.json', '{"PORT": 80,');
    expect(() => readConfigFile(broken)).toThrow(/not valid JSON/);
    expect(() => readConfigFile(path.join(dir, 'missing.json'))).toThrow(/missing\.json: no such file/);
  });
});
