import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import { z } from 'zod';
import { MllpLimits } from '../config/mllp.schema.js';
import type { ErrorCode } from '../errors.js';
import { buildAck, type AckCode, type AckInput } from '../hl7/ack.js';
import type { Hl7Message } from '../hl7/message.js';
import { parseMessage } from '../hl7/parse.js';
import type { TextEncoding } from '../hl7/text-encoding.js';
import type { RawMessage } from '../pipeline/ingest.js';
import { FailureStreak } from './failure-streak.js';
import { evictable, overdue, peerAddress, pickVictim, type CloseReason, type ConnectionView, type RefuseReason } from './mllp-connection-policy.js';
import { decodeFrame, encodeFrame, MllpFramer, REJECT_HEAD_BYTES, spanOf, type FrameEvent, type RejectedSpan, type RejectReason } from './mllp-framer.js';
import { PeerEventLog } from './mllp-peer-events.js';

const KeyMaterial = z.union([z.string().min(1), z.instanceof(Buffer)]);

/** The limits (config/mllp.schema.ts, where their defaults live) and the listener's own settings. */
export const MllpListenerOptions = MllpLimits.extend({
  host: z.string().min(1).default('127.0.0.1'),
  /** 0 = an ephemeral port (tests); `start()` returns the port bound */
  port: z.number().int().min(0).max(65535),
  /** how long `stop()` waits for in-flight messages to be acknowledged before closing anyway */
  shutdownTimeoutMs: z.number().int().min(0).default(10_000),
  /** how much of a rejected span `onReject` gets (its size and SHA-256 cover all of it); at least 4 KiB */
  rejectHeadBytes: z.number().int().min(REJECT_HEAD_BYTES).default(REJECT_HEAD_BYTES),
  /** connection events are logged once per peer per interval, as counts */
  eventLogIntervalMs: z.number().int().positive().default(60_000),
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

export interface MllpHandlerResult {
  code: AckCode;
  message: Hl7Message | null;
  error?: { code: ErrorCode; text: string };
}

/**
 * Decides the fate of one message and, with it, durability: the listener writes the ACK only
 * after the returned promise resolves, so an AA must mean "committed". A throw becomes AE.
 * `raw.origin` is "mllp:<address>:<port>" of the peer.
 *
 * A handler marked `inOrder` keeps each origin's messages in order itself: the listener may
 * then hand it a connection's next message before the previous one is answered, so messages a
 * sender pipelined share a commit instead of waiting for one each. Unmarked, one at a time.
 */
export type MllpHandler = ((raw: RawMessage) => Promise<MllpHandlerResult>) & { readonly inOrder?: true };

/** The codes of what the listener itself rejects, before any handler sees it. */
export type MllpRejectCode = 'HL7_FRAME_TOO_LARGE' | 'HL7_EMPTY_INPUT' | 'MLLP_ABANDONED_FRAME' | 'MLLP_INCOMPLETE_FRAME' | 'MLLP_UNFRAMED_BYTES' | 'MLLP_HTTP_REQUEST';

/**
 * Every permanent reject of the listener goes through this one callback, with the raw bytes'
 * first `rejectHeadBytes`, their size and SHA-256: the composition root decides where they are
 * kept (a dead-letter store with quotas). It must not block. For a rejected frame (oversized,
 * empty) the AR waits for the returned promise: a permanent answer only once the bytes are kept,
 * and AE (the sender retries) when keeping them failed. Other spans get no answer; their
 * failures are logged.
 */
export type OnMllpReject = (origin: string, code: MllpRejectCode, bytesPrefix: Buffer, size: number, sha256: string) => void | Promise<void>;

const REJECT_CODES: Record<RejectReason, MllpRejectCode> = {
  oversized: 'HL7_FRAME_TOO_LARGE',
  abandoned: 'MLLP_ABANDONED_FRAME',
  incomplete: 'MLLP_INCOMPLETE_FRAME',
  unframed: 'MLLP_UNFRAMED_BYTES',
  http: 'MLLP_HTTP_REQUEST',
};

const HTTP_BODY = 'This port speaks MLLP (HL7 v2), not HTTP. Health and readiness: GET /healthz and /readyz on the health port.\n';
/** the answer to an HTTP request on the MLLP port: a misdirected browser or health check learns why */
const HTTP_400 = Buffer.from(
  `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(HTTP_BODY)}\r\nConnection: close\r\n\r\n${HTTP_BODY}`,
  'latin1',
);

export interface MllpHealth {
  connections: number;
  maxConnections: number;
  /** connections a newcomer could have now: free slots plus connections it may evict */
  freeSlots: number;
  /** frames received (including oversized and empty ones) */
  messages: number;
  /** outcome per message, whether or not the sender's MSH-15 asked to be told */
  acked: Record<AckCode, number>;
  listening: boolean;
  /** connections refused, in all and per reason */
  refusedConnections: number;
  refused: Record<RefuseReason, number>;
  /** connections the listener closed, per reason (not those the peer closed) */
  closed: Record<CloseReason, number>;
  /** what the listener rejected itself, per code: spans and bytes */
  rejected: Partial<Record<MllpRejectCode, { count: number; bytes: number }>>;
  /** whitespace between frames: not rejected, only counted */
  ignoredBytes: number;
  /** every byte received that was not part of a frame: rejected spans other than frames, and whitespace */
  discardedBytes: number;
  tlsHandshakeFailures: number;
}

type Pending = { kind: 'frame'; bytes: Buffer; receivedAt: string } | { kind: 'oversized'; span: RejectedSpan; receivedAt: string };

interface Connection {
  /** the raw TCP socket until a TLS handshake completes, then the TLS socket */
  socket: net.Socket;
  attached: boolean;
  peer: string;
  origin: string;
  framer: MllpFramer;
  queue: Pending[];
  /** the drain loop runs: a message is being handled or answered */
  busy: boolean;
  closed: boolean;
  /** nothing more is read: the peer half-closed, or sent HTTP; answer what was received, then end */
  readEnded: boolean;
  farewell: Buffer | undefined;
  ending: boolean;
  openedAt: number;
  idleSince: number;
  frameStartedAt: number;
  messagesHandled: number;
}

/**
 * The MLLP listener (plain TCP or TLS). One message at a time per connection, in order: the
 * socket is paused while the handler runs and resumed once the ACK is written, so a fast sender
 * is held back by TCP flow control rather than by memory. The handler decides durability; the
 * ACK follows its promise. A peer that half-closes gets the ACKs of everything it sent before
 * its FIN. Slots are defended by the connection policy (mllp-connection-policy.ts), checked by
 * one sweep timer. Logs carry peers, control ids, codes and counts, never message content, and
 * connection events are counted and summarised per peer, not logged one by one.
 */
export class MllpListener {
  private readonly opts: Options;
  private readonly log: Logger;
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();
  /** TLS connections admitted but still in their handshake, by "address|port" */
  private readonly handshaking = new Map<string, Connection>();
  private stopping: Promise<void> | undefined;
  private idleWaiters: (() => void)[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  private readonly idPrefix = randomBytes(3).toString('hex').toUpperCase();
  private ackSeq = 0;
  private readonly events: PeerEventLog;
  private readonly failures: FailureStreak;
  private readonly stats = {
    messages: 0,
    acked: { AA: 0, AE: 0, AR: 0 } as Record<AckCode, number>,
    refused: { maxConnections: 0, perPeer: 0, stopping: 0 } as Record<RefuseReason, number>,
    closed: { firstByteTimeout: 0, idleTimeout: 0, frameTimeout: 0, slowSender: 0, evicted: 0, httpRequest: 0 } as Record<CloseReason, number>,
    rejected: {} as Partial<Record<MllpRejectCode, { count: number; bytes: number }>>,
    ignoredBytes: 0,
    tlsHandshakeFailures: 0,
  };

  constructor(options: MllpListenerOptions, private readonly handler: MllpHandler, log: Logger, private readonly onReject?: OnMllpReject) {
    const parsed = MllpListenerOptions.safeParse(options);
    if (!parsed.success) throw new Error(`invalid MLLP listener options:\n${z.prettifyError(parsed.error)}`);
    this.opts = parsed.data;
    this.log = log.child({ component: 'mllp' });
    this.events = new PeerEventLog(this.log, this.opts.eventLogIntervalMs);
    this.failures = new FailureStreak(this.opts.unreadyAfterFailingMs);
  }

  start(): Promise<{ port: number }> {
    if (this.server) return Promise.reject(new Error('MLLP listener already started'));
    const { tls: tlsOpts } = this.opts;
    // half-open: a peer's FIN ends its input, not our answers to it
    const server = tlsOpts
      ? tls.createServer({
          allowHalfOpen: true,
          key: tlsOpts.key,
          cert: tlsOpts.cert,
          ...(tlsOpts.ca === undefined ? {} : { ca: tlsOpts.ca }),
          requestCert: tlsOpts.requestCert,
          rejectUnauthorized: tlsOpts.requestCert,
          handshakeTimeout: this.opts.firstByteTimeoutMs || 120_000,
        })
      : net.createServer({ allowHalfOpen: true });
    // slots are counted per TCP connection, before any TLS handshake
    server.on('connection', (raw: net.Socket) => this.admit(raw, tlsOpts !== undefined));
    if (tlsOpts) {
      server.on('secureConnection', (socket: tls.TLSSocket) => this.secured(socket));
      server.on('tlsClientError', (err: Error, socket: tls.TLSSocket) => {
        const conn = this.handshaking.get(socketKey(socket));
        if (!conn) return; // refused or evicted by us
        this.stats.tlsHandshakeFailures += 1;
        this.events.note(conn.peer, 'tlsHandshakeFailed', Date.now());
        this.log.debug({ peer: conn.origin, err: err.message }, 'TLS handshake failed');
      });
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
        this.sweeper = setInterval(() => this.sweep(), sweepEveryMs(this.opts));
        this.sweeper.unref();
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
    const now = Date.now();
    const evictableNow = [...this.connections].filter((c) => evictable(this.view(c), this.opts, now)).length;
    const rejectedBytes = Object.entries(this.stats.rejected)
      .filter(([code]) => code !== 'HL7_FRAME_TOO_LARGE' && code !== 'HL7_EMPTY_INPUT')
      .reduce((n, [, v]) => n + v.bytes, 0);
    return {
      connections: this.connections.size,
      maxConnections: this.opts.maxConnections,
      freeSlots: Math.max(0, this.opts.maxConnections - this.connections.size) + evictableNow,
      messages: this.stats.messages,
      acked: { ...this.stats.acked },
      listening: this.server?.listening ?? false,
      refusedConnections: Object.values(this.stats.refused).reduce((a, b) => a + b, 0),
      refused: { ...this.stats.refused },
      closed: { ...this.stats.closed },
      rejected: Object.fromEntries(Object.entries(this.stats.rejected).map(([k, v]) => [k, { ...v }])),
      ignoredBytes: this.stats.ignoredBytes,
      discardedBytes: rejectedBytes + this.stats.ignoredBytes,
      tlsHandshakeFailures: this.stats.tlsHandshakeFailures,
    };
  }

  /** true when a new sender would be served now; otherwise why not (for /readyz). */
  readiness(): true | string {
    if (!this.server?.listening) return 'MLLP listener not listening';
    const { freeSlots, connections } = this.health();
    if (freeSlots === 0) return `no free MLLP connection slot: all ${connections} connections are handling or receiving messages`;
    const failing = this.failures.failing(Date.now());
    if (failing) return `every MLLP message answered AE (${failing.code}) for ${Math.round(failing.forMs / 1000)} s: the store cannot take writes`;
    return true;
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    clearInterval(this.sweeper);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.connections) if (!conn.busy) conn.socket.destroy();
    if ([...this.connections].some((c) => c.busy)) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.opts.shutdownTimeoutMs);
      });
      const idle = new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(false)));
      this.checkIdle();
      const late = await Promise.race([idle, timedOut]);
      clearTimeout(timer);
      if (late) this.log.warn({ connections: this.connections.size }, 'MLLP shutdown timed out: closing connections with messages in flight');
    }
    for (const conn of this.connections) conn.socket.destroy();
    await closed;
    this.events.flush(Date.now(), true);
    this.log.info(this.health(), 'MLLP listener stopped');
  }

  /** A new TCP connection takes a slot: a free one, or one given up by a connection that is not making progress. */
  private admit(raw: net.Socket, isTls: boolean): void {
    const now = Date.now();
    const peer = peerAddress(raw.remoteAddress);
    if (this.stopping) return this.refuse(raw, peer, 'stopping', now);
    const { maxConnections, maxConnectionsPerPeer } = this.opts;
    if (maxConnectionsPerPeer > 0) {
      const mine = [...this.connections].filter((c) => c.peer === peer);
      if (mine.length >= maxConnectionsPerPeer && !this.evictOne(mine, now)) return this.refuse(raw, peer, 'perPeer', now);
    }
    if (this.connections.size >= maxConnections && !this.evictOne(this.connections, now)) return this.refuse(raw, peer, 'maxConnections', now);
    const conn: Connection = {
      socket: raw,
      attached: false,
      peer,
      origin: `mllp:${raw.remoteAddress ?? '?'}:${raw.remotePort ?? '?'}`,
      framer: new MllpFramer(this.opts.maxFrameBytes, this.opts.rejectHeadBytes),
      queue: [],
      busy: false,
      closed: false,
      readEnded: false,
      farewell: undefined,
      ending: false,
      openedAt: now,
      idleSince: now,
      frameStartedAt: now,
      messagesHandled: 0,
    };
    this.connections.add(conn);
    if (!isTls) {
      this.attach(conn, raw);
      return;
    }
    const key = socketKey(raw);
    this.handshaking.set(key, conn);
    raw.once('close', () => {
      this.handshaking.delete(key);
      if (!conn.attached) this.forget(conn);
    });
  }

  private secured(socket: tls.TLSSocket): void {
    const key = socketKey(socket);
    const conn = this.handshaking.get(key);
    this.handshaking.delete(key);
    if (!conn || !this.connections.has(conn)) {
      socket.destroy();
      return;
    }
    this.attach(conn, socket);
  }

  private refuse(raw: net.Socket, peer: string, reason: RefuseReason, now: number): void {
    this.stats.refused[reason] += 1;
    this.events.note(peer, `refused.${reason}`, now);
    raw.destroy();
  }

  private evictOne(candidates: Iterable<Connection>, now: number): boolean {
    const victim = pickVictim(candidates, (c) => this.view(c), this.opts, now);
    if (victim) this.close(victim, 'evicted', now);
    return victim !== undefined;
  }

  /** Closes a connection for a policy reason; its slot is free at once (the partial frame is counted when the socket closes). */
  private close(conn: Connection, reason: CloseReason, now: number): void {
    this.connections.delete(conn);
    this.stats.closed[reason] += 1;
    this.events.note(conn.peer, `closed.${reason}`, now);
    conn.socket.destroy();
  }

  private forget(conn: Connection): void {
    conn.closed = true;
    this.connections.delete(conn);
    this.checkIdle();
  }

  private attach(conn: Connection, socket: net.Socket): void {
    conn.socket = socket;
    conn.attached = true;
    conn.origin = `mllp:${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    socket.on('end', () => {
      conn.readEnded = true;
      this.receive(conn, conn.framer.end());
      this.finishIfDone(conn);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => this.log.debug({ peer: conn.origin, err: err.code ?? err.message }, 'connection error'));
    socket.on('close', () => {
      this.receive(conn, conn.framer.end());
      this.forget(conn);
    });
  }

  private onData(conn: Connection, chunk: Buffer): void {
    const { framer } = conn;
    const started = framer.framesStarted;
    const events = framer.push(chunk);
    if (framer.framesStarted !== started) conn.frameStartedAt = Date.now();
    this.receive(conn, events);
    if (framer.looksLikeHttp() && !conn.readEnded) {
      // not an MLLP sender: stop reading, answer what came before, then a 400, and close
      conn.socket.pause();
      conn.readEnded = true;
      conn.farewell = HTTP_400;
      this.stats.closed.httpRequest += 1;
      this.events.note(conn.peer, 'closed.httpRequest', Date.now());
      this.receive(conn, framer.end());
      this.finishIfDone(conn);
    }
  }

  private receive(conn: Connection, events: FrameEvent[]): void {
    for (const e of events) {
      if (e.kind === 'ignored') {
        this.stats.ignoredBytes += e.count;
      } else if (e.kind === 'frame') {
        this.stats.messages += 1;
        conn.queue.push({ kind: 'frame', bytes: e.bytes, receivedAt: new Date().toISOString() });
      } else if (e.reason === 'oversized') {
        this.stats.messages += 1;
        conn.queue.push({ kind: 'oversized', span: e, receivedAt: new Date().toISOString() });
      } else {
        this.reject(conn, REJECT_CODES[e.reason], e)?.catch((err: unknown) => this.log.error({ err, code: REJECT_CODES[e.reason] }, 'MLLP reject not kept'));
      }
    }
    if (conn.queue.length > 0 && !conn.busy && !conn.closed) void this.drain(conn);
  }

  /** Counts a rejected span and hands it to `onReject`; the promise settles once it is kept. */
  private reject(conn: Connection, code: MllpRejectCode, span: RejectedSpan): Promise<void> | undefined {
    const tally = (this.stats.rejected[code] ??= { count: 0, bytes: 0 });
    tally.count += 1;
    tally.bytes += span.size;
    this.events.note(conn.peer, `rejected.${code}`, Date.now(), span.size);
    try {
      return this.onReject?.(conn.origin, code, span.head, span.size, span.sha256) ?? undefined;
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** A rejected frame is answered AR once its bytes are kept; if they could not be, AE (send it again). */
  private async keepRejected(conn: Connection, code: MllpRejectCode, span: RejectedSpan, text: string): Promise<{ code: 'AR' } | MllpHandlerResult> {
    try {
      await this.reject(conn, code, span);
      this.failures.success();
      return { code: 'AR' };
    } catch (err) {
      const first = this.failures.failure(Date.now(), 'STORE_UNAVAILABLE');
      this.log[first ? 'error' : 'debug']({ err, peer: conn.origin, code }, 'rejected frame not kept; answering AE');
      return { code: 'AE', message: tryParse(text), error: { code: 'STORE_UNAVAILABLE', text: 'the message could not be stored; send it again later' } };
    }
  }

  /**
   * Handles the connection's messages in order; reading resumes once the last ACK is written.
   * With an `inOrder` handler every message received so far is handed over at once (the handler
   * orders them; their commits are shared) and their ACKs, in order, go out in one write.
   */
  private async drain(conn: Connection): Promise<void> {
    conn.busy = true;
    conn.socket.pause();
    try {
      if (this.handler.inOrder) {
        while (conn.queue.length > 0) {
          const answers = await Promise.all(conn.queue.splice(0).map((item) => this.process(conn, item)));
          await this.write(conn, answers.filter((a): a is { text: string; encoding: TextEncoding } => a !== null));
        }
      } else {
        for (let next = conn.queue.shift(); next !== undefined; next = conn.queue.shift()) {
          const ack = await this.process(conn, next);
          if (ack !== null) await this.write(conn, [ack]);
        }
      }
    } catch (err) {
      // process() does not throw; a bug here must not leave the connection paused forever
      this.log.error({ err, peer: conn.origin }, 'MLLP connection failed');
      conn.socket.destroy();
    } finally {
      conn.busy = false;
    }
    const now = Date.now();
    conn.idleSince = now;
    // a frame that began before the pause is timed from now: the wait was ours, not the peer's
    conn.frameStartedAt = now;
    if (this.stopping) conn.socket.destroy();
    else if (conn.readEnded) this.finishIfDone(conn);
    else if (!conn.closed) conn.socket.resume();
    this.checkIdle();
  }

  /** After the peer's FIN (or an HTTP request): once every message received is answered, end our side too. */
  private finishIfDone(conn: Connection): void {
    if (!conn.readEnded || conn.busy || conn.queue.length > 0 || conn.ending || conn.closed) return;
    conn.ending = true;
    const { socket } = conn;
    const done = (): void => {
      socket.destroy();
    };
    if (conn.farewell) socket.end(conn.farewell, done);
    else socket.end(done);
  }

  private async process(conn: Connection, item: Pending): Promise<{ text: string; encoding: TextEncoding } | null> {
    if (item.kind === 'oversized') {
      // the span starts with the VT; its head holds MSH-10 for the AR
      const { text } = decodeFrame(item.span.head.subarray(1));
      const kept = await this.keepRejected(conn, 'HL7_FRAME_TOO_LARGE', item.span, text);
      if (kept.code !== 'AR') return this.answer(conn, { ...kept, rawText: text, message: null, now: new Date() }, 'utf8');
      return this.answer(conn, {
        message: null,
        rawText: text,
        code: 'AR',
        error: { code: 'HL7_FRAME_TOO_LARGE', text: `message larger than ${this.opts.maxFrameBytes} bytes` },
        now: new Date(),
      }, 'utf8');
    }
    const { text, encoding } = decodeFrame(item.bytes);
    if (text === '') {
      const kept = await this.keepRejected(conn, 'HL7_EMPTY_INPUT', spanOf([Buffer.from([0x0b]), item.bytes, Buffer.from([0x1c])]), text);
      if (kept.code !== 'AR') return this.answer(conn, { ...kept, rawText: '', message: null, now: new Date() }, encoding);
      return this.answer(conn, { message: null, rawText: '', code: 'AR', error: { code: 'HL7_EMPTY_INPUT', text: 'empty MLLP frame' }, now: new Date() }, encoding);
    }
    conn.messagesHandled += 1;
    let result: MllpHandlerResult;
    let thrown: unknown;
    try {
      result = await this.handler({ text, bytes: item.bytes, origin: conn.origin, receivedAt: item.receivedAt });
    } catch (err) {
      thrown = err;
      result = { code: 'AE', message: tryParse(text), error: { code: 'STORE_UNAVAILABLE', text: 'the message could not be stored; send it again later' } };
    }
    if (result.code === 'AE') {
      // the first failure of a streak is logged with its error; the rest are counted
      const first = this.failures.failure(Date.now(), result.error?.code ?? 'AE');
      if (thrown !== undefined) this.log[first ? 'error' : 'debug']({ err: thrown, peer: conn.origin, code: 'STORE_UNAVAILABLE' }, 'message handler failed; answering AE');
    } else {
      this.failures.success();
    }
    return this.answer(conn, { message: result.message, rawText: text, code: result.code, ...(result.error ? { error: result.error } : {}), now: new Date() }, encoding);
  }

  /** Counts the outcome (a non-AA one also in the peer's log summary) and builds the ACK. */
  private answer(conn: Connection, input: Omit<AckInput, 'controlId'>, encoding: TextEncoding): { text: string; encoding: TextEncoding } | null {
    this.stats.acked[input.code] += 1;
    if (input.code !== 'AA') {
      this.events.note(conn.peer, `answered.${input.code}.${input.error?.code ?? ''}`, Date.now());
      this.log.debug({ peer: conn.origin, ack: input.code, code: input.error?.code, messageControlId: input.message?.controlId }, 'message not accepted');
    }
    this.ackSeq += 1;
    const controlId = `${this.idPrefix}${Date.now().toString(36).toUpperCase()}${this.ackSeq.toString(36).toUpperCase()}`;
    const text = buildAck({ ...input, controlId });
    return text === null ? null : { text, encoding };
  }

  /** One write for the ACKs (VT ack FS CR each), each in the charset its message came in; resolves once handed to the kernel. */
  private write(conn: Connection, acks: { text: string; encoding: TextEncoding }[]): Promise<void> {
    const { socket } = conn;
    if (acks.length === 0 || conn.closed || socket.destroyed || !socket.writable) return Promise.resolve();
    const frames = acks.map((ack) => encodeFrame(Buffer.from(ack.text, ack.encoding)));
    const frame = frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames);
    return new Promise((resolve) => {
      socket.write(frame, (err) => {
        if (err) this.log.debug({ peer: conn.origin, err: err.message }, 'ACK not delivered');
        resolve();
      });
    });
  }

  /** Closes the connections past a deadline and writes the per-peer event summaries that are due. */
  private sweep(): void {
    const now = Date.now();
    for (const conn of this.connections) {
      const reason = overdue(this.view(conn), this.opts, now);
      if (reason) this.close(conn, reason, now);
    }
    this.events.flush(now);
  }

  private view(conn: Connection): ConnectionView {
    const { framer } = conn;
    return {
      openedAt: conn.openedAt,
      idleSince: conn.idleSince,
      everStarted: framer.framesStarted > 0,
      messagesHandled: conn.messagesHandled,
      frame: framer.inFrame ? { startedAt: conn.frameStartedAt, bytes: framer.partialBytes } : undefined,
      busy: conn.busy || conn.queue.length > 0,
    };
  }

  private checkIdle(): void {
    if (!this.stopping) return;
    if ([...this.connections].some((c) => c.busy)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** The sweep runs often enough for the shortest deadline to be kept within a quarter of itself. */
function sweepEveryMs(o: Options): number {
  const deadlines = [o.firstByteTimeoutMs, o.idleTimeoutMs, o.frameTimeoutMs, o.minRateGraceMs].filter((d) => d > 0);
  return Math.min(1_000, Math.max(20, Math.floor(Math.min(4_000, ...deadlines) / 4)));
}

function socketKey(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}|${socket.remotePort ?? '?'}`;
}

/** The header of a message the handler failed on, for an ACK that names it (and its ack mode). */
function tryParse(text: string): Hl7Message | null {
  try {
    return parseMessage(text);
  } catch {
    return null;
  }
}
