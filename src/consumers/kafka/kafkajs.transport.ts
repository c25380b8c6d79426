/**
 * The kafkajs 2.2.4 adapter of the Kafka transport port (transport.ts). The only file that
 * imports kafkajs: replacing the client (kafkajs has had no release since 2023) means writing
 * one more adapter of the same port, e.g. on @confluentinc/kafka-javascript.
 *
 * Choices, and why:
 * - Producer: acks=-1 (all in-sync replicas) on every send; idempotent (kafkajs supports it,
 *   marked experimental) with one request in flight, so a retried batch can neither duplicate
 *   nor reorder a partition's records. Retries are bounded (PRODUCER_RETRY, about 9 s of
 *   back-off) so that a caller waiting on an acknowledgement (the MLLP edge, which answers its
 *   sender) fails in bounded time instead of hanging while the broker is away. kafkajs warns, once
 *   per producer, that bounded retries weaken its exactly-once guarantee: a failed send replaces
 *   the producer (see KafkajsProducer) so that no later record can be lost for it, and what the
 *   caller re-sends may be a duplicate, which the pipeline ignores (idempotent on the message id).
 * - Partitioner: kafkajs's DefaultPartitioner, the Java client's murmur2 of the key. A
 *   replacement client must hash keys the same way (librdkafka: partitioner=murmur2_random),
 *   or a patient's messages would change partition, and lose their order, during the switch.
 * - No auto topic creation by producers or consumers (a typo would silently create a topic):
 *   `ensureTopics` creates them at start.
 * - Consumer: `eachBatch` with `eachBatchAutoResolve: false` and kafkajs's autoCommit on, which
 *   commits *resolved* offsets only: at the end of each batch, every COMMIT_INTERVAL_MS within a
 *   long batch (when the handler marks records), when the handler throws, before rejoining a
 *   rebalancing group, and on stop. A record is resolved only by `batch.commit(record)`.
 * - When the handler throws, kafkajs commits what was resolved and fetches the partition again
 *   from the first unresolved record, with CONSUMER_RETRY's back-off (about 9 s over 5 retries);
 *   after that the consumer crashes, disconnects and rejoins the group (restart), so the record
 *   is delivered again, to this member or another one. Errors kafkajs deems unrecoverable
 *   (TypeError, RangeError, ...: programming errors) stop the consumer for good: `onCrash`
 *   reports `restarting: false`.
 * - kafkajs's console logger is replaced by the service's pino logger (component "kafkajs"),
 *   at warn level unless configured otherwise.
 */
