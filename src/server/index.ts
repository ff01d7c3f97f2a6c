export type { OperatorTokenSource } from './operator-token.ts';
export { CATALOG_VERSION, type RunningServer, startServer } from './start-server.ts';
