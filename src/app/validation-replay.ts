/**
 * The composition between a replay and the pure validation core (src/validate/): replays a feed
 * on a fresh embedded store and collects one PatientResult per alert.
 *
 * Why not `replay()` from file-replay.ts as it stands: it runs the pipeline on the wall
 * clock, so every alert of a replayed 2025 feed would be "created" at the moment of the replay
 * and lead times and tier-over-time plots would measure the replay, not the feed. Here the
 * pipeline's clock is the feed clock: the latest MSH-7 read so far, as if each message arrived
 * when it was sent. When the composition root offers `replay({ clock })`, this loop should
 * become a call to it.
 */
import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import { expandInputs, readHl7File } from '../consumers/file.consumer.js';
import { SentinelError } from '../errors.js';
import { loadFeedTiming } from '../feeder/feed-timing.js';
import { parseMessage } from '../hl7/parse.js';
import { RULE_VERSION } from '../rules/poems.rule.js';
import { patientResultOf, type RunResult } from '../validate/patient-result.js';
import { startEmbedded } from './embedded.js';

export interface ValidationReplayOptions {
  inputs: string[];
  /** a fresh SQLite file (the caller deletes it afterwards) */
  dbPath: string;
  profile: SiteProfile;
  log: Logger;
}

/** messages per group commit, as in replay(): bounds the open transaction */
const BATCH = 2000;

export async function replayForValidation(opts: ValidationReplayOptions): Promise<RunResult> {
  const files = await expandInputs(opts.inputs);
  const feedDays = await sidecarDays(files, opts.log);
  let now = Number.NEGATIVE_INFINITY;
  let first = Number.POSITIVE_INFINITY;
  const clock = (): Date => new Date(Number.isFinite(now) ? now : 0);
  const app = startEmbedded({ dbPath: opts.dbPath, profile: opts.profile, log: opts.log, synchronous: 'NORMAL', clock });
  let read = 0;
  try {
    for (const file of files) {
      for await (const batch of readHl7File(file)) {
        for (const { item, origin } of batch) {
          if (item.kind === 'reject') {
            await app.pipeline.deadLetter({ bytes: item.bytes, origin, receivedAt: clock().toISOString() }, item.code, item.detail);
            continue;
          }
          const sent = messageTime(item.text);
          if (sent !== null) {
            now = Math.max(now, sent);
            first = Math.min(first, sent);
          }
          await app.pipeline.handle({ text: item.text, bytes: item.bytes, origin, receivedAt: clock().toISOString() });
          if (++read % BATCH === 0) await app.db.flush();
        }
      }
    }
    await app.db.flush();
    if (!Number.isFinite(first)) throw new SentinelError('INPUT_UNREADABLE', 'the feed holds no message with a readable message time (MSH-7)');
    const alerts = await app.alerts.list();
    return {
      ruleVersion: RULE_VERSION,
      profileVersion: opts.profile.profileVersion,
      feedFrom: new Date(first).toISOString(),
      feedTo: new Date(now).toISOString(),
      ...(feedDays !== null ? { feedDays } : {}),
      patients: alerts.map(patientResultOf).sort((a, b) => a.patientKey.localeCompare(b.patientKey)),
    };
  } finally {
    await app.stop();
  }
}

/** The original span of a de-identified copy from its timing sidecars, or null (none, or not all inputs have one). */
async function sidecarDays(files: readonly string[], log: Logger): Promise<number | null> {
  try {
    const timing = await loadFeedTiming(files, { kind: 'auto' });
    if (timing === null) return null;
    let ms = 0;
    for (const gaps of timing.gapsByFile.values()) for (const g of gaps) ms += g;
    return ms / 86_400_000;
  } catch (err) {
    if (!(err instanceof SentinelError)) throw err;
    log.warn({ code: err.code }, `timing sidecars not used for the feed span: ${err.message}`);
    return null;
  }
}

/** MSH-7 in epoch ms, or null when the message does not parse or carries no readable time. */
function messageTime(text: string): number | null {
  try {
    const iso = parseMessage(text).messageTime;
    return iso === '' ? null : Date.parse(iso);
  } catch {
    return null; // the pipeline rejects it with its code; it just does not move the clock
  }
}
