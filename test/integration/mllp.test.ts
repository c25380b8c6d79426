import Database from 'better-sqlite3';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { Client, Message, type InboundResponse } from 'node-hl7-client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { groupCommit, pipelineMllpHandler } from '../../src/consumers/mllp-handler.js';
import { MllpListener, type MllpHandler, type MllpListenerOptions } from '../../src/consumers/mllp.consumer.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { startEmbedded, type Embedded } from '../../src/app/embedded.js';
import { MLLP_FS_CR as FS_CR, MLLP_VT as VT } from '../../testkit/mllp.js';

// Synthetic messages only (fake patients TESTPATIENT^…, facility SYNTHLAB); loopback only.

const log = pino({ level: 'silent' });
const frame = (text: string): string => `${VT}${text}${FS_CR}`;

let seq = 0;
/** A platelet result (512, above the default threshold: the store keeps it). */
function oru(opts: { id?: string; mrn?: string; sep?: string; extra?: string[] } = {}): { id: string; mrn: string; text: string } {
  seq += 1;
  const id = opts.id ?? `MLLP${process.pid}-${seq}`;
  const mrn = opts.mrn ?? `PM${process.pid}${seq}`;
  const segments = [
    `MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ORU^R01|${id}|P|2.5.1`,
    `PID|1||${mrn}^^^SYNTH^MR||TESTPATIENT^MLLP||19700101|F`,
    'OBR|1|PL0001|FL0001^SYNTHLAB|777-3^Platelets^LN|||20250301100000',
    'OBX|1|NM|777-3^Platelets^LN||512|10*3/uL|150-450|H|||F',
    ...(opts.extra ?? []),
  ];
  return { id, mrn, text: segments.join(opts.sep ?? '\r') };
}

/** A minimal MLLP client that collects ACK frames in order. */
class TestClient {
  private buffer = '';
  private readonly frames: string[] = [];
  private waiter: (() => void) | undefined;
  readonly closed: Promise<void>;

  constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      for (let end = this.buffer.indexOf(FS_CR); end >= 0; end = this.buffer.indexOf(FS_CR)) {
        const start = this.buffer.indexOf(VT);
        this.frames.push(this.buffer.slice(start + 1, end));
        this.buffer = this.buffer.slice(end + 2);
      }
      this.waiter?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.waiter?.();
      resolve();
    }));
  }

  static connect(port: number): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /** The next ACK, or a rejection after `timeoutMs` or when the connection closes first. */
  async next(timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.socket.destroyed) throw new Error('connection closed before an ACK arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ACK within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.frames.shift() as string;
  }

  pendingFrames(): number {
    return this.frames.length;
  }

  close(): Promise<void> {
    this.socket.end();
    return this.closed;
  }
}

/** MSA-1, MSA-2 and ERR-3.1 of an ACK. */
function readAck(ack: string): { code: string; controlId: string; error: string } {
  const parsed = parseMessage(ack.replace(/\r+$/, ''));
  const seg = (id: string) => parsed.segments.find((s) => s.id === id);
  return { code: seg('MSA')?.get(1) ?? '', controlId: seg('MSA')?.get(2) ?? '', error: (seg('ERR')?.get(3) ?? '').split('^')[0] ?? '' };
}

function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