import {
  Kafka,
  logLevel as KafkaLogLevel,
  Partitioners,
  type Admin,
  type Consumer,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import { KAFKA_SESSION_DEFAULTS } from '../../config/kafka-session.schema.js';
import { SentinelError } from '../../errors.js';
import type {
  BatchHandler,
  ConsumerOptions,
  InboundRecord,
  IngressAdmin,
  IngressConsumer,
  IngressProducer,
  KafkaTransport,
  OutboundRecord,
  PartitionOffsets,
} from './transport.js';

/** Producer back-off: 0.3 + 0.6 + 1.2 + 2.4 + 4.8 s (±20 %), about 9 s, then the send rejects. */
const PRODUCER_RETRY: RetryOptions = { initialRetryTime: 300, multiplier: 2, factor: 0.2, maxRetryTime: 30_000, retries: 5 };
/** Consumer back-off between re-fetches of a failing batch: about 9 s in all, then crash and rejoin. */
const CONSUMER_RETRY: RetryOptions = { initialRetryTime: 300, multiplier: 2, factor: 0.2, maxRetryTime: 30_000, retries: 5 };
/** Commit marked offsets at least this often inside a long batch. */
const COMMIT_INTERVAL_MS = 5_000;

export type KafkaLogLevelName = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkajsTransportOptions {
  brokers: readonly string[];
  clientId?: string;
  log: Logger;
  /** kafkajs's own log level, routed to `log` (default warn) */
  logLevel?: KafkaLogLevelName;
  /** off by default: topics are created by `ensureTopics` at start */
  allowAutoTopicCreation?: boolean;
  /** long-poll wait of an idle fetch; also bounds how long stop() waits for it (default 1000 ms) */
  maxWaitTimeMs?: number;
  /** how long the group waits for a silent member before moving its partitions (default: config/kafka-session.schema.ts) */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** overrides CONSUMER_RETRY (tests use a short one) */
  consumerRetry?: RetryOptions;
  /** overrides PRODUCER_RETRY */
  producerRetry?: RetryOptions;
}

const LEVELS: Record<KafkaLogLevelName, KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

/** kafkajs log entries, written to pino instead of the console. */
function pinoLogCreator(log: Logger): () => (entry: LogEntry) => void {
  return () => ({ namespace, level, log: entry }) => {
    // kafkajs attaches the stack of every network error: the message says what failed, the stack only where in kafkajs
    const { message, timestamp: _timestamp, logger: _logger, stack: _stack, ...extra } = entry as LogEntry['log'] & { logger?: unknown; stack?: unknown };
    const fields = { namespace, ...extra };
    if (level <= KafkaLogLevel.ERROR) log.error(fields, message);
    else if (level === KafkaLogLevel.WARN) log.warn(fields, message);
    else if (level === KafkaLogLevel.INFO) log.info(fields, message);
    else log.debug(fields, message);
  };
}

export function createKafkajsTransport(opts: KafkajsTransportOptions): KafkaTransport {
  const log = opts.log.child({ component: 'kafkajs' });
  const kafka = new Kafka({
    clientId: opts.clientId ?? 'poems-sentinel',
    brokers: [...opts.brokers],
    logLevel: LEVELS[opts.logLevel ?? 'warn'],
    logCreator: pinoLogCreator(log),
    // Connection attempts retry inside every producer/consumer retry: kept short (0.3 + 0.6 +
    // 1.2 s, 3 s connect timeout) so that with the broker down an MLLP sender gets its AE within
    // about 10 s instead of kafkajs's default 25 s or more.
    connectionTimeout: 3_000,
    retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 2_000 },
  });
  const allowAutoTopicCreation = opts.allowAutoTopicCreation ?? false;
  return {
    async producer() {
      const producer = new KafkajsProducer(() =>
        kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation,
          createPartitioner: Partitioners.DefaultPartitioner,
          retry: opts.producerRetry ?? PRODUCER_RETRY,
        }),
      );
      await producer.connected().catch((err: unknown) => {
        throw unavailable(opts.brokers, err);
      });
      return producer;
    },
    consumer(options) {
      const consumer = kafka.consumer({
        groupId: options.groupId,
        allowAutoTopicCreation,
        maxWaitTimeInMs: opts.maxWaitTimeMs ?? 1_000,
        sessionTimeout: opts.sessionTimeoutMs ?? KAFKA_SESSION_DEFAULTS.sessionTimeoutMs,
        heartbeatInterval: opts.heartbeatIntervalMs ?? KAFKA_SESSION_DEFAULTS.heartbeatIntervalMs,
        retry: opts.consumerRetry ?? CONSUMER_RETRY,
      });
      return new KafkajsConsumer(consumer, options);
    },
    async admin() {
      const admin = kafka.admin({ retry: opts.producerRetry ?? PRODUCER_RETRY });
      await admin.connect().catch((err: unknown) => {
        throw unavailable(opts.brokers, err);
      });
      return new KafkajsAdmin(admin);
    },
  };
}

/** A connection failure, as a one-line error with a stable code instead of kafkajs's stack. */
function unavailable(brokers: readonly string[], err: unknown): SentinelError {
  return new SentinelError('KAFKA_UNAVAILABLE', `no Kafka broker answers at ${brokers.join(',')}: ${(err as Error).message}`, { cause: err });
}

/**
 * An idempotent kafkajs producer that is replaced after a failed send. kafkajs rolls a failed
 * request's sequence numbers back, so that its retry is recognised as a duplicate; once the
 * retries are exhausted, the next send would reuse those numbers, and if the failed request had
 * in fact been written, the broker would take the next batch for a duplicate of it and drop it
 * while acknowledging it. A new producer (new producer id) cannot be confused that way. The caller
 * re-sends what failed; a copy that had been written is a duplicate the pipeline ignores.
 */
