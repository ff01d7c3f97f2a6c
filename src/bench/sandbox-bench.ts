import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findEventType } from '../catalog/index.ts';
import {
  createSandbox,
  type Sandbox,
  sandboxProcessOf,
  type TransformCall,
  type WebhookInput,
} from '../sandbox/index.ts';
import type { BaselineReply, BaselineRequest } from './baseline-process.ts';
import { childPidsOf, cpuUsOf, peakRssMb, percentile } from './bench-tools.ts';

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '300000' },
    wave: { type: 'string', default: '500' },
    latency: { type: 'string', default: '2000' },
    cold: { type: 'string', default: '200' },
    processes: { type: 'string', default: '1,2' },
    json: { type: 'string' },
  },
});
const CALLS = Number(args.calls);
const WAVE = Number(args.wave);
const LATENCY_CALLS = Number(args.latency);
const COLD_CODES = Number(args.cold);
const PROCESS_COUNTS = args.processes.split(',').map(Number);
const CORES = availableParallelism();
const SEED = 'segment-track-payment.js';

const SANDBOX_OPTIONS = {
  timeoutMs: 1_000,
  memoryLimitMb: 64,
  maxCodeBytes: 256 * 1024,
  maxOutputBytes: 1024 * 1024,
};

// The seed as the Segment card ships it (byte for byte the published sample, which a test checks).
const code = readFileSync(new URL(`../connectors/segment/templates/${SEED}`, import.meta.url), 'utf8');
const event = findEventType('payment.succeeded');
if (!event) throw new Error('payment.succeeded is not in the catalog');
const webhook: WebhookInput = {
  eventType: event.name,
  payload: event.example,
  url: 'https://merchant.example.com/webhooks',
  method: 'POST',
  headers: {},
  env: {},
  cancel: false,
};
/** The baseline's input: the webhook as compact JSON. */
const inputJson = JSON.stringify(webhook);

/** The sandbox's input, as the delivery worker makes it: the payload as the JSON text it was posted in. */
const { payload, ...rest } = webhook;
const payloadJson = JSON.stringify(payload);
const input: TransformCall['input'] = { ...rest, payloadJson };

interface Row {
  run: string;
  /** Plain V8 (in a process of its own), the sandbox, or the process hop without a sandbox behind it. */
  kind: 'baseline' | 'sandbox' | 'hop';
  processes: number | null;
  calls: number;
  perSecond: number;
  /** Calls per second of CPU time, summed over every process involved: what one core does. */
  perCore: number;
  p50Us: number;
  p99Us: number;
  /** CPU time spent per call in this process and in the sandbox processes, in µs. */
  parentCpuUsPerCall: number | null;
  childCpuUsPerCall: number | null;
  /** Peak RSS (VmHWM) of each sandbox process in MB or, when they cannot be found, of this process. */
  peakRssMb: number[] | null;
  peakRssOf: 'sandbox processes' | 'the bench process (sandbox processes not found)' | null;
}

