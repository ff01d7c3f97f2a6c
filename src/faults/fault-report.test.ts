import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FAULT_REPORT_ENV,
  formatFaultTable,
  readReport,
  recordFaultRow,
  recordHostileRow,
} from './fault-report.ts';

const ROW = {
  scenario: 'worker SIGKILLed',
  accepted: 2000,
  due: 4000,
  delivered: 4000,
  lost: 0,
  duplicated: 14,
  stuck: 0,
  recoverySeconds: 2.84,
};

describe('the fault report', () => {
  const saved = process.env[FAULT_REPORT_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[FAULT_REPORT_ENV];
    else process.env[FAULT_REPORT_ENV] = saved;
  });

  it('collects the rows the suites record in the run and reads them back by kind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fault-report-'));
    process.env[FAULT_REPORT_ENV] = path.join(dir, 'rows.jsonl');
    recordFaultRow(ROW);
    recordHostileRow({ suite: 'slow-clients.fault.ts', checks: 400, failures: 0, note: 'cut off' });
    expect(readReport(path.join(dir, 'rows.jsonl'))).toEqual({
      faults: [ROW],
      hostile: [{ suite: 'slow-clients.fault.ts', checks: 400, failures: 0, note: 'cut off' }],
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('prints an aligned Markdown table, numbers right, skipped scenarios with their reason', () => {
    expect(formatFaultTable([ROW]).split('\n')).toEqual([
      '| scenario         | messages accepted | deliveries due | delivered | lost | duplicated | stuck | time to recover |',
      '| ---------------- | ----------------: | -------------: | --------: | ---: | ---------: | ----: | --------------: |',
      '| worker SIGKILLed |              2000 |           4000 |      4000 |    0 |         14 |     0 |           2.8 s |',
    ]);
    const skipped = formatFaultTable([{ ...ROW, scenario: 'PostgreSQL restarted', skipped: 'needs root' }]);
    expect(skipped.split('\n')[2]).toMatch(/^\| PostgreSQL restarted \| skipped: needs root \|/);
  });
});
