import { loadCliConfig } from './load-cli-config.ts';
import { createLogger } from './logger.ts';

export interface StartOptions {
  config?: string;
}

/**
 * `switchyard start` (everything in one process) and `switchyard api` (the HTTP API alone, for deployments
 * that run workers as their own processes), until SIGTERM or SIGINT.
 */
export async function runStart(options: StartOptions, mode: 'all' | 'api' = 'all'): Promise<void> {
  const loaded = loadCliConfig(options.config);
  const config = mode === 'api' ? { ...loaded, SWITCHYARD_WORKER: false } : loaded;
  const logger = createLogger(config.LOG_LEVEL);
  // Loaded once the configuration is known to be good, so that a wrong setting is reported at once.
  const { startServer } = await import('../server/index.ts');
  const server = await startServer(config, logger);
  const token = server.operatorToken;
  const tokenLine =
    token.kind === 'configured'
      ? 'operator token: the value of SWITCHYARD_ADMIN_TOKEN'
      : token.kind === 'generated'
        ? `operator token (shown once, also saved to ${token.file}): ${token.token}`
        : `operator token: in ${token.file} (generated on first start)`;
  process.stdout.write(
    `\nSwitchyard is listening on ${server.url}\n` +
      `  database: ${server.database.driver === 'pglite' ? `embedded PGlite in ${config.SWITCHYARD_DATA_DIR}` : 'PostgreSQL'}\n` +
      `  delivery worker: ${config.SWITCHYARD_WORKER ? 'in this process' : 'not in this process (run `switchyard worker`)'}\n` +
      `  ${tokenLine}\n` +
      `  API reference: ${server.url}/api/openapi.json\n\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
