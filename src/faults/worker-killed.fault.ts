import { afterAll, describe, it } from 'vitest';
import { postgresTestUrl } from '../db/testing.ts';
import { type FaultCluster, startFaultCluster } from './fault-cluster.ts';
import { expectNothingLost, startFaultScenario } from './fault-scenario.ts';

const MESSAGES = 2000;
const KILLS = 3;

describe.skipIf(!postgresTestUrl())('a worker SIGKILLed mid-batch, again and again', () => {
  let cluster: FaultCluster | undefined;
  afterAll(async () => cluster?.close());

  it('delivers every accepted message to every matching endpoint; another worker takes over the leases', async () => {
    cluster = await startFaultCluster({ database: 'postgres' });
    await cluster.api();
    const workers = [await cluster.worker(), await cluster.worker()];
    const scenario = await startFaultScenario({
      name: `worker SIGKILLed mid-batch (${KILLS} times)`,
      cluster,
      messages: MESSAGES,
      perSecond: 100,
      // Slow enough that every kill leaves claimed deliveries unanswered.
      receiverDelayMs: 20,
    });
    scenario.startLoad();
    for (let kill = 1; kill <= KILLS; kill++) {
      await scenario.acceptedAtLeast((MESSAGES * kill) / (KILLS + 1));
      await cluster.kill(workers.shift()!);
      scenario.faultOver();
      workers.push(await cluster.worker());
    }
    expectNothingLost(await scenario.finish());
  });
});
