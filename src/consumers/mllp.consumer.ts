import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { buildAck, type AckCode, type AckInput } from '../hl7/ack.js';
import type { Hl7Message } from '../hl7/message.js';
import { parseMessage } from '../hl7/parse.js';
import type { TextEncoding } from '../hl7/text-encoding.js';
import { decodeFrame, encodeFrame, MllpFramer, type FrameEvent } from './mllp-framer.js';

/** kept of an oversized frame, to read its MSH-10 for the AR; the rest is skipped unbuffered */

const KeyMaterial = z.union([z.string().min(1), z.instanceof(Buffer)]);

export const MllpListenerOptions = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 = an ephemeral port (tests); `start()` returns the port bound */
  port: z.number().int().min(0).max(65535),
  /** content bytes between VT and FS; a larger frame is answered AR HL7_FRAME_TOO_LARGE */
  maxFrameBytes: z.number().int().positive().default(1024 * 1024),
  /** a connection with no traffic and no message in progress for this long is closed; 0 = never */
  idleTimeoutMs: z.number().int().min(0).default(120_000),
  /** connections beyond this are refused (closed on accept) */
  maxConnections: z.number().int().positive().default(64),
  /** how long `stop()` waits for in-flight messages to be acknowledged before closing anyway */
  shutdownTimeoutMs: z.number().int().min(0).default(10_000),
  tls: z
    .strictObject({
      key: KeyMaterial,
      cert: KeyMaterial,
      ca: z.union([KeyMaterial, z.array(KeyMaterial)]).optional(),
      /** mutual TLS: a client without a certificate signed by `ca` is refused in the handshake */
      requestCert: z.boolean().default(false),
    })
    .optional(),
});
export type MllpListenerOptions = z.input<typeof MllpListenerOptions>;
type Options = z.output<typeof MllpListenerOptions>;

export interface MllpRaw {
  text: string;
  bytes: Buffer;
  /** "mllp:<address>:<port>" of the peer */
  origin: string;
  receivedAt: string;
}

export interface MllpHandlerResult {
  code: AckCode;
  message: Hl7Message | null;
  error?: { code: ErrorCode; text: string };
}

/**
 * Decides the fate of one message and, with it, durability: the listener writes the ACK only
 * after the returned promise resolves, so an AA must mean "committed". A throw becomes AE.
 */
export type MllpHandler = (raw: MllpRaw) => Promise<MllpHandlerResult>;

export interface MllpHealth {
  connections: number;
  /** frames received (including oversized ones) */
  messages: number;
  /** outcome per message, whether or not the sender's MSH-15 asked to be told */
  acked: Record<AckCode, number>;
  listening: boolean;
  refusedConnections: number;
  discardedBytes: number;
}

type Pending = { kind: 'frame'; bytes: Buffer; receivedAt: string } | { kind: 'oversized'; head: Buffer; size: number; receivedAt: string };

interface Connection {
  socket: net.Socket;
  origin: string;
  framer: MllpFramer;
  queue: Pending[];
  busy: boolean;
  closed: boolean;
}

/**
 * The MLLP listener (plain TCP or TLS). One message at a time per connection, in order: the
 * socket is paused while the handler runs and resumed once the ACK is written, so a fast
 * sender is held back by TCP flow control rather than by memory. The handler decides
 * durability; the ACK follows its promise. Logs carry peers, control ids, codes and counts,
 * never message content.
 */
export class MllpListener {
  private readonly opts: Options;
  private readonly log: Logger;
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();
  private stopping: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly idPrefix = randomBytes(3).toString('hex').toUpperCase();
  private ackSeq = 0;
  private readonly stats = { messages: 0, acked: { AA: 0, AE: 0, AR: 0 }, refusedConnections: 0, discardedBytes: 0 };

  constructor(options: MllpListenerOptions, private readonly handler: MllpHandler, log: Logger) {
    const parsed = MllpListenerOptions.safeParse(options);
    if (!parsed.success) throw new Error(`invalid MLLP listener options:\n${z.prettifyError(parsed.error)}`);
    this.opts = parsed.data;
    this.log = log.child({ component: 'mllp' });
  }

