import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { ServiceConfig } from '../config/service.schema.js';
import { BullmqAlertQueue } from '../notifiers/bullmq.queue.js';
import type { AlertQueue } from '../notifiers/alert-queue.js';
import { LocalAlertQueue } from '../notifiers/local.queue.js';
import { withStatusSync } from '../notifiers/status-sync.js';
import { RedisAlertStore, RedisDeadLetterStore } from '../store/redis-alert.store.js';
import { RedisTimelineStore } from '../store/redis.store.js';
import { SqliteAlertStore, SqliteDeadLetterStore } from '../store/sqlite-alert.store.js';
import { SqliteDatabase } from '../store/sqlite-database.js';
import { SqliteTimelineStore } from '../store/sqlite.store.js';
import type { AlertStore, DeadLetterStore, Durable, TimelineStore } from '../store/timeline-store.js';
import { SentinelError } from '../errors.js';
import type { DeadLetterSpace } from '../deadletters/dead-letter-space.js';
import { WalSyncDurable } from '../store/sqlite-wal-sync.js';

/** Where a running service keeps its state: one SQLite file, or a shared Redis. */
export interface ServiceState {
  mode: 'sqlite' | 'redis';
  timeline: TimelineStore;
  /** every writer goes through it: a status change enqueues a status notification (notifiers/status-sync.ts) */
  alerts: AlertStore;
  /** with the space the dead-letter quota needs (deadletters/dead-letter-quota.ts) */
  deadLetters: DeadLetterStore & DeadLetterSpace;
  queue: AlertQueue;
  /** flushed before a message is acknowledged (MLLP AA, Kafka offset) */
  durable: Durable;
  ready(): Promise<true | string>;
  close(): Promise<void>;
}

/** The embedded state, with its concrete adapters (tests and the CLI read the database directly). */
export interface SqliteState extends ServiceState {
  db: SqliteDatabase;
  timeline: SqliteTimelineStore;
  deadLetters: SqliteDeadLetterStore;
  queue: LocalAlertQueue;
}

/**
 * `retriable` (default: NORMAL runs, i.e. replays): a failing message abandons the whole open
 * group, which the caller re-runs; the live service is never retriable (its group holds other
 * senders' acknowledged-to-be messages), so each message keeps its savepoint there.
 */
export function sqliteState(dbPath: string, clock: () => Date, synchronous: 'FULL' | 'NORMAL' = 'FULL', busyTimeoutMs?: number, retriable?: boolean): SqliteState {
  const db = new SqliteDatabase(dbPath, { synchronous, ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }), ...(retriable === undefined ? {} : { retriable }) });
  const queue = new LocalAlertQueue(db, clock);
  return {
    db,
    mode: 'sqlite',
    timeline: new SqliteTimelineStore(db),
    alerts: withStatusSync(new SqliteAlertStore(db), queue, clock),
    deadLetters: new SqliteDeadLetterStore(db),
    queue,
    durable: db,
    ready: async () => (db.db.open ? true : 'SQLite closed'),
    close: () => db.close(),
  };
}

/**
 * How long a statement of the service waits, blocking, for another process's SQLite write lock
 * (the CLI holds it for a moment); past it the message is retried asynchronously (BUSY_RETRY_MS
 * in consumers/mllp-handler.ts), so an operator's long transaction never freezes the event loop,
 * the health port included.
 */
const SERVICE_BUSY_TIMEOUT_MS = 100;

/**
 * The embedded state of `poems-sentinel run`: durable as `synchronous = FULL` (an acknowledged
 * message survives power loss), with the WAL's fdatasync on the thread pool instead of the event
 * loop and several in flight at once (store/sqlite-wal-sync.ts), and a short busy_timeout.
 */
export function serviceSqliteState(dbPath: string, clock: () => Date): SqliteState {
  const state = sqliteState(dbPath, clock, 'NORMAL', SERVICE_BUSY_TIMEOUT_MS, false);
  const durable = new WalSyncDurable(state.db, dbPath);
  return { ...state, durable, close: () => durable.close() };
}

/**
 * Redis state shared by every instance. A Redis write is as durable as the server's own
 * persistence (appendonly yes with appendfsync everysec or always, in production); Kafka keeps
 * the raw feed, so state can always be rebuilt by `replay --from-kafka`.
 */
export async function redisState(config: Pick<ServiceConfig, 'redisUrl' | 'redisPrefix'>): Promise<ServiceState> {
  const redis = new Redis(config.redisUrl ?? 'redis://127.0.0.1:6379', { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  const prefix = config.redisPrefix;
  const queue = new BullmqAlertQueue({ connection: redis, prefix: `${prefix}bull` });
  return {
    mode: 'redis',
    timeline: new RedisTimelineStore(redis, { prefix }),
    alerts: withStatusSync(new RedisAlertStore(redis, { prefix }), queue),
    deadLetters: new RedisDeadLetterStore(redis, { prefix }),
    queue,
    durable: { flush: async () => {}, close: async () => {} },
    ready: async () => ((await redis.ping()) === 'PONG' ? true : 'Redis does not answer'),
    close: async () => {
      await queue.close();
      await redis.quit();
    },
  };
}

export interface StateOptions {
  dbPath: string;
  /** Redis state instead of SQLite when set */
  redisUrl?: string | undefined;
  redisPrefix: string;
  clock?: () => Date;
  /** SQLite: NORMAL where the work can be re-run (replays), FULL (default) where acknowledgements depend on it */
  synchronous?: 'FULL' | 'NORMAL';
  /** SQLite: refuse a missing file (commands that manage existing state) instead of creating an empty one */
  mustExist?: boolean;
}

/** The state factory: SQLite or Redis, the one place a command picks its state. */
export async function openState(o: StateOptions): Promise<ServiceState> {
  if (o.redisUrl) return redisState({ redisUrl: o.redisUrl, redisPrefix: o.redisPrefix });
  // opening a missing file would create an empty database and report "nothing on record"
  if (o.mustExist && !existsSync(o.dbPath)) throw new SentinelError('INPUT_UNREADABLE', `no state database at ${o.dbPath} (--db)`);
  return sqliteState(o.dbPath, o.clock ?? (() => new Date()), o.synchronous ?? 'FULL');
}
