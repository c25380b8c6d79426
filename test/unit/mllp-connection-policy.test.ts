import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { FailureStreak } from '../../src/consumers/failure-streak.js';
import { overdue, peerAddress, pickVictim, type ConnectionView, type PolicyLimits } from '../../src/consumers/mllp-connection-policy.js';
import { PeerEventLog } from '../../src/consumers/mllp-peer-events.js';

const LIMITS: PolicyLimits = { firstByteTimeoutMs: 1_000, idleTimeoutMs: 10_000, frameTimeoutMs: 5_000, minBytesPerSecond: 100, minRateGraceMs: 2_000 };
const fresh = (over: Partial<ConnectionView> = {}): ConnectionView => ({ openedAt: 0, idleSince: 0, everStarted: false, messagesHandled: 0, frame: undefined, busy: false, ...over });

describe('the deadlines of a connection', () => {
  it('closes a connection that starts no frame in time', () => {
    expect(overdue(fresh(), LIMITS, 999)).toBeUndefined();
    expect(overdue(fresh(), LIMITS, 1_000)).toBe('firstByteTimeout');
  });

  it('gives a connection that delivered messages the idle timeout, counted from its last answer', () => {
    const c = fresh({ everStarted: true, messagesHandled: 3, idleSince: 50_000 });
    expect(overdue(c, LIMITS, 59_999)).toBeUndefined();
    expect(overdue(c, LIMITS, 60_000)).toBe('idleTimeout');
  });

  it('lets a slow frame through its grace period, then enforces the rate, then the frame deadline', () => {
    const slow = fresh({ everStarted: true, frame: { startedAt: 0, bytes: 10 } });
    expect(overdue(slow, LIMITS, 1_999)).toBeUndefined();
    expect(overdue(slow, LIMITS, 2_000)).toBe('slowSender');
    const steady = fresh({ everStarted: true, frame: { startedAt: 0, bytes: 1_000 } });
    expect(overdue(steady, LIMITS, 4_999)).toBeUndefined();
    expect(overdue(steady, LIMITS, 5_000)).toBe('frameTimeout');
  });

  it('gives a busy connection no deadline: the server is the slow one', () => {
    expect(overdue(fresh({ busy: true }), LIMITS, 1e9)).toBeUndefined();
  });

  it('reads 0 as off', () => {
    const off: PolicyLimits = { firstByteTimeoutMs: 0, idleTimeoutMs: 0, frameTimeoutMs: 0, minBytesPerSecond: 0, minRateGraceMs: 0 };
    expect(overdue(fresh(), off, 1e9)).toBeUndefined();
    expect(overdue(fresh({ everStarted: true, frame: { startedAt: 0, bytes: 1 } }), off, 1e9)).toBeUndefined();
  });
});

describe('the connection that gives up its slot', () => {
  const view = (c: ConnectionView): ConnectionView => c;
  it('is first one that never delivered a message, then a slow frame, then the longest idle sender', () => {
    const idleSender = fresh({ everStarted: true, messagesHandled: 5, idleSince: 0 });
    const slowFrame = fresh({ everStarted: true, messagesHandled: 1, frame: { startedAt: 500, bytes: 1 } });
    const silent = fresh({ openedAt: 900, idleSince: 900 });
    const all = [idleSender, slowFrame, silent];
    expect(pickVictim(all, view, LIMITS, 1_000)).toBe(silent);
    expect(pickVictim([idleSender, slowFrame], view, LIMITS, 1_000)).toBe(slowFrame);
    expect(pickVictim([idleSender], view, LIMITS, 1_000)).toBe(idleSender);
  });

  it('is never a busy connection nor a frame arriving at a decent rate', () => {
    const busy = fresh({ busy: true });
    const fast = fresh({ everStarted: true, frame: { startedAt: 900, bytes: 50_000 } });
    expect(pickVictim([busy, fast], view, LIMITS, 1_000)).toBeUndefined();
  });

  it('is the oldest among equals', () => {
    const older = fresh({ openedAt: 1, idleSince: 1 });
    const newer = fresh({ openedAt: 2, idleSince: 2 });
    expect(pickVictim([newer, older], view, LIMITS, 10)).toBe(older);
  });
});

describe('peer addresses', () => {
  it('spell IPv4 one way on dual-stack sockets', () => {
    expect(peerAddress('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(peerAddress('fe80::1')).toBe('fe80::1');
    expect(peerAddress(undefined)).toBe('?');
  });
});

describe('a failure streak', () => {
  it('says writes are failing once failures span the threshold, until a success', () => {
    const streak = new FailureStreak(1_000);
    expect(streak.failure(0, 'STORE_UNAVAILABLE')).toBe(true);
    expect(streak.failure(500, 'STORE_UNAVAILABLE')).toBe(false);
    expect(streak.failing(600)).toBeUndefined();
    streak.failure(1_000, 'STORE_UNAVAILABLE');
    expect(streak.failing(1_100)).toEqual({ forMs: 1_100, code: 'STORE_UNAVAILABLE' });
    streak.success();
    expect(streak.failing(1_200)).toBeUndefined();
  });

  it('lets the evidence expire when no failure has been seen for the threshold', () => {
    const streak = new FailureStreak(1_000);
    streak.failure(0, 'AE');
    streak.failure(1_000, 'AE');
    expect(streak.failing(1_999)).toBeDefined();
    expect(streak.failing(2_000)).toBeUndefined();
  });
});

describe('the per-peer event log', () => {
  it('logs a peer at once, then one summary per interval', () => {
    const lines: { peer: string; events: Record<string, unknown>; level: number }[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l) as (typeof lines)[number]) });
    const events = new PeerEventLog(log, 60_000);
    events.note('10.0.0.2', 'rejected.MLLP_UNFRAMED_BYTES', 0, 10);
    for (let i = 1; i <= 1_000; i++) events.note('10.0.0.2', 'rejected.MLLP_UNFRAMED_BYTES', i, 10);
    events.note('10.0.0.2', 'closed.idleTimeout', 1_001);
    events.flush(30_000);
    expect(lines).toHaveLength(1);
    events.flush(60_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ peer: '10.0.0.2', events: { 'rejected.MLLP_UNFRAMED_BYTES': { count: 1_000, bytes: 10_000 }, 'closed.idleTimeout': 1 }, level: 40 });
    events.note('10.0.0.3', 'closed.idleTimeout', 60_001);
    expect(lines[2]).toMatchObject({ peer: '10.0.0.3', level: 30 });
  });
});
