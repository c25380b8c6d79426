import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SiteProfile } from './config/profile.schema.js';
import { compileProfile } from './extract/compiled-profile.js';
import { LocalAlertQueue } from './notifiers/local.queue.js';
import { Pipeline } from './pipeline/ingest.js';
import { SqliteAlertStore, SqliteDeadLetterStore } from './store/sqlite-alert.store.js';
import { SqliteDatabase } from './store/sqlite-database.js';
import { SqliteTimelineStore } from './store/sqlite.store.js';

export interface EmbeddedConfig {
  dbPath: string;
  profile: SiteProfile;
  log: Logger;
  /** NORMAL for replays that can be re-run; FULL (default) where acknowledgements depend on it */
  synchronous?: 'FULL' | 'NORMAL';
  clock?: () => Date;
}

export interface Embedded {
  pipeline: Pipeline;
  db: SqliteDatabase;
  timeline: SqliteTimelineStore;
  alerts: SqliteAlertStore;
  deadLetters: SqliteDeadLetterStore;
  queue: LocalAlertQueue;
  stop(): Promise<void>;
}

/** The composition root of the embedded mode: the only place its adapters are built. */
export function startEmbedded(config: EmbeddedConfig): Embedded {
  const clock = config.clock ?? (() => new Date());
  const db = new SqliteDatabase(config.dbPath, { synchronous: config.synchronous ?? 'FULL' });
  const timeline = new SqliteTimelineStore(db);
  const alerts = new SqliteAlertStore(db);
  const deadLetters = new SqliteDeadLetterStore(db);
  const queue = new LocalAlertQueue(db, clock);
  const pipeline = new Pipeline({
    timeline, alerts, deadLetters, queue,
    profile: compileProfile(config.profile),
    clock,
    newId: randomUUID,
    log: config.log.child({ component: 'pipeline' }),
  });
  return {
    pipeline, db, timeline, alerts, deadLetters, queue,
    stop: async () => db.close(),
  };
}
