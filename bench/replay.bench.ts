/**
 * `npm run bench`: replay throughput and peak RSS of the embedded pipeline on a generated feed of
 * at least 200,000 messages, against the naive baseline that parses every message fully with
 * node-hl7-client. Each measurement runs in its own process so that peak RSS is its own.
 * Prints figures; asserts nothing (the machines are shared and noisy).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFeed } from '../src/generate/write-feed.js';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 25_000);
const here = fileURLToPath(new URL('.', import.meta.url));

interface ChildResult { messages: number; seconds: number; maxRssMb: number; extra?: Record<string, unknown> }

function child(script: string, args: string[]): ChildResult {
  // --max-old-space-size is not set on purpose: peak RSS is what the default heap does.
  const out = execFileSync(process.execPath, [join(here, script), ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-'));
  try {
    const feed = join(dir, 'feed.hl7');
    const t0 = performance.now();
    const generated = await writeFeed(feed, { patients: PATIENTS, seed: 42 });
    const genSeconds = (performance.now() - t0) / 1000;
    const mb = statSync(feed).size / 1024 / 1024;
    console.log(`feed: ${generated.messages} messages, ${mb.toFixed(0)} MB, ${generated.usable} usable / ${generated.unremarkable} unremarkable (generated in ${genSeconds.toFixed(1)} s)`);

    const replay = child('replay.child.js', [feed, join(dir, 'state.db')]);
    const baseline = child('baseline.child.js', [feed]);
    const rate = (r: ChildResult): number => Math.round(r.messages / r.seconds);
    console.log('');
    console.log('| measurement | messages | seconds | messages/s | peak RSS (MB) |');
    console.log('|---|---|---|---|---|');
    console.log(`| poems-sentinel replay (embedded, SQLite) | ${replay.messages} | ${replay.seconds.toFixed(2)} | ${rate(replay)} | ${replay.maxRssMb.toFixed(0)} |`);
    console.log(`| naive baseline: node-hl7-client full parse only | ${baseline.messages} | ${baseline.seconds.toFixed(2)} | ${rate(baseline)} | ${baseline.maxRssMb.toFixed(0)} |`);
    console.log('');
    console.log(`speed-up over the baseline: ${(rate(replay) / rate(baseline)).toFixed(1)}x (target >= 3x); replay target >= 20,000 messages/s, RSS < 300 MB`);
    if (replay.extra) console.log(`replay summary: ${JSON.stringify(replay.extra)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
