import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import { STATE_DEFAULTS } from '../config/state.schema.js';
import { expandInputs, readHl7File } from '../consumers/file.consumer.js';
import type { Alert } from '../domain/alert.js';
import { parseMessage } from '../hl7/parse.js';
import { countOutcome, countRejection, emptyOutcomeCounts, type OutcomeCounts } from '../pipeline/outcome-counts.js';
import { HistoryQueue } from '../notifiers/history.queue.js';
import { buildPipeline } from './pipeline.js';
import { openState } from './state.js';

export interface ReplaySummary extends OutcomeCounts {
  files: number;
  read: number;
  patients: number;
  alerts: Record<string, number>;
  alertsByStatus: Record<string, number>;
  notifications: number;
  seconds: number;
  messagesPerSecond: number;
  /** with the feed clock: the earliest and latest readable MSH-7 (ISO), when any */
  feedFrom?: string;
  feedTo?: string;
}

export interface ReplayOptions {
  inputs: string[];
  /** SQLite state, unless redisUrl is given */
  dbPath: string;
  redisUrl?: string | undefined;
  /** default: the schema's (config/state.schema.ts) */
  redisPrefix?: string;
  profile: SiteProfile;
  log: Logger;
  /**
   * wall (default): messages are received now. feed: the pipeline's clock is the latest MSH-7 read
   * so far, as if each message arrived when it was sent, so alerts of a replayed 2025 feed are
   * dated in 2025 (validation: lead times and tiers over time measure the feed, not the replay).
   */
  clock?: 'wall' | 'feed';
  /** called every few thousand messages with bytes read so far and the total */
  onProgress?: (done: number, total: number, messages: number) => void;
  /** messages per group commit (default 2000: bounds the open transaction) */
  batchSize?: number;
}

export interface ReplayRun {
  summary: ReplaySummary;
  /** every alert, sorted by patient key */
  alerts(): Promise<Alert[]>;
  /** the same, one JSON object per line */
  alertsJsonl(): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Replays files through the pipeline in arrival order, into SQLite or Redis state: files in the
 * order given (directories sorted by name), messages in file order. Rejected messages are counted
 * and dead-lettered, never fatal. The state stays open until `close()`, for the caller to read.
 */
export async function replay(opts: ReplayOptions): Promise<ReplayRun> {
  const files = await expandInputs(opts.inputs);
  const totalBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  let feedNow = Number.NEGATIVE_INFINITY;
  let feedFirst = Number.POSITIVE_INFINITY;
  const feedClock = opts.clock === 'feed';
  const clock = feedClock ? (): Date => new Date(Number.isFinite(feedNow) ? feedNow : 0) : (): Date => new Date();
  // A replay can be re-run from its files, so SQLite commits in groups without waiting for fsync.
  const state = await openState({ dbPath: opts.dbPath, redisUrl: opts.redisUrl, redisPrefix: opts.redisPrefix ?? STATE_DEFAULTS.redisPrefix, clock, synchronous: 'NORMAL' });
  // history is not news: the replay's notifications are counted, never queued (notifiers/history.queue.ts)
  const history = new HistoryQueue();
  const pipeline = buildPipeline({ ...state, queue: history }, opts.profile, opts.log, clock);
  const batchSize = opts.batchSize ?? 2000;
  const summary: ReplaySummary = { files: files.length, read: 0, ...emptyOutcomeCounts(), patients: 0, alerts: {}, alertsByStatus: {}, notifications: 0, seconds: 0, messagesPerSecond: 0 };
  const started = performance.now();
  let doneBytes = 0;
  const alerts = async (): Promise<Alert[]> => (await state.alerts.list()).sort((a, b) => a.patientKey.localeCompare(b.patientKey));
  try {
    for (const file of files) {
      let fileBytes = 0;
      for await (const batch of readHl7File(file)) for (const { item, origin, bytesRead } of batch) {
        summary.read += 1;
        fileBytes = bytesRead;
        if (item.kind === 'reject') {
          await pipeline.deadLetter({ bytes: item.bytes, origin, receivedAt: clock().toISOString() }, item.code, item.detail);
          countRejection(summary, item.code);
        } else {
          if (feedClock) {
            const sent = messageTime(item.text);
            if (sent !== null) {
              feedNow = Math.max(feedNow, sent);
              feedFirst = Math.min(feedFirst, sent);
            }
          }
          countOutcome(summary, await pipeline.handle({ text: item.text, bytes: item.bytes, origin, receivedAt: clock().toISOString() }));
        }
        if (summary.read % batchSize === 0) {
          await state.durable.flush();
          opts.onProgress?.(doneBytes + fileBytes, totalBytes, summary.read);
        }
      }
      doneBytes += fileBytes;
    }
    await state.durable.flush();
    summary.notifications = history.count;
    opts.onProgress?.(totalBytes, totalBytes, summary.read);
    summary.seconds = (performance.now() - started) / 1000;
    summary.messagesPerSecond = Math.round(summary.read / Math.max(summary.seconds, 1e-9));
    if (Number.isFinite(feedFirst)) {
      summary.feedFrom = new Date(feedFirst).toISOString();
      summary.feedTo = new Date(feedNow).toISOString();
    }
    summary.patients = await state.timeline.patientCount();
    for (const a of await state.alerts.list()) {
      const key = a.status === 'withdrawn' ? 'withdrawn' : a.tier;
      summary.alerts[key] = (summary.alerts[key] ?? 0) + 1;
      summary.alertsByStatus[a.status] = (summary.alertsByStatus[a.status] ?? 0) + 1;
    }
  } catch (err) {
    await state.close();
    throw err;
  }
  return {
    summary,
    alerts,
    alertsJsonl: async () => (await alerts()).map((a) => JSON.stringify(a)),
    close: () => state.close(),
  };
}

/** MSH-7 in epoch ms, or null when the message does not parse or carries no readable time. */
function messageTime(text: string): number | null {
  try {
    const ms = Date.parse(parseMessage(text).messageTime);
    return Number.isNaN(ms) ? null : ms;
  } catch {
    return null; // the pipeline rejects it with its code; it just does not move the clock
  }
}
