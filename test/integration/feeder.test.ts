import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { ServiceConfig } from '../../src/config/service.schema.js';
import { MllpListener, type MllpHandler } from '../../src/consumers/mllp.consumer.js';
import type { Alert } from '../../src/domain/alert.js';
import type { FeedMessage } from '../../src/feeder/feed-reader.js';
import { startFeeder, type FeederOptions, type FeederRun } from '../../src/feeder/feeder.js';
import type { FeedSummary } from '../../src/feeder/feed-summary.js';
import { ReplayJournal } from '../../src/feeder/journal.js';
import type { Answer } from '../../src/feeder/target.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { replay } from '../../src/app/file-replay.js';
import { startEmbedded } from '../../src/app/embedded.js';
import { startService, type RunningService } from '../../src/app/service.js';
import { MLLP_FS_CR as FS_CR, MLLP_VT as VT } from '../../testkit/mllp.js';

// Synthetic feeds only (the generator's TESTPATIENT names, SYNTH identifiers); loopback only.

const log = pino({ level: 'silent' });
const BIG = { patients: 30, seed: 7 };
const SMALL = { patients: 10, seed: 11 };

interface Sent { index: number; controlId: string; patientKey: string | null; feedTime: number | null; lane: number; answer: Answer | null }

/** A feeder run with test defaults; `onSent` sees each final answer (and may stop the run). */
function feed(over: Partial<FeederOptions> & Pick<FeederOptions, 'inputs' | 'target'>, onSent?: (sent: Sent[], run: FeederRun) => void): { run: FeederRun; sent: Sent[]; done: Promise<FeedSummary> } {
  const sent: Sent[] = [];
  // answers come asynchronously, after `run` is assigned
  const onAnswer = (m: FeedMessage, lane: number, answer: Answer | null): void => {
    sent.push({ index: m.index, controlId: m.controlId, patientKey: m.patientKey, feedTime: m.feedTime, lane, answer });
    onSent?.(sent, run);
  };
  const run = startFeeder({ pacing: { kind: 'asap' }, connections: 1, resume: false, ackTimeoutMs: 10_000, retries: 3, retryDelayMs: 1, log, onAnswer, ...over });
  return { run, sent, done: run.done };
}

/** MSH-7 of every message of a generated feed, in file order (epoch ms). */
function feedTimes(path: string): number[] {
  return readFileSync(path, 'latin1').split('\r\n').filter(Boolean).map((m) => {
    const t = (m.split('|')[6] ?? '').padEnd(14, '0');
    return Date.UTC(+t.slice(0, 4), +t.slice(4, 6) - 1, +t.slice(6, 8), +t.slice(8, 10), +t.slice(10, 12), +t.slice(12, 14));
  });
}

async function embeddedService(dbPath: string): Promise<RunningService> {
  return startService(ServiceConfig.parse({ mllpPort: 0, healthPort: 0, dbPath }), DEFAULT_PROFILE, log);
}

const outcome = (a: Alert): string => `${a.patientKey} ${a.tier} ${a.status}`;

/** The service's alerts once it has stopped, read from its SQLite file. */
async function alertsIn(dbPath: string): Promise<string[]> {
  const state = startEmbedded({ dbPath, profile: DEFAULT_PROFILE, log });
  try {
    return (await state.alerts.list()).map(outcome).sort();
  } finally {
    await state.stop();
  }
}

/** The oracle: the alerts the local file replay gives for the same file (same pipeline, same order). */
async function fileReplayAlerts(input: string, dbPath: string): Promise<string[]> {
  const run = await replay({ inputs: [input], dbPath, profile: DEFAULT_PROFILE, log });
  try {
    return (await run.alertsJsonl()).map((l) => outcome(JSON.parse(l) as Alert)).sort();
  } finally {
    await run.close();
  }
}

