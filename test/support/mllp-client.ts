import net from 'node:net';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

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
  constructor(timeoutMs: number) {
    super(`no MLLP ACK within ${timeoutMs} ms`);
    this.name = 'MllpTimeoutError';
  }
}

/** The connection closed or failed before the ACK arrived. */
export class MllpConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MllpConnectionError';
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

interface Waiter {
  resolve: (ack: MllpAck) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** MSH-1 gives the field separator; MSA-1 and MSA-2 are read with it. */
export function parseAck(ackText: string): MllpAck {
  const segments = ackText.split(/\r\n|\r|\n/);
  const fieldSep = segments[0]?.startsWith('MSH') ? (segments[0][3] ?? '|') : '|';
  const msa = segments.find((s) => s.startsWith(`MSA${fieldSep}`));
  if (!msa) throw new Error(`ACK without MSA segment: ${JSON.stringify(ackText.slice(0, 200))}`);
  const fields = msa.split(fieldSep);
  return { ackCode: fields[1] ?? '', controlId: fields[2] ?? '', ackText };
}

/**
 * A minimal MLLP client for tests: one connection, one message at a time (a `send` issued while
 * another waits is queued behind it), each ACK awaited with a timeout. After a timeout or a
 * connection failure the client is unusable: later sends reject at once.
 */
export class MllpClient {
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: Waiter | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;
  /** messages written whose ACK has not arrived (0 or 1) */
  inFlight = 0;

  private constructor(private readonly socket: net.Socket, private readonly timeoutMs: number) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.fail(new MllpConnectionError(`MLLP connection error: ${err.message}`)));
    socket.on('close', () => this.fail(new MllpConnectionError('MLLP connection closed before the ACK')));
  }

  static connect(opts: MllpClientOptions): Promise<MllpClient> {
    const host = opts.host ?? '127.0.0.1';
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host, port: opts.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new MllpConnectionError(`could not connect to ${host}:${opts.port} within ${opts.connectTimeoutMs ?? 5_000} ms`));
      }, opts.connectTimeoutMs ?? 5_000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(new MllpConnectionError(`could not connect to ${host}:${opts.port}: ${err.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new MllpClient(socket, opts.timeoutMs ?? 10_000));
      });
    });
  }

  get usable(): boolean {
    return this.failure === undefined;
  }

  /** Frames `text` (VT text FS CR), writes it and resolves with the parsed ACK. */
  send(text: string | Buffer, timeoutMs = this.timeoutMs): Promise<MllpAck> {
    const run = this.chain.then(() => this.sendNow(text, timeoutMs));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Closes the connection (resolves once it is closed). */
  close(): Promise<void> {
    this.fail(new MllpConnectionError('MLLP client closed'));
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.destroy();
    });
  }

  private sendNow(text: string | Buffer, timeoutMs: number): Promise<MllpAck> {
    if (this.failure) return Promise.reject(this.failure);
    const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const frame = Buffer.concat([Buffer.from([VT]), body, Buffer.from([FS, CR])]);
    return new Promise<MllpAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        const err = new MllpTimeoutError(timeoutMs);
        this.fail(err);
        this.socket.destroy();
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
      this.inFlight = 1;
      this.socket.write(frame);
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const start = this.buffer.indexOf(VT);
      if (start < 0) {
        this.buffer = Buffer.alloc(0);
        return;
      }
      const end = this.buffer.indexOf(FS, start + 1);
      if (end < 0) {
        this.buffer = this.buffer.subarray(start);
        return;
      }
      const text = this.buffer.subarray(start + 1, end).toString('latin1');
      this.buffer = this.buffer.subarray(this.buffer[end + 1] === CR ? end + 2 : end + 1);
      const waiter = this.waiter;
      if (!waiter) {
        this.fail(new MllpConnectionError(`unexpected ACK with no message outstanding: ${JSON.stringify(text.slice(0, 120))}`));
        this.socket.destroy();
        return;
      }
      this.waiter = undefined;
      this.inFlight = 0;
      clearTimeout(waiter.timer);
      try {
        waiter.resolve(parseAck(text));
      } catch (err) {
        waiter.reject(err as Error);
      }
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    waiter.reject(err);
  }
}
