import { loadConfig } from '../config/index.ts';
import { startServer } from '../server/index.ts';
import { createLogger } from './logger.ts';

/** `switchyard start`: everything in one process, until SIGTERM or SIGINT. */
export async function runStart(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
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
