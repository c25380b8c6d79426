import { SentinelError, type ErrorCode } from '../../errors.js';
import { DEFAULT_PROFILE } from '../../config/default-profile.js';
import { KAFKA_NAMES } from '../../config/kafka-names.schema.js';
import { compileProfile, type CompiledProfile } from '../../extract/compiled-profile.js';
import { messagePatientKey } from '../../extract/extract-message.js';
import type { Hl7Message } from '../../hl7/message.js';
import { parseMessage } from '../../hl7/parse.js';
import type { RawMessage } from '../../pipeline/ingest.js';
import type { IngressProducer, OutboundRecord } from './transport.js';

/** The topic the MLLP edge writes and the ingest consumer group reads (config/kafka-names.schema.ts). */
export const INBOUND_TOPIC = KAFKA_NAMES.topic;
/** Messages the consumer rejected for good: raw bytes plus the error-* and origin-* headers. */
export const DLQ_TOPIC = KAFKA_NAMES.dlqTopic;

/** Header names on `hl7.inbound` records. */
export const HEADER = {
  origin: 'origin',
  receivedAt: 'received-at',
  sendingFacility: 'sending-facility',
  controlId: 'control-id',
} as const;

export interface IngressResult {
  /** the record key: the patient key of PID-3 (PID-2), or null (no PID, or no identifier, or unparseable) */
  key: string | null;
  /** set when the message does not parse: it was published all the same (see publishToIngress) */
  unparseable?: { code: ErrorCode; detail: string };
  /** the parsed message, when it parses (the MLLP edge builds its ACK from it) */
  message?: Hl7Message;
}

/**
 * Builds the `hl7.inbound` record of one received message: key = the patient key, so that one
 * patient's messages stay in order in one partition; value = the raw bytes, unchanged; headers =
 * origin, receivedAt, and (when the header parses) sending facility and control id.
 */
export function ingressRecord(
  raw: Pick<RawMessage, 'text' | 'bytes' | 'origin' | 'receivedAt'>,
  profile: CompiledProfile = compileProfile(DEFAULT_PROFILE),
): { record: OutboundRecord; result: IngressResult } {
  const headers: Record<string, string> = { [HEADER.origin]: raw.origin, [HEADER.receivedAt]: raw.receivedAt };
  try {
    const message = parseMessage(raw.text);
    // the key the pipeline will compute (spec §1.3: a missing authority comes from MSH-4), so an
    // identifier sent with and without its authority lands in one partition, in order
    const key = messagePatientKey(message, profile);
    headers[HEADER.sendingFacility] = message.sendingFacility;
    headers[HEADER.controlId] = message.controlId;
    return { record: { key, value: raw.bytes, headers }, result: { key, message } };
  } catch (err) {
    if (!(err instanceof SentinelError)) throw err;
    return { record: { key: null, value: raw.bytes, headers }, result: { key: null, unparseable: { code: err.code, detail: err.message } } };
  }
}

/**
 * The MLLP → Kafka edge: publishes one received message to `hl7.inbound` and resolves once the
 * broker acknowledged it with acks=all; only then may the listener ACK its sender.
 *
 * A message that does not parse is published all the same (key null, so any partition), and
 * the result says why, so the listener can still answer AR. Rejection happens in one place, the
 * consumer, which runs the one pipeline path: the dead-letter table, the `hl7.dlq` record with its
 * error code, the counts. Kafka keeps the complete raw feed (a replay from Kafka sees the rejects
 * too), and the edge stays a thin, durable hand-off that never drops bytes.
 */
export async function publishToIngress(
  producer: IngressProducer,
  raw: Pick<RawMessage, 'text' | 'bytes' | 'origin' | 'receivedAt'>,
  topic: string = INBOUND_TOPIC,
  profile?: CompiledProfile,
): Promise<IngressResult> {
  const { record, result } = ingressRecord(raw, profile);
  await producer.send(topic, [record]);
  return result;
}
