import type { Logger } from 'pino';
import type { ErrorCode } from '../../errors.js';
import type { Outcome, Pipeline, RawMessage } from '../../pipeline/ingest.js';
import { countOutcome, emptyOutcomeCounts, type OutcomeCounts } from '../../pipeline/outcome-counts.js';
import type { Durable } from '../../store/timeline-store.js';
import { decodeHl7Bytes, normaliseSegments } from '../../hl7/text-encoding.js';
import { KAFKA_NAMES } from '../../config/kafka-names.schema.js';
import { DLQ_TOPIC, HEADER, INBOUND_TOPIC } from './ingress.js';
import type { InboundBatch, InboundRecord, IngressConsumer, IngressProducer, KafkaTransport, OutboundRecord } from './transport.js';

/** What the consumer needs of the pipeline (the embedded and the distributed one alike). */
export type IngestPipeline = Pick<Pipeline, 'handle' | 'deadLetter'>;

/**
 * In-process retries of a transient failure (the pipeline throws, or returns a rejection with
 * permanent=false, or the dead-letter topic does not take a record): 5 attempts, waiting
 * 0.25 + 0.5 + 1 + 2 s = 3.75 s in all between them, heartbeating meanwhile. Then the batch
 * fails: see KafkaIngestConsumer for what follows.
 */
export const DEFAULT_RETRY = { attempts: 5, baseMs: 250, maxMs: 4_000 } as const;

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export interface KafkaIngestConsumerOptions {
  transport: KafkaTransport;
  pipeline: IngestPipeline;
  /** flushed before any offset is committed */
  durable: Durable;
  log: Logger;
  /** default "hl7.inbound" */
  topic?: string;
  /** default "hl7.dlq" */
  dlqTopic?: string;
  /** default "poems-sentinel" */
  groupId?: string;
  /**
   * Records handled per durable flush (group commit): their offsets are committed only after the
   * flush. 1 flushes after every record. Default 100: with SQLite synchronous=FULL a flush is an
   * fsync, and one per record caps the throughput at the disk's fsync rate.
   */
  flushEvery?: number;
  retry?: RetryPolicy;
  /** producer for the dead-letter topic; by default one is created at start and closed at stop */
  producer?: IngressProducer;
  /** how long stop() waits for the batch in hand before it gives up (default 30 s) */
  shutdownTimeoutMs?: number;
  /** consumers of a new group start at the beginning of the topic (default true: nothing is skipped) */
  fromBeginning?: boolean;
}

export type KafkaConsumerStatus = 'stopped' | 'starting' | 'running' | 'retrying' | 'restarting' | 'failed' | 'stopping';

export interface KafkaConsumerHealth extends OutcomeCounts {
  status: KafkaConsumerStatus;
  /** running and not stuck on a failure */
  healthy: boolean;
  topic: string;
  groupId: string;
  /** partitions of `topic` assigned to this member */
  partitions: number[];
  /** records whose outcome is durable and whose offset was handed to the transport for commit */
  committed: number;
  deadLettered: number;
  /** failed attempts that were retried, and batches that failed after the retries */
  transientFailures: number;
  failedBatches: number;
  crashes: number;
  lastError?: { message: string; at: string };
  lastCommitAt?: string;
}

/** The batch failed after its retries; kafkajs treats this as retriable (re-fetch, then restart). */
export class IngestBatchFailedError extends Error {
  readonly retriable = true;

  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'IngestBatchFailedError';
  }
}

class TransientRejection extends Error {
  constructor(readonly code: ErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'TransientRejection';
  }
}

class StopRequested extends Error {
  constructor() {
    super('consumer stopping');
    this.name = 'StopRequested';
  }
}

/**
 * A heartbeat between records (the transport sends at most one per interval). When it reports a
 * rebalance, the records handled so far are flushed and marked first: the transport commits them
 * before it rejoins, so the partition's next owner starts after them.
 */
