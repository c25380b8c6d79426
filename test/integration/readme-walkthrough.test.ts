import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alert } from '../../src/domain/alert.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { demoLabels, labelsCsv, PROFILE_B_YAML } from '../../src/validate/demo-labels.js';
import { ValidationReport } from '../../src/validate/report.schema.js';
import { BIN, REPO_ROOT } from '../support/service-process.js';

// Runs the README's "From a month of feed to a validation report" commands as written, in a
// temporary directory holding a small generated feed (synthetic TESTPATIENT names, SYNTH
// identifiers) and labels. `npx poems-sentinel` is the built CLI; the only changes to the
// commands: free ports instead of 2575 (and --health-port 0), and a higher speed factor.

const SECTION = '## From a month of feed to a validation report';
const FEED = { patients: 120, seed: 29 };
const SPEED = '5000000';

function readmeCommands(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  const section = readme.slice(start, readme.indexOf('\n## ', start + SECTION.length));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((l) => l.trim() !== '');
}

interface Run { code: number | null; stdout: string; stderr: string }

describe.skipIf(!existsSync(BIN))('when the README walk-through is followed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-walkthrough-'));
  const shims = join(dir, '.bin');
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST'))),
    PATH: `${shims}:${process.env.PATH ?? ''}`,
    LOG_LEVEL: 'warn',
  };
  const commands = readmeCommands();
  let messages = 0;
  let service: ChildProcess | undefined;

  const sh = (command: string): ChildProcess => spawn('/bin/sh', ['-c', command], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = (command: string): Promise<Run> => {
    const child = sh(command);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  };
  const command = (verb: string): string => {
    const found = commands.find((c) => c.startsWith(verb));
    if (found === undefined) throw new Error(`the README walk-through has no "${verb}" command`);
    return found;
  };

  beforeAll(async () => {
    mkdirSync(shims);
    writeFileSync(join(shims, 'npx'), `#!/bin/sh\n[ "$1" = poems-sentinel ] || exit 127\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(shims, 'npx'), 0o755);
    mkdirSync(join(dir, 'feeds'));
    messages = (await writeFeed(join(dir, 'feeds', '2025-01.hl7'), FEED)).messages;
    writeFileSync(join(dir, 'chart-review.csv'), labelsCsv(demoLabels(FEED)));
    writeFileSync(join(dir, 'site-v1.yaml'), 'profileVersion: site-v1\n');
    writeFileSync(join(dir, 'site-v2.yaml'), PROFILE_B_YAML.replace('demo-platelets-600', 'site-v2'));
  }, 60_000);
  afterAll(() => {
    service?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the six steps: key, deidentify, run, replay, export, validate', () => {
    expect(commands.map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      'openssl rand', 'npx poems-sentinel', 'npx poems-sentinel', 'npx poems-sentinel', 'npx poems-sentinel', 'npx poems-sentinel',
    ]);
    expect(commands.map((c) => c.split(' ')[2] ?? '')).toEqual(['-hex', 'deidentify', 'run', 'replay', 'alerts', 'validate']);
  });

  it('pseudonymises, replays into a running instance at speed, exports the alerts and writes the validation report', { timeout: 300_000 }, async () => {
    expect((await run(command('openssl rand'))).code).toBe(0);
    const deid = await run(command('npx poems-sentinel deidentify'));
    expect(deid.code, deid.stderr).toBe(0);
    expect(readdirSync(join(dir, 'deid')).sort()).toEqual(['2025-01.hl7', '2025-01.hl7.timing', 'chart-review.csv', 'deidentify-report.json']);

    const runCommand = command('npx poems-sentinel run');
    expect(runCommand).toContain('--mllp-port 2575');
    // exec: the signal below reaches the service, not a shell around it
    service = sh(`exec ${runCommand.replace('--mllp-port 2575', '--mllp-port 0 --health-port 0 --inbox-port 0')}`);
    let serviceOut = '';
    const port = await new Promise<number>((resolve, reject) => {
      service?.stdout?.setEncoding('utf8').on('data', (d: string) => {
        serviceOut += d;
        const m = /mllp=\S+:(\d+)/.exec(serviceOut);
        if (m) resolve(Number(m[1]));
      });
      service?.once('exit', (code) => reject(new Error(`run exited with ${code} before listening`)));
    });
    const exited = new Promise<number | null>((resolve) => service?.once('exit', (code) => resolve(code)));

    const replayCommand = command('npx poems-sentinel replay');
    expect(replayCommand).toContain('--speed 60');
    const replay = await run(replayCommand.replace('127.0.0.1:2575', `127.0.0.1:${port}`).replace('--speed 60', `--speed ${SPEED}`));
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain(`(1 connection, original spacing from 2025-01.hl7.timing / ${SPEED})`);
    expect(replay.stdout).toMatch(new RegExp(`delivered: +${messages}\\n`));
    expect(replay.stdout).toContain(`acks:               AA ${messages}, AE 0, AR 0`);

    // the walk-through stops the instance (Ctrl-C) before exporting
    service.kill('SIGINT');
    expect(await exited).toBe(0);
    const exported = await run(command('npx poems-sentinel alerts export'));
    expect(exported.code, exported.stderr).toBe(0);
    const alerts = readFileSync(join(dir, 'deid', 'alerts.jsonl'), 'utf8').trim().split('\n').map((l) => Alert.parse(JSON.parse(l)));
    expect(alerts.length).toBeGreaterThan(0);

    const validate = await run(command('npx poems-sentinel validate'));
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/Compare A \(rule [\d.]+, profile site-v1\) with B \(rule [\d.]+, profile site-v2\)/);
    expect(validate.stdout).toContain('HTML report written to deid/report.html');
    const report = ValidationReport.parse(JSON.parse(readFileSync(join(dir, 'deid', 'report.json'), 'utf8')));
    const [a, b] = report.runs;
    expect(b?.profileVersion).toBe('site-v2');
    expect(a?.feed.daysFrom).toBe('timing-sidecar');
    // the instance fed in real time and the validation on the feed's clock reach the same alerts
    expect(a?.alerts.unlabelled).toBe(0);
    expect(alerts.length).toBe(a?.alerts.raised);
    expect(alerts.filter((x) => x.status !== 'withdrawn').length).toBe(a?.alerts.holding);
    expect(readFileSync(join(dir, 'deid', 'report.html'), 'utf8')).toContain('<html');
  });
});
