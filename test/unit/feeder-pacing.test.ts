import { describe, expect, it } from 'vitest';
import { feederOptionsFromFlags } from '../../src/feeder/feeder-flags.js';
import { formatFeedSummary, percentiles } from '../../src/feeder/feed-summary.js';
import { FeedStats } from '../../src/feeder/feed-stats.js';
import { laneOf } from '../../src/feeder/lane-of.js';
import { Pacer } from '../../src/feeder/pacer.js';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 6);

describe('when a replay is paced by MSH-7', () => {
  it('keeps the original spacing divided by the speed factor, from the first message', () => {
    const pacer = new Pacer({ kind: 'speed', factor: 60 }, 1_000);
    expect(pacer.next(T0)).toEqual({ atMs: 1_000, kind: 'paced' });
    expect(pacer.next(T0 + H)).toEqual({ atMs: 1_000 + 60_000, kind: 'paced' });
    expect(pacer.next(T0 + H)).toEqual({ atMs: 1_000 + 60_000, kind: 'paced' });
    expect(pacer.next(T0 + 2 * H)).toEqual({ atMs: 1_000 + 120_000, kind: 'paced' });
  });

  it('sends a message with an earlier MSH-7 than one already scheduled at once, and one without MSH-7', () => {
    const pacer = new Pacer({ kind: 'speed', factor: 10 }, 0);
    pacer.next(T0 + H);
    expect(pacer.next(T0)).toEqual({ atMs: null, kind: 'outOfOrder' });
    expect(pacer.next(null)).toEqual({ atMs: null, kind: 'noTime' });
    // the schedule goes on from the first message, not from the late one
    expect(pacer.next(T0 + 2 * H)).toEqual({ atMs: H / 10, kind: 'paced' });
  });

  it('starts the schedule at the first message that has a time', () => {
    const pacer = new Pacer({ kind: 'speed', factor: 1 }, 5);
    expect(pacer.next(null).kind).toBe('noTime');
    expect(pacer.next(T0)).toEqual({ atMs: 5, kind: 'paced' });
  });
});

describe('when a replay is paced by rate or not at all', () => {
  it('gives message i the time start + i / M, whatever its MSH-7', () => {
    const pacer = new Pacer({ kind: 'rate', perSecond: 50 }, 100);
    expect([T0 + H, T0, null].map((t) => pacer.next(t))).toEqual([
      { atMs: 100, kind: 'paced' },
      { atMs: 120, kind: 'paced' },
      { atMs: 140, kind: 'paced' },
    ]);
  });

  it('gives no time without --speed or --rate', () => {
    expect(new Pacer({ kind: 'asap' }, 0).next(T0)).toEqual({ atMs: null, kind: 'unpaced' });
  });
});

describe('when messages are spread over connections', () => {
  it('puts one patient always on the same lane, and spreads patients', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `SYNTH|P${i}`);
    const lanes = keys.map((k, i) => laneOf(k, i, 4));
    expect(keys.map((k, i) => laneOf(k, i + 7, 4))).toEqual(lanes);
    for (let lane = 0; lane < 4; lane++) expect(lanes.filter((l) => l === lane).length).toBeGreaterThan(20);
  });

  it('sends messages without a patient key round by position, and everything on lane 0 with one connection', () => {
    expect([0, 1, 2, 3].map((i) => laneOf(null, i, 3))).toEqual([0, 1, 2, 0]);
    expect(laneOf('SYNTH|P1', 5, 1)).toBe(0);
  });
});

describe('when the summary is computed', () => {
  it('reports nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(samples)).toEqual({ p50: 50, p90: 90, p99: 99, max: 100 });
    expect(percentiles([])).toBeNull();
  });

  it('prints ACK codes with their error codes, retries, reconnects, latency, lateness and rate', () => {
    const stats = new FeedStats({ target: 'mllp:127.0.0.1:2575', pacing: 'MSH-7 spacing / 60', connections: 2 });
    const s = stats.summary;
    s.read = 10;
    s.delivered = 9;
    s.acks = { AA: 8, AE: 1, AR: 1 };
    s.errors = { 'AR HL7_NO_PATIENT_ID': 1, 'AE STORE_UNAVAILABLE': 1 };
    s.retries = 2;
    s.retriedErrors = { 'AE STORE_UNAVAILABLE': 2 };
    s.undelivered = 1;
    stats.latency.push(2, 4, 6);
    stats.lateness.push(0, 1);
    const text = formatFeedSummary(stats.finish(2)).join('\n');
    expect(text).toContain('mllp:127.0.0.1:2575 (2 connections, MSH-7 spacing / 60)');
    expect(text).toMatch(/acks: +AA 8, AE 1, AR 1/);
    expect(text).toMatch(/AR HL7_NO_PATIENT_ID +1/);
    expect(text).toMatch(/retries: +2 \(AE STORE_UNAVAILABLE 2\)/);
    expect(text).toMatch(/latency ms: +p50 4\.0, p90 6\.0, p99 6\.0, max 6\.0/);
    expect(text).toMatch(/late vs schedule: +p99 1\.0, max 1\.0 ms/);
    expect(text).toMatch(/rate: +4\.5 messages\/s \(2\.00 s\)/);
    expect(text).toMatch(/undelivered: +1/);
  });
});

describe('when the replay flags are read', () => {
  it('reads HOST:PORT, 60x, 50/s and the defaults', () => {
    expect(feederOptionsFromFlags({ 'to-mllp': 'localhost:2575', speed: '60x' }, ['feed.hl7'])).toMatchObject({
      target: { kind: 'mllp', host: 'localhost', port: 2575 },
      pacing: { kind: 'speed', factor: 60 },
      connections: 1,
      resume: false,
      retries: 5,
      retryDelayMs: 500,
      ackTimeoutMs: 30_000,
    });
    expect(feederOptionsFromFlags({ 'to-kafka': 'k1:9092,k2:9092', rate: '50/s', connections: '4' }, ['d'])).toMatchObject({
      target: { kind: 'kafka', brokers: ['k1:9092', 'k2:9092'], topic: 'hl7.inbound' },
      pacing: { kind: 'rate', perSecond: 50 },
      connections: 4,
    });
  });

  it('reports every problem at once as bad usage', () => {
    const attempt = (): unknown => feederOptionsFromFlags({ 'to-mllp': 'nohost', speed: '0', rate: '5', connections: '100', retries: '-1' }, []);
    expect(attempt).toThrow(expect.objectContaining({ code: 'USAGE' }) as Error);
    expect(attempt).toThrow(/files? or directory.*HOST:PORT.*--speed and --rate exclude each other.*--connections.*--retries/);
  });
});
