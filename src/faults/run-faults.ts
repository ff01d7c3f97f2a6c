import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FAULT_REPORT_ENV,
  type FaultRow,
  formatFaultTable,
  type HostileRow,
  readReport,
} from './fault-report.ts';
import { markdownTable } from './markdown-table.ts';
import { postgresControl } from './postgres-control.ts';

/**
 * `npm run test:faults`: runs the fault scenarios and the hostile-input suites (vitest, one file at a time),
 * prints one report, and exits non-zero when a suite failed or a scenario lost a message. Arguments go to
 * vitest (a file name runs that suite alone).
 */

const CONFIG = fileURLToPath(new URL('./vitest.faults.config.ts', import.meta.url));
const VITEST = path.join(
  path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

/** What each suite that has no figures of its own proves, for the report. */
const SUITES: Record<string, string> = {
  'network-policy.test.ts':
    'SSRF: private, loopback, metadata and mapped addresses refused, before and after DNS',
  'hostile-code.test.ts': 'hostile transformations fail typed; the host and other tenants are unharmed',
  'cross-app.test.ts': "every operation naming an app, with another app's token: answered as if absent",
};

interface VitestJson {
  testResults: { name: string; status: string; assertionResults: { status: string }[] }[];
}

function suiteRows(json: VitestJson, hostile: HostileRow[]): string {
  const rows: string[][] = [];
  for (const file of json.testResults) {
    const suite = path.basename(file.name);
    // A suite with figures of its own records one row per run (the fuzzer: one per driver).
    const own = hostile.filter((h) => h.suite.startsWith(suite));
    if (/\.fault\.ts$/.test(suite) && own.length === 0) continue;
    const passed = file.assertionResults.filter((a) => a.status === 'passed').length;
    const failed = file.assertionResults.filter((a) => a.status === 'failed').length;
    const tests = `${passed}/${passed + failed}`;
    if (own.length === 0) rows.push([suite, tests, '–', String(failed), SUITES[suite] ?? '']);
    for (const row of own) rows.push([row.suite, tests, String(row.checks), String(row.failures), row.note]);
  }
  if (rows.length === 0) return '';
  return markdownTable(['suite', 'tests passed', 'checks', 'failures', 'what holds'], rows, [
    false,
    true,
    true,
    true,
    false,
  ]);
}

function runVitest(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, [VITEST, 'run', '-c', CONFIG, ...args], { stdio: 'inherit', env });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

const dir = await mkdtemp(path.join(tmpdir(), 'switchyard-fault-report-'));
const reportFile = path.join(dir, 'rows.jsonl');
const jsonFile = path.join(dir, 'vitest.json');
let code: number;
try {
  code = await runVitest(
    ['--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`, ...process.argv.slice(2)],
    { ...process.env, [FAULT_REPORT_ENV]: reportFile },
  );
} finally {
  // The restart scenario starts PostgreSQL again itself; this covers a run killed half-way through it.
  const url = process.env.DATABASE_URL;
  const pg = url ? postgresControl(url) : undefined;
  if (pg && 'control' in pg) await pg.control.start();
}

const { faults, hostile } = readReport(reportFile);
const losing = faults.filter((row: FaultRow) => row.lost > 0);
console.log('\nFault scenarios (ledger check: every accepted message at every matching endpoint)\n');
console.log(faults.length > 0 ? formatFaultTable(faults) : '(no scenario ran)');
if (existsSync(jsonFile)) {
  const json = JSON.parse(readFileSync(jsonFile, 'utf8')) as VitestJson;
  const table = suiteRows(json, hostile);
  // Empty when no hostile-input suite ran (a scenario run alone).
  if (table) console.log(`\nHostile input\n\n${table}`);
  const failed = json.testResults.filter((file) => file.status === 'failed');
  if (failed.length > 0)
    console.log(`\nFAILED: ${failed.map((file) => path.basename(file.name)).join(', ')}`);
}
if (losing.length > 0) console.log(`\nLOST MESSAGES in: ${losing.map((r) => r.scenario).join(', ')}`);
await rm(dir, { recursive: true, force: true });
process.exit(code !== 0 || losing.length > 0 ? 1 : 0);
