import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Logger } from 'pino';
import { expandInputs } from '../consumers/file.consumer.js';
import { SentinelError } from '../errors.js';
import type { CompiledProfile } from '../extract/compiled-profile.js';
import type { MllpClientTls } from '../transport/mllp-client.js';
import { readFeed, type FeedMessage } from './feed-reader.js';
import { FeedStats } from './feed-stats.js';
import { loadFeedTiming, TimingClock, type FeedTiming, type TimingChoice } from './feed-timing.js';
import type { FeedSummary } from './feed-summary.js';
import { checkJournal } from './journal-check.js';
import { ReplayJournal } from './journal.js';
import { kafkaTarget } from './kafka-target.js';
import { Lane, type RetryPolicy } from './lane.js';
import { laneOf } from './lane-of.js';
import { mllpTarget } from './mllp-target.js';
import { Pacer, type Pacing } from './pacer.js';
import { sleep } from './sleep.js';
import type { Answer, FeedTarget } from './target.js';

export type TargetSpec =
  | { kind: 'mllp'; host: string; port: number; tls?: MllpClientTls }
  | { kind: 'kafka'; brokers: string[]; topic: string };

export interface FeederOptions extends RetryPolicy {
  inputs: string[];
  target: TargetSpec;
  pacing: Pacing;
  /** with `speed`: the spacing from timing sidecars (default: beside the inputs when present) or MSH-7 */
  timing?: TimingChoice;
  /** connections (MLLP) or concurrent producers' lanes (Kafka); one patient always on one */
  connections: number;
  /** skip what the journal says was acknowledged; without it, an existing journal is an error */
  resume: boolean;
  /** default: next to the first input (`<input>.replay-journal`) */
  journalPath?: string;
  /** how long an MLLP message waits for its ACK before the connection is reopened and it is sent again */
  ackTimeoutMs: number;
  log: Logger;
  /** bytes read so far, bytes in all, messages done (sent or skipped); for a progress bar */
  onProgress?: (done: number, total: number, messages: number) => void;
  /** each message's final answer, in the order they come (null: it asked for none) */
  onAnswer?: (message: FeedMessage, lane: number, answer: Answer | null) => void;
  /**
   * the site profile the service runs with (default: the built-in one): the patient key that picks
   * a lane, and the Kafka record key, are computed as the service computes them (its authorities by
   * facility), so one patient's messages keep one lane and one partition
   */
  profile?: CompiledProfile;
}

export interface FeederRun {
  /** Stops sending new messages; the ones in flight get their answer, then the summary so far. */
  stop(reason: string): void;
  /** Closes the connections at once (a second interrupt); messages in flight are not journaled. */
  abort(reason: string): void;
  /** The summary; rejects for bad inputs, a journal that does not match, an unreachable target. */
  done: Promise<FeedSummary>;
}

/**
 * `poems-sentinel replay <files> --to-mllp | --to-kafka`: sends a feed to a running service in
 * feed order, paced by MSH-7 (`speed`) or at a fixed rate, on one or more connections (a
 * patient's messages on one), each message until its final answer, journaling what was
 * acknowledged so an interrupted replay resumes where it stopped.
 */
export function startFeeder(opts: FeederOptions): FeederRun {
  const stopping = new AbortController();
  let reason: string | null = null;
  let lanes: Lane[] = [];
  const stop = (why: string): void => {
    reason ??= why;
    stopping.abort();
    for (const lane of lanes) lane.wake();
  };
  const done = (async (): Promise<FeedSummary> => {
    const log = opts.log.child({ component: 'feeder' });
    const files = await expandInputs(opts.inputs);
    const totalBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    const timing = opts.pacing.kind === 'speed' ? await loadFeedTiming(files, opts.timing ?? { kind: 'auto' }) : null;
    const stats = new FeedStats({ target: '', pacing: describePacing(opts.pacing, timing), connections: opts.connections });
    const target = await buildTarget(opts, stats);
    stats.summary.target = target.name;
    let journal: ReplayJournal | undefined;
    const started = performance.now();
    try {
      journal = await ReplayJournal.open(opts.journalPath ?? ReplayJournal.defaultPath(opts.inputs), { resume: opts.resume, target: target.name });
      if (journal.size > 0) await checkJournal(journal, files);
      const ctx = { target, journal, stats, policy: { retries: opts.retries, retryDelayMs: opts.retryDelayMs }, stopping: stopping.signal, log, ...(opts.onAnswer ? { onAnswer: opts.onAnswer } : {}) };
      lanes = Array.from({ length: opts.connections }, (_, id) => new Lane(id, ctx));
      await Promise.all(lanes.map((l) => l.open()));
      let failure: unknown;
      const running = lanes.map((l) =>
        l.run().catch((err: unknown) => {
          failure ??= err;
          stop(err instanceof SentinelError ? `${err.code}: ${err.message}` : String(err));
        }),
      );
      try {
        await dispatch({ opts, log, files, totalBytes, journal, stats, lanes, stopping: stopping.signal, clock: timing ? new TimingClock(timing) : null });
      } finally {
        for (const lane of lanes) lane.end();
        await Promise.all(running);
      }
      if (failure !== undefined && !(failure instanceof SentinelError)) throw failure;
      stats.summary.stopped = reason;
      return stats.finish((performance.now() - started) / 1000);
    } finally {
      await Promise.all(lanes.map((l) => l.abort()));
      await target.close();
      await journal?.close();
    }
  })();
  return {
    stop,
    abort: (why) => {
      stop(why);
      for (const lane of lanes) void lane.abort();
    },
    done,
  };
}