interface Cold {
  codes: number;
  /** Cold call (compile + run + process hop) minus the warm call that follows it, in ms. */
  compileMedianMs: number;
  compileP99Ms: number;
  rawColdMedianMs: number;
  rawColdP99Ms: number;
  warmMedianMs: number;
  /** The sandbox's own durationMs (time inside the process) for the cold call and the warm one, median. */
  insideColdMedianMs: number;
  insideWarmMedianMs: number;
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Work done in one stretch of a run: calls, elapsed time, and CPU time here and in the sandbox processes. */
interface Tally {
  calls: number;
  seconds: number;
  parentCpuUs: number;
  childCpuUs: number;
}

/** The ceiling: the same handler on plain V8, with the same JSON in and out, in a process of its own. */
function startBaseline() {
  const child = fork(fileURLToPath(new URL('./baseline-process.ts', import.meta.url)), [], {
    env: { BASELINE_CODE: code, BASELINE_INPUT: inputJson },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const ask = (request: BaselineRequest) =>
    new Promise<BaselineReply>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', () => reject(new Error('the baseline process exited')));
      child.send(request);
    });
  return {
    async stretch(calls: number): Promise<Tally> {
      const reply = await ask({ kind: 'stretch', calls });
      if (reply.kind !== 'stretch') throw new Error('unexpected reply');
      return { calls, seconds: reply.seconds, parentCpuUs: reply.cpuUs, childCpuUs: 0 };
    },
    async latencies(calls: number): Promise<number[]> {
      const reply = await ask({ kind: 'latencies', calls });
      if (reply.kind !== 'latencies') throw new Error('unexpected reply');
      return sorted(reply.latenciesUs);
    },
    stop: () => child.disconnect(),
  };
}

/** Calls for one scope and code always go to the same process: one scope per process spreads the calls. */
function scopesFor(processes: number): string[] {
  const scopes: string[] = [];
  for (let candidate = 0; scopes.length < processes; candidate++) {
    const scope = `bench_${candidate}`;
    if (sandboxProcessOf(scope, code, processes) === scopes.length) scopes.push(scope);
  }
  return scopes;
}

async function expectRequest(sandbox: Sandbox, call: TransformCall) {
  const outcome = await sandbox.transform(call);
  if (outcome.kind !== 'request') throw new Error(`unexpected outcome: ${JSON.stringify(outcome)}`);
  return outcome;
}

/** The length of one call's outcome as the sandbox process sends it back (description and payload). */
async function outcomeChars(): Promise<number> {
  const sandbox = createSandbox({ processes: 1, ...SANDBOX_OPTIONS });
  try {
    const { request, console: lines } = await expectRequest(sandbox, { scope: 'bench_size', code, input });
    const { payloadJson: body, ...description } = request;
    return JSON.stringify({ request: description, console: lines }).length + 1 + body.length;
  } finally {
    await sandbox.close();
  }
}

/** Keeps `WAVE` calls in flight, starting a new one as each ends, as the delivery worker does. */
async function inFlight(sandbox: Sandbox, scopes: string[], total: number) {
  let started = 0;
  const lane = async () => {
    while (started < total) {
      const scope = scopes[started++ % scopes.length]!;
      await expectRequest(sandbox, { scope, code, input });
    }
  };
  await Promise.all(Array.from({ length: Math.min(WAVE, total) }, lane));
}

/** A sandbox under test, its processes found among this process's children. */
interface SandboxRun {
  processes: number;
  sandbox: Sandbox;
  scopes: string[];
  children: number[];
}

async function startSandboxRun(processes: number): Promise<SandboxRun> {
  const before = new Set(childPidsOf(process.pid));
  const sandbox = createSandbox({ processes, ...SANDBOX_OPTIONS });
  const scopes = scopesFor(processes);
  await inFlight(sandbox, scopes, Math.min(CALLS, 20_000));
  const children = childPidsOf(process.pid).filter((pid) => !before.has(pid));
  return { processes, sandbox, scopes, children };
}

async function sandboxStretch(run: SandboxRun, calls: number): Promise<Tally> {
  const parentBefore = process.cpuUsage();
  const childBefore = run.children.reduce((sum, pid) => sum + cpuUsOf(pid), 0);
  const started = performance.now();
  await inFlight(run.sandbox, run.scopes, calls);
  const seconds = (performance.now() - started) / 1000;
  const parentCpu = process.cpuUsage(parentBefore);
  const childCpuUs = run.children.reduce((sum, pid) => sum + cpuUsOf(pid), 0) - childBefore;
  return { calls, seconds, parentCpuUs: parentCpu.user + parentCpu.system, childCpuUs };
}

async function sandboxLatencies(run: SandboxRun): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_CALLS; i++) {
    const t = performance.now();
    await expectRequest(run.sandbox, { scope: run.scopes[i % run.scopes.length]!, code, input });
    latencies.push((performance.now() - t) * 1000);
  }
  return sorted(latencies);
}

/**
 * The baseline runs before the sandboxes and again after them, and the faster of its two runs is the ceiling:
 * on a shared host whose speed drifts, a baseline caught in a slow phase would flatter the sandbox.
 */
async function steadyStates(): Promise<{ rows: Row[]; baselineRuns: number[] }> {
  const baselineProcess = startBaseline();
  const runs: SandboxRun[] = [];
  for (const processes of PROCESS_COUNTS) runs.push(await startSandboxRun(processes));
  try {
    const before = await baselineProcess.stretch(CALLS);
    const tallies: Tally[] = [];
    for (const run of runs) tallies.push(await sandboxStretch(run, CALLS));
    const after = await baselineProcess.stretch(CALLS);
    const perCore = (tally: Tally) => tally.calls / (tally.parentCpuUs / 1e6);
    const baseline = perCore(before) >= perCore(after) ? before : after;
    const baselineLatency = await baselineProcess.latencies(LATENCY_CALLS);
    const rows: Row[] = [
      {
        run: 'baseline: plain V8, in a process of its own',
        kind: 'baseline',
        processes: null,
        calls: baseline.calls,
        perSecond: baseline.calls / baseline.seconds,
        perCore: perCore(baseline),
        p50Us: percentile(baselineLatency, 50),
        p99Us: percentile(baselineLatency, 99),
        parentCpuUsPerCall: null,
        childCpuUsPerCall: null,
        peakRssMb: null,
        peakRssOf: null,
      },
    ];
    for (const [i, run] of runs.entries()) {
      const latency = await sandboxLatencies(run);
      const tally = tallies[i]!;
      const { processes, children } = run;
      const found = children.length > 0;
      rows.push({
        run: `switchyard sandbox, ${processes} process${processes === 1 ? '' : 'es'}, ${WAVE} in flight`,
        kind: 'sandbox',
        processes,
        calls: tally.calls,
        perSecond: tally.calls / tally.seconds,
        perCore: found ? tally.calls / ((tally.parentCpuUs + tally.childCpuUs) / 1e6) : Number.NaN,
        p50Us: percentile(latency, 50),
        p99Us: percentile(latency, 99),
        parentCpuUsPerCall: tally.parentCpuUs / tally.calls,
        childCpuUsPerCall: found ? tally.childCpuUs / tally.calls : null,
        peakRssMb: found ? children.map(peakRssMb) : [Math.round(process.resourceUsage().maxRSS / 1024)],
        peakRssOf: found ? 'sandbox processes' : 'the bench process (sandbox processes not found)',
      });
    }
    return { rows, baselineRuns: [perCore(before), perCore(after)] };
  } finally {
    baselineProcess.stop();
    await Promise.all(runs.map((run) => run.sandbox.close()));
  }
}

