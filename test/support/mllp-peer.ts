import net from 'node:net';
import { encodeFrame, MllpFramer } from '../../src/consumers/mllp-framer.js';
import { buildAck, type AckCode } from '../../src/hl7/ack.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { decodeHl7Bytes } from '../../src/hl7/text-encoding.js';

/** What the peer answers to the next message: an ACK code (enhanced mode when `enhanced`), or silence. */
export type PeerAnswer = AckCode | 'CA' | 'CE' | 'CR' | 'silent';

/**
 * An HL7 v2 receiver on loopback for the outbound channel's tests: it frames with our own framer,
 * records every message, and answers each with a real ACK (hl7/ack.ts) whose code is scripted
 * per message (default AA). AE and AR carry an ERR with a stable code, as a receiving engine's do.
 */
export class LoopbackMllpPeer {
  readonly received: string[] = [];
  private readonly answers: PeerAnswer[] = [];
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private acks = 0;

  async start(port = 0): Promise<number> {
    this.server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      const framer = new MllpFramer(4 * 1024 * 1024);
      socket.on('data', (chunk: Buffer) => {
        for (const event of framer.push(chunk)) {
          if (event.kind !== 'frame') continue;
          const text = decodeHl7Bytes(event.bytes).text;
          this.received.push(text);
          const answer = this.answers.shift() ?? 'AA';
          if (answer === 'silent') continue;
          const enhanced = answer.startsWith('C');
          const code: AckCode = enhanced ? (`A${answer.slice(1)}` as AckCode) : (answer as AckCode);
          // enhanced mode is asked for by MSH-15: our messages end at MSH-12, so append MSH-13..15
          const original = enhanced ? text.replace(/^([^\r]*)/, '$1|||AL') : text;
          const ack = buildAck({
            message: parseMessage(original), rawText: original, code, now: new Date(), controlId: `PEERACK${++this.acks}`,
            ...(code === 'AA' ? {} : { error: { code: code === 'AE' ? 'STORE_UNAVAILABLE' : 'HL7_STRUCTURE_MISMATCH', text: code === 'AE' ? 'busy, try later' : 'document type not accepted' } }),
          });
          if (ack !== null) socket.write(encodeFrame(Buffer.from(ack, 'utf8')));
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return (this.server?.address() as net.AddressInfo).port;
  }

  answerNext(...answers: PeerAnswer[]): void {
    this.answers.push(...answers);
  }

  clearAnswers(): void {
    this.answers.length = 0;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
