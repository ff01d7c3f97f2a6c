import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { type Ledger, startLedger } from './ledger.ts';

const SECRET = `whsec_${Buffer.alloc(24, 9).toString('base64')}`;

async function deliver(ledger: Ledger, endpoint: string, id: string, seq: number, secret = SECRET) {
  const body = JSON.stringify({ type: 'payment.succeeded', data: { seq } });
  const timestamp = new Date();
  const signature = new Webhook(secret).sign(id, timestamp, body);
  return fetch(`${ledger.url}/${endpoint}`, {
    method: 'POST',
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': signature,
    },
    body,
  });
}

describe('the ledger', () => {
  let ledger: Ledger;
  afterEach(async () => ledger?.close());

  it('counts what each endpoint owed got: lost, duplicated, and a request stored under two ids', async () => {
    ledger = await startLedger();
    ledger.addEndpoint('a', SECRET);
    ledger.addEndpoint('b', SECRET);
    expect((await deliver(ledger, 'a', 'msg_1', 1)).status).toBe(200);
    await deliver(ledger, 'a', 'msg_1', 1);
    await deliver(ledger, 'b', 'msg_1', 1);
    await deliver(ledger, 'a', 'msg_2', 2);
    await deliver(ledger, 'a', 'msg_2b', 2);
    const check = ledger.check(
      new Map([
        ['msg_1', ['a', 'b']],
        ['msg_2', ['a', 'b']],
      ]),
    );
    expect(check).toEqual({ due: 4, delivered: 3, lost: ['b:msg_2'], duplicated: 1, storedTwice: [2] });
    expect(ledger.firstArrival('a', 'msg_1')).toBeTypeOf('number');
  });

  it('refuses and does not count a request whose signature does not verify', async () => {
    ledger = await startLedger();
    ledger.addEndpoint('a', SECRET);
    const forged = await deliver(ledger, 'a', 'msg_1', 1, `whsec_${Buffer.alloc(24, 1).toString('base64')}`);
    expect(forged.status).toBe(401);
    expect(ledger.badSignatures).toBe(1);
    expect(ledger.check(new Map([['msg_1', ['a']]])).lost).toEqual(['a:msg_1']);
  });

  it('refuses connections while down and takes them again on the same port once up', async () => {
    ledger = await startLedger();
    ledger.addEndpoint('a', SECRET);
    await ledger.down();
    await expect(deliver(ledger, 'a', 'msg_1', 1)).rejects.toThrow();
    await ledger.up();
    expect((await deliver(ledger, 'a', 'msg_1', 1)).status).toBe(200);
  });
});
