import { MllpClient, MllpClientError, type MllpAck, type MllpClientTls } from '../transport/mllp-client.js';
import { ChannelBroken, type Answer, type Channel, type FeedTarget } from './target.js';

export interface MllpTargetOptions {
  host: string;
  port: number;
  tls?: MllpClientTls;
  ackTimeoutMs: number;
  /** an error ACK for a message sent with MSH-15 ER (it asked for one only on error) */
  onUnsolicitedAck: (ack: MllpAck) => void;
}

/**
 * A running service's MLLP listener. One message at a time per connection (window 1): a
 * message retried after AE is then still ahead of the patient's next one.
 */
export function mllpTarget(opts: MllpTargetOptions): FeedTarget {
  return {
    name: `mllp:${opts.host}:${opts.port}`,
    async connect(): Promise<Channel> {
      let client: MllpClient;
      try {
        client = await MllpClient.connect({
          host: opts.host,
          port: opts.port,
          ackTimeoutMs: opts.ackTimeoutMs,
          ...(opts.tls ? { tls: opts.tls } : {}),
          onUnsolicitedAck: opts.onUnsolicitedAck,
        });
      } catch (err) {
        throw new ChannelBroken((err as Error).message, { cause: err });
      }
      return {
        async send(message): Promise<Answer | null> {
          try {
            const ack = await client.send(message.bytes, { expectAck: message.expectAck });
            return ack && { code: ack.code, outcome: ack.outcome, errorCode: ack.errorCode, errorText: ack.errorText };
          } catch (err) {
            if (err instanceof MllpClientError) throw new ChannelBroken(err.message, { cause: err });
            throw err;
          }
        },
        isOpen: () => client.usable,
        close: () => client.close(),
      };
    },
    close: async () => {},
  };
}
