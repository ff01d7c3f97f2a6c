import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, it } from 'vitest';
import { postgresTestUrl } from '../db/testing.ts';
import { type FaultCluster, startFaultCluster } from './fault-cluster.ts';
import { expectNothingLost, startFaultScenario } from './fault-scenario.ts';

const MESSAGES = 2000;
const DOWN_MS = 4_000;

describe.skipIf(!postgresTestUrl())('the receiver down for a stretch, then back', () => {
  let cluster: FaultCluster | undefined;
  afterAll(async () => cluster?.close());

  it('delivers everything after it is back, on the (compressed) retry schedule', async () => {
    // Retries after 1, 1, 2, 2, 3, 3 and 5 s: 17 s of attempts, well past the outage.
    cluster = await startFaultCluster({ database: 'postgres' });
    await cluster.api();
    await cluster.worker();
    const scenario = await startFaultScenario({
      name: 'receiver down for 4 s, then back',
      cluster,
      messages: MESSAGES,
      perSecond: 100,
    });
    scenario.startLoad();
    await scenario.acceptedAtLeast(MESSAGES / 3);
    await scenario.ledger.down();
    await sleep(DOWN_MS);
    await scenario.ledger.up();
    scenario.faultOver();
    expectNothingLost(await scenario.finish());
  });
});
