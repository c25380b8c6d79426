import type { Logger } from 'pino';
import { CoalescingProducer } from '../consumers/kafka/coalescing.producer.js';
import { publishToIngress } from '../consumers/kafka/ingress.js';
import { createKafkajsTransport } from '../consumers/kafka/kafkajs.transport.js';
import type { IngressProducer } from '../consumers/kafka/transport.js';
import type { CompiledProfile } from '../extract/compiled-profile.js';
import { SentinelError } from '../errors.js';
import type { Answer, FeedTarget } from './target.js';

export interface KafkaTargetOptions {
  brokers: readonly string[];
  topic: string;
  /** lanes sending at once: above 1 they share produce requests, as the service's edge does */
  connections: number;
  log: Logger;
  /** the service's site profile, for the record key (default: the built-in one) */
  profile?: CompiledProfile;
}

/**
 * The service's ingress topic, written exactly as its MLLP → Kafka edge writes it
 * (`publishToIngress`: key = patient key, the raw bytes, acks=all). A record the broker
 * acknowledged is AA; a message that does not parse is published all the same and answered AR
 * with its code; a send that failed is AE STORE_UNAVAILABLE, as the edge answers its senders.
 */
export async function kafkaTarget(opts: KafkaTargetOptions): Promise<FeedTarget> {
  const name = `kafka:${opts.brokers.join(',')}/${opts.topic}`;
  const transport = createKafkajsTransport({ brokers: opts.brokers, log: opts.log, clientId: 'poems-sentinel-feeder' });
  let producer: IngressProducer;
  try {
    // the topic must exist: producers never create topics (the service does, at start)
    const admin = await transport.admin();
    try {
      await admin.topicOffsets(opts.topic);
    } finally {
      await admin.close();
    }
    const inner = await transport.producer();
    producer = opts.connections > 1 ? new CoalescingProducer(inner) : inner;
  } catch (err) {
    // KAFKA_UNAVAILABLE (exit 1) or KAFKA_TOPIC_MISSING (exit 2: the user named it), with the likely cause
    const code = err instanceof SentinelError ? err.code : 'KAFKA_UNAVAILABLE';
    throw new SentinelError(code, `${(err as Error).message} (the service creates ${opts.topic} when it runs with --kafka-brokers)`, { cause: err });
  }
  return {
    name,
    connect: async () => ({
      isOpen: () => true,
      async send(message): Promise<Answer> {
        try {
          const result = await publishToIngress(producer, { text: message.text, bytes: message.bytes, origin: `file:${message.file}#${message.index}`, receivedAt: new Date().toISOString() }, opts.topic, opts.profile);
          if (!result.unparseable) return { code: 'AA', outcome: 'AA', errorCode: '', errorText: '' };
          return { code: 'AR', outcome: 'AR', errorCode: result.unparseable.code, errorText: result.unparseable.detail };
        } catch (err) {
          return { code: 'AE', outcome: 'AE', errorCode: 'STORE_UNAVAILABLE', errorText: (err as Error).message };
        }
      },
      close: async () => {},
    }),
    close: () => producer.close(),
  };
}