describe('when a generated feed is replayed into the running embedded service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-feeder-'));
  const big = join(dir, 'big.hl7');
  const small = join(dir, 'small.hl7');
  let bigCount = 0;
  let smallCount = 0;
  beforeAll(async () => {
    bigCount = (await writeFeed(big, BIG)).messages;
    smallCount = (await writeFeed(small, SMALL)).messages;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the MSH-7 spacing at a high speed factor: file order, waits, late arrivals at once, the alerts of a local replay', async () => {
    const times = feedTimes(big);
    const first = times[0] as number;
    const last = Math.max(...times);
    const factor = (last - first) / 800; // the whole feed in about 0.8 s
    const dbPath = join(dir, 'speed.db');
    const service = await embeddedService(dbPath);
    let summary: FeedSummary;
    let sent: Sent[];
    try {
      const r = feed({ inputs: [big], target: { kind: 'mllp', host: '127.0.0.1', port: service.mllpPort }, pacing: { kind: 'speed', factor }, journalPath: join(dir, 'speed.journal') });
      summary = await r.done;
      sent = r.sent;
    } finally {
      await service.stop();
    }
    expect(sent.map((s) => s.index)).toEqual(Array.from({ length: bigCount }, (_, i) => i + 1));
    expect(summary).toMatchObject({ read: bigCount, delivered: bigCount, acks: { AA: bigCount, AE: 0, AR: 0 }, undelivered: 0, stopped: null });
    expect(summary.waits).toBeGreaterThan(0);
    // the generator delays some messages by hours: they go at once, unpaced
    const lateArrivals = times.filter((t, i) => t < Math.max(...times.slice(0, i + 1))).length;
    expect(summary.paced).toEqual({ paced: bigCount - lateArrivals, outOfOrder: lateArrivals, noTime: 0, unpaced: 0 });
    expect(lateArrivals).toBeGreaterThan(0);
    // the last paced message cannot have gone before its time
    expect(summary.seconds * 1000).toBeGreaterThanOrEqual((last - first) / factor - 1);
    expect(summary.latencyMs?.max).toBeGreaterThan(0);
    expect(summary.latenessMs).not.toBeNull();
    expect(await alertsIn(dbPath)).toEqual(await fileReplayAlerts(big, join(dir, 'speed-oracle.db')));
  });

  it('sends at a fixed rate whatever MSH-7 says', async () => {
    const rate = 250;
    const service = await embeddedService(join(dir, 'rate.db'));
    try {
      const { done, sent } = feed({ inputs: [small], target: { kind: 'mllp', host: '127.0.0.1', port: service.mllpPort }, pacing: { kind: 'rate', perSecond: rate }, journalPath: join(dir, 'rate.journal') });
      const summary = await done;
      expect(sent.map((s) => s.index)).toEqual(Array.from({ length: smallCount }, (_, i) => i + 1));
      expect(summary.paced).toEqual({ paced: smallCount, outOfOrder: 0, noTime: 0, unpaced: 0 });
      expect(summary.waits).toBeGreaterThan(0);
      expect(summary.seconds * 1000).toBeGreaterThanOrEqual(((smallCount - 1) * 1000) / rate - 1);
      expect(summary.acks.AA).toBe(smallCount);
    } finally {
      await service.stop();
    }
  });

  it('on several connections keeps each patient on one connection, in file order', async () => {
    const service = await embeddedService(join(dir, 'lanes.db'));
    try {
      const { done, sent } = feed({ inputs: [big], target: { kind: 'mllp', host: '127.0.0.1', port: service.mllpPort }, connections: 3, journalPath: join(dir, 'lanes.journal') });
      const summary = await done;
      expect(summary).toMatchObject({ delivered: bigCount, acks: { AA: bigCount, AE: 0, AR: 0 }, connections: 3 });
      const byPatient = new Map<string, Sent[]>();
      for (const s of sent) byPatient.set(s.patientKey ?? '', [...(byPatient.get(s.patientKey ?? '') ?? []), s]);
      for (const [, messages] of byPatient) {
        expect(new Set(messages.map((m) => m.lane)).size).toBe(1);
        const indices = messages.map((m) => m.index);
        expect(indices).toEqual([...indices].sort((a, b) => a - b));
      }
      expect(new Set(sent.map((s) => s.lane)).size).toBe(3);
    } finally {
      await service.stop();
    }
  });

  it('resumes an interrupted replay: nothing acknowledged is sent again, nothing is lost', async () => {
    const dbPath = join(dir, 'resume.db');
    const input = join(dir, 'resume.hl7');
    writeFileSync(input, readFileSync(big));
    const service = await embeddedService(dbPath);
    let firstRun: Sent[] = [];
    let secondRun: Sent[] = [];
    const target = { kind: 'mllp' as const, host: '127.0.0.1', port: service.mllpPort };
    try {
      const one = feed({ inputs: [input], target }, (sent, run) => {
        if (sent.length === 60) run.stop('interrupted by the test');
      });
      const s1 = await one.done;
      firstRun = one.sent;
      expect(s1.stopped).toBe('interrupted by the test');
      expect(s1.delivered).toBe(firstRun.length);
      expect(firstRun.length).toBeGreaterThanOrEqual(60);
      expect(firstRun.length).toBeLessThan(bigCount);

      await expect(feed({ inputs: [input], target }).done).rejects.toMatchObject({ code: 'USAGE' });

      const two = feed({ inputs: [input], target, resume: true });
      const s2 = await two.done;
      secondRun = two.sent;
      expect(s2).toMatchObject({ read: bigCount, skipped: firstRun.length, delivered: bigCount - firstRun.length, stopped: null });
    } finally {
      await service.stop();
    }
    const firstIds = new Set(firstRun.map((s) => s.index));
    expect(secondRun.filter((s) => firstIds.has(s.index))).toEqual([]);
    expect([...firstRun, ...secondRun].map((s) => s.index).sort((a, b) => a - b)).toEqual(Array.from({ length: bigCount }, (_, i) => i + 1));
    expect(await alertsIn(dbPath)).toEqual(await fileReplayAlerts(input, join(dir, 'resume-oracle.db')));

    // the file changes under the journal: resuming is refused before anything is sent (the service is gone)
    const lines = readFileSync(input, 'latin1').split('\r\n');
    const firstId = (lines[0] ?? '').split('|')[9] as string;
    writeFileSync(input, lines.join('\r\n').replace(`|${firstId}|`, `|${firstId}X|`), 'latin1');
    await expect(feed({ inputs: [input], target, resume: true }).done).rejects.toMatchObject({ code: 'JOURNAL_MISMATCH' });
  });
});

