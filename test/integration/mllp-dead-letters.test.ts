import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MllpClient } from '../../testkit/mllp.js';
import { killServiceProcesses, startServiceProcess, until } from '../support/service-process.js';

/**
 * Garbage floods against `poems-sentinel run` with small dead-letter quotas, on loopback. The
 * attackers connect from 127.0.0.2… so the quota can tell them from the valid sender
 * (127.0.0.1). Every loop is bounded; the assertions are about what is kept, counted and said.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const QUOTA = { total: 3 * MiB, perPeer: 1 * MiB, keep: 64 * KiB };

let seq = 0;
function oru(): { id: string; text: string } {
  seq += 1;
  const id = `DLQ${process.pid}-${seq}`;
  const text = [
    `MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ORU^R01|${id}|P|2.5.1`,
    `PID|1||PD${process.pid}${seq}^^^SYNTH^MR||TESTPATIENT^DLQ||19700101|F`,
    'OBR|1|PL0001|FL0001^SYNTHLAB|777-3^Platelets^LN|||20250301100000',
    'OBX|1|NM|777-3^Platelets^LN||512|10*3/uL|150-450|H|||F',
  ].join('\r');
  return { id, text };
}

/** `frames` frames of `size` bytes of garbage from `from`, pipelined; resolves with the ACK codes (MSA-1). */
function flood(port: number, from: string, frames: number, size: number, extra: Buffer = Buffer.alloc(0)): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    const codes: string[] = [];
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let end = pending.indexOf(0x1c); end >= 0; end = pending.indexOf(0x1c)) {
        const ack = pending.subarray(pending.indexOf(0x0b) + 1, end).toString('latin1');
        codes.push(/MSA\|(\w+)/.exec(ack)?.[1] ?? '?');
        pending = pending.subarray(end + 2);
      }
      if (codes.length === frames) socket.end();
    });
    socket.on('close', () => resolve(codes));
    socket.on('error', reject);
    socket.on('connect', () => {
      // garbage text (base64: no VT, FS or CR), never an MSH
      for (let i = 0; i < frames; i++) socket.write(Buffer.concat([Buffer.from([0x0b]), Buffer.from(randomBytes(Math.ceil((size * 3) / 4)).toString('base64').slice(0, size)), Buffer.from([0x1c, 0x0d]), extra]));
    });
  });
}

