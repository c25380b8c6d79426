import type { AckOutcome } from '../hl7/ack-read.js';
import type { FeedMessage } from './feed-reader.js';

/** The answer to one message: an ACK from the MLLP listener, or the broker's acknowledgement read as one. */
export interface Answer {
  /** MSA-1 as received (AA … CR); AA for a record the broker acknowledged */
  code: string;
  /** null when MSA-1 is none of the six codes (treated as AE: retried, then reported) */
  outcome: AckOutcome | null;
  /** ERR-3.1: the service's stable error code; '' for AA */
  errorCode: string;
  errorText: string;
}

/**
 * The connection broke before the answer came (closed, timed out, or an answer that does not
 * match): the message may or may not have arrived. The lane reconnects and sends it again; the
 * service is idempotent on MSH-10.
 */
export class ChannelBroken extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChannelBroken';
  }
}

/** One lane's connection to the target. */
export interface Channel {
  /** false once the peer closed it (the service closes idle connections): reopen before sending */
  isOpen(): boolean;
  /** Sends one message and resolves with its answer (null: it asked for none); rejects with ChannelBroken. */
  send(message: FeedMessage): Promise<Answer | null>;
  close(): Promise<void>;
}

/** Where a replay sends: a running service's MLLP listener, or its Kafka ingress topic. */
export interface FeedTarget {
  /** "mllp:HOST:PORT" or "kafka:BROKERS/TOPIC": the journal is bound to it */
  readonly name: string;
  /** Opens a channel; rejects with ChannelBroken when the target cannot be reached. */
  connect(): Promise<Channel>;
  close(): Promise<void>;
}
