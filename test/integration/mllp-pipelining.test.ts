import net from 'node:net';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { pipelineMllpHandler } from '../../src/consumers/mllp-handler.js';
import { MllpListener } from '../../src/consumers/mllp.consumer.js';
import { readAck } from '../../src/hl7/ack-read.js';
import { parseMessage } from '../../src/hl7/parse.js';
import type { Outcome, RawMessage } from '../../src/pipeline/ingest.js';

/**
 * A sender that pipelines: its messages reach the pipeline one after another in the order sent,
 * share commits instead of waiting for one each, and are answered in order. Synthetic messages.
 */
const quiet = pino({ level: 'silent' });
const oru = (i: number): string =>
  [`MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ORU^R01|PIPE${i}|P|2.5.1`, `PID|1||PP${i}^^^SYNTH^MR||TESTPATIENT^PIPE||19700101|F`].join('\r');

describe('when a sender pipelines messages on one connection', () => {
  it('hands them to the pipeline in order, commits them together, and answers in order', async () => {
    const handled: string[] = [];
    let flushes = 0;
    const pipeline = {
      handle: async (raw: RawMessage): Promise<Outcome> => {
        const message = parseMessage(raw.text);
        // an await inside, as a store makes: a later message must still wait for this one
        await new Promise((resolve) => setTimeout(resolve, 2));
        handled.push(message.controlId);
        return { status: 'accepted', controlId: message.controlId, duplicate: false, changedPatients: 0, message, controlIdReused: false, unread: {} };
      },
    };
    const durable = { flush: async () => { flushes += 1; await new Promise((resolve) => setTimeout(resolve, 20)); }, close: async () => {}, concurrentFlushes: 2 };
    const listener = new MllpListener({ port: 0 }, pipelineMllpHandler(pipeline, durable), quiet);
    const { port } = await listener.start();
    try {
      const N = 40;
      const acks = await new Promise<string[]>((resolve, reject) => {
        const socket = net.connect({ port, host: '127.0.0.1' });
        let buffered = '';
        const ids: string[] = [];
        socket.setEncoding('latin1');
        socket.on('data', (d: string) => {
          buffered += d;
          for (let end = buffered.indexOf('\x1c'); end >= 0; end = buffered.indexOf('\x1c')) {
            ids.push(readAck(buffered.slice(buffered.indexOf('\x0b') + 1, end))?.controlId ?? '?');
            buffered = buffered.slice(end + 2);
          }
          if (ids.length === N) {
            socket.end();
            resolve(ids);
          }
        });
        socket.on('error', reject);
        socket.write(Array.from({ length: N }, (_, i) => `\x0b${oru(i)}\x1c\r`).join(''));
      });
      const sent = Array.from({ length: N }, (_, i) => `PIPE${i}`);
      expect(handled).toEqual(sent);
      expect(acks).toEqual(sent);
      // one at a time it would be N flushes
      expect(flushes).toBeLessThan(N / 2);
    } finally {
      await listener.stop();
    }
  });
});
