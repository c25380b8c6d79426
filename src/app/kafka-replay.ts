import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import { createKafkajsTransport } from '../consumers/kafka/kafkajs.transport.js';
import { replayTopic, type KafkaReplaySummary } from '../consumers/kafka/topic-replay.consumer.js';
import type { Alert } from '../domain/alert.js';
import { HistoryQueue } from '../notifiers/history.queue.js';
import { buildPipeline } from './pipeline.js';
import { openState } from './state.js';

export interface KafkaReplayConfig {
  brokers: readonly string[];
  /** default: the consumer's (hl7.inbound) */
  topic?: string | undefined;
  since?: Date | undefined;
  /** SQLite state, unless redisUrl is given */
  dbPath: string;
  redisUrl?: string | undefined;
  redisPrefix: string;
  profile: SiteProfile;
  log: Logger;
  onProgress?: (done: number, total: number) => void;
}

export interface KafkaReplayResult {
  summary: KafkaReplaySummary;
  /** every alert after the replay, sorted by patient key */
  alerts: Alert[];
}

/**
 * `replay --from-kafka`: rebuilds SQLite or Redis state from the ingress topic through the same
 * pipeline as the live consumer (its notifications are not delivered: history is not news), and
 * closes everything.
 */
export async function replayFromKafka(config: KafkaReplayConfig): Promise<KafkaReplayResult> {
  const clock = (): Date => new Date();
  const log = config.log;
  // a replay can be re-run from the log, so SQLite commits without waiting for fsync
  const state = await openState({ dbPath: config.dbPath, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, clock, synchronous: 'NORMAL' });
  try {
    // history is not news: the replay's notifications are counted, never queued (notifiers/history.queue.ts)
    const pipeline = buildPipeline({ ...state, queue: new HistoryQueue() }, config.profile, log, clock);
    // kafkajs's own retry chatter is silent unless asked for: what ends the replay is reported as its error
    const logLevel = log.isLevelEnabled('info') ? 'warn' : 'nothing';
    const transport = createKafkajsTransport({ brokers: config.brokers, log, clientId: 'poems-sentinel-replay', logLevel });
    const summary = await replayTopic({
      transport,
      ...(config.topic ? { topic: config.topic } : {}),
      ...(config.since ? { since: config.since } : {}),
      pipeline,
      durable: state.durable,
      log,
      ...(config.onProgress ? { onProgress: config.onProgress } : {}),
    });
    const alerts = (await state.alerts.list()).sort((x, y) => x.patientKey.localeCompare(y.patientKey));
    return { summary, alerts };
  } finally {
    await state.close();
  }
}
