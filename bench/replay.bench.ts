/**
 * `npm run bench`: replay throughput and peak RSS of the embedded pipeline on two generated feed
 * shapes, each replayed in its own process so that peak RSS is its own:
 * - mixed: the archetype feed (25,000 patients, about 200,000 messages, most of them unwatched);
 * - CBC-heavy: 200,000 full blood counts over 25,000 patients, every one carrying watched codes
 *   (issue 7 item 6: a hospital laboratory feed, where the store pays for every normal result);
 * plus the naive baseline that parses the mixed feed fully with node-hl7-client.
 * Prints figures and the machine's load average; asserts nothing (the machines are shared).
 * BENCH_PATIENTS, BENCH_CBC_MESSAGES and BENCH_SHAPES (comma list of mixed,cbc-heavy,baseline) scale or pick.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFeed } from '../src/generate/write-feed.js';
import type { AnyFeedOptions } from '../src/generate/types.js';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 25_000);
const CBC_MESSAGES = Number(process.env.BENCH_CBC_MESSAGES ?? 200_000);
const SHAPES = new Set((process.env.BENCH_SHAPES ?? 'mixed,cbc-heavy,baseline').split(','));
const here = fileURLToPath(new URL('.', import.meta.url));

interface ChildResult { messages: number; seconds: number; maxRssMb: number; cpuSeconds?: number; extra?: Record<string, unknown> }

function child(script: string, args: string[]): ChildResult {
  // --max-old-space-size is not set on purpose: peak RSS is what the default heap does.
  // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the child.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const out = execFileSync(process.execPath, [...nodeArgs, join(here, script), ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

async function feed(dir: string, name: string, opts: AnyFeedOptions): Promise<string> {
  const path = join(dir, `${name}.hl7`);
  const t0 = performance.now();
  const generated = await writeFeed(path, opts);
  const mb = statSync(path).size / 1024 / 1024;
  console.log(`${name} feed: ${generated.messages} messages, ${generated.patients} patients, ${mb.toFixed(0)} MB, ${generated.usable} usable / ${generated.unremarkable} unremarkable (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return path;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-'));
  const rows: string[] = [];
  const extras: string[] = [];
  const rate = (r: ChildResult): number => Math.round(r.messages / r.seconds);
  const row = (label: string, r: ChildResult): void => {
    // messages per CPU second: what the process did with the CPU it got (the machine is shared)
    const perCpu = r.cpuSeconds ? String(Math.round(r.messages / r.cpuSeconds)) : '-';
    rows.push(`| ${label} | ${r.messages} | ${r.seconds.toFixed(2)} | ${rate(r)} | ${perCpu} | ${r.maxRssMb.toFixed(0)} |`);
    if (r.extra) extras.push(`${label}: ${JSON.stringify(r.extra)}`);
  };
  try {
    console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${process.env.BENCH_NOTE ?? 'shared machine'})`);
    const wantMixed = SHAPES.has('mixed') || SHAPES.has('baseline');
    const mixed = wantMixed ? await feed(dir, 'mixed', { patients: PATIENTS, seed: 42 }) : '';
    const cbc = SHAPES.has('cbc-heavy') ? await feed(dir, 'cbc-heavy', { shape: 'cbc-heavy', messages: CBC_MESSAGES, patients: PATIENTS, seed: 42 }) : '';
    let mixedRate = 0;
    if (SHAPES.has('mixed')) {
      const r = child('replay.child.js', [mixed, join(dir, 'mixed.db')]);
      mixedRate = rate(r);
      row('poems-sentinel replay, mixed feed (embedded, SQLite)', r);
    }
    if (SHAPES.has('cbc-heavy')) row('poems-sentinel replay, CBC-heavy feed (embedded, SQLite)', child('replay.child.js', [cbc, join(dir, 'cbc.db')]));
    let baselineRate = 0;
    if (SHAPES.has('baseline')) {
      const b = child('baseline.child.js', [mixed]);
      baselineRate = rate(b);
      row('naive baseline: node-hl7-client full parse only (mixed feed)', b);
    }
    console.log('');
    console.log('| measurement | messages | seconds | messages/s | messages/CPU-s | peak RSS (MB) |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
    console.log('');
    if (mixedRate > 0 && baselineRate > 0) console.log(`speed-up over the baseline: ${(mixedRate / baselineRate).toFixed(1)}x (target >= 3x)`);
    console.log('targets: mixed >= 40,000 messages/s, CBC-heavy >= 25,000 messages/s, peak RSS < 300 MB and flat in feed size');
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    for (const e of extras) console.log(e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
