/**
 * The sandbox benchmark's ceiling: the handler on plain V8 (`JSON.parse → handler → JSON.stringify`), run in a
 * process of its own so that the sandbox's own work in the benchmark's process (its garbage, its compiled
 * code) never slows it, and on request, so that its stretches take turns with the sandbox's.
 */
export type BaselineRequest = { kind: 'stretch'; calls: number } | { kind: 'latencies'; calls: number };

export type BaselineReply =
  | { kind: 'stretch'; calls: number; seconds: number; cpuUs: number }
  | { kind: 'latencies'; latenciesUs: number[] };

const code = process.env.BASELINE_CODE ?? '';
const inputJson = process.env.BASELINE_INPUT ?? '';
const handler = new Function(`${code}\nreturn handler;`)() as (webhook: unknown) => unknown;
let sink = 0;

const call = () => {
  sink += JSON.stringify(handler(JSON.parse(inputJson))).length;
};

for (let i = 0; i < 20_000; i++) call();

process.on('message', (request: BaselineRequest) => {
  if (request.kind === 'stretch') {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < request.calls; i++) call();
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (performance.now() - started) / 1000;
    process.send!({
      kind: 'stretch',
      calls: request.calls,
      seconds,
      cpuUs: cpu.user + cpu.system,
    } satisfies BaselineReply);
    return;
  }
  const latenciesUs: number[] = [];
  for (let i = 0; i < request.calls; i++) {
    const t = performance.now();
    call();
    latenciesUs.push((performance.now() - t) * 1000);
  }
  if (sink === 0) throw new Error('unreachable');
  process.send!({ kind: 'latencies', latenciesUs } satisfies BaselineReply);
});
process.on('disconnect', () => process.exit(0));