  start(): Promise<{ port: number }> {
    if (this.server) return Promise.reject(new Error('MLLP listener already started'));
    const { tls: tlsOpts } = this.opts;
    const server = tlsOpts
      ? tls.createServer({
          key: tlsOpts.key,
          cert: tlsOpts.cert,
          ...(tlsOpts.ca === undefined ? {} : { ca: tlsOpts.ca }),
          requestCert: tlsOpts.requestCert,
          rejectUnauthorized: tlsOpts.requestCert,
          handshakeTimeout: Math.min(this.opts.idleTimeoutMs || 120_000, 120_000),
        })
      : net.createServer();
    server.maxConnections = this.opts.maxConnections;
    server.on('drop', (data?: net.DropArgument) => {
      this.stats.refusedConnections += 1;
      this.log.warn({ peer: data?.remoteAddress, maxConnections: this.opts.maxConnections }, 'connection refused: too many connections');
    });
    if (tlsOpts) {
      server.on('secureConnection', (socket: tls.TLSSocket) => this.accept(socket));
      server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
        this.log.warn({ peer: socket.remoteAddress, err: err.message }, 'TLS handshake failed');
      });
    } else {
      server.on('connection', (socket: net.Socket) => this.accept(socket));
    }
    server.on('error', (err) => this.log.error({ err }, 'MLLP server error'));
    this.server = server;
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        this.server = undefined;
        reject(err);
      };
      server.once('error', onError);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', onError);
        const address = server.address() as net.AddressInfo;
        this.log.info({ host: this.opts.host, port: address.port, tls: tlsOpts !== undefined }, 'MLLP listener started');
        resolve({ port: address.port });
      });
    });
  }

  /**
   * Stops accepting, lets messages already received finish and get their ACKs (bounded by
   * `shutdownTimeoutMs`), closes idle connections at once and the rest when they finish or the
   * time is up. A message cut off this way was never acknowledged: the sender sends it again.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  health(): MllpHealth {
    return {
      connections: this.connections.size,
      messages: this.stats.messages,
      acked: { ...this.stats.acked },
      listening: this.server?.listening ?? false,
      refusedConnections: this.stats.refusedConnections,
      discardedBytes: this.stats.discardedBytes,
    };
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.connections) if (!conn.busy) conn.socket.destroy();
    if (this.connections.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.opts.shutdownTimeoutMs);
      });
      const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(false)));
      this.checkIdle();
      const late = await Promise.race([idle, timedOut]);
      clearTimeout(timer);
      if (late) this.log.warn({ connections: this.connections.size }, 'MLLP shutdown timed out: closing connections with messages in flight');
      for (const conn of this.connections) conn.socket.destroy();
    }
    await closed;
    this.log.info(this.health(), 'MLLP listener stopped');
  }

  private accept(socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const conn: Connection = {
      socket,
      origin: `mllp:${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
      framer: new MllpFramer(this.opts.maxFrameBytes),
      queue: [],
      busy: false,
      closed: false,
    };
    this.connections.add(conn);
    this.log.debug({ peer: conn.origin }, 'connection opened');
    socket.setNoDelay(true);
    if (this.opts.idleTimeoutMs > 0) {
      socket.setTimeout(this.opts.idleTimeoutMs, () => {
        // a message in progress is not idleness: the timer re-arms with the ACK write
        if (conn.busy) return;
        this.log.info({ peer: conn.origin }, 'idle connection closed');
        socket.destroy();
      });
    }
    socket.on('data', (chunk: Buffer) => this.receive(conn, conn.framer.push(chunk)));
    socket.on('error', (err: NodeJS.ErrnoException) => this.log.debug({ peer: conn.origin, err: err.code ?? err.message }, 'connection error'));
    socket.on('close', () => {
      conn.closed = true;
      this.receive(conn, conn.framer.end());
      this.connections.delete(conn);
      this.log.debug({ peer: conn.origin }, 'connection closed');
      this.checkIdle();
    });
  }

  private receive(conn: Connection, events: FrameEvent[]): void {
    for (const e of events) {
      if (e.kind === 'discarded') {
        this.stats.discardedBytes += e.count;
        this.log[e.whitespaceOnly ? 'debug' : 'warn']({ peer: conn.origin, discardedBytes: e.count }, 'bytes outside an MLLP frame discarded');
        continue;
      }
      this.stats.messages += 1;
      conn.queue.push({ ...e, receivedAt: new Date().toISOString() });
    }
    if (conn.queue.length > 0 && !conn.busy && !conn.closed) void this.drain(conn);
  }

  /** Handles the connection's messages one by one; reading resumes once the last ACK is written. */
  private async drain(conn: Connection): Promise<void> {
    conn.busy = true;
    conn.socket.pause();
    try {
      for (let next = conn.queue.shift(); next !== undefined; next = conn.queue.shift()) {
        const ack = await this.process(conn, next);
        if (ack !== null) await this.write(conn, ack);
      }
    } catch (err) {
      // process() does not throw; a bug here must not leave the connection paused forever
      this.log.error({ err, peer: conn.origin }, 'MLLP connection failed');
      conn.socket.destroy();
    } finally {
      conn.busy = false;
    }
    if (this.stopping) conn.socket.destroy();
    else if (!conn.closed) conn.socket.resume();
    this.checkIdle();
  }

  private async process(conn: Connection, item: Pending): Promise<{ text: string; encoding: TextEncoding } | null> {
    if (item.kind === 'oversized') {
      const { text } = decodeFrame(item.head);
      this.stats.acked.AR += 1;
      this.log.warn({ peer: conn.origin, code: 'HL7_FRAME_TOO_LARGE', frameBytes: item.size, maxFrameBytes: this.opts.maxFrameBytes }, 'message rejected');
      return this.ack({
        message: null,
        rawText: text,
        code: 'AR',
        error: { code: 'HL7_FRAME_TOO_LARGE', text: `message larger than ${this.opts.maxFrameBytes} bytes` },
        now: new Date(),
      }, 'utf8');
    }
    const { text, encoding } = decodeFrame(item.bytes);
    if (text === '') {
      this.stats.acked.AR += 1;
      this.log.warn({ peer: conn.origin, code: 'HL7_EMPTY_INPUT' }, 'message rejected');
      return this.ack({ message: null, rawText: '', code: 'AR', error: { code: 'HL7_EMPTY_INPUT', text: 'empty MLLP frame' }, now: new Date() }, encoding);
    }
    let result: MllpHandlerResult;
    try {
      result = await this.handler({ text, bytes: item.bytes, origin: conn.origin, receivedAt: item.receivedAt });
    } catch (err) {
      this.log.error({ err, peer: conn.origin, code: 'STORE_UNAVAILABLE' }, 'message handler failed; answering AE');
      result = { code: 'AE', message: tryParse(text), error: { code: 'STORE_UNAVAILABLE', text: 'the message could not be stored; send it again later' } };
    }
    this.stats.acked[result.code] += 1;
    if (result.code !== 'AA') {
      this.log.warn({ peer: conn.origin, ack: result.code, code: result.error?.code, messageControlId: result.message?.controlId }, 'message not accepted');
    }
    return this.ack({ message: result.message, rawText: text, code: result.code, ...(result.error ? { error: result.error } : {}), now: new Date() }, encoding);
  }

  private ack(input: Omit<AckInput, 'controlId'>, encoding: TextEncoding): { text: string; encoding: TextEncoding } | null {
    this.ackSeq += 1;
    const controlId = `${this.idPrefix}${Date.now().toString(36).toUpperCase()}${this.ackSeq.toString(36).toUpperCase()}`;
    const text = buildAck({ ...input, controlId });
    return text === null ? null : { text, encoding };
  }

  /** One write per ACK (VT ack FS CR), in the charset the message came in; resolves once handed to the kernel. */
  private write(conn: Connection, ack: { text: string; encoding: TextEncoding }): Promise<void> {
    const { socket } = conn;
    if (conn.closed || socket.destroyed || !socket.writable) return Promise.resolve();
    const frame = encodeFrame(Buffer.from(ack.text, ack.encoding));
    return new Promise((resolve) => {
      socket.write(frame, (err) => {
        if (err) this.log.debug({ peer: conn.origin, err: err.message }, 'ACK not delivered');
        resolve();
      });
    });
  }

  private checkIdle(): void {
    if (!this.stopping) return;
    if ([...this.connections].some((c) => c.busy)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** The header of a message the handler failed on, for an ACK that names it (and its ack mode). */
function tryParse(text: string): Hl7Message | null {
  try {
    return parseMessage(text);
  } catch {
    return null;
  }
}
