/**
 * The composition between a replay and the pure validation core (src/validate/): replays a feed
 * on a fresh embedded store on the feed clock (file-replay.ts: alerts are dated as the feed, so
 * lead times and tier-over-time plots measure the feed, not the replay) and collects one
 * PatientResult per alert.
 */
import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import { expandInputs } from '../consumers/file.consumer.js';
import { SentinelError } from '../errors.js';
import { loadFeedTiming } from '../feeder/feed-timing.js';
import { RULE_VERSION } from '../rules/poems.rule.js';
import { patientResultOf, type RunResult } from '../validate/patient-result.js';
import { replay } from './file-replay.js';

export interface ValidationReplayOptions {
  inputs: string[];
  /** a fresh SQLite file (the caller deletes it afterwards) */
  dbPath: string;
  profile: SiteProfile;
  log: Logger;
}

export async function replayForValidation(opts: ValidationReplayOptions): Promise<RunResult> {
  const feedDays = await sidecarDays(await expandInputs(opts.inputs), opts.log);
  const run = await replay({ inputs: opts.inputs, dbPath: opts.dbPath, profile: opts.profile, log: opts.log, clock: 'feed' });
  try {
    const { feedFrom, feedTo } = run.summary;
    if (feedFrom === undefined || feedTo === undefined) throw new SentinelError('INPUT_UNREADABLE', 'the feed holds no message with a readable message time (MSH-7)');
    return {
      ruleVersion: RULE_VERSION,
      profileVersion: opts.profile.profileVersion,
      feedFrom,
      feedTo,
      ...(feedDays !== null ? { feedDays } : {}),
      patients: (await run.alerts()).map(patientResultOf),
    };
  } finally {
    await run.close();
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