describe('when an embedded app receives messages over MLLP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-mllp-'));
  const dbPath = join(dir, 'state.db');
  let app: Embedded;
  let listener: MllpListener;
  let port: number;
  let reader: Database.Database;

  /** read through another connection: it sees committed transactions only */
  const committed = (controlId: string): boolean =>
    (reader.prepare('SELECT count(*) AS n FROM messages WHERE control_id = ?').get(controlId) as { n: number }).n === 1;

  beforeAll(async () => {
    app = startEmbedded({ dbPath, profile: DEFAULT_PROFILE, log });
    listener = new MllpListener({ port: 0, maxFrameBytes: 64 * 1024 }, pipelineMllpHandler(app.pipeline, app.db), log);
    ({ port } = await listener.start());
    reader = new Database(dbPath, { readonly: true, fileMustExist: true });
  });

  afterAll(async () => {
    await listener.stop();
    reader.close();
    await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers AA to a valid ORU only once it is committed to the store', async () => {
    const client = await TestClient.connect(port);
    const msg = oru();
    await client.write(frame(msg.text));
    const ack = readAck(await client.next());
    expect(ack).toEqual({ code: 'AA', controlId: msg.id, error: '' });
    expect(committed(msg.id)).toBe(true);
    expect((await app.timeline.timeline(`SYNTH|${msg.mrn}`)).findings).not.toEqual([]);
    await client.close();
  });

  it('answers AR naming HL7_BAD_ENCODING to an MSH with bad encoding characters, and dead-letters it', async () => {
    const before = await app.deadLetters.count();
    const client = await TestClient.connect(port);
    await client.write(frame('MSH|^~|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ORU^R01|BADENC1|P|2.5.1\rPID|1||P1^^^SYNTH^MR'));
    const ack = await client.next();
    expect(readAck(ack)).toEqual({ code: 'AR', controlId: 'BADENC1', error: 'HL7_BAD_ENCODING' });
    expect(await app.deadLetters.count()).toBe(before + 1);
    await client.close();
  });

  it('answers AR HL7_FRAME_TOO_LARGE to an oversized frame and keeps the connection usable', async () => {
    const client = await TestClient.connect(port);
    const big = oru({ extra: [`NTE|1||${'A'.repeat(100_000)}`] });
    const next = oru();
    await client.write(frame(big.text));
    expect(readAck(await client.next())).toEqual({ code: 'AR', controlId: big.id, error: 'HL7_FRAME_TOO_LARGE' });
    await client.write(frame(next.text));
    expect(readAck(await client.next())).toMatchObject({ code: 'AA', controlId: next.id });
    expect(committed(big.id)).toBe(false);
    expect(committed(next.id)).toBe(true);
    await client.close();
  });

  it('answers three frames sent in one write with three ACKs in order', async () => {
    const client = await TestClient.connect(port);
    const msgs = [oru(), oru(), oru()];
    await client.write(msgs.map((m) => frame(m.text)).join(''));
    const acks = [await client.next(), await client.next(), await client.next()].map(readAck);
    expect(acks.map((a) => `${a.code}:${a.controlId}`)).toEqual(msgs.map((m) => `AA:${m.id}`));
    await client.close();
  });

  it('reassembles one frame written a byte at a time', async () => {
    const client = await TestClient.connect(port);
    const msg = oru();
    for (const byte of Buffer.from(frame(msg.text), 'latin1')) await client.write(Buffer.from([byte]));
    expect(readAck(await client.next())).toMatchObject({ code: 'AA', controlId: msg.id });
    expect(client.pendingFrames()).toBe(0);
    expect(committed(msg.id)).toBe(true);
    await client.close();
  });

  it('accepts LF and CRLF segment ends and blank lines inside a frame, and discards bytes outside frames', async () => {
    const client = await TestClient.connect(port);
    const lf = oru({ sep: '\n' });
    const crlf = oru({ sep: '\r\n\r\n' });
    const discardedBefore = listener.health().discardedBytes;
    await client.write(`junk before${frame(`${lf.text}\n`)}\n${frame(crlf.text)}`);
    expect(readAck(await client.next())).toMatchObject({ code: 'AA', controlId: lf.id });
    expect(readAck(await client.next())).toMatchObject({ code: 'AA', controlId: crlf.id });
    expect(committed(lf.id) && committed(crlf.id)).toBe(true);
    expect(listener.health().discardedBytes - discardedBefore).toBe('junk before'.length + 1);
    await client.close();
  });

  it('sends no ACK to a sender whose MSH-15 says NE, and still stores the message', async () => {
    const client = await TestClient.connect(port);
    const quiet = oru();
    const loud = oru();
    const enhanced = quiet.text.replace('|P|2.5.1', '|P|2.5.1|||NE|NE');
    await client.write(frame(enhanced) + frame(loud.text));
    expect(readAck(await client.next())).toMatchObject({ code: 'AA', controlId: loud.id });
    expect(client.pendingFrames()).toBe(0);
    expect(committed(quiet.id)).toBe(true);
    await client.close();
  });

  it('answers node-hl7-client: three messages, three ACKs', async () => {
    const client = new Client({ host: '127.0.0.1' });
    const acks: string[] = [];
    let notify: (() => void) | undefined;
    const connection = client.createConnection({ port, maxConnectionAttempts: 3 }, (res: InboundResponse) => {
      const m = res.getMessage();
      acks.push(`${m.get('MSA.1').toString()}:${m.get('MSA.2').toString()}`);
      notify?.();
    });
    /** resolves on the named event, or rejects after `ms` */
    const within = (ms: number, arm: (done: () => void) => void): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms);
        arm(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    try {
      // node-hl7-client 3.2.0 waits for each ACK (waitAck); a message sent before 'connect' or
      // before the previous ACK goes to its pending queue, whose flush re-queues it forever and
      // starves the event loop. So: connect first, then one message per ACK, as its docs do.
      await within(5000, (done) => connection.once('connect', done));
      const msgs = [oru(), oru(), oru()];
      for (const [i, m] of msgs.entries()) {
        const acked = within(5000, (done) => (notify = () => acks.length > i && done()));
        await connection.sendMessage(new Message({ text: m.text }));
        await acked;
      }
      expect(acks).toEqual(msgs.map((m) => `AA:${m.id}`));
      expect(msgs.every((m) => committed(m.id))).toBe(true);
    } finally {
      await connection.close();
      client.closeAll();
    }
  });

  const mllpSend = findExecutable('mllp_send');
  if (mllpSend === undefined && process.env.REQUIRE_SERVICES !== '1') {
    // eslint-disable-next-line no-console
    console.warn('skipping: mllp_send not installed (apt-get install -y python3-hl7)');
  }
  it.skipIf(mllpSend === undefined && process.env.REQUIRE_SERVICES !== '1')(
    'answers the third-party mllp_send (python-hl7): two messages from a file, both stored [needs mllp_send from python3-hl7]',
    async () => {
      if (mllpSend === undefined) throw new Error('REQUIRE_SERVICES=1 but mllp_send is not installed (apt-get install -y python3-hl7)');
      const msgs = [oru({ sep: '\n' }), oru({ sep: '\r\n' })];
      const file = join(dir, 'two.hl7');
      writeFileSync(file, msgs.map((m) => `${m.text}\n`).join('\n'));
      const { stdout } = await promisify(execFile)(mllpSend, ['--loose', '-f', file, '-p', String(port), '127.0.0.1'], { timeout: 15_000 });
      const acks = stdout.split(FS_CR).filter((s) => s.includes('MSA')).map((s) => readAck(s.slice(s.indexOf('MSH'))));
      expect(acks.map((a) => `${a.code}:${a.controlId}`)).toEqual(msgs.map((m) => `AA:${m.id}`));
      expect(msgs.every((m) => committed(m.id))).toBe(true);
    },
  );
});

