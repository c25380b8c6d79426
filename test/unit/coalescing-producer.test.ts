import { describe, expect, it } from 'vitest';
import { CoalescingProducer } from '../../src/consumers/kafka/coalescing.producer.js';
import type { IngressProducer, OutboundRecord } from '../../src/consumers/kafka/transport.js';

const rec = (key: string): OutboundRecord => ({ key, value: Buffer.from(key), headers: {} });

function fakeProducer(failOn?: string) {
  const requests: { topic: string; keys: (string | null)[] }[] = [];
  const producer: IngressProducer = {
    send: async (topic, records) => {
      requests.push({ topic, keys: records.map((r) => r.key) });
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
      if (failOn && records.some((r) => r.key === failOn)) throw new Error('broker down');
    },
    close: async () => {},
  };
  return { producer, requests };
}

describe('when several MLLP connections publish at once', () => {
  it('sends what waits behind an in-flight request as one request, in call order', async () => {
    const fake = fakeProducer();
    const p = new CoalescingProducer(fake.producer);
    await Promise.all(['a', 'b', 'c', 'd'].map((k) => p.send('t', [rec(k)])));
    expect(fake.requests).toEqual([{ topic: 't', keys: ['a'] }, { topic: 't', keys: ['b', 'c', 'd'] }]);
  });

  it('never mixes topics in one request', async () => {
    const fake = fakeProducer();
    const p = new CoalescingProducer(fake.producer);
    await Promise.all([p.send('t', [rec('a')]), p.send('t', [rec('b')]), p.send('dlq', [rec('x')]), p.send('t', [rec('c')])]);
    expect(fake.requests.map((r) => r.topic)).toEqual(['t', 't', 'dlq', 't']);
  });

  it('rejects every caller of a failed request and only them', async () => {
    const fake = fakeProducer('c');
    const p = new CoalescingProducer(fake.producer);
    const results = await Promise.allSettled(['a', 'b', 'c'].map((k) => p.send('t', [rec(k)])));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    await expect(p.send('t', [rec('d')])).resolves.toBeUndefined();
  });

  it('caps the records of one request', async () => {
    const fake = fakeProducer();
    const p = new CoalescingProducer(fake.producer, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => p.send('t', [rec(k)])));
    expect(fake.requests.map((r) => r.keys.length)).toEqual([1, 2, 2]);
  });
});