describe('when the service answers AE, AR, or drops the connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-feeder-faults-'));
  const input = join(dir, 'feed.hl7');
  let ids: string[] = [];
  beforeAll(async () => {
    await writeFeed(input, SMALL);
    ids = readFileSync(input, 'latin1').split('\r\n').filter(Boolean).map((m) => m.split('|')[9] as string);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function withListener(handler: MllpHandler, run: (port: number) => Promise<void>, limits: { idleTimeoutMs?: number; firstByteTimeoutMs?: number } = {}): Promise<void> {
    const listener = new MllpListener({ port: 0, shutdownTimeoutMs: 200, ...limits }, handler, log);
    const { port } = await listener.start();
    try {
      await run(port);
    } finally {
      await listener.stop();
    }
  }

  it('retries AE with back-off until it is accepted, before the next message; AR is final, counted and journaled', async () => {
    const flaky = ids[4] as string;
    const rejected = ids[9] as string;
    const arrivals: string[] = [];
    let failures = 0;
    const handler: MllpHandler = async (raw) => {
      const message = parseMessage(raw.text);
      arrivals.push(message.controlId);
      if (message.controlId === flaky && failures < 2) {
        failures += 1;
        throw new Error('store down (test)'); // the listener answers AE STORE_UNAVAILABLE
      }
      if (message.controlId === rejected) return { code: 'AR', message, error: { code: 'HL7_NO_PATIENT_ID', text: 'no PID-3 (test)' } };
      return { code: 'AA', message };
    };
    await withListener(handler, async (port) => {
      const journalPath = join(dir, 'ae.journal');
      const { done } = feed({ inputs: [input], target: { kind: 'mllp', host: '127.0.0.1', port }, journalPath });
      const summary = await done;
      expect(summary).toMatchObject({
        delivered: ids.length,
        acks: { AA: ids.length - 1, AE: 0, AR: 1 },
        errors: { 'AR HL7_NO_PATIENT_ID': 1 },
        retries: 2,
        retriedErrors: { 'AE STORE_UNAVAILABLE': 2 },
        undelivered: 0,
      });
      expect(arrivals.slice(0, 8)).toEqual([...ids.slice(0, 5), flaky, flaky, ...ids.slice(5, 6)]);
      const journal = await ReplayJournal.open(journalPath, { resume: true, target: `mllp:127.0.0.1:${port}` });
      expect(journal.lookup(journal.name(input), 10)).toBe(rejected);
      expect(journal.size).toBe(ids.length);
      await journal.close();
    });
  });

  it('gives up on a message still AE after its retries: reported, not journaled', async () => {
    const broken = ids[2] as string;
    const handler: MllpHandler = async (raw) => {
      const message = parseMessage(raw.text);
      if (message.controlId === broken) throw new Error('always down (test)');
      return { code: 'AA', message };
    };
    await withListener(handler, async (port) => {
      const journalPath = join(dir, 'undelivered.journal');
      const summary = await feed({ inputs: [input], target: { kind: 'mllp', host: '127.0.0.1', port }, journalPath, retries: 2 }).done;
      expect(summary).toMatchObject({ delivered: ids.length - 1, acks: { AA: ids.length - 1, AE: 1, AR: 0 }, retries: 2, undelivered: 1, errors: { 'AE STORE_UNAVAILABLE': 1 } });
      const journal = await ReplayJournal.open(journalPath, { resume: true, target: `mllp:127.0.0.1:${port}` });
      expect(journal.lookup(journal.name(input), 3)).toBeUndefined();
      expect(journal.size).toBe(ids.length - 1);
      await journal.close();
    });
  });

  it('reconnects when the connection drops before the ACK and sends the message again', async () => {
    const dropped = ids[6] as string;
    const received: string[] = [];
    let dropOnce = true;
    const server = net.createServer((socket) => {
      let buffer = '';
      socket.on('error', () => undefined);
      socket.on('data', (chunk) => {
        buffer += chunk.toString('latin1');
        for (let end = buffer.indexOf(FS_CR); end >= 0; end = buffer.indexOf(FS_CR)) {
          const text = buffer.slice(buffer.indexOf(VT) + 1, end);
          buffer = buffer.slice(end + 2);
          const id = text.split('|')[9] as string;
          received.push(id);
          if (id === dropped && dropOnce) {
            dropOnce = false;
            socket.destroy();
            return;
          }
          socket.write(`${VT}MSH|^~\\&|SENTINEL|SYNTHHOSP|X|Y|20250301||ACK|A${received.length}|P|2.5.1\rMSA|AA|${id}\r${FS_CR}`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const summary = await feed({ inputs: [input], target: { kind: 'mllp', host: '127.0.0.1', port }, journalPath: join(dir, 'drop.journal') }).done;
      expect(summary).toMatchObject({ delivered: ids.length, acks: { AA: ids.length, AE: 0, AR: 0 }, reconnects: 1, undelivered: 0 });
      expect(received.filter((id) => id === dropped)).toHaveLength(2);
      expect(received.filter((id) => id !== dropped)).toEqual(ids.filter((id) => id !== dropped));
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reopens, quietly, a connection the service closed while it was idle between paced messages', async () => {
    const few = join(dir, 'few.hl7');
    writeFileSync(few, readFileSync(input, 'latin1').split('\r\n').slice(0, 6).join('\r\n'), 'latin1');
    const accepted: MllpHandler = async (raw) => ({ code: 'AA', message: parseMessage(raw.text) });
    await withListener(accepted, async (port) => {
      const { done, sent } = feed({ inputs: [few], target: { kind: 'mllp', host: '127.0.0.1', port }, pacing: { kind: 'rate', perSecond: 5 }, connections: 2, journalPath: join(dir, 'idle.journal') });
      const summary = await done;
      expect(summary).toMatchObject({ delivered: 6, acks: { AA: 6, AE: 0, AR: 0 }, reconnects: 0, undelivered: 0, errors: {} });
      expect(sent.map((x) => x.index).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    }, { idleTimeoutMs: 60, firstByteTimeoutMs: 60 });
  });

  it('fails at once, before sending, when nothing listens', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(feed({ inputs: [input], target: { kind: 'mllp', host: '127.0.0.1', port }, journalPath: join(dir, 'down.journal') }).done).rejects.toMatchObject({ code: 'REPLAY_TARGET_UNAVAILABLE' });
  });
});