describe('when peers flood the MLLP port with garbage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-dlq-'));
  afterAll(async () => {
    await killServiceProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every kind of reject as a dead letter: nothing read is dropped silently', { timeout: 60_000 }, async () => {
    const db = join(dir, 'kinds.db');
    const service = await startServiceProcess(['--db', db, '--max-frame-bytes', '100000']);
    const raw = (from: string, bytes: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const socket = net.connect({ port: service.mllpPort, host: '127.0.0.1', localAddress: from }, () => {
          socket.end(Buffer.from(bytes, 'latin1'));
        });
        socket.on('data', () => undefined);
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
    try {
      await raw('127.0.0.2', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await raw('127.0.0.3', `garbage before a frame\x0b${oru().text}\x1c\r`);
      await raw('127.0.0.4', `\x0bMSH|^~\\&|abandoned\x0b${oru().text}\x1c\r`);
      await raw('127.0.0.5', '\x0bMSH|^~\\&|cut off by the close');
      await raw('127.0.0.6', '\x0b\r\n\x1c\r');
      await raw('127.0.0.7', `\x0b${oru().text}\rNTE|1||${'z'.repeat(200_000)}\x1c\r`);
      await raw('127.0.0.8', '\x0bNOT HL7 AT ALL\x1c\r');
    } finally {
      await service.stop();
    }
    const sqlite = new Database(db, { readonly: true });
    const rows = sqlite.prepare('SELECT code, origin FROM dead_letters ORDER BY code').all() as { code: string; origin: string }[];
    sqlite.close();
    expect(rows.map((r) => r.code)).toEqual([
      'HL7_EMPTY_INPUT', 'HL7_FRAME_TOO_LARGE', 'HL7_NO_MSH', 'MLLP_ABANDONED_FRAME', 'MLLP_HTTP_REQUEST', 'MLLP_INCOMPLETE_FRAME', 'MLLP_UNFRAMED_BYTES',
    ]);
    expect(rows.every((r) => /^mllp:(::ffff:)?127\.0\.0\.\d:\d+$/.test(r.origin))).toBe(true);
  });

  it('keeps the database within its quota, serves a valid sender, and says what is wrong', { timeout: 120_000 }, async () => {
    const db = join(dir, 'state.db');
    const service = await startServiceProcess([
      '--db', db, '--max-connections-per-peer', '0',
      '--dead-letter-max-bytes', String(QUOTA.total), '--dead-letter-max-bytes-per-peer', String(QUOTA.perPeer),
      '--dead-letter-keep-bytes', String(QUOTA.keep), '--dead-letter-alarm-ms', '3000',
    ]);
    const readyz = async (): Promise<{ status: number; body: { reason?: string; warnings?: string[] } }> => {
      const res = await fetch(`http://127.0.0.1:${service.healthPort}/readyz`);
      return { status: res.status, body: (await res.json()) as { reason?: string; warnings?: string[] } };
    };
    const metric = async (name: string): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${service.healthPort}/metrics`)).text();
      return Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    };
    try {
      // one peer: 100 frames of 1 MB garbage (HL7_NO_MSH) with garbage between them, plus 5 oversized frames
      const valid = MllpClient.connect({ port: service.mllpPort, timeoutMs: 10_000 });
      const [codes, oversized] = await Promise.all([
        flood(service.mllpPort, '127.0.0.2', 100, 1_000_000, Buffer.from('between frames\r\n')),
        flood(service.mllpPort, '127.0.0.2', 5, 2 * MiB),
        (async () => {
          const client = await valid;
          for (let i = 0; i < 5; i++) {
            const msg = oru();
            expect(await client.send(msg.text)).toMatchObject({ ackCode: 'AA', controlId: msg.id });
          }
          await client.close();
        })(),
      ]);
      expect(codes).toEqual(Array(100).fill('AR'));
      expect(oversized).toEqual(Array(5).fill('AR'));

      const ready = await readyz();
      expect(ready.status).toBe(200);
      expect(ready.body.warnings).toEqual([expect.stringMatching(/^dead-letters: peer mllp:(::ffff:)?127\.0\.0\.2 is over its dead-letter quota/)]);
      expect(await metric('poems_sentinel_dead_letters_dropped_total{scope="peer"}')).toBeGreaterThan(0);
      expect(await metric('poems_sentinel_dead_letters_truncated_total')).toBe(105);
      expect(await metric('poems_sentinel_dead_letters_bytes')).toBeLessThanOrEqual(QUOTA.perPeer);

      // four more peers: together over the total quota, which deletes the oldest of every peer
      await Promise.all(['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'].map((from) => flood(service.mllpPort, from, 20, 200_000)));
      const exhausted = await readyz();
      expect(exhausted.status).toBe(503);
      expect(exhausted.body.reason).toMatch(/^dead-letters: dead-letter quota exhausted/);
      expect(await metric('poems_sentinel_dead_letters_dropped_total{scope="total"}')).toBeGreaterThan(0);
      const client = await MllpClient.connect({ port: service.mllpPort, timeoutMs: 10_000 });
      expect((await client.send(oru().text)).ackCode).toBe('AA');
      await client.close();
      // the alarm ends once the quota has deleted nothing for deadLetterAlarmMs
      await until('readiness to return', async () => (await readyz()).status === 200, 20_000, 250);
    } finally {
      await service.stop();
    }
    // what is left on disk: the letters within the total quota, each a prefix with its length and hash
    const sqlite = new Database(db, { readonly: true });
    const { bytes, letters } = sqlite.prepare('SELECT SUM(length(bytes) + length(CAST(detail AS BLOB)) + length(CAST(origin AS BLOB))) AS bytes, COUNT(*) AS letters FROM dead_letters').get() as { bytes: number; letters: number };
    const sample = sqlite.prepare("SELECT length(bytes) AS kept, detail FROM dead_letters WHERE code = 'HL7_NO_MSH' ORDER BY id DESC LIMIT 1").get() as { kept: number; detail: string } | undefined;
    const codes = (sqlite.prepare('SELECT DISTINCT code FROM dead_letters ORDER BY code').all() as { code: string }[]).map((r) => r.code);
    sqlite.close();
    expect(bytes).toBeLessThanOrEqual(QUOTA.total);
    expect(letters).toBeGreaterThan(0);
    expect(codes).toContain('HL7_NO_MSH');
    expect(sample?.kept).toBe(QUOTA.keep);
    expect(sample?.detail).toMatch(/kept the first 65536 of (1000000|200000) bytes; sha256 [0-9a-f]{64}/);
    // the file itself: the quota plus tables and free pages, never the 100 MB sent
    expect(statSync(db).size).toBeLessThan(QUOTA.total + 2 * MiB);
  });
});
