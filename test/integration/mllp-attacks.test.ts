import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import tls from 'node:tls';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MllpListener, type MllpHandler, type MllpListenerOptions, type OnMllpReject } from '../../src/consumers/mllp.consumer.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { HealthServer } from '../../src/app/health.server.js';
import { mllpMetrics } from '../../src/app/mllp-metrics.js';
import { MllpClient } from '../../testkit/mllp.js';
import { killServiceProcesses, startServiceProcess } from '../support/service-process.js';
import { until } from '../support/wait.js';
import { MLLP_FS_CR as FS_CR, MLLP_VT as VT } from '../../testkit/mllp.js';

/**
 * The listener under attack, on loopback, with small limits so that each attack ends in a few
 * seconds. Attackers connect from other loopback addresses (127.0.0.2, …) so that the per-peer
 * limit can tell them from the valid sender (127.0.0.1). Every loop is bounded; the assertions
 * are about behaviour (the valid sender is answered, readiness says why, every byte is counted),
 * never about timings. Synthetic messages only (TESTPATIENT^…, facility SYNTHLAB).
 */

const quiet = pino({ level: 'silent' });
const frame = (text: string): string => `${VT}${text}${FS_CR}`;
const sha256 = (text: string): string => createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex');
/** how long the valid sender waits for its ACK: its deadline */
const SENDER_DEADLINE_MS = 3_000;

let seq = 0;
function oru(): { id: string; text: string } {
  seq += 1;
  const id = `ATK${process.pid}-${seq}`;
  const text = [
    `MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ORU^R01|${id}|P|2.5.1`,
    `PID|1||PA${process.pid}${seq}^^^SYNTH^MR||TESTPATIENT^ATTACK||19700101|F`,
    'OBR|1|PL0001|FL0001^SYNTHLAB|777-3^Platelets^LN|||20250301100000',
    'OBX|1|NM|777-3^Platelets^LN||512|10*3/uL|150-450|H|||F',
  ].join('\r');
  return { id, text };
}

const accept: MllpHandler = async (raw) => ({ code: 'AA', message: parseMessage(raw.text) });

interface Harness {
  port: number;
  listener: MllpListener;
  readyz(): Promise<{ status: number; body: { status: string; reason?: string } }>;
  metrics(): Promise<string>;
  /** a raw TCP connection from `from` (a loopback address), closed by the harness at the end */
  connect(from?: string): Promise<net.Socket>;
}

/** A listener with `options` and the health server as `run` wires it; everything closed afterwards. */
async function underAttack(
  options: Partial<MllpListenerOptions>,
  handler: MllpHandler,
  body: (h: Harness) => Promise<void>,
  extra: { log?: pino.Logger; onReject?: OnMllpReject } = {},
): Promise<void> {
  const listener = new MllpListener({ port: 0, shutdownTimeoutMs: 1_000, ...options }, handler, extra.log ?? quiet, extra.onReject);
  const { port } = await listener.start();
  const health = new HealthServer([{ name: 'mllp', ready: async () => listener.readiness() }], '127.0.0.1', 0, () => mllpMetrics(listener.health()));
  const { port: healthPort } = await health.start();
  const sockets: net.Socket[] = [];
  const harness: Harness = {
    port,
    listener,
    readyz: async () => {
      const res = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
      return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
    },
    metrics: async () => (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text(),
    connect: (from = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        const socket = net.connect({ port, host: '127.0.0.1', localAddress: from }, () => resolve(socket));
        socket.on('error', () => undefined);
        socket.once('error', reject);
        sockets.push(socket);
      }),
  };
  try {
    await body(harness);
  } finally {
    for (const s of sockets) s.destroy();
    await listener.stop();
    await health.stop();
  }
}

const closed = (socket: net.Socket): Promise<void> =>
  socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));

/** The valid sender: a fresh connection from 127.0.0.1, one message, its ACK code. */
async function validSend(port: number): Promise<string> {
  const client = await MllpClient.connect({ port, timeoutMs: SENDER_DEADLINE_MS });
  try {
    const msg = oru();
    const ack = await client.send(msg.text);
    expect(ack.controlId).toBe(msg.id);
    return ack.ackCode;
  } finally {
    await client.close();
  }
}

