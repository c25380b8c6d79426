import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DeadLetterLimits } from '../../src/config/dead-letter.schema.js';
import { letterSize, type SpaciousDeadLetterStore } from '../../src/deadletters/dead-letter-space.js';
import { QuotaDeadLetterStore } from '../../src/deadletters/dead-letter-quota.js';
import type { DeadLetter } from '../../src/store/timeline-store.js';

const quiet = pino({ level: 'silent' });

export function letter(origin: string, size: number, fill = 'x', detail = 'garbage'): DeadLetter {
  return { receivedAt: '2025-03-01T00:00:00.000Z', origin, code: 'HL7_NO_MSH', detail, bytes: Buffer.alloc(size, fill) };
}

/**
 * The dead-letter space (usage, oldest-first deletion) of an adapter, and the quota over it: run
 * against SQLite (unit) and Redis (integration). `fresh` returns an empty store each time.
 */
export function deadLetterQuotaConformance(name: string, fresh: () => Promise<SpaciousDeadLetterStore>): void {
  describe(`${name}: dead-letter space`, () => {
    it('sums sizes per origin as letterSize counts them, UTF-8 detail included', async () => {
      const store = await fresh();
      const a = letter('mllp:10.0.0.1:4000', 100, 'a', 'déjà vu');
      await store.add(a);
      await store.add(letter('mllp:10.0.0.1:4000', 50));
      await store.add(letter('mllp:10.0.0.2:4001', 7));
      const usage = (await store.usage()).sort((x, y) => x.origin.localeCompare(y.origin));
      expect(usage).toEqual([
        { origin: 'mllp:10.0.0.1:4000', letters: 2, bytes: letterSize(a) + letterSize(letter('mllp:10.0.0.1:4000', 50)) },
        { origin: 'mllp:10.0.0.2:4001', letters: 1, bytes: letterSize(letter('mllp:10.0.0.2:4001', 7)) },
      ]);
    });

    it('drops the oldest letters of a prefix until enough is freed, and leaves the others', async () => {
      const store = await fresh();
      for (let i = 0; i < 6; i++) await store.add(letter(i % 2 === 0 ? 'mllp:10.0.0.1:1' : 'mllp:10.0.0.10:2', 100, String(i)));
      const one = letterSize(letter('mllp:10.0.0.1:1', 100));
      const gone = await store.dropOldest(one + 1, 'mllp:10.0.0.1:');
      expect(gone).toEqual([{ origin: 'mllp:10.0.0.1:1', size: one }, { origin: 'mllp:10.0.0.1:1', size: one }]);
      const left = (await store.list(10)).map((l) => l.bytes.toString('latin1', 0, 1));
      expect(left).toEqual(['1', '3', '4', '5']);
    });

    it('drops the oldest of every origin without a prefix, and stops when nothing is left', async () => {
      const store = await fresh();
      for (let i = 0; i < 3; i++) await store.add(letter(`file:/f${i}#1`, 10, String(i)));
      expect((await store.dropOldest(1)).map((g) => g.origin)).toEqual(['file:/f0#1']);
      expect(await store.dropOldest(1_000_000)).toHaveLength(2);
      expect(await store.count()).toBe(0);
    });
  });

  describe(`${name}: dead-letter quota`, () => {
    const limits = DeadLetterLimits.parse({ maxBytes: 40_000, maxBytesPerPeer: 16_000, keepBytes: 4_000, alarmMs: 60_000 });

    it('keeps a huge letter as its prefix, its length and its SHA-256', async () => {
      const quota = await QuotaDeadLetterStore.open(await fresh(), limits, quiet);
      await quota.add(letter('mllp:10.0.0.1:1', 1_000_000));
      const [kept] = await quota.list(1);
      expect(kept?.bytes.length).toBe(4_000);
      expect(kept?.detail).toMatch(/kept the first 4000 of 1000000 bytes; sha256 [0-9a-f]{64}/);
      expect(quota.stats().truncated).toBe(1);
    });

    it('holds one peer within its quota, oldest first, and counts the drops without an alarm', async () => {
      let now = 1_000;
      const quota = await QuotaDeadLetterStore.open(await fresh(), limits, quiet, () => now);
      await quota.add(letter('mllp:10.0.0.9:5', 100, 'v'));
      for (let i = 0; i < 30; i++) await quota.add(letter(`mllp:10.0.0.1:${i}`, 1_000_000, String(i % 10)));
      const s = quota.stats();
      expect(s.bytes).toBeLessThanOrEqual(limits.maxBytes);
      expect(s.dropped.peer.letters).toBeGreaterThan(0);
      expect(s.dropped.total.letters).toBe(0);
      const letters = await quota.list(100);
      // the other peer's letter is untouched, the flooder's newest letter is kept
      expect(letters[0]?.origin).toBe('mllp:10.0.0.9:5');
      expect(letters.at(-1)?.origin).toBe('mllp:10.0.0.1:29');
      const flooder = letters.filter((l) => l.origin.startsWith('mllp:10.0.0.1:')).reduce((n, l) => n + letterSize(l), 0);
      expect(flooder).toBeLessThanOrEqual(limits.maxBytesPerPeer);
      expect(quota.alarm()).toBeUndefined();
      expect(quota.peersOverQuota()).toEqual(['mllp:10.0.0.1:']);
      now += limits.alarmMs;
      expect(quota.peersOverQuota()).toEqual([]);
    });

    it('holds the total within its quota across peers, and raises the alarm until alarmMs has passed', async () => {
      let now = 1_000;
      const store = await fresh();
      const quota = await QuotaDeadLetterStore.open(store, limits, quiet, () => now);
      for (let i = 0; i < 40; i++) await quota.add(letter(`mllp:10.0.1.${i}:1`, 3_000));
      const held = (await store.usage()).reduce((n, u) => n + u.bytes, 0);
      expect(held).toBe(quota.stats().bytes);
      expect(held).toBeLessThanOrEqual(limits.maxBytes);
      expect(quota.stats().dropped.total.letters).toBeGreaterThan(0);
      expect(quota.alarm()).toMatch(/dead-letter quota exhausted/);
      now += limits.alarmMs;
      expect(quota.alarm()).toBeUndefined();
    });

    it('counts what the store held before it was opened', async () => {
      const store = await fresh();
      for (let i = 0; i < 3; i++) await store.add(letter('mllp:10.0.0.1:1', 1_000));
      const quota = await QuotaDeadLetterStore.open(store, limits, quiet);
      expect(quota.stats()).toMatchObject({ letters: 3, bytes: 3 * letterSize(letter('mllp:10.0.0.1:1', 1_000)), peers: 1 });
    });

    it('keeps the accounting right when adds run concurrently', async () => {
      const store = await fresh();
      const quota = await QuotaDeadLetterStore.open(store, limits, quiet);
      await Promise.all(Array.from({ length: 50 }, (_, i) => quota.add(letter(`mllp:10.0.2.${i % 5}:1`, 2_000))));
      const held = (await store.usage()).reduce((n, u) => n + u.bytes, 0);
      expect(quota.stats().bytes).toBe(held);
      expect(held).toBeLessThanOrEqual(limits.maxBytes);
    });
  });
}
