import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import type { Pipeline } from '../pipeline/ingest.js';
import { buildPipeline } from './pipeline.js';
import { sqliteState, type SqliteState } from './state.js';

export interface EmbeddedConfig {
  dbPath: string;
  profile: SiteProfile;
  log: Logger;
  /** NORMAL for replays that can be re-run; FULL (default) where acknowledgements depend on it */
  synchronous?: 'FULL' | 'NORMAL';
  clock?: () => Date;
}

export interface Embedded extends SqliteState {
  pipeline: Pipeline;
  stop(): Promise<void>;
}

/**
 * The embedded mode (file replay, validation, tests): SQLite state and the pipeline over it.
 * `poems-sentinel run` composes in service.ts from the same parts.
 */
export function startEmbedded(config: EmbeddedConfig): Embedded {
  const clock = config.clock ?? (() => new Date());
  const state = sqliteState(config.dbPath, clock, config.synchronous ?? 'FULL');
  const pipeline = buildPipeline(state, config.profile, config.log, clock);
  return { ...state, pipeline, stop: () => state.close() };
}