/** A listener around a hand-written handler (no store), for transport behaviour. */
async function withListener(
  options: Partial<MllpListenerOptions>,
  handler: MllpHandler,
  body: (port: number, listener: MllpListener) => Promise<void>,
): Promise<void> {
  const listener = new MllpListener({ port: 0, ...options }, handler, log);
  const { port } = await listener.start();
  try {
    await body(port, listener);
  } finally {
    await listener.stop();
  }
}

const accept: MllpHandler = async (raw) => ({ code: 'AA', message: parseMessage(raw.text) });

describe('when the handler fails or is slow', () => {
  it('answers AE STORE_UNAVAILABLE when the handler throws', async () => {
    await withListener({}, async () => Promise.reject(new Error('disk full')), async (port) => {
      const client = await TestClient.connect(port);
      const msg = oru();
      await client.write(frame(msg.text));
      expect(readAck(await client.next())).toEqual({ code: 'AE', controlId: msg.id, error: 'STORE_UNAVAILABLE' });
      await client.close();
    });
  });

  it('handles one message at a time per connection, in order', async () => {
    let running = 0;
    let maxRunning = 0;
    const seen: string[] = [];
    const slow: MllpHandler = async (raw) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      const message = parseMessage(raw.text);
      seen.push(message.controlId);
      return { code: 'AA', message };
    };
    await withListener({}, slow, async (port) => {
      const client = await TestClient.connect(port);
      const msgs = Array.from({ length: 5 }, () => oru());
      await client.write(msgs.map((m) => frame(m.text)).join(''));
      for (const m of msgs) expect(readAck(await client.next()).controlId).toBe(m.id);
      expect(seen).toEqual(msgs.map((m) => m.id));
      expect(maxRunning).toBe(1);
      await client.close();
    });
  });

  it('lets an in-flight message finish and be acknowledged on stop, then closes the connection', async () => {
    let release: (() => void) | undefined;
    let started: (() => void) | undefined;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    const gated: MllpHandler = async (raw) => {
      started?.();
      await new Promise<void>((resolve) => (release = resolve));
      return { code: 'AA', message: parseMessage(raw.text) };
    };
    const listener = new MllpListener({ port: 0, shutdownTimeoutMs: 5000 }, gated, log);
    const { port } = await listener.start();
    const client = await TestClient.connect(port);
    const msg = oru();
    await client.write(frame(msg.text));
    await handlerStarted;
    const stopped = listener.stop();
    expect(listener.health().listening).toBe(false);
    release?.();
    expect(readAck(await client.next())).toMatchObject({ code: 'AA', controlId: msg.id });
    await stopped;
    await client.closed;
    expect(listener.health()).toMatchObject({ connections: 0, messages: 1, acked: { AA: 1, AE: 0, AR: 0 }, listening: false });
  });

  it('closes the connection anyway when the in-flight message outlasts the shutdown timeout', async () => {
    const never: MllpHandler = () => new Promise(() => undefined);
    const listener = new MllpListener({ port: 0, shutdownTimeoutMs: 100 }, never, log);
    const { port } = await listener.start();
    const client = await TestClient.connect(port);
    await client.write(frame(oru().text));
    await expect.poll(() => listener.health().messages).toBe(1);
    await listener.stop();
    await client.closed;
    expect(client.pendingFrames()).toBe(0);
  });
});

