import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('runs with no configuration at all: embedded, on localhost:8080', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 8080,
      SWITCHYARD_DATA_DIR: './.switchyard',
      SWITCHYARD_MAX_BODY_BYTES: 1_048_576,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).PORT).toBe(8080);
  });

  it('names each wrong setting and what it allows', () => {
    const attempt = () =>
      loadConfig({ PORT: '99999', DATABASE_URL: 'mysql://x', SWITCHYARD_ADMIN_TOKEN: 'a.b.c' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: .*65535/);
    expect(attempt).toThrow(/DATABASE_URL: must be a postgres/);
    expect(attempt).toThrow(/SWITCHYARD_ADMIN_TOKEN: /);
  });

  it('rejects an operator token with a dot, which the svix SDK would read as a region', () => {
    expect(() => loadConfig({ SWITCHYARD_ADMIN_TOKEN: 'sy_admin_aaaaaaaaaaaaaaaaaaaaaaaa.us' })).toThrow(
      /dots/,
    );
  });

  it('takes an OAuth client only whole, and its URL overrides only as http(s) URLs', () => {
    expect(() => loadConfig({ SWITCHYARD_OAUTH_SLACK_CLIENT_ID: '123.456' })).toThrow(
      /SWITCHYARD_OAUTH_SLACK_CLIENT_SECRET: must be set too/,
    );
    expect(() => loadConfig({ SWITCHYARD_OAUTH_HUBSPOT_CLIENT_SECRET: 'secret' })).toThrow(
      /SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID: must be set too/,
    );
    expect(() => loadConfig({ SWITCHYARD_OAUTH_DISCORD_TOKEN_URL: 'ftp://127.0.0.1/token' })).toThrow(
      /SWITCHYARD_OAUTH_DISCORD_TOKEN_URL: /,
    );
    const config = loadConfig({
      SWITCHYARD_OAUTH_DISCORD_CLIENT_ID: '333444555',
      SWITCHYARD_OAUTH_DISCORD_CLIENT_SECRET: 'secret',
    });
    expect(config.SWITCHYARD_OAUTH_DISCORD_CLIENT_ID).toBe('333444555');
    expect(config.SWITCHYARD_OAUTH_DISCORD_TOKEN_URL).toBeUndefined();
  });
});
