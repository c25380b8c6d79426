import { z } from 'zod';

/**
 * The Kafka names, defined once: the service configuration takes these fields as they are, and
 * the consumers, the replay and the feeder default to the same values.
 */
export const KAFKA_NAMES = {
  /** the topic the MLLP edge writes and the ingest consumer group reads */
  topic: 'hl7.inbound',
  /** messages the consumer rejected for good: raw bytes plus the error-* and origin-* headers */
  dlqTopic: 'hl7.dlq',
  /** the ingest consumer group (a replay uses a throwaway group of its own) */
  groupId: 'poems-sentinel',
  /** partitions of a topic the service creates; a patient's messages stay in one of them */
  partitions: 6,
} as const;

export const KafkaNameFields = {
  kafkaTopic: z.string().min(1).default(KAFKA_NAMES.topic),
  kafkaDlqTopic: z.string().min(1).default(KAFKA_NAMES.dlqTopic),
  kafkaGroupId: z.string().min(1).default(KAFKA_NAMES.groupId),
  kafkaPartitions: z.number().int().positive().default(KAFKA_NAMES.partitions),
};
