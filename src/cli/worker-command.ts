import { usageError } from './cli-error.ts';
import { loadCliConfig } from './load-cli-config.ts';
import { createLogger } from './logger.ts';

/** `switchyard worker`: delivery workers only, against PostgreSQL; run as many as needed side by side. */
export async function runWorker(options: { config?: string }): Promise<void> {
  const config = loadCliConfig(options.config);
  const logger = createLogger(config.LOG_LEVEL);
  if (!config.DATABASE_URL) {
    throw usageError(
      'switchyard worker needs DATABASE_URL: embedded PGlite can be opened by one process only (use `start`)',
    );
  }
  // Loaded once the configuration is known to be good, so that a wrong setting is reported at once.
  const { createConfiguredSandbox, createProcessMetrics, openStore, serveWorkerMetrics, startWorker } =
    await import('../server/index.ts');
  const { instrumentSandbox } = await import('../metrics/index.ts');
  const { store, database } = await openStore(config);
  const metrics = createProcessMetrics(store, database);
  const sandbox = instrumentSandbox(createConfiguredSandbox(config), metrics);
  const running = await startWorker(config, store, database, logger, sandbox, metrics);
  const port = config.SWITCHYARD_WORKER_METRICS_PORT;
  const metricsServer =
    port === undefined ? undefined : await serveWorkerMetrics(config, store, metrics, logger, port);
  logger.info(
    {
      concurrency: config.SWITCHYARD_DELIVERY_CONCURRENCY,
      metrics: metricsServer && `${metricsServer.url}/metrics`,
    },
    'delivery worker started',
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down');
    await metricsServer?.close();
    await running.stop();
    await sandbox.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