describe('when slow senders (slowloris) hold every slot', () => {
  /** `n` connections from 127.0.0.2, each with a frame started; one byte each every 50 ms, for at most 2 s, while `body` runs */
  async function slowloris(h: Harness, n: number, body: (attackers: net.Socket[]) => Promise<void>): Promise<void> {
    const attackers = await Promise.all(Array.from({ length: n }, () => h.connect('127.0.0.2')));
    for (const a of attackers) a.write(`${VT}MSH|`);
    await until(`${n} frames in progress`, () => h.listener.health().connections === n);
    let trickling = true;
    const trickle = (async () => {
      for (let i = 0; i < 40 && trickling; i++) {
        for (const a of attackers) if (!a.destroyed) a.write('^');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      await body(attackers);
    } finally {
      trickling = false;
      await trickle;
    }
  }

  it('gives a valid sender the slot of a slow one at once', async () => {
    // no deadline acts during the test: only eviction can free a slot
    const limits = { maxConnections: 8, maxConnectionsPerPeer: 0, minBytesPerSecond: 1_000, minRateGraceMs: 60_000, frameTimeoutMs: 60_000 };
    await underAttack(limits, accept, async (h) => {
      await slowloris(h, 8, async () => {
        await until('every slow frame to be below the minimum rate', () => h.listener.health().freeSlots === 8);
        expect(await h.readyz()).toMatchObject({ status: 200 });
        expect(await validSend(h.port)).toBe('AA');
        const health = h.listener.health();
        expect(health.closed.evicted).toBe(1);
        expect(health.refusedConnections).toBe(0);
      });
    });
  });

  it('closes every slow sender after the grace period and counts its partial frame', async () => {
    const limits = { maxConnections: 8, maxConnectionsPerPeer: 0, minBytesPerSecond: 1_000, minRateGraceMs: 200, frameTimeoutMs: 60_000 };
    await underAttack(limits, accept, async (h) => {
      await slowloris(h, 8, async (attackers) => {
        await Promise.all(attackers.map(closed));
      });
      await until('the partial frames to be counted', () => h.listener.health().rejected.MLLP_INCOMPLETE_FRAME?.count === 8);
      expect(h.listener.health().closed.slowSender).toBe(8);
      expect(await validSend(h.port)).toBe('AA');
    });
  });

  it('closes a frame that never ends at the frame deadline, even at a decent rate', async () => {
    await underAttack({ frameTimeoutMs: 300, minBytesPerSecond: 0 }, accept, async (h) => {
      const slow = await h.connect('127.0.0.2');
      slow.write(`${VT}MSH|`);
      const stop = closed(slow);
      for (let i = 0; i < 100 && !slow.destroyed; i++) {
        slow.write('x'.repeat(64));
        await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, 20))]);
      }
      await stop;
      expect(h.listener.health().closed.frameTimeout).toBe(1);
      expect(await validSend(h.port)).toBe('AA');
    });
  });
});

