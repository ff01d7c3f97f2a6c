import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { markdownTable } from './markdown-table.ts';

/** One scenario's figures: what the ledger check found after the fault. */
export interface FaultRow {
  scenario: string;
  /** Messages the API answered 2xx. */
  accepted: number;
  /** Deliveries those messages are owed (one per matching endpoint). */
  due: number;
  /** Owed deliveries that arrived at least once. */
  delivered: number;
  lost: number;
  /** Arrivals beyond the first of a delivery, which at-least-once allows. */
  duplicated: number;
  /** Deliveries still pending or sending once everything had arrived. */
  stuck: number;
  /**
   * Seconds from the end of the fault until the work accepted before it had all arrived, the API had taken a
   * message and a worker had delivered one (the longest over the scenario's faults).
   */
  recoverySeconds: number;
  /** Set when the scenario could not run here, saying why. */
  skipped?: string;
}

/** A hostile-input suite's own figures (the fuzzer, slow clients), beside its pass or fail. */
export interface HostileRow {
  /** The suite file's name, `api-fuzzer.fault.ts`. */
  suite: string;
  /** Requests or connections it made. */
  checks: number;
  /** How many broke a rule (a 5xx, a 4xx that is not a problem document, a slow client not closed…). */
  failures: number;
  /** What held, in a few words with figures. */
  note: string;
}

/** The file the scenarios of one `npm run test:faults` append their rows to (JSON lines). */
export const FAULT_REPORT_ENV = 'SWITCHYARD_FAULT_REPORT';

/** Adds a row to the run's report, when the run collects one (a scenario run alone just asserts). */
export function recordFaultRow(row: FaultRow): void {
  const file = process.env[FAULT_REPORT_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ kind: 'fault', ...row })}\n`);
}

export function recordHostileRow(row: HostileRow): void {
  const file = process.env[FAULT_REPORT_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ kind: 'hostile', ...row })}\n`);
}

export function readReport(file: string): { faults: FaultRow[]; hostile: HostileRow[] } {
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  const entries = lines.map((line) => JSON.parse(line) as { kind: string } & FaultRow & HostileRow);
  const strip = <T>({ kind: _, ...rest }: { kind: string } & T) => rest as T;
  return {
    faults: entries.filter((e) => e.kind === 'fault').map((e) => strip<FaultRow>(e)),
    hostile: entries.filter((e) => e.kind === 'hostile').map((e) => strip<HostileRow>(e)),
  };
}

/** The rows as the Markdown table the README shows. */
export function formatFaultTable(rows: FaultRow[]): string {
  const header = [
    'scenario',
    'messages accepted',
    'deliveries due',
    'delivered',
    'lost',
    'duplicated',
    'stuck',
    'time to recover',
  ];
  const cells = rows.map((r) =>
    r.skipped
      ? [r.scenario, `skipped: ${r.skipped}`, '', '', '', '', '', '']
      : [
          r.scenario,
          String(r.accepted),
          String(r.due),
          String(r.delivered),
          String(r.lost),
          String(r.duplicated),
          String(r.stuck),
          `${r.recoverySeconds.toFixed(1)} s`,
        ],
  );
  return markdownTable(header, cells, [false, true, true, true, true, true, true, true]);
}
