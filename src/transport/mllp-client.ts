/**
 * An MLLP client (HL7 v2 MLLP release 2, plain TCP or TLS): the sending side of the listener in
 * src/consumers/mllp.consumer.ts, for the feeder, the HL7 v2 outbound notifier, tests and
 * benches. Framing is the listener's own (`encodeFrame`, `MllpFramer`).
 */
import net from 'node:net';
import tls from 'node:tls';
import { encodeFrame, MllpFramer } from '../consumers/mllp-framer.js';
import { controlIdFromRaw } from '../hl7/ack.js';
import { readAck, type AckRead } from '../hl7/ack-read.js';
import { decodeHl7Bytes } from '../hl7/text-encoding.js';

export interface MllpClientTls {
  /** CA certificates to trust (default: Node's bundled roots) */
  ca?: string | Buffer | (string | Buffer)[];
  /** client certificate and key, for a listener that requires mutual TLS */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** default: the host, when it is a name */
  servername?: string;
  /** default true; false only for tests against a self-signed certificate without its CA */
  rejectUnauthorized?: boolean;
}

export interface MllpClientOptions {
  host: string;
  port: number;
  /** how long `connect` waits for the connection (and the TLS handshake); default 5 s */
  connectTimeoutMs?: number;
  /** how long each message waits for its ACK once written; default 30 s */
  ackTimeoutMs?: number;
  /**
   * Messages written before the oldest is acknowledged (pipelining); default 1. MLLP answers in
   * order, so ACKs are matched first in, first out. A window above 1 only saves round trips: a
   * listener that handles one message at a time per connection (ours) still does so.
   */
  window?: number;
  /** a larger ACK frame is not buffered (default 1 MiB) */
  maxAckBytes?: number;
  tls?: MllpClientTls;
  /**
   * An ACK for a message sent with `expectAck: false` (MSH-15 ER asks for one only on error):
   * reported here instead of being taken for the answer to the message that waits.
   */
  onUnsolicitedAck?: (ack: MllpAck) => void;
}

/** An ACK as read (MSA, ERR) plus its whole text. */
export interface MllpAck extends AckRead {
  /** the ACK message, segments separated by CR */
  text: string;
}

export type MllpClientErrorKind = 'connect' | 'timeout' | 'closed' | 'protocol';

/**
 * The connection cannot be used any more: it could not be opened (`connect`), an ACK did not
 * come in time (`timeout`: later ACKs could no longer be matched), it closed or failed
 * (`closed`), or the peer answered something that is not the expected ACK (`protocol`). Every
 * message not yet acknowledged fails with it; the caller reconnects and sends them again.
 */
export class MllpClientError extends Error {
  constructor(readonly kind: MllpClientErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MllpClientError';
  }
}

export interface SendOptions {
  /**
   * false: resolve with null once written, for a message that asked not to be acknowledged
   * (MSH-15 NE, or ER: only on error); default true.
   */
  expectAck?: boolean;
  /** overrides the client's ackTimeoutMs for this message */
  timeoutMs?: number;
}

interface Outgoing {
  frame: Buffer;
  controlId: string;
  expectAck: boolean;
  timeoutMs: number;
  resolve: (ack: MllpAck | null) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

/** control ids of messages sent without waiting, kept to recognise their late error ACKs */
const UNSOLICITED_MEMORY = 1024;

/**
 * One MLLP connection. `send` frames a message, writes it once a window slot is free and
 * resolves with its ACK (or rejects with an MllpClientError). The ACK must name the message's
 * MSH-10 in MSA-2 (when the message has one): an ACK for another message means the two sides
 * disagree about what was acknowledged, and the connection is failed rather than guessed at.
 */
export class MllpClient {
  private readonly framer: MllpFramer;
  private readonly waiting: Outgoing[] = [];
  private readonly inFlightList: Outgoing[] = [];
  private readonly sentWithoutAck: string[] = [];
  private failure: MllpClientError | undefined;
  private readonly closed: Promise<void>;

