import { afterAll, describe, expect, it } from 'vitest';
import { postgresTestUrl } from '../db/testing.ts';
import { type FaultCluster, startFaultCluster } from './fault-cluster.ts';
import { expectNothingLost, startFaultScenario } from './fault-scenario.ts';

const MESSAGES = 2000;
const KILLS = 2;

describe.skipIf(!postgresTestUrl())('the API process SIGKILLed while it accepts messages', () => {
  let cluster: FaultCluster | undefined;
  afterAll(async () => cluster?.close());

  it('loses no message it answered 2xx, and a retry with the same key stores nothing twice', async () => {
    cluster = await startFaultCluster({ database: 'postgres' });
    let api = await cluster.api();
    await cluster.worker();
    const scenario = await startFaultScenario({
      name: `API SIGKILLed while accepting (${KILLS} times)`,
      cluster,
      messages: MESSAGES,
      perSecond: 100,
    });
    const load = scenario.startLoad();
    for (let kill = 1; kill <= KILLS; kill++) {
      await scenario.acceptedAtLeast((MESSAGES * kill) / (KILLS + 1));
      await cluster.kill(api);
      scenario.faultOver();
      api = await cluster.api();
    }
    const result = await scenario.finish();
    expectNothingLost(result);
    // Requests were in flight at each kill, and the client's retries with the same key got them all in.
    expect(load.failedRequests).toBeGreaterThan(0);
    expect(load.unanswered).toEqual([]);
  });
});