/** One call's webhook as the sandbox pool writes it (the key order aside, which costs nothing). */
const encodedCall = `{"payload":${payloadJson},${JSON.stringify(rest).slice(1)}`;
/** As many calls as the sandbox puts in one message (64 KiB of input), and as many in flight as WAVE. */
const CALLS_PER_MESSAGE = Math.max(1, Math.floor((64 * 1024) / (encodedCall.length + 1)));

/**
 * The process hop alone: messages of the sandbox's size and shape sent to a child that answers each call
 * with an outcome of the real outcome's length, without running anything. What a call costs here, the
 * sandbox pays on top of the isolate's work.
 */
async function hopAlone(total: number, outcomeChars: number): Promise<Row> {
  const child = fork(fileURLToPath(new URL('./echo-process.ts', import.meta.url)), [], {
    env: { ECHO_OUTCOME_CHARS: String(outcomeChars) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const messages = Math.ceil(total / CALLS_PER_MESSAGE);
  const inFlight = Math.max(1, Math.round(WAVE / CALLS_PER_MESSAGE));
  const round = (count: number) =>
    new Promise<void>((resolve) => {
      let sent = 0;
      let answered = 0;
      const send = () => {
        sent++;
        let inputs = encodedCall;
        for (let i = 1; i < CALLS_PER_MESSAGE; i++) inputs += `\u0001${encodedCall}`;
        child.send({ batches: [{ key: 'hop', timeoutMs: 100, count: CALLS_PER_MESSAGE, inputs }] });
      };
      const onReply = (reply: { results: { outcomes: string }[] }) => {
        answered++;
        if (reply.results[0]!.outcomes.length < outcomeChars) throw new Error('short reply');
        if (sent < count) send();
        else if (answered === count) {
          child.off('message', onReply);
          resolve();
        }
      };
      child.on('message', onReply);
      for (let i = 0; i < Math.min(inFlight, count); i++) send();
    });
  try {
    await round(Math.min(messages, 200));
    const parentBefore = process.cpuUsage();
    const childBefore = cpuUsOf(child.pid!);
    const started = performance.now();
    await round(messages);
    const seconds = (performance.now() - started) / 1000;
    const parent = process.cpuUsage(parentBefore);
    const childCpu = cpuUsOf(child.pid!) - childBefore;
    const calls = messages * CALLS_PER_MESSAGE;
    return {
      run: 'process hop alone: the same messages answered by a bare process',
      kind: 'hop',
      processes: 1,
      calls,
      perSecond: calls / seconds,
      perCore: calls / ((parent.user + parent.system + childCpu) / 1e6),
      p50Us: Number.NaN,
      p99Us: Number.NaN,
      parentCpuUsPerCall: (parent.user + parent.system) / calls,
      childCpuUsPerCall: childCpu / calls,
      peakRssMb: null,
      peakRssOf: null,
    };
  } finally {
    child.disconnect();
  }
}

async function coldCompile(codes: number): Promise<Cold> {
  const sandbox = createSandbox({ processes: 1, ...SANDBOX_OPTIONS });
  try {
    const scope = 'bench_cold';
    await inFlight(sandbox, [scope], 2_000);
    const cold: number[] = [];
    const warm: number[] = [];
    const compile: number[] = [];
    const insideCold: number[] = [];
    const insideWarm: number[] = [];
    const salt = Date.now().toString(36);
    for (let i = 0; i < codes; i++) {
      const fresh = `// cold ${salt} ${i}\n${code}`;
      let t = performance.now();
      const first = await expectRequest(sandbox, { scope, code: fresh, input });
      const coldMs = performance.now() - t;
      t = performance.now();
      const second = await expectRequest(sandbox, { scope, code: fresh, input });
      const warmMs = performance.now() - t;
      cold.push(coldMs);
      warm.push(warmMs);
      compile.push(coldMs - warmMs);
      insideCold.push(first.durationMs);
      insideWarm.push(second.durationMs);
    }
    const c = sorted(compile);
    const r = sorted(cold);
    return {
      codes,
      compileMedianMs: percentile(c, 50),
      compileP99Ms: percentile(c, 99),
      rawColdMedianMs: percentile(r, 50),
      rawColdP99Ms: percentile(r, 99),
      warmMedianMs: percentile(sorted(warm), 50),
      insideColdMedianMs: percentile(sorted(insideCold), 50),
      insideWarmMedianMs: percentile(sorted(insideWarm), 50),
    };
  } finally {
    await sandbox.close();
  }
}

/** @param baselineRuns the baseline's calls per CPU-second before the sandboxes and after them */
function printTable(rows: Row[], baselineRuns: number[], cold: Cold) {
  const ceiling = rows[0]!.perCore;
  const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
  console.log(
    `\n${SEED} on payment.succeeded (${inputJson.length} bytes of input as compact JSON; the payload as stored, ${payloadJson.length} bytes), ${CALLS} calls per run; ` +
      `${CORES} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}\n`,
  );
  console.log('| run | calls/s | calls per CPU-second | vs baseline | p50 µs | p99 µs |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.run} | ${fmt(r.perSecond)} | ${fmt(r.perCore)} | ${(r.perCore / ceiling).toFixed(2)} | ${fmt(r.p50Us, 1)} | ${fmt(r.p99Us, 1)} |`,
    );
  }
  console.log(
    '\ncalls per CPU-second: calls divided by the CPU time of every process involved (this one and the ' +
      "sandbox processes), so the sandbox's figure pays for the process hop on both sides.",
  );
  console.log(
    `baseline: ${baselineRuns.map((n) => fmt(n)).join(' calls per CPU-second before the sandboxes, ')} after; the faster is the ceiling.`,
  );
  console.log('\np50/p99: one call at a time, awaited, over', LATENCY_CALLS, 'calls.');
  for (const r of rows) {
    if (r.parentCpuUsPerCall === null) continue;
    if (r.kind === 'hop') {
      const hopUs = r.parentCpuUsPerCall + (r.childCpuUsPerCall ?? 0);
      const plainUs = 1e6 / ceiling;
      console.log(
        `${r.run}: CPU per call ${fmt(r.parentCpuUsPerCall, 1)} µs in this process + ${fmt(r.childCpuUsPerCall ?? Number.NaN, 1)} µs in the child; ` +
          `plain V8 plus this hop alone would reach ${(plainUs / (plainUs + hopUs)).toFixed(2)} of plain V8 per core`,
      );
      continue;
    }
    console.log(
      `${r.run}: CPU per call ${fmt(r.parentCpuUsPerCall, 1)} µs in this process + ${fmt(r.childCpuUsPerCall ?? Number.NaN, 1)} µs in the sandbox processes; ` +
        `peak RSS of ${r.peakRssOf}: ${r.peakRssMb?.map((mb) => `${mb} MB`).join(', ')}`,
    );
  }
  console.log(
    `\ncold compile (${cold.codes} fresh codes, cold call minus the warm call after it): ` +
      `median ${fmt(cold.compileMedianMs, 2)} ms, p99 ${fmt(cold.compileP99Ms, 2)} ms`,
  );
  console.log(
    `raw cold call: median ${fmt(cold.rawColdMedianMs, 2)} ms, p99 ${fmt(cold.rawColdP99Ms, 2)} ms ` +
      `(warm call median ${fmt(cold.warmMedianMs, 2)} ms; inside the sandbox process: cold ${fmt(cold.insideColdMedianMs, 2)} ms, warm ${fmt(cold.insideWarmMedianMs, 2)} ms)`,
  );
}

const { rows, baselineRuns } = await steadyStates();
rows.push(await hopAlone(CALLS, await outcomeChars()));
const cold = await coldCompile(COLD_CODES);
printTable(rows, baselineRuns, cold);
if (args.json) {
  await writeFile(
    args.json,
    JSON.stringify(
      {
        seed: SEED,
        calls: CALLS,
        wave: WAVE,
        latencyCalls: LATENCY_CALLS,
        cores: CORES,
        rows,
        cold,
      },
      null,
      2,
    ),
  );
}