describe('when idle connections take every slot', () => {
  it('evicts the oldest idle one for a valid sender, and a peer at its limit replaces its own', async () => {
    const limits = { maxConnections: 8, maxConnectionsPerPeer: 1, firstByteTimeoutMs: 60_000 };
    await underAttack(limits, accept, async (h) => {
      const idle: net.Socket[] = [];
      for (let i = 2; i <= 9; i++) idle.push(await h.connect(`127.0.0.${i}`));
      await until('8 idle connections', () => h.listener.health().connections === 8);
      expect(await h.readyz()).toMatchObject({ status: 200 });
      expect(await validSend(h.port)).toBe('AA');
      await closed(idle[0] as net.Socket);
      // 127.0.0.3 opens a second connection: its first, idle, gives way
      await h.connect('127.0.0.3');
      await closed(idle[1] as net.Socket);
      const health = h.listener.health();
      expect(health.closed.evicted).toBe(2);
      expect(health.refusedConnections).toBe(0);
      expect(await h.metrics()).toContain('poems_sentinel_mllp_connections_closed_total{reason="evicted"} 2');
    });
  });

  it('keeps serving a persistent sender while attackers reconnect in a loop', async () => {
    const limits = { maxConnections: 8, maxConnectionsPerPeer: 2, firstByteTimeoutMs: 60_000 };
    await underAttack(limits, accept, async (h) => {
      const sender = await MllpClient.connect({ port: h.port, timeoutMs: SENDER_DEADLINE_MS });
      const first = oru();
      expect((await sender.send(first.text)).ackCode).toBe('AA');
      let churning = true;
      const churn = (async () => {
        for (let i = 0; i < 200 && churning; i++) await h.connect(`127.0.0.${2 + (i % 8)}`).catch(() => undefined);
      })();
      try {
        for (let i = 0; i < 10; i++) {
          const msg = oru();
          const ack = await sender.send(msg.text);
          expect([ack.ackCode, ack.controlId]).toEqual(['AA', msg.id]);
        }
      } finally {
        churning = false;
        await churn;
        await sender.close();
      }
      expect(h.listener.health().closed.evicted).toBeGreaterThan(0);
    });
  });

  it('closes a connection that starts no frame in time, garbage or not, and counts the garbage', async () => {
    await underAttack({ firstByteTimeoutMs: 200 }, accept, async (h) => {
      const silent = await h.connect('127.0.0.2');
      const noisy = await h.connect('127.0.0.3');
      let sent = 0;
      for (let i = 0; i < 100 && !noisy.destroyed; i++) {
        noisy.write('garbage\n');
        sent += 8;
        await Promise.race([closed(noisy), new Promise((resolve) => setTimeout(resolve, 20))]);
      }
      await Promise.all([closed(silent), closed(noisy)]);
      await until('the garbage to be counted', () => h.listener.health().rejected.MLLP_UNFRAMED_BYTES !== undefined);
      const health = h.listener.health();
      expect(health.closed.firstByteTimeout).toBe(2);
      // the socket may have been closed with some of the last writes unread: never more than sent
      expect(health.rejected.MLLP_UNFRAMED_BYTES?.count).toBe(1);
      expect(health.rejected.MLLP_UNFRAMED_BYTES?.bytes).toBeLessThanOrEqual(sent);
      expect(health.rejected.MLLP_UNFRAMED_BYTES?.bytes).toBeGreaterThan(0);
    });
  });
});

describe('when every slot is busy with a message', () => {
  it('says so on /readyz, refuses the next connection, and recovers when the messages finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const gated: MllpHandler = async (raw) => {
      await gate;
      return { code: 'AA', message: parseMessage(raw.text) };
    };
    await underAttack({ maxConnections: 4, maxConnectionsPerPeer: 0 }, gated, async (h) => {
      const clients = await Promise.all(Array.from({ length: 4 }, () => MllpClient.connect({ port: h.port, timeoutMs: 10_000 })));
      const acks = clients.map((c) => c.send(oru().text));
      await until('4 busy connections', () => h.listener.health().messages === 4);
      const ready = await h.readyz();
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toMatch(/^mllp: no free MLLP connection slot/);
      expect(await h.metrics()).toContain('poems_sentinel_mllp_free_slots 0');
      const late = await h.connect();
      await closed(late);
      expect(h.listener.health().refused.maxConnections).toBe(1);
      release();
      expect((await Promise.all(acks)).map((a) => a.ackCode)).toEqual(['AA', 'AA', 'AA', 'AA']);
      expect((await h.readyz()).status).toBe(200);
      await Promise.all(clients.map((c) => c.close()));
    });
  });
});

