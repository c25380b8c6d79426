import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { notificationKey, type Notification } from '../../src/domain/alert.js';
import { PermanentDeliveryError } from '../../src/notifiers/alert-queue.js';
import { BullmqAlertQueue, jobIdOf, type BullmqAlertQueueOptions } from '../../src/notifiers/bullmq.queue.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { redisService } from '../support/services.js';
import { until } from '../support/wait.js';

const redis = await redisService();
/** every key these tests write starts with this; afterAll deletes them by prefix */
const ROOT = `test-${randomUUID()}`;
let queues = 0;

const notification = (patientKey: string, tier: Notification['tier'] = 'workup-recommended'): Notification => ({
  key: notificationKey(`alert-${patientKey}`, 1, tier),
  alertId: `alert-${patientKey}`,
  episode: 1,
  patientKey,
  tier,
  event: 'created',
  createdAt: '2025-01-01T00:00:00.000Z',
});

describe('a BullMQ job id made from a notification key', () => {
  it('never contains a colon, never reads as an integer, and keeps distinct keys distinct', () => {
    const keys = ['urn:oid:1.2.3|42|poems-1.0|criteria-met', 'urn%3Aoid', 'urn:oid', '123', '%N123', '0123', 'a|b|c'];
    const ids = keys.map(jobIdOf);
    expect(ids.every((id) => !id.includes(':'))).toBe(true);
    expect(ids.every((id) => `${Number.parseInt(id, 10)}` !== id)).toBe(true);
    expect(new Set(ids).size).toBe(keys.length);
    expect(jobIdOf('H|1|poems-1.0|criteria-met')).toBe('H|1|poems-1.0|criteria-met');
  });
});

describe.skipIf(!redis.available)(`the BullMQ alert queue${redis.available ? '' : ` (skipped: ${redis.reason})`}`, () => {
  let conn: Redis;
  const open: BullmqAlertQueue[] = [];
  const make = (options: Partial<BullmqAlertQueueOptions> = {}): BullmqAlertQueue => {
    // small back-off so retries happen within a test; a drain waits for them up to 5 s
    const q = new BullmqAlertQueue({ connection: conn, prefix: `${ROOT}-${++queues}`, backoffMs: 10, attempts: 3, retryWithinDrainMs: 5000, ...options });
    open.push(q);
    return q;
  };

  beforeAll(async () => {
    conn = new Redis(redis.url);
    await conn.ping();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((q) => q.close()));
  });

  afterAll(async () => {
    if (!conn) return;
    await deleteByPrefix(conn, ROOT);
    await conn.quit();
  });

  it('delivers a key enqueued twice once, and never queues a delivered key again', async () => {
    const q = make();
    const n = notification('urn:oid:2.16.840.1|123');
    await q.enqueue(n);
    await q.enqueue({ ...n, createdAt: '2025-01-02T00:00:00.000Z' });
    expect(await q.counts()).toEqual({ pending: 1, delivered: 0, dead: 0 });
    const got: Notification[] = [];
    const handle = async (x: Notification): Promise<void> => { got.push(x); };
    expect(await q.drain(handle)).toBe(1);
    expect(got).toEqual([n]);
    await q.enqueue(n);
    expect(await q.drain(handle)).toBe(0);
    expect(got).toHaveLength(1);
    expect(await q.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it('delivers every distinct key (another tier is another notification)', async () => {
    const q = make();
    for (const p of ['H|1', 'H|2', 'H|3']) await q.enqueue(notification(p));
    await q.enqueue(notification('H|1', 'criteria-met'));
    const got: string[] = [];
    expect(await q.drain(async (x) => { got.push(x.key); })).toBe(4);
    expect(got.sort()).toEqual(['alert-H|1|1|criteria-met', 'alert-H|1|1|workup-recommended', 'alert-H|2|1|workup-recommended', 'alert-H|3|1|workup-recommended']);
    expect(await q.drain(async () => { throw new Error('nothing left to deliver'); })).toBe(0);
  });

  it('retries a failing delivery with back-off, telling the handler which attempt it is, then delivers it', async () => {
    const q = make();
    await q.enqueue(notification('H|1'));
    const attempts: [number, boolean][] = [];
    const delivered = await q.drain(async (_n, a) => {
      attempts.push([a.attempt, a.final]);
      if (a.attempt < 3) throw new Error('receiver unavailable');
    });
    expect(delivered).toBe(1);
    expect(attempts).toEqual([[1, false], [2, false], [3, true]]);
    expect(await q.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it('keeps ONE long-lived worker: after a drain it goes on delivering new notifications and retries in back-off', async () => {
    const q = make({ retryWithinDrainMs: 0, backoffMs: 50 });
    const got: string[] = [];
    let calls = 0;
    const handle = async (n: Notification): Promise<void> => {
      calls += 1;
      if (calls === 1) throw new Error('receiver unavailable');
      got.push(n.patientKey);
    };
    await q.enqueue(notification('H|1'));
    expect(await q.drain(handle)).toBe(0); // the retry waits in back-off; drain does not wait for it
    await q.enqueue(notification('H|2'));
    await until('both delivered by the running worker', () => got.length === 2, 10_000, 20);
    expect(got.sort()).toEqual(['H|1', 'H|2']);
    expect(await q.counts()).toEqual({ pending: 0, delivered: 2, dead: 0 });
  });

  it('does not retry a PermanentDeliveryError: the notification is dead at once', async () => {
    const q = make();
    await q.enqueue(notification('H|1'));
    await q.enqueue(notification('H|2'));
    const calls: string[] = [];
    const delivered = await q.drain(async (n) => {
      calls.push(n.patientKey);
      if (n.patientKey === 'H|1') throw new PermanentDeliveryError('webhook answered 410 Gone');
    });
    expect(delivered).toBe(1);
    expect(calls.sort()).toEqual(['H|1', 'H|2']);
    expect(await q.counts()).toEqual({ pending: 0, delivered: 1, dead: 1 });
  });

  it('declares a notification dead after the last attempt, and requeues it with its attempts renewed', async () => {
    const q = make({ attempts: 3 });
    const n = notification('H|1');
    await q.enqueue(n);
    let calls = 0;
    let down = true;
    const handle = async (): Promise<void> => {
      calls += 1;
      if (down) throw new Error('still down');
    };
    expect(await q.drain(handle)).toBe(0);
    expect(calls).toBe(3);
    expect(await q.counts()).toEqual({ pending: 0, delivered: 0, dead: 1 });
    down = false;
    expect(await q.requeue(n.key)).toBe(true);
    expect(await q.drain(handle)).toBe(1);
    expect(calls).toBe(4);
    expect(await q.requeue(n.key)).toBe(false); // delivered, not dead
    expect(await q.requeue('no-such-key')).toBe(false);
    expect(await q.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it('lets a delivery in flight finish when it stops', async () => {
    const q = make();
    await q.enqueue(notification('H|1'));
    let release: () => void = () => {};
    let started = false;
    const done: string[] = [];
    q.start(async (n) => {
      started = true;
      await new Promise<void>((resolve) => { release = resolve; });
      done.push(n.key);
    });
    await until('the delivery started', () => started, 10_000, 10);
    const stopping = q.stop();
    release();
    await stopping;
    expect(done).toHaveLength(1);
    expect(await q.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });
});
