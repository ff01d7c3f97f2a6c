export { type FaultCluster, type FaultClusterOptions, startFaultCluster } from './fault-cluster.ts';
export {
  FAULT_REPORT_ENV,
  type FaultRow,
  formatFaultTable,
  type HostileRow,
  readReport,
  recordFaultRow,
  recordHostileRow,
} from './fault-report.ts';
export {
  expectNothingLost,
  type FaultResult,
  type FaultScenario,
  type FaultScenarioOptions,
  startFaultScenario,
} from './fault-scenario.ts';
export { type Ledger, type LedgerCheck, startLedger } from './ledger.ts';
export { type AcceptedMessage, type Load, type LoadOptions, startLoad } from './load-generator.ts';
export { markdownTable } from './markdown-table.ts';
export { type PostgresControl, type PostgresControlResult, postgresControl } from './postgres-control.ts';
