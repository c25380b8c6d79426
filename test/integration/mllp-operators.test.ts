import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminFileOf, readAdminFile } from '../../src/app/admin-endpoint.js';
import { MllpClient } from '../../testkit/mllp.js';
import { BIN, killServiceProcesses, REPO_ROOT, startServiceProcess, type ServiceProcess } from '../support/service-process.js';

/**
 * Operators at work while a feed arrives: `poems-sentinel alerts ack|dismiss|snooze` run as
 * separate processes against the database of a running service, during ~500 msg/s of MLLP
 * traffic that re-evaluates the very patients whose alerts they change. Neither side may fail:
 * no message is answered AE, no CLI action exits non-zero. Bounded: ~10 s of traffic, 50 actions.
 * Synthetic data only (TESTPATIENT^…, facility SYNTHLAB).
 */

const PATIENTS = 50;
const RATE = 500;
const CONNECTIONS = 8;
const ACTIONS = 50;
/** node starts in ~0.3 s of CPU: a few at a time keep 50 actions within the traffic on a busy machine */
const ACTION_CONCURRENCY = 4;
/** a month ahead: the inbox's action service refuses a snooze in the past or beyond a year */
const SNOOZE_UNTIL = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

let seq = 0;
function cbc(patient: number, platelets: number): string {
  seq += 1;
  return [
    `MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301${String(100000 + (seq % 80000)).slice(-6)}||ORU^R01|OPS${process.pid}-${seq}|P|2.5.1`,
    `PID|1||OP${patient}^^^SYNTH^MR||TESTPATIENT^OPS||19700101|F`,
    `OBR|1|PL${seq}|FL${seq}^SYNTHLAB|58410-2^CBC^LN|||20250301100000`,
    `OBX|1|NM|777-3^Platelets^LN||${platelets}|10*3/uL|150-400|H|||F`,
  ].join('\r');
}
function cidp(patient: number): string {
  seq += 1;
  return [
    `MSH|^~\\&|ADT|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250302120000||ADT^A08^ADT_A01|OPS${process.pid}-${seq}|P|2.5.1`,
    'EVN|A08|20250302120000',
    `PID|1||OP${patient}^^^SYNTH^MR||TESTPATIENT^OPS||19700101|F`,
    'DG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10||20250302|F',
  ].join('\r');
}

function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, timeout: 20_000, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout, err: stderr });
    });
  });
}

describe('when operators act on alerts during MLLP traffic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-operators-'));
  afterAll(async () => {
    await killServiceProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers no message AE and fails no CLI action', { timeout: 180_000 }, async () => {
    const db = join(dir, 'state.db');
    const service: ServiceProcess = await startServiceProcess(['--db', db]);
    // the CLI finds the running service here and sends its actions through it
    expect(readAdminFile(db)?.pid).toBe(service.pid);
    try {
      // one alert per patient: a high platelet count and a CIDP diagnosis
      const setup = await MllpClient.connect({ port: service.mllpPort, timeoutMs: 10_000 });
      for (let p = 0; p < PATIENTS; p++) {
        expect((await setup.send(cbc(p, 530))).ackCode).toBe('AA');
        expect((await setup.send(cidp(p))).ackCode).toBe('AA');
      }
      await setup.close();
      const listed = await cli('alerts', 'export', '--db', db);
      expect(listed.code, listed.err).toBe(0);
      const ids = listed.out.trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
      expect(ids).toHaveLength(PATIENTS);

      // the feed: RATE msg/s over CONNECTIONS connections, on the same patients, until the actions are done
      const codes: Record<string, number> = {};
      let sending = true;
      const senders = Array.from({ length: CONNECTIONS }, async (_, c) => {
        const client = await MllpClient.connect({ port: service.mllpPort, timeoutMs: 30_000 });
        const everyMs = (1000 * CONNECTIONS) / RATE;
        let next = Date.now();
        for (let i = 0; sending && i < 100_000; i++) {
          const code = await client.send(cbc((i * CONNECTIONS + c) % PATIENTS, 450 + (i % 200))).then((a) => a.ackCode, (err: Error) => err.name);
          codes[code] = (codes[code] ?? 0) + 1;
          if (!client.usable) break;
          next += everyMs;
          const wait = next - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        await client.close();
      });

      const failures: string[] = [];
      const actions = ids.slice(0, ACTIONS).map((id, i) => (): Promise<void> => {
        const args = i % 3 === 0 ? ['ack', id, '--by', 'ops'] : i % 3 === 1 ? ['dismiss', id, '--reason', 'poems-excluded', '--by', 'ops'] : ['snooze', id, '--until', SNOOZE_UNTIL, '--by', 'ops'];
        return cli('alerts', ...args, '--db', db).then((r) => {
          if (r.code !== 0) failures.push(`${args.join(' ')} → exit ${r.code}: ${r.err.trim().split('\n').slice(-3).join(' | ')}`);
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = Date.now();
      await Promise.all(Array.from({ length: ACTION_CONCURRENCY }, async () => {
        for (let a = actions.shift(); a !== undefined; a = actions.shift()) await a();
      }));
      // at least ~10 s of traffic in all, even when the actions ran faster
      while (Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 100));
      sending = false;
      await Promise.all(senders);

      expect({ failures, codes }, service.diagnostics()).toEqual({ failures: [], codes: { AA: expect.any(Number) } });
      expect(codes.AA).toBeGreaterThan(RATE * 5);
      const after = await cli('alerts', 'export', '--db', db);
      expect(after.code, after.err).toBe(0);
      const statuses = after.out.trim().split('\n').map((l) => (JSON.parse(l) as { status: string }).status);
      expect(statuses.filter((s) => s !== 'open')).toHaveLength(ACTIONS);
    } finally {
      await service.stop();
    }
    // stopped: the CLI writes directly again
    expect(existsSync(adminFileOf(db))).toBe(false);
  });
});
