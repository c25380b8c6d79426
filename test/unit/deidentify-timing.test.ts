import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, patientOrder, shiftedArrivalOrder } from '../../src/deidentify/message-order.js';
import { SortedOutput } from '../../src/deidentify/sorted-output.js';
import { ArrivalClock, formatTiming, parseTiming, timingPath } from '../../src/deidentify/timing-sidecar.js';
import { SentinelError } from '../../src/errors.js';
import { loadFeedTiming, TimingClock } from '../../src/feeder/feed-timing.js';

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
const MIN = 60_000;

describe('when the arrival clock of a feed is read', () => {
  it('records the gaps of the latest MSH-7 so far: late and timeless messages arrive with the one before', () => {
    const clock = new ArrivalClock();
    expect([null, T0, T0 + 3 * MIN, T0 + MIN, null, T0 + 10 * MIN].map((t) => clock.see(t))).toEqual([null, T0, T0 + 3 * MIN, T0 + 3 * MIN, T0 + 3 * MIN, T0 + 10 * MIN]);
    expect(clock.gaps).toEqual([0, 0, 3 * MIN, 0, 0, 7 * MIN]);
  });

  it('writes a sidecar that holds gaps and the file size only, and reads it back', () => {
    const text = formatTiming({ gaps: [0, 180_000, 0], bytes: 4096 });
    expect(text).toBe('# poems-sentinel timing 1 messages=3 bytes=4096\n0\n180000\n0\n');
    expect(parseTiming(text)).toEqual({ gaps: [0, 180_000, 0], bytes: 4096 });
  });

  it('refuses a sidecar that is not one', () => {
    expect(parseTiming('0\n1\n')).toEqual({ problem: expect.stringContaining('first line') });
    expect(parseTiming('# poems-sentinel timing 1 messages=2 bytes=9\n0\n-5\n')).toEqual({ problem: 'line 3 is not a whole number of milliseconds (0 or more)' });
    expect(parseTiming('# poems-sentinel timing 1 messages=3 bytes=9\n0\n5\n')).toEqual({ problem: 'it holds 2 gaps, its header says 3' });
  });
});

describe('when a copy is put in order', () => {
  it('orders a pseudonymised copy by arrival moved by the patient’s offset, timeless messages first', () => {
    const a = shiftedArrivalOrder(T0, -10);
    expect(a).toEqual({ key: T0 - 10 * DAY_MS, bucket: Math.floor((T0 - 10 * DAY_MS) / DAY_MS) });
    expect(shiftedArrivalOrder(null, -10).key).toBe(Number.NEGATIVE_INFINITY);
    expect(shiftedArrivalOrder(null, -10).bucket).toBeLessThan(a.bucket);
  });

  it('orders a Safe Harbor copy by the patient’s rank, with monotone buckets', () => {
    const ranks = [0, 2 ** 40 - 1, 2 ** 40, 2 ** 48 - 1];
    expect(ranks.map((r) => patientOrder(r).bucket)).toEqual([0, 0, 1, 255]);
  });
});

describe('when a copy larger than memory is sorted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-sorted-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes every entry by key, ties in the order added, through spilled buckets, and removes them', async () => {
    const sorted = new SortedOutput(dir, 200);
    const entries: [number, number, string][] = [];
    for (let i = 0; i < 300; i++) {
      const key = (i * 7919) % 97;
      entries.push([Math.floor(key / 10), key, `MSG${i}|é中\u{1F600}|${'x'.repeat(i % 13)}`]);
    }
    entries.push([Number.MIN_SAFE_INTEGER, Number.NEGATIVE_INFINITY, 'first']);
    for (const [bucket, key, text] of entries) if (sorted.add(bucket, key, text)) await sorted.spill();
    expect(readdirSync(dir).length).toBe(1); // spilled
    let written = '';
    await sorted.drain(async (chunk) => {
      written += chunk;
    });
    const expected = entries
      .map(([, key, text], seq) => ({ key, seq, text }))
      .sort((a, b) => (a.key === b.key ? a.seq - b.seq : a.key - b.key))
      .map((e) => `${e.text}\r\n`)
      .join('');
    expect(written).toBe(expected);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('when a replay looks for timing sidecars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-timing-'));
  const a = join(dir, 'a.hl7');
  const b = join(dir, 'b.hl7');
  writeFileSync(a, 'MSH|^~\\&|X\r\n'.repeat(2));
  writeFileSync(b, 'MSH|^~\\&|Y\r\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('paces by MSH-7 when no input has one, and by the sidecars when all have', async () => {
    expect(await loadFeedTiming([a, b], { kind: 'auto' })).toBeNull();
    writeFileSync(timingPath(a), formatTiming({ gaps: [0, 5], bytes: 24 }));
    writeFileSync(timingPath(b), formatTiming({ gaps: [7], bytes: 12 }));
    const timing = await loadFeedTiming([a, b], { kind: 'auto' });
    expect(timing?.sources).toEqual([timingPath(a), timingPath(b)]);
    const clock = new TimingClock(timing as NonNullable<typeof timing>);
    expect([clock.next(a), clock.next(a), clock.next(b)]).toEqual([0, 5, 12]);
    expect(() => clock.next(b)).toThrow(/more messages than its timing sidecar/);
    expect(await loadFeedTiming([a, b], { kind: 'none' })).toBeNull();
  });

  it('refuses a mix, a sidecar written for another file, and --timing FILE with several inputs', async () => {
    rmSync(timingPath(b));
    await expect(loadFeedTiming([a, b], { kind: 'auto' })).rejects.toThrow(/b\.hl7 have none/);
    writeFileSync(timingPath(b), formatTiming({ gaps: [7], bytes: 999 }));
    const stale = await loadFeedTiming([b], { kind: 'auto' }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(SentinelError);
    expect((stale as SentinelError).code).toBe('TIMING_MISMATCH');
    await expect(loadFeedTiming([a, b], { kind: 'file', path: timingPath(a) })).rejects.toThrow(/paces one input file/);
    expect(existsSync(timingPath(a))).toBe(true);
  });
});

describe('when the replay flags name the timing', () => {
  const base = { 'to-mllp': '127.0.0.1:2575' };
  it('looks beside the inputs by default, and takes a named sidecar or none with --speed', async () => {
    const { feederOptionsFromFlags } = await import('../../src/feeder/feeder-flags.js');
    expect(feederOptionsFromFlags({ ...base, speed: '60' }, ['a.hl7']).timing).toEqual({ kind: 'auto' });
    expect(feederOptionsFromFlags({ ...base, speed: '60', timing: 'none' }, ['a.hl7']).timing).toEqual({ kind: 'none' });
    expect(feederOptionsFromFlags({ ...base, speed: '60', timing: 'a.timing' }, ['a.hl7']).timing).toEqual({ kind: 'file', path: 'a.timing' });
    expect(() => feederOptionsFromFlags({ ...base, rate: '5', timing: 'a.timing' }, ['a.hl7'])).toThrow(/--timing .* needs --speed/);
  });
});
