import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO_ROOT } from '../support/service-process.js';
import { kafkaService } from '../support/services.js';

/**
 * The CLI as a shell runs it (the compiled bin in a child process): output into a pipe whose
 * reader has gone, and Kafka errors, end with one line and the right exit status, never a stack.
 */

const dir = mkdtempSync(join(tmpdir(), 'sentinel-cli-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STACK = /\n\s+at .+:\d+:\d+\)?/;

interface Ran {
  code: number | null;
  stderr: string;
}

/** Runs the CLI; with `closedStdout` its stdout is a pipe whose read end is closed before it writes (`| head -0`). */
function cli(args: string[], opts: { closedStdout?: boolean; timeoutMs?: number } = {}): Promise<Ran> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST')));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (opts.closedStdout) child.stdout.destroy();
  else child.stdout.resume();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within ${opts.timeoutMs ?? 30_000} ms; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const ORU = [
  'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01^ORU_R01|PIPE0001|P|2.5.1',
  'PID|1||P9101^^^SYNTH^MR||TESTPATIENT^PIPE||19700101|F',
  'OBR|1|PL1|FL1|58410-2^CBC^LN|||20250301110000',
  'OBX|1|NM|777-3^Platelets^LN||530|10*3/uL|150-400|H|||F|||20250301110000',
].join('\r');
const DX = [
  'MSH|^~\\&|ADT|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250302120000||ADT^A08^ADT_A01|PIPE0002|P|2.5.1',
  'EVN|A08|20250302120000',
  'PID|1||P9101^^^SYNTH^MR||TESTPATIENT^PIPE||19700101|F',
  'DG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10||20250302|F',
].join('\r');

describe('when stdout is a pipe whose reader has gone', () => {
  const feed = join(dir, 'feed.hl7');
  const db = join(dir, 'state.db');
  beforeAll(() => writeFileSync(feed, `${ORU}\r\n${DX}\r\n`));

  it('replay ends quietly with exit 0', async () => {
    const r = await cli(['replay', feed, '--db', db], { closedStdout: true });
    expect(r).toEqual({ code: 0, stderr: '' });
  });

  it('alerts export ends quietly with exit 0', async () => {
    const r = await cli(['alerts', 'export', '--db', db], { closedStdout: true });
    expect(r).toEqual({ code: 0, stderr: '' });
  });
});

const kafka = await kafkaService();

describe('when Kafka cannot serve a replay', () => {
  it('an unreachable broker is one line and exit 1', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const r = await cli(['replay', '--from-kafka', '--kafka-brokers', `127.0.0.1:${port}`, '--db', join(dir, 'k1.db')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^poems-sentinel: KAFKA_UNAVAILABLE: no Kafka broker answers at 127\.0\.0\.1:\d+: .*\n$/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it.skipIf(!kafka.available)(`a missing topic is one line and exit 2${kafka.available ? '' : ` (skipped: ${kafka.reason})`}`, async () => {
    const r = await cli(['replay', '--from-kafka', '--kafka-brokers', kafka.url, '--kafka-topic', `nosuch-${process.pid}`, '--db', join(dir, 'k2.db')]);
    expect(r).toEqual({ code: 2, stderr: `poems-sentinel: KAFKA_TOPIC_MISSING: the Kafka topic "nosuch-${process.pid}" does not exist\n` });
  });
});
