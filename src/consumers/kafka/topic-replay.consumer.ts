import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { countOutcome, emptyOutcomeCounts, type OutcomeCounts } from '../../pipeline/outcome-counts.js';
import type { Durable } from '../../store/timeline-store.js';
import { INBOUND_TOPIC } from './ingress.js';
import { handleInbound, rawFromRecord, type IngestPipeline } from './kafka.consumer.js';
import type { InboundBatch, InboundRecord, KafkaTransport } from './transport.js';

export interface TopicReplayOptions {
  transport: KafkaTransport;
  /** default "hl7.inbound" */
  topic?: string;
  /** start at the first record of each partition whose timestamp is at or after this time */
  since?: Date;
  pipeline: IngestPipeline;
  durable: Durable;
  log: Logger;
  /** records per durable flush (default 2000: a replay can be re-run, so it commits in groups) */
  flushEvery?: number;
  /** fail when no record arrives for this long before every partition reached its end (default 60 s) */
  idleTimeoutMs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface KafkaReplaySummary extends OutcomeCounts {
  topic: string;
  /** per partition, the offsets read: [from, to) */
  ranges: { partition: number; from: string; to: string }[];
  read: number;
  seconds: number;
  messagesPerSecond: number;
}

interface Range {
  partition: number;
  from: bigint;
  to: bigint;
  done: boolean;
}

/**
 * Rebuilds state from the raw feed Kafka keeps (`poems-sentinel replay --from-kafka [--since]`,
 * composed in app/kafka-replay.ts, which owns the transport): reads the topic from the beginning, or from the offsets of `since`, up to the end offsets
 * captured at start (records written later are left for the live consumer), through the
 * pipeline, then stops. A throwaway consumer group is used and deleted afterwards, so the live
 * group's offsets are never touched. Rejected records go to the dead-letter table through the
 * pipeline as in any replay; they are not produced to `hl7.dlq` again.
 *
 * Any failure (a pipeline error, a transient rejection, a consumer that cannot restart, no
 * progress for `idleTimeoutMs`) ends the replay with that error; it can be re-run, the
 * pipeline being idempotent.
 */
export async function replayTopic(opts: TopicReplayOptions): Promise<KafkaReplaySummary> {
  const topic = opts.topic ?? INBOUND_TOPIC;
  const log = opts.log.child({ component: 'kafka-replay', topic });
  const transport = opts.transport;
  const flushEvery = Math.max(1, opts.flushEvery ?? 2000);
  const started = performance.now();
  const summary: KafkaReplaySummary = { topic, ranges: [], read: 0, ...emptyOutcomeCounts(), seconds: 0, messagesPerSecond: 0 };

  const admin = await transport.admin();
  const groupId = `poems-sentinel-replay-${randomUUID()}`;
  let usedGroup = false;
  try {
    const bounds = await admin.topicOffsets(topic);
    const starts = opts.since ? new Map((await admin.offsetsAt(topic, opts.since)).map((o) => [o.partition, BigInt(o.offset)])) : undefined;
    const ranges = new Map<number, Range>();
    for (const b of bounds) {
      const low = BigInt(b.low);
      const from = starts?.get(b.partition) ?? low;
      const range = { partition: b.partition, from: from > low ? from : low, to: BigInt(b.high), done: false };
      range.done = range.from >= range.to;
      ranges.set(b.partition, range);
      summary.ranges.push({ partition: b.partition, from: String(range.from), to: String(range.to) });
    }
    const total = [...ranges.values()].reduce((n, r) => n + Number(r.to - r.from), 0);
    log.info({ ranges: summary.ranges, total, since: opts.since?.toISOString() }, 'replaying from Kafka');
    if (total > 0) {
      usedGroup = true;
      await consume({ opts, transport, topic, groupId, ranges, total, flushEvery, summary });
    }
    await opts.durable.flush();
  } finally {
    if (usedGroup) await admin.deleteGroups([groupId]).catch((err: unknown) => log.warn({ err, groupId }, 'could not delete the replay group'));
    await admin.close();
  }
  summary.seconds = (performance.now() - started) / 1000;
  summary.messagesPerSecond = Math.round(summary.read / Math.max(summary.seconds, 1e-9));
  log.info({ read: summary.read, accepted: summary.accepted, rejected: summary.rejected, seconds: summary.seconds }, 'replay from Kafka done');
  return summary;
}

interface ConsumeContext {
  opts: TopicReplayOptions;
  transport: KafkaTransport;
  topic: string;
  groupId: string;
  ranges: Map<number, Range>;
  total: number;
  flushEvery: number;
  summary: KafkaReplaySummary;
}

async function consume(ctx: ConsumeContext): Promise<void> {
  const { opts, ranges, summary } = ctx;
  let settle!: (err?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (err) => (err === undefined ? resolve() : reject(err));
  });
  let failed = false;
  const fail = (err: unknown): void => {
    failed = true;
    settle(err);
  };
  const checkDone = (): void => {
    if ([...ranges.values()].every((r) => r.done)) settle();
  };
  let lastProgress = Date.now();
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;
  const watchdog = setInterval(() => {
    if (Date.now() - lastProgress <= idleTimeoutMs) return;
    const open = [...ranges.values()].filter((r) => !r.done).map((r) => r.partition);
    fail(new Error(`replay from Kafka: no record for ${idleTimeoutMs} ms; partitions ${open.join(', ')} did not reach their end offsets`));
  }, Math.min(1_000, idleTimeoutMs));

  const consumer = ctx.transport.consumer({
    groupId: ctx.groupId,
    topics: [ctx.topic],
    fromBeginning: true,
    ...(opts.since ? { startAt: [...ranges.values()].filter((r) => !r.done).map((r) => ({ topic: ctx.topic, partition: r.partition, offset: String(r.from) })) } : {}),
    events: {
      onCrash: (err, restarting) => {
        if (!restarting) fail(err);
      },
    },
  });

  const handle = async (batch: InboundBatch): Promise<void> => {
    const range = ranges.get(batch.partition);
    if (!range || range.done || failed) return;
    let last: InboundRecord | undefined;
    let unflushed = 0;
    for (const record of batch.records) {
      if (!batch.active() || failed) break;
      const offset = BigInt(record.offset);
      last = record;
      if (offset < range.from) continue; // fetched before the start position applied
      if (offset >= range.to) break; // written after the replay started
      try {
        const outcome = await handleInbound(opts.pipeline, rawFromRecord(record));
        if (outcome.status === 'rejected' && !outcome.permanent) throw new Error(`transient rejection at ${record.partition}/${record.offset}: ${outcome.code} ${outcome.detail}`);
        summary.read += 1;
        countOutcome(summary, outcome);
      } catch (err) {
        fail(err);
        return;
      }
      lastProgress = Date.now();
      unflushed += 1;
      if (offset + 1n >= range.to) range.done = true;
      if (unflushed >= ctx.flushEvery) {
        await opts.durable.flush();
        await batch.commit(record);
        unflushed = 0;
        opts.onProgress?.(summary.read, ctx.total);
        await batch.heartbeat();
      }
    }
    if (last) {
      await opts.durable.flush();
      await batch.commit(last);
      opts.onProgress?.(summary.read, ctx.total);
    }
    if (BigInt(last?.offset ?? -1) + 1n >= range.to) range.done = true;
    checkDone();
  };

  try {
    await consumer.run(handle);
    lastProgress = Date.now();
    await finished;
  } finally {
    clearInterval(watchdog);
    await consumer.stop();
  }
}