async function heartbeat(batch: InboundBatch, settle: () => Promise<void>): Promise<void> {
  try {
    await batch.heartbeat();
  } catch (err) {
    await settle().catch(() => undefined);
    throw err;
  }
}

/** The RawMessage of one inbound record; receivedAt is the edge's header (so replays agree), else the record time. */
export function rawFromRecord(record: InboundRecord): RawMessage {
  const header = record.headers[HEADER.receivedAt];
  const receivedAt = header !== undefined && !Number.isNaN(Date.parse(header)) ? header : new Date(record.timestamp).toISOString();
  return {
    text: normaliseSegments(decodeHl7Bytes(record.value).text),
    bytes: record.value,
    origin: `kafka:${record.topic}/${record.partition}/${record.offset}`,
    receivedAt,
  };
}

/** One record through the pipeline; an empty value (a tombstone, or an edge bug) is dead-lettered with its own code. */
export async function handleInbound(pipeline: IngestPipeline, raw: RawMessage): Promise<Outcome> {
  if (raw.bytes.length > 0) return pipeline.handle(raw);
  const detail = 'the record value is empty';
  await pipeline.deadLetter(raw, 'HL7_EMPTY_INPUT', detail);
  return { status: 'rejected', code: 'HL7_EMPTY_INPUT', detail, permanent: true };
}

/** The `hl7.dlq` record of a rejected inbound record: the same key and bytes, its headers, and why. */
export function deadLetterRecord(record: InboundRecord, code: ErrorCode, detail: string): OutboundRecord {
  return {
    key: record.key,
    value: record.value,
    headers: {
      ...record.headers,
      'error-code': code,
      'error-detail': detail,
      'origin-topic': record.topic,
      'origin-partition': String(record.partition),
      'origin-offset': record.offset,
    },
  };
}

/**
 * Consumes `hl7.inbound` in a consumer group and runs every record through the pipeline.
 *
 * Per record: RawMessage → `pipeline.handle` → a permanent rejection is produced to `hl7.dlq`
 * (raw bytes, error-code/-detail, origin-topic/-partition/-offset headers; acks=all) and counts
 * as done, so a poison message never blocks its partition. Every `flushEvery` records (a
 * sub-batch), at the end of the batch, before a back-off wait, and when a heartbeat reports a
 * rebalance, `durable.flush()` runs and only then are the offsets of the records handled so far
 * marked for commit. Heartbeats go between records and during back-off waits.
 *
 * A transient failure (the pipeline throws or returns permanent=false; the DLQ produce fails) is
 * retried in place with bounded back-off (DEFAULT_RETRY: 5 attempts, 3.75 s), without committing.
 * Then the batch fails: the records before the failing one are flushed and committed, the failing
 * one is not. The transport fetches the partition again from it (kafkajs: about 9 s of back-off
 * over 5 re-fetches, each retrying in place again), then crashes the consumer, which leaves and
 * rejoins the group: the group delivers the record again, to this member or another. This
 * repeats, with the partition held up, for as long as the failure lasts: a transient failure
 * (store down) must not skip messages. `health()` shows it (`retrying`, `restarting`).
 * A failing flush is never retried in place (SQLite may have rolled the transaction back): the
 * batch fails at once, so the unflushed records are delivered again.
 *
 * Shutdown (stop): stop fetching; the record in hand finishes, the records handled are flushed
 * and committed; a back-off wait is cut short (its record is not committed); leave the group,
 * disconnect, close the DLQ producer if it is ours. Bounded by `shutdownTimeoutMs`.
 * A rebalance is graceful the same way: the heartbeat after the record in hand rejects, the
 * records handled are flushed and marked, the transport commits them and rejoins the group.
 */
