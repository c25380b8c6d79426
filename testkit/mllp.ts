import { CR, FS, VT } from '../src/consumers/mllp-framer.js';
import { MllpClient as WireClient, MllpClientError } from '../src/transport/mllp-client.js';

/** The framing bytes as strings, for tests that write raw frames: VT + message + FS_CR. */
export const MLLP_VT = String.fromCharCode(VT);
export const MLLP_FS_CR = String.fromCharCode(FS, CR);

export { MllpClientError };

export interface MllpAck {
  /** MSA-1: AA, AE, AR (or CA, CE, CR in enhanced mode) */
  ackCode: string;
  /** the whole ACK message, segments separated by CR */
  ackText: string;
  /** MSA-2: the control id the ACK answers */
  controlId: string;
}

/** The ACK did not arrive within the per-message timeout; the connection is closed (its ACK stream can no longer be matched). */
export class MllpTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MllpTimeoutError';
  }
}

export interface MllpClientOptions {
  host?: string;
  port: number;
  /** how long `send` waits for the ACK (default 10 s) */
  timeoutMs?: number;
  /** how long `connect` waits (default 5 s) */
  connectTimeoutMs?: number;
}

/**
 * The test-shaped face of the one MLLP client (src/transport/mllp-client.ts): one connection, one
 * message at a time (a `send` issued while another waits is queued behind it), each ACK awaited
 * and returned; a timeout rejects with MllpTimeoutError. After a timeout or a connection failure
 * the client is unusable: later sends reject at once.
 */
export class MllpClient {
  private constructor(private readonly wire: WireClient) {}

  static async connect(opts: MllpClientOptions): Promise<MllpClient> {
    const wire = await WireClient.connect({ host: opts.host ?? '127.0.0.1', port: opts.port, ackTimeoutMs: opts.timeoutMs ?? 10_000, connectTimeoutMs: opts.connectTimeoutMs ?? 5_000 });
    return new MllpClient(wire);
  }

  get usable(): boolean {
    return this.wire.usable;
  }

  /** messages written whose ACK has not arrived (0 or 1) */
  get inFlight(): number {
    return this.wire.inFlight;
  }

  /** Frames `text` (VT text FS CR), writes it and resolves with the ACK. */
  async send(text: string | Buffer, timeoutMs?: number): Promise<MllpAck> {
    try {
      const ack = await this.wire.send(text, timeoutMs === undefined ? {} : { timeoutMs });
      if (!ack) throw new Error('no ACK expected'); // only with expectAck: false, never sent here
      return { ackCode: ack.code, ackText: ack.text, controlId: ack.controlId };
    } catch (err) {
      if (err instanceof MllpClientError && err.kind === 'timeout') throw new MllpTimeoutError(err.message);
      throw err;
    }
  }

  close(): Promise<void> {
    return this.wire.close();
  }
}
