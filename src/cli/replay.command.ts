import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { loadProfile } from '../config/load-profile.js';
import type { SiteProfile } from '../config/profile.schema.js';
import { replayFromKafka } from '../consumers/kafka/replay-from-kafka.js';
import { buildPipeline } from '../main.js';
import { redisState, sqliteState } from '../service/state.js';
import { VALUE_REASONS } from '../domain/unread.js';
import { SentinelError } from '../errors.js';
import { replay, type ReplaySummary } from '../jobs/replay.job.js';
import { progressBar } from './progress.js';
import { EXIT, parse, type Output } from './usage.js';

export const REPLAY_HELP = `Usage: poems-sentinel replay <files or dirs...> [options]
       poems-sentinel replay --from-kafka --kafka-brokers H:P,... [--since ISO-DATE] [options]

Replays HL7 v2 files through the embedded pipeline, in arrival order, and prints a summary.
With --from-kafka it rebuilds state from the Kafka ingress topic instead (from the start, or
from --since), into SQLite (--db) or Redis (--redis-url).

Options:
  --alerts-out FILE   write every alert as one JSON object per line at the end
  --db FILE           SQLite state file (default ./data/sentinel.db)
  --profile FILE      site profile (JSON or YAML; default: the built-in profile)
  --from-kafka        read the topic instead of files
  --kafka-brokers L   host:port list (default: $KAFKA_BROKERS)
  --kafka-topic T     (default hl7.inbound)
  --since ISO-DATE    start at the first record at or after this time
  --redis-url URL     rebuild Redis state instead of SQLite; --redis-prefix P (default sentinel:)
  -h, --help          this help

Exit status: 0 when the run completed (rejected messages are reported, not fatal),
2 for bad usage or unreadable input, 1 otherwise.`;

export async function replayCommand(args: string[], io: Output, log: Logger): Promise<number> {
  const { values, positionals } = parse(args, {
    'alerts-out': { type: 'string' },
    db: { type: 'string', default: './data/sentinel.db' },
    profile: { type: 'string' },
    'from-kafka': { type: 'boolean' },
    'kafka-brokers': { type: 'string' },
    'kafka-topic': { type: 'string' },
    since: { type: 'string' },
    'redis-url': { type: 'string' },
    'redis-prefix': { type: 'string', default: 'sentinel:' },
  });
  if (values.help) {
    io.out(REPLAY_HELP);
    return EXIT.ok;
  }
  const profile = loadProfile(values.profile);
  if (values['from-kafka']) {
    if (positionals.length > 0) throw new SentinelError('USAGE', '--from-kafka reads the topic, not files');
    const brokers = (values['kafka-brokers'] ?? process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
    if (brokers.length === 0) throw new SentinelError('USAGE', '--from-kafka needs --kafka-brokers (or KAFKA_BROKERS)');
    const since = values.since === undefined ? undefined : new Date(values.since);
    if (since && Number.isNaN(since.getTime())) throw new SentinelError('USAGE', '--since needs an ISO date');
    return replayKafka({ brokers, topic: values['kafka-topic'], since, db: values.db as string, redisUrl: values['redis-url'], redisPrefix: values['redis-prefix'] as string, alertsOut: values['alerts-out'], profile }, io, log);
  }
  if (positionals.length === 0) throw new SentinelError('USAGE', 'replay needs at least one file or directory');
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

interface KafkaReplayArgs {
  brokers: string[];
  topic: string | undefined;
  since: Date | undefined;
  db: string;
  redisUrl: string | undefined;
  redisPrefix: string;
  alertsOut: string | undefined;
  profile: SiteProfile;
}

/** `replay --from-kafka`: rebuilds state from the ingress topic through the same pipeline. */
async function replayKafka(a: KafkaReplayArgs, io: Output, log: Logger): Promise<number> {
  const clock = (): Date => new Date();
  // a replay can be re-run from the log, so SQLite commits without waiting for fsync
  const state = a.redisUrl ? await redisState({ redisUrl: a.redisUrl, redisPrefix: a.redisPrefix }) : sqliteState(a.db, clock, 'NORMAL');
  try {
    const pipeline = buildPipeline(state, a.profile, log, clock);
    const bar = progressBar(process.stderr, 'replay');
    const s = await replayFromKafka({ brokers: a.brokers, ...(a.topic ? { topic: a.topic } : {}), ...(a.since ? { since: a.since } : {}), pipeline, durable: state.durable, log, onProgress: (done, total) => bar(done, total, done) });
    bar.finish();
    await state.queue.drain(async () => {});
    const alerts = await state.alerts.list();
    if (a.alertsOut) await writeLines(a.alertsOut, alerts.sort((x, y) => x.patientKey.localeCompare(y.patientKey)).map((x) => JSON.stringify(x)));
    const rejected = Object.values(s.rejected).reduce((n, v) => n + (v ?? 0), 0);
    io.out(`topic:              ${s.topic} (${s.ranges.map((r) => `p${r.partition} ${r.from}..${r.to}`).join(', ')})`);
    io.out(`messages read:      ${s.read}`);
    io.out(`accepted:           ${s.accepted}${s.duplicates ? ` (${s.duplicates} duplicates applied once)` : ''}`);
    io.out(`rejected:           ${rejected}`);
    for (const [code, n] of Object.entries(s.rejected).sort()) io.out(`  ${code.padEnd(24)} ${n}`);
    io.out(`alerts:             ${alerts.length}`);
    io.out(`throughput:         ${s.messagesPerSecond} messages/s (${s.seconds.toFixed(2)} s)`);
    return EXIT.ok;
  } finally {
    await state.close();
  }
}

async function writeLines(path: string, lines: string[]): Promise<void> {
  const out = createWriteStream(path);
  for (const line of lines) if (!out.write(`${line}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

export function printSummary(s: ReplaySummary, io: Output): void {
  const row = (label: string, value: string | number): void => io.out(`${`${label}:`.padEnd(Math.max(20, label.length + 2))}${value}`);
  const rejected = Object.values(s.rejected).reduce((a, b) => a + (b ?? 0), 0);
  row('files read', s.files);
  row('messages read', s.read);
  row('accepted', `${s.accepted}${s.duplicates ? ` (${s.duplicates} duplicates applied once)` : ''}`);
  row('rejected', rejected);
  for (const [code, n] of Object.entries(s.rejected).sort()) io.out(`  ${code.padEnd(24)} ${n}`);
  if (s.controlIdReused > 0) row('control ids reused', `${s.controlIdReused} (CONTROL_ID_REUSED: applied, not rejected)`);
  // the value reasons always show, so a site sees its profile reads every value
  row('unread values by reason', VALUE_REASONS.map((r) => `${r} ${s.unread[r] ?? 0}`).join(', '));
  const phrases = Object.entries(s.unread).filter(([r]) => !(VALUE_REASONS as readonly string[]).includes(r)).sort(([a], [b]) => a.localeCompare(b));
  if (phrases.length > 0) row('unread phrases', phrases.map(([r, n]) => `${r} ${n}`).join(', '));
  row('patients on record', s.patients);
  const tiers = ['criteria-met', 'workup-recommended', 'screening-gap', 'withdrawn'];
  row('alerts', tiers.map((t) => `${t} ${s.alerts[t] ?? 0}`).join(', '));
  row('notifications', s.notifications);
  row('throughput', `${s.messagesPerSecond} messages/s (${s.seconds.toFixed(2)} s)`);
}
