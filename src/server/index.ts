export { OPERATIONAL_APP_UID } from './operational-webhooks.ts';
export type { OperatorTokenSource } from './operator-token.ts';
export {
  CATALOG_VERSION,
  createProcessMetrics,
  openStore,
  type RunningServer,
  startServer,
} from './start-server.ts';
export { createConfiguredSandbox, type RunningWorker, startWorker, USER_AGENT } from './start-worker.ts';
export { serveWorkerMetrics } from './worker-metrics-server.ts';
