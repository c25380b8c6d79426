import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Logger } from 'pino';
import { loadProfile } from '../config/load-profile.js';
import { KAFKA_NAMES } from '../config/kafka-names.schema.js';
import { MllpLimits } from '../config/mllp.schema.js';
import type { SiteProfile } from '../config/profile.schema.js';
import { STATE_DEFAULTS } from '../config/state.schema.js';
import { FEEDER_FLAGS, feederOptionsFromFlags } from '../feeder/feeder-flags.js';
import { startFeeder } from '../feeder/feeder.js';
import { formatFeedSummary } from '../feeder/feed-summary.js';
import { replay, type ReplaySummary } from '../app/file-replay.js';
import { replayFromKafka } from '../app/kafka-replay.js';
import { VALUE_REASONS } from '../domain/unread.js';
import { SentinelError } from '../errors.js';
import { compileProfile } from '../extract/compiled-profile.js';
import { progressBar } from './progress.js';
import { EXIT, parse, type Output } from './usage.js';

export const REPLAY_HELP = `Usage: poems-sentinel replay <files or dirs...> [options]
       poems-sentinel replay --from-kafka --kafka-brokers H:P,... [--since ISO-DATE] [options]
       poems-sentinel replay <files or dirs...> --to-mllp HOST:PORT | --to-kafka H:P,...
                             [--speed N | --rate M/s] [--connections C] [--resume] [options]

Replays HL7 v2 files through the pipeline, in arrival order, into SQLite (--db) or Redis
(--redis-url) state, and prints a summary. With --from-kafka it rebuilds state from the Kafka
ingress topic instead (from the start, or from --since).

With --to-mllp or --to-kafka it sends the files to a running service instead, in file order,
each message until it is acknowledged, keeping the spacing of MSH-7 divided by N (--speed N),
or at M messages/s (--rate M), or as fast as acknowledgements allow (neither). Messages whose
MSH-7 is missing or earlier than one already sent go at once (counted). Each acknowledged
message is journaled (<first input>.replay-journal, or --journal F); after an interruption,
--resume skips them (a file changed since is an error, exit 2). Ctrl-C stops after the messages
in flight and prints the summary so far; a second Ctrl-C closes the connections at once.

Options:
  --alerts-out FILE   write every alert as one JSON object per line at the end
  --db FILE           SQLite state file (default ${STATE_DEFAULTS.dbPath})
  --profile FILE      site profile (JSON or YAML; default: the built-in profile); sending to a
                      service, give it the service's profile: it keys patients as the service does
  --from-kafka        read the topic instead of files
  --kafka-brokers L   host:port list (default: $KAFKA_BROKERS)
  --kafka-topic T     (default ${KAFKA_NAMES.topic})
  --since ISO-DATE    start at the first record at or after this time
  --redis-url URL     Redis state instead of SQLite; --redis-prefix P (default ${STATE_DEFAULTS.redisPrefix})
  -h, --help          this help

Sending to a running service:
  --to-mllp HOST:PORT the service's MLLP listener
  --to-kafka L        its Kafka brokers: records go to --kafka-topic (default ${KAFKA_NAMES.topic}), key =
                      patient key, acks=all, as the service's MLLP edge writes them
  --speed N           MSH-7 spacing divided by N (60: one hour of feed per minute; 60x also reads);
                      a de-identified copy is paced by the original spacing in its timing
                      sidecar (<file>.timing, written by deidentify) when it lies beside it
  --timing F|none     the timing sidecar of the one input file; none: MSH-7 even when one is there
  --rate M            M messages per second (50 or 50/s)
  --connections C     connections (1-${MllpLimits.parse({}).maxConnections}, default 1); one patient's messages always on one
  --resume            skip what the journal says was acknowledged
  --journal F         the journal (default <first input>.replay-journal)
  --ack-timeout-ms T  wait for an ACK before reconnecting and sending again (default 30000)
  --retries N         AE answers retried per message (default 5), after 0.5, 1, 2 ... s
  --retry-delay-ms D  the first of those waits (default 500; doubles, at most 30 s)
  --tls               MLLP over TLS (Node's CA roots); --tls-ca F trusts F instead;
  --tls-cert F --tls-key K  a client certificate, for a listener that requires one

Exit status: 0 when the run completed (rejected messages are reported, not fatal),
2 for bad usage or unreadable input (or a journal that does not match), 1 otherwise (sending to
a service: also when interrupted, or when messages stayed undelivered after their retries).`;

