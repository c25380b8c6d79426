import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { ServiceConfig } from '../../src/config/service.schema.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { startService, type RunningService } from '../../src/app/service.js';
import { BIN, REPO_ROOT } from '../support/service-process.js';
import { until } from '../support/wait.js';

// Synthetic feed only (the generator's TESTPATIENT names, SYNTH identifiers); loopback only.
// Runs the compiled CLI (dist/), as a user would: `npm test` builds it first.

const log = pino({ level: 'silent' });

interface CliRun { code: number | null; stdout: string; stderr: string }

function cli(args: string[], opts: { onStart?: (pid: number) => void } = {}): Promise<CliRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST')));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (child.pid !== undefined) opts.onStart?.(child.pid);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe.skipIf(!existsSync(BIN))('when an analyst replays a feed into a running service from the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-feeder-cli-'));
  const input = join(dir, 'feed.hl7');
  let messages = 0;
  let service: RunningService;

  beforeAll(async () => {
    messages = (await writeFeed(input, { patients: 10, seed: 13 })).messages;
    service = await startService(ServiceConfig.parse({ mllpPort: 0, healthPort: 0, dbPath: join(dir, 'service.db') }), DEFAULT_PROFILE, log);
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the summary of a timed replay and exits 0', async () => {
    const journal = join(dir, 'speed.journal');
    const run = await cli(['replay', input, '--to-mllp', `127.0.0.1:${service.mllpPort}`, '--speed', '50000000x', '--connections', '2', '--journal', journal]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`target:             mllp:127.0.0.1:${service.mllpPort} (2 connections, MSH-7 spacing / 50000000)`);
    expect(run.stdout).toMatch(new RegExp(`delivered: +${messages}\\n`));
    expect(run.stdout).toMatch(new RegExp(`acks: +AA ${messages}, AE 0, AR 0`));
    expect(run.stdout).toMatch(/latency ms: +p50 [\d.]+, p90 [\d.]+, p99 [\d.]+, max [\d.]+/);
    expect(run.stdout).toMatch(/late vs schedule: +p99 [\d.]+, max [\d.]+ ms \(\d+ waits\)/);
    expect(run.stdout).toMatch(/rate: +[\d.,]+ messages\/s/);
  });

  it('on Ctrl-C prints the summary so far and exits 1; --resume sends the rest; a changed file is refused with exit 2', { timeout: 60_000 }, async () => {
    const journal = `${input}.replay-journal`;
    let pid = 0;
    const interrupted = cli(['replay', input, '--to-mllp', `127.0.0.1:${service.mllpPort}`, '--rate', '20/s'], { onStart: (p) => (pid = p) });
    // the journal is synced within a second of the first ACKs
    await until('the first journal entries', () => existsSync(journal) && readFileSync(journal, 'utf8').trim().split('\n').length > 2, 20_000, 50);
    process.kill(pid, 'SIGINT');
    const first = await interrupted;
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/stopped: +interrupted \(SIGINT\)/);
    const delivered = Number(/delivered: +(\d+)/.exec(first.stdout)?.[1]);
    expect(delivered).toBeGreaterThan(0);
    expect(delivered).toBeLessThan(messages);
    expect(readFileSync(journal, 'utf8').trim().split('\n')).toHaveLength(delivered + 1);

    const again = await cli(['replay', input, '--to-mllp', `127.0.0.1:${service.mllpPort}`]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/USAGE: the journal .* exists: --resume continues/);

    const resumed = await cli(['replay', input, '--to-mllp', `127.0.0.1:${service.mllpPort}`, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`skipped: +${delivered} \\(acknowledged in an earlier run\\)`));
    expect(resumed.stdout).toMatch(new RegExp(`delivered: +${messages - delivered}\\n`));

    writeFileSync(input, readFileSync(input, 'latin1').replace(/\|SG/, '|XG'), 'latin1');
    const changed = await cli(['replay', input, '--to-mllp', `127.0.0.1:${service.mllpPort}`, '--resume']);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toMatch(/JOURNAL_MISMATCH: .* changed since the journaled run/);
  });

  it('exits 2 for bad flags, naming every problem', async () => {
    const run = await cli(['replay', input, '--to-mllp', 'nowhere', '--speed', '0', '--from-kafka']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/USAGE: .*--from-kafka belong to a local replay/);
    const flags = await cli(['replay', input, '--to-mllp', 'nowhere', '--speed', '0']);
    expect(flags.code).toBe(2);
    expect(flags.stderr).toMatch(/--to-mllp needs HOST:PORT.*--speed needs a factor above 0/);
  });

  it('exits 1 with REPLAY_TARGET_UNAVAILABLE when nothing listens', async () => {
    const run = await cli(['replay', input, '--to-mllp', '127.0.0.1:1', '--journal', join(dir, 'down.journal')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/REPLAY_TARGET_UNAVAILABLE: cannot reach mllp:127\.0\.0\.1:1/);
  });
});
