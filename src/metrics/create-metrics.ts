import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsSources {
  /** SQL statements this process has sent since it started. */
  statements(): number;
}

/** The Prometheus registry of one process: Node's process metrics and Switchyard's own. */
export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchyard_' });
  let reported = 0;
  new Counter({
    name: 'switchyard_db_statements_total',
    help: 'SQL statements sent to the database by this process, transaction control included.',
    registers: [registry],
    collect() {
      const now = sources.statements();
      this.inc(now - reported);
      reported = now;
    },
  });
  return { registry };
}

export type Metrics = ReturnType<typeof createMetrics>;
