import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { loadProfile } from '../config/load-profile.js';
import { SentinelError } from '../errors.js';
import { replay, type ReplaySummary } from '../jobs/replay.job.js';
import { progressBar } from './progress.js';
import { EXIT, parse, type Output } from './usage.js';

export const REPLAY_HELP = `Usage: poems-sentinel replay <files or dirs...> [options]

Replays HL7 v2 files through the embedded pipeline, in arrival order, and prints a summary.

Options:
  --alerts-out FILE   write every alert as one JSON object per line at the end
  --db FILE           SQLite state file (default ./data/sentinel.db)
  --profile FILE      site profile (JSON or YAML; default: the built-in profile)
  -h, --help          this help

Exit status: 0 when the run completed (rejected messages are reported, not fatal),
2 for bad usage or unreadable input, 1 otherwise.`;

export async function replayCommand(args: string[], io: Output, log: Logger): Promise<number> {
  const { values, positionals } = parse(args, {
    'alerts-out': { type: 'string' },
    db: { type: 'string', default: './data/sentinel.db' },
    profile: { type: 'string' },
  });
  if (values.help) {
    io.out(REPLAY_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new SentinelError('USAGE', 'replay needs at least one file or directory');
  const profile = loadProfile(values.profile);
  const bar = progressBar(process.stderr, 'replay');
  const run = await replay({ inputs: positionals, dbPath: values.db as string, profile, log, onProgress: bar });
  bar.finish();
  try {
    if (values['alerts-out']) await writeLines(values['alerts-out'], await run.alertsJsonl());
  } finally {
    await run.close();
  }
  printSummary(run.summary, io);
  return EXIT.ok;
}

async function writeLines(path: string, lines: string[]): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(`${line}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

export function printSummary(s: ReplaySummary, io: Output): void {
  const row = (label: string, value: string | number): void => io.out(`${`${label}:`.padEnd(20)}${value}`);
  const rejected = Object.values(s.rejected).reduce((a, b) => a + (b ?? 0), 0);
  row('files read', s.files);
  row('messages read', s.read);
  row('accepted', `${s.accepted}${s.duplicates ? ` (${s.duplicates} duplicates applied once)` : ''}`);
  row('rejected', rejected);
  for (const [code, n] of Object.entries(s.rejected).sort()) io.out(`  ${code.padEnd(24)} ${n}`);
  row('patients on record', s.patients);
  const tiers = ['criteria-met', 'workup-recommended', 'screening-gap', 'withdrawn'];
  row('alerts', tiers.map((t) => `${t} ${s.alerts[t] ?? 0}`).join(', '));
  row('notifications', s.notifications);
  row('throughput', `${s.messagesPerSecond} messages/s (${s.seconds.toFixed(2)} s)`);
}