  private constructor(private readonly socket: net.Socket, private readonly opts: MllpClientOptions) {
    this.framer = new MllpFramer(opts.maxAckBytes ?? 1024 * 1024);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.fail(new MllpClientError('closed', `MLLP connection to ${this.peer} failed: ${err.message}`, { cause: err })));
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.fail(new MllpClientError('closed', `MLLP connection to ${this.peer} closed`));
        resolve();
      }),
    );
  }

  /** Opens a connection (TCP, or TLS when `tls` is given) within `connectTimeoutMs`. */
  static connect(opts: MllpClientOptions): Promise<MllpClient> {
    const timeoutMs = opts.connectTimeoutMs ?? 5_000;
    const where = `${opts.host}:${opts.port}`;
    return new Promise((resolve, reject) => {
      const socket = opts.tls
        ? tls.connect({ host: opts.host, port: opts.port, ...opts.tls, ...(opts.tls.servername === undefined && net.isIP(opts.host) === 0 ? { servername: opts.host } : {}) })
        : net.connect({ host: opts.host, port: opts.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new MllpClientError('connect', `could not connect to ${where} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new MllpClientError('connect', `could not connect to ${where}: ${err.message}`, { cause: err }));
      });
      socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new MllpClient(socket, opts));
      });
    });
  }

  /** Frames `message` (bytes as they are, a string as UTF-8), writes it and resolves with its ACK. */
  send(message: Buffer | string, options: SendOptions = {}): Promise<MllpAck | null> {
    const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.waiting.push({
        frame: encodeFrame(body),
        controlId: expectedControlId(body),
        expectAck: options.expectAck ?? true,
        timeoutMs: options.timeoutMs ?? this.opts.ackTimeoutMs ?? 30_000,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  /** messages written and not yet acknowledged */
  get inFlight(): number {
    return this.inFlightList.length;
  }

  /** false once the connection failed or was closed: every later send rejects */
  get usable(): boolean {
    return this.failure === undefined;
  }

  /** Closes the connection; messages not yet acknowledged reject with `closed`. */
  close(): Promise<void> {
    this.fail(new MllpClientError('closed', 'MLLP client closed'));
    return this.closed;
  }

  private get peer(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  private pump(): void {
    const window = Math.max(1, this.opts.window ?? 1);
    while (!this.failure && this.waiting.length > 0 && this.inFlightList.length < window) {
      const out = this.waiting.shift() as Outgoing;
      if (!out.expectAck) {
        this.rememberUnsolicited(out.controlId);
        this.socket.write(out.frame, (err) => (err ? out.reject(this.failure ?? err) : out.resolve(null)));
        continue;
      }
      this.inFlightList.push(out);
      // the deadline runs from the write: time spent waiting for a window slot is not the peer's
      out.timer = setTimeout(() => {
        this.fail(new MllpClientError('timeout', `no ACK from ${this.peer} within ${out.timeoutMs} ms`));
      }, out.timeoutMs);
      this.socket.write(out.frame);
    }
  }

  private receive(chunk: Buffer): void {
    // anything but a frame (whitespace between frames, a frame too large) is not an ACK; an
    // oversized ACK leaves its message waiting until the deadline fails the connection
    for (const event of this.framer.push(chunk)) {
      if (event.kind !== 'frame' || this.failure) continue;
      const text = decodeHl7Bytes(event.bytes).text;
      const read = readAck(text);
      if (!read) {
        this.fail(new MllpClientError('protocol', `${this.peer} answered a frame without an MSA segment`));
        return;
      }
      const ack: MllpAck = { ...read, text };
      const head = this.inFlightList[0];
      if (head && (head.controlId === '' || ack.controlId === '' || ack.controlId === head.controlId)) {
        this.inFlightList.shift();
        clearTimeout(head.timer);
        head.resolve(ack);
        continue;
      }
      if (this.sentWithoutAck.includes(ack.controlId)) {
        this.opts.onUnsolicitedAck?.(ack);
        continue;
      }
      this.fail(new MllpClientError('protocol', head ? `${this.peer} acknowledged another message than the one waiting` : `${this.peer} sent an ACK with no message waiting`));
      return;
    }
    this.pump();
  }

  private rememberUnsolicited(controlId: string): void {
    if (controlId === '') return;
    this.sentWithoutAck.push(controlId);
    if (this.sentWithoutAck.length > UNSOLICITED_MEMORY) this.sentWithoutAck.shift();
  }

  private fail(err: MllpClientError): void {
    if (this.failure) return;
    this.failure = err;
    for (const out of [...this.inFlightList, ...this.waiting]) {
      clearTimeout(out.timer);
      out.reject(err);
    }
    this.inFlightList.length = 0;
    this.waiting.length = 0;
    this.socket.destroy();
  }
}

/** MSH-10 as a listener echoes it in MSA-2: from the first segment, decoded as the listener decodes, still escaped. */
function expectedControlId(body: Buffer): string {
  const cr = body.indexOf(0x0d);
  const lf = body.indexOf(0x0a);
  const end = Math.min(cr < 0 ? body.length : cr, lf < 0 ? body.length : lf);
  return controlIdFromRaw(decodeHl7Bytes(body.subarray(0, end)).text);
}
