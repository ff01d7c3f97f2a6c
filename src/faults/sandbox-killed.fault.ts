import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { childPidsOf } from '../bench/bench-tools.ts';
import { postgresTestUrl } from '../db/testing.ts';
import { type FaultCluster, startFaultCluster } from './fault-cluster.ts';
import { expectNothingLost, startFaultScenario } from './fault-scenario.ts';

const MESSAGES = 2000;
const KILLS = 3;
/**
 * Five milliseconds of work per call, by the clock: at the scenario's 200 calls a second the sandbox process is
 * busy nearly all the time, so each kill lands in the middle of calls. A count of iterations sized for one
 * machine ran in a third of that on a faster one, where the process was idle most of the time and all three
 * kills could miss (regression: no attempt cut short by a kill, on a machine three times faster).
 */
const TRANSFORMATION = `function handler(webhook) {
  const until = Date.now() + 5;
  let spins = 0;
  while (Date.now() < until) spins++;
  webhook.headers['x-transformed'] = String(spins > 0);
  return webhook;
}`;

/** Failed attempts whose error says the sandbox went away: deliveries that were in a killed process. */
async function sandboxFailures(cluster: FaultCluster, appId: string): Promise<number> {
  const get = async (path: string) =>
    (await (
      await fetch(`${cluster.url}/api/v1${path}`, { headers: { authorization: `Bearer ${cluster.token}` } })
    ).json()) as { data: { id: string; response?: string }[] };
  let failures = 0;
  for (const endpoint of (await get(`/app/${appId}/endpoint`)).data) {
    const attempts = await get(`/app/${appId}/attempt/endpoint/${endpoint.id}?status=2&limit=250`);
    failures += attempts.data.filter((a) => /sandbox/i.test(a.response ?? '')).length;
  }
  return failures;
}

async function sandboxPidsOf(pid: number, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = childPidsOf(pid);
    if (pids.length > 0 || Date.now() > deadline) return pids;
    await sleep(50);
  }
}

describe.skipIf(!postgresTestUrl())('the sandbox process SIGKILLed during transformations', () => {
  let cluster: FaultCluster | undefined;
  afterAll(async () => cluster?.close());

  it('retries the deliveries it was running, and the pool starts a new sandbox process', async () => {
    cluster = await startFaultCluster({
      database: 'postgres',
      env: {
        SWITCHYARD_SANDBOX_PROCESSES: '1',
        // A batch of such calls gets the per-call limit as its budget: room for a batch, on a busy machine.
        SWITCHYARD_TRANSFORM_TIMEOUT_MS: '2000',
      },
    });
    await cluster.api();
    const worker = await cluster.worker();
    const scenario = await startFaultScenario({
      name: `sandbox process SIGKILLed during transformations (${KILLS} times)`,
      cluster,
      messages: MESSAGES,
      perSecond: 100,
      transformation: TRANSFORMATION,
    });
    scenario.startLoad();
    const killed = new Set<number>();
    for (let kill = 1; kill <= KILLS; kill++) {
      await scenario.acceptedAtLeast((MESSAGES * kill) / (KILLS + 1));
      const sandboxes = await sandboxPidsOf(worker.child.pid!);
      expect(sandboxes.length, 'the worker runs a sandbox process').toBeGreaterThan(0);
      for (const pid of sandboxes) {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      }
      scenario.faultOver();
    }
    expectNothingLost(await scenario.finish());
    expect(
      await sandboxFailures(cluster, scenario.appId),
      'attempts cut short by a kill, then retried',
    ).toBeGreaterThan(0);
    const replacements = (await sandboxPidsOf(worker.child.pid!)).filter((pid) => !killed.has(pid));
    expect(replacements.length, 'a new sandbox process took over').toBeGreaterThan(0);
    expect(worker.child.exitCode, 'the worker itself lives on').toBeNull();
  });
});
