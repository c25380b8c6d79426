import { ingressRecord } from '../consumers/kafka/ingress.js';
import type { CompiledProfile } from '../extract/compiled-profile.js';
import { readHl7File } from '../consumers/file.consumer.js';
import type { ErrorCode } from '../errors.js';
import { controlIdFromRaw } from '../hl7/ack.js';
import { component } from '../hl7/message.js';

/** One message of the feed, with what the feeder needs to pace, route, send and journal it. */
export interface FeedMessage {
  kind: 'message';
  /** the file as expanded from the inputs */
  file: string;
  /** position in the file, from 1, counting every item read (as the file replay's origin `file:<path>#<n>`) */
  index: number;
  /** the message as read from the file (segments separated by CR), sent unchanged */
  bytes: Buffer;
  text: string;
  /** MSH-10 (a content hash when it is empty, as the service reads it); as written when the header does not parse */
  controlId: string;
  /** MSH-7 in epoch milliseconds; null when missing or unreadable */
  feedTime: number | null;
  /** the patient key the MLLP → Kafka edge partitions by; null when there is none */
  patientKey: string | null;
  /** false when MSH-15 asks for no acknowledgement (NE) or one only on error (ER) */
  expectAck: boolean;
}

/** Bytes the splitter could not make a message of (segments outside a message, an oversized one): never sent. */
export interface NotAMessage {
  kind: 'not-a-message';
  file: string;
  index: number;
  code: ErrorCode;
}

export type FeedItem = (FeedMessage | NotAMessage) & { bytesRead: number };

/**
 * The messages of the input files in feed order (files in the order given, messages in file
 * order), a read chunk at a time. Each message is parsed once, by the same code as the ingress
 * edge, so the routing key is the Kafka record key of the service.
 */
export async function* readFeed(files: readonly string[], profile?: CompiledProfile): AsyncGenerator<FeedItem[]> {
  for (const file of files) {
    let index = 0;
    for await (const batch of readHl7File(file)) {
      const items: FeedItem[] = [];
      for (const { item, origin, bytesRead } of batch) {
        index += 1;
        if (item.kind === 'reject') {
          items.push({ kind: 'not-a-message', file, index, code: item.code, bytesRead });
          continue;
        }
        const bytes = item.bytes;
        const { result } = ingressRecord({ text: item.text, bytes, origin, receivedAt: '' }, profile);
        const msh = result.message?.segments[0];
        const ackType = msh && result.message ? component(msh.get(15), 1, result.message.delimiters).trim().toUpperCase() : '';
        const time = result.message?.messageTime ? Date.parse(result.message.messageTime) : NaN;
        items.push({
          kind: 'message',
          file,
          index,
          bytes,
          text: item.text,
          controlId: result.message?.controlId ?? controlIdFromRaw(item.text),
          feedTime: Number.isNaN(time) ? null : time,
          patientKey: result.key,
          expectAck: ackType !== 'NE' && ackType !== 'ER',
          bytesRead,
        });
      }
      if (items.length > 0) yield items;
    }
  }
}
