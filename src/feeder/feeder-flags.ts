import { readFileSync } from 'node:fs';
import { KAFKA_NAMES } from '../config/kafka-names.schema.js';
import { MllpLimits } from '../config/mllp.schema.js';
import { SentinelError } from '../errors.js';
import type { MllpClientTls } from '../transport/mllp-client.js';
import type { FeederOptions, TargetSpec } from './feeder.js';
import type { TimingChoice } from './feed-timing.js';
import type { Pacing } from './pacer.js';

/** The replay flags of a timed replay into a running service, as parseArgs returns them. */
export interface FeederFlags {
  'to-mllp'?: string;
  'to-kafka'?: string;
  'kafka-topic'?: string;
  speed?: string;
  rate?: string;
  timing?: string;
  connections?: string;
  resume?: boolean;
  journal?: string;
  'ack-timeout-ms'?: string;
  retries?: string;
  'retry-delay-ms'?: string;
  tls?: boolean;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
}

export const FEEDER_FLAGS = {
  'to-mllp': { type: 'string' },
  'to-kafka': { type: 'string' },
  speed: { type: 'string' },
  rate: { type: 'string' },
  timing: { type: 'string' },
  connections: { type: 'string' },
  resume: { type: 'boolean' },
  journal: { type: 'string' },
  'ack-timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  'retry-delay-ms': { type: 'string' },
  tls: { type: 'boolean' },
  'tls-ca': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
} as const;

/** The largest number of connections: the service's default connection limit (config/mllp.schema.ts). */
const MAX_CONNECTIONS = MllpLimits.parse({}).maxConnections;

type ParsedFlags = Omit<FeederOptions, 'log' | 'onProgress' | 'onAnswer'>;

/** Flags to feeder options; every problem is reported at once (USAGE, exit 2). */
export function feederOptionsFromFlags(flags: FeederFlags, inputs: string[]): ParsedFlags {
  const problems: string[] = [];
  const number = (name: keyof FeederFlags, raw: string | undefined, fallback: number, ok: (n: number) => boolean, what: string, strip: RegExp = /$^/): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw.trim().replace(strip, ''));
    if (raw.trim() === '' || !Number.isFinite(n) || !ok(n)) {
      problems.push(`--${name} needs ${what} (got "${raw}")`);
      return fallback;
    }
    return n;
  };

  if (inputs.length === 0) problems.push('a timed replay needs at least one file or directory');
  let target: TargetSpec | undefined;
  if (flags['to-mllp'] !== undefined && flags['to-kafka'] !== undefined) problems.push('--to-mllp and --to-kafka exclude each other');
  else if (flags['to-mllp'] !== undefined) {
    const m = /^(.+):(\d{1,5})$/.exec(flags['to-mllp'].trim());
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) problems.push(`--to-mllp needs HOST:PORT (got "${flags['to-mllp']}")`);
    else {
      const tls = tlsOptions(flags, problems);
      target = { kind: 'mllp', host: (m[1] as string).replace(/^\[(.*)\]$/, '$1'), port, ...(tls ? { tls } : {}) };
    }
  } else if (flags['to-kafka'] !== undefined) {
    const brokers = flags['to-kafka'].split(',').map((b) => b.trim()).filter(Boolean);
    if (brokers.length === 0 || !brokers.every((b) => /^[^:,\s]+:\d+$/.test(b))) problems.push(`--to-kafka needs host:port,... (got "${flags['to-kafka']}")`);
    target = { kind: 'kafka', brokers, topic: flags['kafka-topic'] ?? KAFKA_NAMES.topic };
  }
  if (target?.kind === 'kafka' && (flags.tls || flags['tls-ca'] || flags['tls-cert'] || flags['tls-key'])) problems.push('the --tls options apply to --to-mllp');

  let pacing: Pacing = { kind: 'asap' };
  if (flags.speed !== undefined && flags.rate !== undefined) problems.push('--speed and --rate exclude each other');
  else if (flags.speed !== undefined) pacing = { kind: 'speed', factor: number('speed', flags.speed, 1, (n) => n > 0, 'a factor above 0 (60: one hour of feed per minute)', /x$/i) };
  else if (flags.rate !== undefined) pacing = { kind: 'rate', perSecond: number('rate', flags.rate, 1, (n) => n > 0, 'messages per second above 0 (e.g. 50 or 50/s)', /\/s$/i) };

  let timing: TimingChoice = { kind: 'auto' };
  if (flags.timing !== undefined) {
    if (pacing.kind !== 'speed') problems.push('--timing sets the spacing that --speed divides; it needs --speed');
    else if (flags.timing.trim() === '') problems.push('--timing needs a sidecar file, or none');
    else timing = flags.timing.trim() === 'none' ? { kind: 'none' } : { kind: 'file', path: flags.timing };
  }

  const options = {
    inputs,
    pacing,
    timing,
    connections: number('connections', flags.connections, 1, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_CONNECTIONS, `a whole number from 1 to ${MAX_CONNECTIONS}`),
    resume: flags.resume ?? false,
    ...(flags.journal ? { journalPath: flags.journal } : {}),
    ackTimeoutMs: number('ack-timeout-ms', flags['ack-timeout-ms'], 30_000, (n) => Number.isInteger(n) && n > 0, 'milliseconds above 0'),
    retries: number('retries', flags.retries, 5, (n) => Number.isInteger(n) && n >= 0 && n <= 20, 'a whole number from 0 to 20'),
    retryDelayMs: number('retry-delay-ms', flags['retry-delay-ms'], 500, (n) => Number.isInteger(n) && n >= 0, 'milliseconds, 0 or more'),
  };
  if (problems.length > 0 || target === undefined) throw new SentinelError('USAGE', problems.join('; '));
  return { ...options, target };
}

function tlsOptions(flags: FeederFlags, problems: string[]): MllpClientTls | undefined {
  if (!flags.tls && !flags['tls-ca'] && !flags['tls-cert'] && !flags['tls-key']) return undefined;
  if (Boolean(flags['tls-cert']) !== Boolean(flags['tls-key'])) problems.push('--tls-cert and --tls-key go together (mutual TLS)');
  const read = (name: 'tls-ca' | 'tls-cert' | 'tls-key'): Buffer | undefined => {
    const path = flags[name];
    if (!path) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      throw new SentinelError('INPUT_UNREADABLE', `cannot read --${name} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  const ca = read('tls-ca');
  const cert = read('tls-cert');
  const key = read('tls-key');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
