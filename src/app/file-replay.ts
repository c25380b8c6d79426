import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import { expandInputs, readHl7File } from '../consumers/file.consumer.js';
import type { ErrorCode } from '../errors.js';
import { startEmbedded } from './embedded.js';
import type { UnreadCounts } from '../pipeline/ingest.js';

export interface ReplaySummary {
  files: number;
  read: number;
  accepted: number;
  duplicates: number;
  rejected: Partial<Record<ErrorCode, number>>;
  /** accepted messages whose (facility, MSH-10) had come before with other content */
  controlIdReused: number;
  /** values and phrases seen but not used, by reason (spec §1.1: a site fixes its profile from these) */
  unread: UnreadCounts;
  patients: number;
  alerts: Record<string, number>;
  alertsByStatus: Record<string, number>;
  notifications: number;
  seconds: number;
  messagesPerSecond: number;
}

export interface ReplayOptions {
  inputs: string[];
  dbPath: string;
  profile: SiteProfile;
  log: Logger;
  /** called every few thousand messages with bytes read so far and the total */
  onProgress?: (done: number, total: number, messages: number) => void;
  /** messages per group commit */
  batchSize?: number;
}

/**
 * Replays files through the embedded pipeline in arrival order: files in the order given
 * (directories sorted by name), messages in file order. Rejected messages are counted and
 * dead-lettered, never fatal.
 */
export async function replay(opts: ReplayOptions): Promise<{ summary: ReplaySummary; alertsJsonl: () => Promise<string[]> ; close: () => Promise<void> }> {
  const files = await expandInputs(opts.inputs);
  const totalBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  // A replay can be re-run from its files, so it commits in groups without waiting for fsync.
  const app = startEmbedded({ dbPath: opts.dbPath, profile: opts.profile, log: opts.log, synchronous: 'NORMAL' });
  const batchSize = opts.batchSize ?? 2000;
  const summary: ReplaySummary = { files: files.length, read: 0, accepted: 0, duplicates: 0, rejected: {}, controlIdReused: 0, unread: {}, patients: 0, alerts: {}, alertsByStatus: {}, notifications: 0, seconds: 0, messagesPerSecond: 0 };
  const started = performance.now();
  let doneBytes = 0;
  try {
    for (const file of files) {
      let fileBytes = 0;
      for await (const batch of readHl7File(file)) for (const { item, origin, bytesRead } of batch) {
        summary.read += 1;
        fileBytes = bytesRead;
        const receivedAt = new Date().toISOString();
        if (item.kind === 'reject') {
          await app.pipeline.deadLetter({ bytes: item.bytes, origin, receivedAt }, item.code, item.detail);
          summary.rejected[item.code] = (summary.rejected[item.code] ?? 0) + 1;
        } else {
          const outcome = await app.pipeline.handle({ text: item.text, bytes: item.bytes, origin, receivedAt });
          if (outcome.status === 'accepted') {
            summary.accepted += 1;
            if (outcome.duplicate) summary.duplicates += 1;
            if (outcome.controlIdReused) summary.controlIdReused += 1;
            for (const [reason, n] of Object.entries(outcome.unread) as [keyof UnreadCounts, number][]) summary.unread[reason] = (summary.unread[reason] ?? 0) + n;
          } else {
            summary.rejected[outcome.code] = (summary.rejected[outcome.code] ?? 0) + 1;
          }
        }
        if (summary.read % batchSize === 0) {
          await app.db.flush();
          opts.onProgress?.(doneBytes + fileBytes, totalBytes, summary.read);
        }
      }
      doneBytes += fileBytes;
    }
    await app.db.flush();
    // The one delivery channel of the embedded mode is the alerts table itself (the inbox).
    summary.notifications = await app.queue.drain(async () => {});
    opts.onProgress?.(totalBytes, totalBytes, summary.read);
    summary.seconds = (performance.now() - started) / 1000;
    summary.messagesPerSecond = Math.round(summary.read / Math.max(summary.seconds, 1e-9));
    summary.patients = await app.timeline.patientCount();
    for (const a of await app.alerts.list()) {
      const key = a.status === 'withdrawn' ? 'withdrawn' : a.tier;
      summary.alerts[key] = (summary.alerts[key] ?? 0) + 1;
      summary.alertsByStatus[a.status] = (summary.alertsByStatus[a.status] ?? 0) + 1;
    }
  } catch (err) {
    await app.stop();
    throw err;
  }
  return {
    summary,
    alertsJsonl: async () => (await app.alerts.list()).sort((a, b) => a.patientKey.localeCompare(b.patientKey)).map((a) => JSON.stringify(a)),
    close: () => app.stop(),
  };
}