export async function replayCommand(args: string[], io: Output, log: Logger, signals: NodeJS.EventEmitter = process): Promise<number> {
  const { values, positionals } = parse(args, {
    'alerts-out': { type: 'string' },
    db: { type: 'string', default: STATE_DEFAULTS.dbPath },
    profile: { type: 'string' },
    'from-kafka': { type: 'boolean' },
    'kafka-brokers': { type: 'string' },
    'kafka-topic': { type: 'string' },
    since: { type: 'string' },
    'redis-url': { type: 'string' },
    'redis-prefix': { type: 'string', default: STATE_DEFAULTS.redisPrefix },
    ...FEEDER_FLAGS,
  });
  if (values.help) {
    io.out(REPLAY_HELP);
    return EXIT.ok;
  }
  if (values['to-mllp'] !== undefined || values['to-kafka'] !== undefined) {
    const local = (['from-kafka', 'alerts-out', 'redis-url', 'since'] as const).filter((f) => values[f] !== undefined);
    if (local.length > 0) throw new SentinelError('USAGE', `--to-mllp/--to-kafka send to a running service; ${local.map((f) => `--${f}`).join(', ')} belong to a local replay`);
    // the service's profile, when given: patient keys (lanes, Kafka record keys) as the service computes them
    const profile = values.profile === undefined ? undefined : compileProfile(loadProfile(values.profile));
    return feedCommand({ ...feederOptionsFromFlags(values, positionals), ...(profile ? { profile } : {}) }, io, log, signals);
  }
  if (values.timing !== undefined || values.speed !== undefined) throw new SentinelError('USAGE', '--speed and --timing pace a replay into a running service: add --to-mllp HOST:PORT or --to-kafka');
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
  const run = await replay({ inputs: positionals, dbPath: values.db as string, redisUrl: values['redis-url'], redisPrefix: values['redis-prefix'] as string, profile, log, onProgress: bar });
  bar.finish();
  try {
    if (values['alerts-out']) await writeLines(values['alerts-out'], await run.alertsJsonl());
  } finally {
    await run.close();
  }
  printSummary(run.summary, io);
  return EXIT.ok;
}

/** `replay --to-mllp | --to-kafka`: the feeder, with a progress bar and Ctrl-C handling. */
async function feedCommand(options: ReturnType<typeof feederOptionsFromFlags>, io: Output, log: Logger, signals: NodeJS.EventEmitter): Promise<number> {
  const bar = progressBar(process.stderr, 'replay');
  const run = startFeeder({ ...options, log, onProgress: bar });
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    if (interrupts === 1) run.stop('interrupted (SIGINT): the messages in flight finished');
    else run.abort('interrupted twice (SIGINT): connections closed, messages in flight not journaled');
  };
  signals.on('SIGINT', onSignal);
  try {
    const summary = await run.done;
    bar.finish();
    for (const line of formatFeedSummary(summary)) io.out(line);
    return summary.stopped || summary.undelivered > 0 ? EXIT.failure : EXIT.ok;
  } finally {
    signals.off('SIGINT', onSignal);
  }
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
  const bar = progressBar(process.stderr, 'replay');
  const { summary: s, alerts } = await replayFromKafka({ brokers: a.brokers, topic: a.topic, since: a.since, dbPath: a.db, redisUrl: a.redisUrl, redisPrefix: a.redisPrefix, profile: a.profile, log, onProgress: (done, total) => bar(done, total, done) });
  bar.finish();
  if (a.alertsOut) await writeLines(a.alertsOut, alerts.map((x) => JSON.stringify(x)));
  const rejected = Object.values(s.rejected).reduce((n, v) => n + (v ?? 0), 0);
  io.out(`topic:              ${s.topic} (${s.ranges.map((r) => `p${r.partition} ${r.from}..${r.to}`).join(', ')})`);
  io.out(`messages read:      ${s.read}`);
  io.out(`accepted:           ${s.accepted}${s.duplicates ? ` (${s.duplicates} duplicates applied once)` : ''}`);
  io.out(`rejected:           ${rejected}`);
  for (const [code, n] of Object.entries(s.rejected).sort()) io.out(`  ${code.padEnd(24)} ${n}`);
  io.out(`alerts:             ${alerts.length}`);
  io.out(`throughput:         ${s.messagesPerSecond} messages/s (${s.seconds.toFixed(2)} s)`);
  return EXIT.ok;
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