describe('when a peer floods garbage between and inside frames', () => {
  it('serves a valid sender, counts every byte, routes each reject through one callback, and logs a summary', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const rejects: { code: string; size: number; sha256: string; prefix: number }[] = [];
    const onReject: OnMllpReject = (_origin, code, prefix, size, sha) => {
      rejects.push({ code, size, sha256: sha, prefix: prefix.length });
    };
    const K = 2_000;
    // each round: 100 bytes of garbage, then a frame start with 50 bytes that the next round abandons
    const round = `${'x'.repeat(100)}${VT}${'y'.repeat(50)}`;
    await underAttack({}, accept, async (h) => {
      const attacker = await h.connect('127.0.0.2');
      const stream = Buffer.from(round.repeat(K), 'latin1');
      for (let i = 0; i < stream.length; i += 65_536) attacker.write(stream.subarray(i, i + 65_536));
      attacker.end();
      for (let i = 0; i < 3; i++) expect(await validSend(h.port)).toBe('AA');
      await closed(attacker);
      await until('the attacker to be forgotten', () => h.listener.health().connections === 0);
    }, { log, onReject });
    const abandoned = `${VT}${'y'.repeat(50)}${'x'.repeat(100)}`;
    expect(rejects.filter((r) => r.code === 'MLLP_UNFRAMED_BYTES')).toEqual([{ code: 'MLLP_UNFRAMED_BYTES', size: 100, sha256: sha256('x'.repeat(100)), prefix: 100 }]);
    expect(rejects.filter((r) => r.code === 'MLLP_ABANDONED_FRAME')).toHaveLength(K - 1);
    expect(rejects.find((r) => r.code === 'MLLP_ABANDONED_FRAME')).toEqual({ code: 'MLLP_ABANDONED_FRAME', size: 151, sha256: sha256(abandoned), prefix: 151 });
    expect(rejects.filter((r) => r.code === 'MLLP_INCOMPLETE_FRAME').map((r) => r.size)).toEqual([51]);
    // every byte the attacker sent is accounted for
    expect(rejects.reduce((n, r) => n + r.size, 0)).toBe(round.length * K);
    const summaries = lines.filter((l) => l.includes('MLLP connection events') && l.includes('127.0.0.2'));
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    expect(summaries.length).toBeLessThanOrEqual(2);
    expect(lines.filter((l) => l.includes('127.0.0.2')).length).toBeLessThanOrEqual(K / 100);
  });
});

describe('when a rejected frame must be kept before its AR', () => {
  it('answers AR once onReject has kept the prefix, and AE when keeping it failed', async () => {
    let failing = false;
    const kept: { code: string; prefix: number; size: number }[] = [];
    const onReject: OnMllpReject = async (_origin, code, prefix, size) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (failing) throw new Error('dead-letter store down');
      kept.push({ code, prefix: prefix.length, size });
    };
    await underAttack({ maxFrameBytes: 100_000, rejectHeadBytes: 8_192 }, accept, async (h) => {
      const client = await MllpClient.connect({ port: h.port, timeoutMs: SENDER_DEADLINE_MS });
      const big = oru();
      const huge = `${big.text}\rNTE|1||${'z'.repeat(200_000)}`;
      expect((await client.send(huge)).ackCode).toBe('AR');
      expect(kept).toEqual([{ code: 'HL7_FRAME_TOO_LARGE', prefix: 8_192, size: Buffer.byteLength(huge) + 2 }]);
      failing = true;
      const again = await client.send(huge);
      expect(again).toMatchObject({ ackCode: 'AE', controlId: big.id });
      expect(again.ackText).toContain('STORE_UNAVAILABLE');
      failing = false;
      expect((await client.send('\r\n')).ackCode).toBe('AR');
      expect(kept.map((k) => k.code)).toEqual(['HL7_FRAME_TOO_LARGE', 'HL7_EMPTY_INPUT']);
      await client.close();
    }, { onReject });
  });
});

describe('when an HTTP client calls the MLLP port', () => {
  it('answers 400, closes, counts the request, and keeps serving MLLP', async () => {
    await underAttack({}, accept, async (h) => {
      const browser = await h.connect('127.0.0.2');
      let answer = '';
      browser.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      const request = 'GET /readyz HTTP/1.1\r\nHost: sentinel\r\nUser-Agent: test\r\n\r\n';
      browser.write(request);
      await closed(browser);
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*MLLP/);
      const health = h.listener.health();
      expect(health.rejected.MLLP_HTTP_REQUEST).toEqual({ count: 1, bytes: request.length });
      expect(health.closed.httpRequest).toBe(1);
      expect(await validSend(h.port)).toBe('AA');
    });
  });
});