describe('when connections misbehave or are too many', () => {
  it('refuses a connection when every slot is busy, and keeps serving the others', async () => {
    let release: (() => void) | undefined;
    const gated: MllpHandler = async (raw) => {
      await new Promise<void>((resolve) => (release = resolve));
      return { code: 'AA', message: parseMessage(raw.text) };
    };
    await withListener({ maxConnections: 1 }, gated, async (port, listener) => {
      const first = await TestClient.connect(port);
      const msg = oru();
      await first.write(frame(msg.text));
      await expect.poll(() => release).toBeDefined();
      const second = await TestClient.connect(port);
      await second.closed;
      expect(listener.health().refused.maxConnections).toBe(1);
      release?.();
      expect(readAck(await first.next()).controlId).toBe(msg.id);
      await first.close();
    });
  });

  it('closes an idle connection after idleTimeoutMs', async () => {
    await withListener({ idleTimeoutMs: 150 }, accept, async (port, listener) => {
      const client = await TestClient.connect(port);
      await client.write(frame(oru().text));
      await client.next();
      await client.closed;
      await expect.poll(() => listener.health().connections).toBe(0);
    });
  });

  it('answers AR HL7_EMPTY_INPUT to an empty frame', async () => {
    await withListener({}, accept, async (port) => {
      const client = await TestClient.connect(port);
      await client.write(frame('\r\n'));
      expect(readAck(await client.next())).toEqual({ code: 'AR', controlId: '', error: 'HL7_EMPTY_INPUT' });
      await client.close();
    });
  });

  it('rejects invalid options at construction, naming every problem', () => {
    expect(() => new MllpListener({ port: -1, maxFrameBytes: 0 } as MllpListenerOptions, accept, log)).toThrow(/(?=[\s\S]*port)(?=[\s\S]*maxFrameBytes)/);
  });
});

describe('when messages from several connections finish together', () => {
  it('commits them with one flush, and each caller only after a flush started after its call', async () => {
    const log: string[] = [];
    const commit = groupCommit(async () => {
      log.push('flush');
    });
    const a = commit();
    const b = commit();
    await Promise.all([a, b]);
    log.push('resolved');
    await commit();
    expect(log).toEqual(['flush', 'resolved', 'flush']);
  });
});

const openssl = findExecutable('openssl');

describe.skipIf(openssl === undefined)('when the listener speaks TLS [needs openssl]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-mllp-tls-'));
  let key: Buffer;
  let cert: Buffer;

  beforeAll(() => {
    execFileSync(openssl as string, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    key = readFileSync(join(dir, 'key.pem'));
    cert = readFileSync(join(dir, 'cert.pem'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function tlsClient(port: number, extra: tls.ConnectionOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ port, host: '127.0.0.1', ca: cert, servername: 'localhost', ...extra }, () => resolve(new TestClient(socket)));
      socket.once('error', reject);
    });
  }

  it('answers AA over TLS', async () => {
    await withListener({ tls: { key, cert } }, accept, async (port) => {
      const client = await tlsClient(port);
      const msg = oru();
      await client.write(frame(msg.text));
      expect(readAck(await client.next())).toMatchObject({ code: 'AA', controlId: msg.id });
      await client.close();
    });
  });

  it('with mutual TLS, serves a client with a trusted certificate and refuses one without', async () => {
    await withListener({ tls: { key, cert, ca: cert, requestCert: true } }, accept, async (port, listener) => {
      const trusted = await tlsClient(port, { key, cert });
      const msg = oru();
      await trusted.write(frame(msg.text));
      expect(readAck(await trusted.next())).toMatchObject({ code: 'AA', controlId: msg.id });
      await trusted.close();

      // TLS 1.3: the client may believe the handshake done before the server's alert arrives
      const anonymous = await tlsClient(port).catch(() => undefined);
      if (anonymous) {
        await anonymous.write(frame(oru().text)).catch(() => undefined);
        await expect(anonymous.next(5000)).rejects.toThrow(/closed/);
      }
      expect(listener.health().messages).toBe(1);
    });
  });
});
