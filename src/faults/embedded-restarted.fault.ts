import { afterAll, describe, expect, it } from 'vitest';
import { type FaultCluster, startFaultCluster } from './fault-cluster.ts';
import { expectNothingLost, startFaultScenario } from './fault-scenario.ts';

const MESSAGES = 1000;

describe('the embedded single process SIGKILLed and restarted on the same data directory', () => {
  let cluster: FaultCluster | undefined;
  afterAll(async () => cluster?.close());

  it('delivers every message it answered 2xx before and after the restart', async () => {
    cluster = await startFaultCluster({ database: 'pglite' });
    let embedded = await cluster.start();
    const scenario = await startFaultScenario({
      name: 'embedded (PGlite) SIGKILLed and restarted',
      cluster,
      messages: MESSAGES,
      perSecond: 50,
      receiverDelayMs: 20,
    });
    const load = scenario.startLoad();
    await scenario.acceptedAtLeast(MESSAGES / 2);
    await cluster.kill(embedded);
    scenario.faultOver();
    embedded = await cluster.start();
    expectNothingLost(await scenario.finish());
    expect(load.unanswered).toEqual([]);
  });
});