export class KafkaIngestConsumer {
  private readonly topic: string;
  private readonly dlqTopic: string;
  private readonly groupId: string;
  private readonly flushEvery: number;
  private readonly retry: RetryPolicy;
  private readonly log: Logger;
  private consumer: IngressConsumer | undefined;
  private producer: IngressProducer | undefined;
  private ownsProducer = false;
  private stopping: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly stats: Omit<KafkaConsumerHealth, 'healthy' | 'topic' | 'groupId'> = {
    status: 'stopped',
    partitions: [],
    committed: 0,
    ...emptyOutcomeCounts(),
    deadLettered: 0,
    transientFailures: 0,
    failedBatches: 0,
    crashes: 0,
  };

  constructor(private readonly opts: KafkaIngestConsumerOptions) {
    this.topic = opts.topic ?? INBOUND_TOPIC;
    this.dlqTopic = opts.dlqTopic ?? DLQ_TOPIC;
    this.groupId = opts.groupId ?? KAFKA_NAMES.groupId;
    this.flushEvery = Math.max(1, opts.flushEvery ?? 100);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.log = opts.log.child({ component: 'kafka-consumer', topic: this.topic, groupId: this.groupId });
  }

  async start(): Promise<void> {
    if (this.consumer) throw new Error('KafkaIngestConsumer already started');
    this.stats.status = 'starting';
    try {
      if (this.opts.producer) this.producer = this.opts.producer;
      else {
        this.producer = await this.opts.transport.producer();
        this.ownsProducer = true;
      }
      this.consumer = this.opts.transport.consumer({
        groupId: this.groupId,
        topics: [this.topic],
        fromBeginning: this.opts.fromBeginning ?? true,
        events: {
          onAssigned: (assignment) => {
            this.stats.partitions = [...(assignment[this.topic] ?? [])].sort((a, b) => a - b);
            if (!this.stopping) this.stats.status = 'running';
            this.log.info({ partitions: this.stats.partitions }, 'partitions assigned');
          },
          onCrash: (error, restarting) => {
            this.stats.crashes += 1;
            this.noteError(error);
            if (!this.stopping) this.stats.status = restarting ? 'restarting' : 'failed';
            this.log.error({ err: error, restarting }, 'Kafka consumer crashed');
          },
        },
      });
      await this.consumer.run((batch) => this.handleBatch(batch));
      if (this.stats.status === 'starting') this.stats.status = 'running';
      this.log.info('Kafka consumer started');
    } catch (err) {
      this.stats.status = 'failed';
      this.noteError(err);
      await this.release();
      throw err;
    }
  }

  /** Idempotent; see the class comment for the order. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  health(): KafkaConsumerHealth {
    const s = this.stats;
    return {
      ...s,
      healthy: s.status === 'running',
      topic: this.topic,
      groupId: this.groupId,
      partitions: [...s.partitions],
      rejected: { ...s.rejected },
      unread: { ...s.unread },
      ...(s.lastError ? { lastError: { ...s.lastError } } : {}),
    };
  }

  private async shutdown(): Promise<void> {
    if (!this.consumer) {
      this.stats.status = 'stopped';
      return;
    }
    this.stats.status = 'stopping';
    this.wakeUp?.();
    const timeoutMs = this.opts.shutdownTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), timeoutMs);
    });
    const late = await Promise.race([this.release().then(() => false), timedOut]);
    clearTimeout(timer);
    if (late) this.log.warn({ timeoutMs }, 'Kafka consumer shutdown timed out; records not committed will be delivered again');
    this.stats.status = 'stopped';
    this.stats.partitions = [];
    this.log.info(this.health(), 'Kafka consumer stopped');
  }

  /** consumer first (it may still produce to the DLQ while finishing its batch), then our producer */
  private async release(): Promise<void> {
    const consumer = this.consumer;
    const producer = this.ownsProducer ? this.producer : undefined;
    try {
      await consumer?.stop();
    } catch (err) {
      this.log.warn({ err }, 'Kafka consumer did not stop cleanly');
    }
    try {
      await producer?.close();
    } catch (err) {
      this.log.warn({ err }, 'DLQ producer did not close cleanly');
    }
  }

