/**
 * The settings of `npm run bench:live`, read once from the environment, and the clock every
 * thread uses. Environment: KAFKA_BROKERS (default 127.0.0.1:9092), REDIS_URL (default
 * redis://127.0.0.1:6379), BENCH_RATE (500), BENCH_OPEN_SECONDS (10), BENCH_SATURATION_SECONDS (5),
 * BENCH_CONSUMER_PATIENTS (6000, about 51,000 messages), BENCH_SYNCHRONOUS (FULL),
 * BENCH_ONLY (a comma list of floor, before, embedded, kafka-mllp, consumer; default all of them),
 * BENCH_FLUSH_EVERY (the consumer's records per durable flush; default: the consumer's own, 100),
 * BENCH_FEED (cbc-heavy, default, or mixed: the MLLP client's feed), BENCH_CLIENT_MESSAGES (100000).
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
export const RATE = env('BENCH_RATE', 500);
export const OPEN_SECONDS = env('BENCH_OPEN_SECONDS', 10);
export const OPEN_CONNECTIONS = 4;
export const SATURATION_CONNECTIONS = [1, 8, 32];
export const SATURATION_SECONDS = env('BENCH_SATURATION_SECONDS', 5);
export const WARMUP_SECONDS = 1;
/** between measurements, so that one's tail (the broker's flushes, a GC) does not land in the next */
export const PAUSE_MS = 1_000;
export const CONSUMER_PATIENTS = env('BENCH_CONSUMER_PATIENTS', 6000);
export const PARTITIONS = 4;
/**
 * The MLLP client's feed: CBC-heavy (every message a blood count the profile reads, as a hospital
 * laboratory's feed is; issue 9), enough messages for one run without repeating one (each run
 * has a fresh database; a duplicate would be cheaper). BENCH_FEED=mixed: the archetype feed.
 */
export const CLIENT_FEED = process.env.BENCH_FEED === 'mixed'
  ? ({ shape: 'mixed', patients: 12_000, seed: 11 } as const)
  : ({ shape: 'cbc-heavy', messages: env('BENCH_CLIENT_MESSAGES', 100_000), patients: 25_000, seed: 11 } as const);
export const SYNCHRONOUS: 'FULL' | 'NORMAL' = process.env.BENCH_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
export const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** the consumer's group commit (records per durable flush); unset = the consumer's default */
export const FLUSH_EVERY = process.env.BENCH_FLUSH_EVERY ? env('BENCH_FLUSH_EVERY', 100) : undefined;
export const ONLY = new Set((process.env.BENCH_ONLY ?? 'floor,before,embedded,kafka-mllp,consumer').split(',').map((s) => s.trim()));

export const log = pino({ level: 'silent' });
/** epoch milliseconds with sub-millisecond resolution, comparable across threads */
export const now = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