/** A raw client that pipelines frames, half-closes, and collects the ACKs until the server closes. */
async function pipelineAndHalfClose(socket: net.Socket, texts: string[]): Promise<string[]> {
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  const done = closed(socket);
  socket.end(texts.map(frame).join(''));
  await done;
  return received
    .split(FS_CR)
    .filter((f) => f.includes('MSA'))
    .map((f) => parseMessage(f.slice(f.indexOf('MSH'))).segments.find((s) => s.id === 'MSA')?.get(2) ?? '');
}

describe('when a sender pipelines messages and half-closes', () => {
  const slowAccept: MllpHandler = async (raw) => {
    await new Promise((resolve) => setTimeout(resolve, 10));
    return accept(raw);
  };

  it('acknowledges every message received before the FIN, then closes', async () => {
    await underAttack({}, slowAccept, async (h) => {
      const msgs = Array.from({ length: 5 }, oru);
      const acked = await pipelineAndHalfClose(await h.connect(), msgs.map((m) => m.text));
      expect(acked).toEqual(msgs.map((m) => m.id));
      expect(h.listener.health().acked.AA).toBe(5);
    });
  });

  const openssl = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'openssl')).find((p) => existsSync(p));
  describe.skipIf(openssl === undefined)('over TLS [needs openssl]', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-attack-tls-'));
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

    it('acknowledges every message received before the close_notify and FIN', async () => {
      await underAttack({ tls: { key, cert } }, slowAccept, async (h) => {
        const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
          const s = tls.connect({ port: h.port, host: '127.0.0.1', ca: cert, servername: 'localhost' }, () => resolve(s));
          s.once('error', reject);
        });
        const msgs = Array.from({ length: 5 }, oru);
        expect(await pipelineAndHalfClose(socket, msgs.map((m) => m.text))).toEqual(msgs.map((m) => m.id));
      });
    });
  });
});

describe('when the store keeps failing', () => {
  it('fails /readyz once every message got AE for the configured time, and recovers with the store', async () => {
    let failing = true;
    const flaky: MllpHandler = async (raw) => {
      if (failing) throw new Error('disk I/O error');
      return accept(raw);
    };
    await underAttack({ unreadyAfterFailingMs: 200 }, flaky, async (h) => {
      const client = await MllpClient.connect({ port: h.port, timeoutMs: SENDER_DEADLINE_MS });
      expect((await h.readyz()).status).toBe(200);
      // a sender retrying every 20 ms, for at most 100 tries
      for (let i = 0; i < 100 && h.listener.readiness() === true; i++) {
        expect((await client.send(oru().text)).ackCode).toBe('AE');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const ready = await h.readyz();
      expect(ready.status).toBe(503);
      expect(ready.body.reason).toMatch(/answered AE \(STORE_UNAVAILABLE\)/);
      failing = false;
      expect((await client.send(oru().text)).ackCode).toBe('AA');
      expect((await h.readyz()).status).toBe(200);
      await client.close();
    });
  });
});

describe('when `poems-sentinel run` is given small limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-attack-run-'));
  afterAll(async () => {
    await killServiceProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies them, and shows what they did on /metrics', { timeout: 60_000 }, async () => {
    const service = await startServiceProcess(['--db', join(dir, 'state.db'), '--max-connections', '2', '--max-connections-per-peer', '0', '--first-byte-timeout-ms', '300']);
    try {
      const idle = await Promise.all([0, 1].map(() => new Promise<net.Socket>((resolve) => {
        const s = net.connect({ port: service.mllpPort, host: '127.0.0.1' }, () => resolve(s));
        s.on('error', () => undefined);
      })));
      await Promise.all(idle.map(closed));
      expect(await validSend(service.mllpPort)).toBe('AA');
      expect(await service.get('/readyz')).toBe(200);
      const metrics = await (await fetch(`http://127.0.0.1:${service.healthPort}/metrics`)).text();
      expect(metrics).toContain('poems_sentinel_mllp_connections_closed_total{reason="firstByteTimeout"} 2');
      expect(metrics).toContain('poems_sentinel_mllp_connection_slots 2');
      expect(metrics).toContain('poems_sentinel_mllp_acks_total{code="AA"} 1');
    } finally {
      await service.stop();
    }
  });
});
