export { createMetrics, type Metrics, type MetricsSources } from './create-metrics.ts';
export { instrumentSandbox } from './instrument-sandbox.ts';
