export { createMetrics, type Metrics, type MetricsSources } from './create-metrics.ts';