class KafkajsProducer implements IngressProducer {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private closed = false;

  constructor(private readonly create: () => Producer) {}

  /** the current producer, connecting a new one when there is none */
  connected(): Promise<Producer> {
    if (this.closed) return Promise.reject(new Error('producer closed'));
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.create();
      try {
        await producer.connect();
      } catch (err) {
        this.connecting = undefined;
        throw err;
      }
      this.producer = producer;
      this.connecting = undefined;
      return producer;
    })();
    return this.connecting;
  }

  async send(topic: string, records: readonly OutboundRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.connected();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      });
    } catch (err) {
      if (this.producer === producer) {
        this.producer = undefined;
        producer.disconnect().catch(() => undefined);
      }
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const producer = this.producer ?? (await this.connecting?.catch(() => undefined));
    this.producer = undefined;
    await producer?.disconnect();
  }
}

function headerText(value: IHeaders[string]): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

function toRecord(topic: string, partition: number, m: KafkaMessage): InboundRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    const text = headerText(value);
    if (text !== undefined) headers[name] = text;
  }
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString('utf8'),
    value: m.value ?? Buffer.alloc(0),
    headers,
    timestamp: Number(m.timestamp),
  };
}

class KafkajsConsumer implements IngressConsumer {
  private running = false;

  constructor(private readonly consumer: Consumer, private readonly options: ConsumerOptions) {
    const { events } = options;
    if (events?.onAssigned) {
      const onAssigned = events.onAssigned;
      consumer.on(consumer.events.GROUP_JOIN, (e) => onAssigned(e.payload.memberAssignment));
    }
    if (events?.onCrash) {
      const onCrash = events.onCrash;
      consumer.on(consumer.events.CRASH, (e) => onCrash(e.payload.error, e.payload.restart));
    }
  }

  async run(handler: BatchHandler): Promise<void> {
    if (this.running) throw new Error('consumer already running');
    this.running = true;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      autoCommitInterval: COMMIT_INTERVAL_MS,
      autoCommitThreshold: null,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        const { topic, partition } = batch;
        await handler({
          topic,
          partition,
          records: batch.messages.map((m) => toRecord(topic, partition, m)),
          commit: async (record) => {
            resolveOffset(record.offset);
            await commitOffsetsIfNecessary();
          },
          heartbeat,
          active: () => isRunning() && !isStale(),
        });
      },
    });
    // Positions for a fresh group (a replay from a timestamp): kafkajs applies a seek before its
    // next fetch, drops data fetched for the partition before it, and marks that batch stale.
    for (const s of this.options.startAt ?? []) this.consumer.seek(s);
  }

  async stop(): Promise<void> {
    // disconnect() = stop (stop fetching, wait for the batch in hand, commit resolved offsets,
    // leave the group) + close the connections. Waits at most one fetch long-poll (maxWaitTimeMs).
    this.running = false;
    await this.consumer.disconnect();
  }
}

class KafkajsAdmin implements IngressAdmin {
  constructor(private readonly admin: Admin) {}

  async ensureTopics(topics: readonly string[], partitions: number): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    // false (not an error) when another instance created them in the meantime
    await this.admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  }

  async topicOffsets(topic: string): Promise<PartitionOffsets[]> {
    // asked of a missing topic, kafkajs retries for seconds and ends with a protocol error
    if (!(await this.admin.listTopics()).includes(topic)) throw new SentinelError('KAFKA_TOPIC_MISSING', `the Kafka topic "${topic}" does not exist`);
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high })).sort((a, b) => a.partition - b.partition);
  }

  async offsetsAt(topic: string, at: Date): Promise<{ partition: number; offset: string }[]> {
    const offsets = await this.admin.fetchTopicOffsetsByTimestamp(topic, at.getTime());
    return offsets.map((o) => ({ partition: o.partition, offset: o.offset })).sort((a, b) => a.partition - b.partition);
  }

  async committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]> {
    const [entry] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? []).map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition);
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    if (topics.length > 0) await this.admin.deleteTopics({ topics: [...topics] });
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length > 0) await this.admin.deleteGroups([...groupIds]);
  }

  async close(): Promise<void> {
    await this.admin.disconnect();
  }
}