  private async handleBatch(batch: InboundBatch): Promise<void> {
    let handled: InboundRecord | undefined;
    let unflushed = 0;
    const settle = async (): Promise<void> => {
      if (handled === undefined) return;
      try {
        await this.opts.durable.flush();
      } catch (err) {
        throw this.batchFailed(batch, `durable flush failed at offset ${handled.offset}`, err);
      }
      await batch.commit(handled);
      this.stats.committed += unflushed;
      this.stats.lastCommitAt = new Date().toISOString();
      handled = undefined;
      unflushed = 0;
    };

    try {
      for (const record of batch.records) {
        if (!batch.active()) break;
        await this.handleRecord(record, batch, settle);
        handled = record;
        unflushed += 1;
        if (unflushed >= this.flushEvery) await settle();
        await heartbeat(batch, settle);
      }
      await settle();
    } catch (err) {
      // Stopping during a back-off: what was handled before is settled, the record in hand is not.
      if (err instanceof StopRequested) return;
      throw err;
    }
  }

  private async handleRecord(record: InboundRecord, batch: InboundBatch, settle: () => Promise<void>): Promise<void> {
    const raw = rawFromRecord(record);
    const outcome = await this.retrying(batch, settle, record, 'pipeline', async () => {
      const result = await handleInbound(this.opts.pipeline, raw);
      if (result.status === 'rejected' && !result.permanent) throw new TransientRejection(result.code, result.detail);
      return result;
    });
    countOutcome(this.stats, outcome);
    if (outcome.status === 'accepted') return;
    const letter = deadLetterRecord(record, outcome.code, outcome.detail);
    const producer = this.producer;
    if (!producer) throw new Error('KafkaIngestConsumer: no producer (not started)');
    await this.retrying(batch, settle, record, 'dead-letter topic', () => producer.send(this.dlqTopic, [letter]));
    this.stats.deadLettered += 1;
    this.log.warn({ code: outcome.code, origin: raw.origin }, 'record dead-lettered');
  }

  /**
   * Runs `attempt` up to `retry.attempts` times. Before the first wait, the records handled so far
   * are flushed and committed, so a rebalance or a crash during the wait costs only this record.
   */
  private async retrying<T>(batch: InboundBatch, settle: () => Promise<void>, record: InboundRecord, what: string, attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n += 1) {
      try {
        const result = await attempt();
        if (n > 1 && !this.stopping) this.stats.status = 'running';
        return result;
      } catch (err) {
        this.noteError(err);
        if (n >= this.retry.attempts) {
          throw this.batchFailed(batch, `${what} failed ${n} times at offset ${record.offset}`, err);
        }
        this.stats.transientFailures += 1;
        const waitMs = Math.min(this.retry.baseMs * 2 ** (n - 1), this.retry.maxMs);
        this.log.warn({ err, partition: record.partition, offset: record.offset, attempt: n, waitMs }, `${what} failed; retrying`);
        if (n === 1) await settle();
        if (!this.stopping) this.stats.status = 'retrying';
        await this.backOff(waitMs, batch);
      }
    }
  }

  /** Waits `ms`, heartbeating every second; cut short by stop(). */
  private async backOff(ms: number, batch: InboundBatch): Promise<void> {
    const until = Date.now() + ms;
    for (;;) {
      if (this.stopping) throw new StopRequested();
      const left = until - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000));
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
      if (this.stopping) throw new StopRequested();
      await batch.heartbeat();
    }
  }

  private batchFailed(batch: InboundBatch, message: string, cause: unknown): IngestBatchFailedError {
    this.stats.failedBatches += 1;
    this.log.error({ err: cause, partition: batch.partition }, `${message}; failing the batch so the group delivers it again`);
    return new IngestBatchFailedError(`${this.topic}/${batch.partition}: ${message}`, { cause });
  }

  private noteError(err: unknown): void {
    this.stats.lastError = { message: err instanceof Error ? err.message : String(err), at: new Date().toISOString() };
  }
}
