/**
 * The Kafka transport port: the little of Kafka that the ingress edge, the ingest consumer and
 * the Kafka replay need. One adapter implements it today (kafkajs.transport.ts, the only file
 * that imports kafkajs); a maintained client (@confluentinc/kafka-javascript, whose KafkaJS-
 * compatible API has the same eachBatch / resolveOffset / heartbeat model) can replace it
 * without touching the callers.
 *
 * Delivery contract: at least once. A record is committed only after its consumer called
 * `batch.commit(record)`, which it does only once the record's effects are durable; anything
 * not committed is delivered again (to this member or, after a rebalance, to another one).
 */

/** A record to produce. The key picks the partition (null: any partition). */
export interface OutboundRecord {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
}

export interface IngressProducer {
  /**
   * Produces the records, in order, to one topic. Resolves only when the broker acknowledged
   * every record with acks=all (every in-sync replica has it); rejects if it could not, after
   * the adapter's bounded retries. A rejected send may still have written some records: the
   * caller re-sends and the consumers are idempotent on the message id.
   */
  send(topic: string, records: readonly OutboundRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface InboundRecord {
  topic: string;
  partition: number;
  /** int64 as a decimal string */
  offset: string;
  key: string | null;
  /** exactly the produced bytes (an empty buffer for a null value) */
  value: Buffer;
  headers: Record<string, string>;
  /** the record's timestamp, epoch milliseconds */
  timestamp: number;
}

/** Records fetched from one partition, in offset order. */
export interface InboundBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly InboundRecord[];
  /**
   * `record` and every earlier record of this batch are done (their effects are durable): their
   * offsets may be committed. Commits now if the adapter's commit interval has passed; the adapter
   * also commits what was marked at the end of the batch, before giving partitions up in a
   * rebalance, on an error thrown by the handler and on stop. Never commits anything unmarked.
   */
  commit(record: InboundRecord): Promise<void>;
  /**
   * Keeps the group membership alive during a long batch (cheap: the adapter sends at most one
   * heartbeat per interval). Rejects when the group is rebalancing, after committing what was
   * marked: the handler must let that error propagate, so the adapter can rejoin.
   */
  heartbeat(): Promise<void>;
  /** false once the consumer is stopping or the partition was revoked or sought: finish the
   *  record in hand, mark it, and return without reading further records */
  active(): boolean;
}

/**
 * The handler for one batch. Throwing (anything but a heartbeat's rebalance error) fails the
 * batch: marked records are committed, the rest is fetched again (see the adapter for its back-off
 * and restart policy).
 */
export type BatchHandler = (batch: InboundBatch) => Promise<void>;

export interface ConsumerEvents {
  /** partitions assigned to this member after a (re)join */
  onAssigned?(assignment: Record<string, number[]>): void;
  /** the consumer crashed (the handler kept failing, or the broker is gone); `restarting` says
   *  whether the adapter rejoins by itself after a pause */
  onCrash?(error: Error, restarting: boolean): void;
}

export interface ConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** where a group without committed offsets starts: earliest (true) or latest (false) */
  fromBeginning: boolean;
  /**
   * Positions to start from, per partition, applied once the group is joined (a replay from a
   * timestamp). Meant for a fresh, single-member group; records fetched before the positions
   * applied may still reach the handler, which should skip offsets below them.
   */
  startAt?: readonly { topic: string; partition: number; offset: string }[];
  events?: ConsumerEvents;
}

export interface IngressConsumer {
  /** Joins the group and starts fetching; resolves once joined (the handler runs in the background). */
  run(handler: BatchHandler): Promise<void>;
  /** Stops fetching, waits for the batch in hand to finish, commits what was marked, leaves the group, disconnects. */
  stop(): Promise<void>;
}

/** Low (first available) and high (next to be written) offsets of one partition. */
export interface PartitionOffsets {
  partition: number;
  low: string;
  high: string;
}

export interface IngressAdmin {
  /** Creates the topics that do not exist yet (existing ones are left as they are). */
  ensureTopics(topics: readonly string[], partitions: number): Promise<void>;
  /** rejects with KAFKA_TOPIC_MISSING when the topic does not exist */
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** per partition, the first offset whose timestamp is at or after `at` (the high offset if none) */
  offsetsAt(topic: string, at: Date): Promise<{ partition: number; offset: string }[]>;
  /** the group's committed offsets on the topic; "-1" for a partition without one */
  committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string }[]>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  deleteGroups(groupIds: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** The factory the composition root builds once and hands down. */
export interface KafkaTransport {
  /** a connected producer (acks=all) */
  producer(): Promise<IngressProducer>;
  consumer(options: ConsumerOptions): IngressConsumer;
  /** a connected admin client */
  admin(): Promise<IngressAdmin>;
}