/** A single wait this long is worth a warning: at --speed 60 it is a gap of three days in the feed. */
const LONG_WAIT_MS = 3_600_000;

interface DispatchContext {
  opts: FeederOptions;
  log: Logger;
  files: string[];
  totalBytes: number;
  journal: ReplayJournal;
  stats: FeedStats;
  lanes: Lane[];
  stopping: AbortSignal;
  /** feed times from timing sidecars instead of MSH-7 */
  clock: TimingClock | null;
}

/** Reads the feed in order, skips what the journal has, waits for each message's time, hands it to its lane. */
async function dispatch(c: DispatchContext): Promise<void> {
  const { stats, journal, opts } = c;
  const s = stats.summary;
  let pacer: Pacer | undefined;
  let warned = false;
  let position = 0;
  let bytesBefore = 0;
  let file = '';
  let fileBytes = 0;
  // progress by the messages taken, not by the chunks read ahead (a timed replay takes minutes per chunk)
  let taken = 0;
  for await (const batch of readFeed(c.files, c.opts.profile)) {
    for (const item of batch) {
      if (c.stopping.aborted) return;
      if (item.file !== file) {
        bytesBefore += fileBytes;
        file = item.file;
        taken = 0;
      }
      fileBytes = item.bytesRead;
      taken += item.kind === 'message' ? item.bytes.length + 1 : 0;
      s.read += 1;
      opts.onProgress?.(bytesBefore + Math.min(taken, fileBytes), c.totalBytes, s.delivered + s.skipped);
      if (item.kind === 'not-a-message') {
        stats.count(s.notMessages, item.code);
        continue;
      }
      // every message takes its place on the sidecar's clock, skipped ones too
      const feedTime = c.clock ? c.clock.next(item.file) : item.feedTime;
      if (journal.lookup(journal.name(item.file), item.index) !== undefined) {
        s.skipped += 1;
        continue;
      }
      // the schedule starts with the first message sent, so a resumed replay does not wait out the skipped part
      pacer ??= new Pacer(opts.pacing, performance.now());
      const due = pacer.next(feedTime);
      s.paced[due.kind] += 1;
      if (due.atMs !== null && due.atMs > performance.now()) {
        s.waits += 1;
        const waitMs = due.atMs - performance.now();
        if (waitMs > LONG_WAIT_MS && !warned) {
          warned = true;
          c.log.warn({ waitMinutes: Math.round(waitMs / 60_000), file: item.file, index: item.index }, c.clock ? 'a long wait for the next message: the original feed had a gap this long' : 'a long wait for the next message: MSH-7 jumps ahead (a de-identified copy without its timing sidecar paces badly; keep <file>.timing beside it, or use --rate)');
        }
        await sleep(waitMs, c.stopping);
        if (c.stopping.aborted) return;
      }
      const lane = c.lanes[laneOf(item.patientKey, position++, c.lanes.length)] as Lane;
      if (!(await lane.push({ message: item, dueAt: due.atMs }))) return;
    }
  }
  opts.onProgress?.(c.totalBytes, c.totalBytes, s.delivered + s.skipped);
}

async function buildTarget(opts: FeederOptions, stats: FeedStats): Promise<FeedTarget> {
  const t = opts.target;
  if (t.kind === 'kafka') return kafkaTarget({ brokers: t.brokers, topic: t.topic, connections: opts.connections, log: opts.log, ...(opts.profile ? { profile: opts.profile } : {}) });
  return mllpTarget({
    host: t.host,
    port: t.port,
    ...(t.tls ? { tls: t.tls } : {}),
    ackTimeoutMs: opts.ackTimeoutMs,
    onUnsolicitedAck: (ack) => stats.count(stats.summary.unsolicited, `${ack.code} ${ack.errorCode}`.trim()),
  });
}

function describePacing(p: Pacing, timing: FeedTiming | null): string {
  switch (p.kind) {
    case 'speed':
      return timing ? `original spacing from ${timing.sources.map((f) => basename(f)).join(', ')} / ${p.factor}` : `MSH-7 spacing / ${p.factor}`;
    case 'rate':
      return `${p.perSecond} messages/s`;
    case 'asap':
      return 'as fast as ACKs allow';
  }
}
