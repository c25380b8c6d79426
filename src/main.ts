import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SiteProfile } from './config/profile.schema.js';
import { compileProfile } from './extract/compiled-profile.js';
import { Pipeline } from './pipeline/ingest.js';
import { sqliteState, type ServiceState, type SqliteState } from './service/state.js';

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

/** The pipeline over any state: the one way every composition root builds it. */
export function buildPipeline(state: ServiceState, profile: SiteProfile, log: Logger, clock: () => Date = () => new Date()): Pipeline {
  return new Pipeline({ ...state, profile: compileProfile(profile), clock, newId: randomUUID, log: log.child({ component: 'pipeline' }) });
}

/**
 * The composition root of the embedded mode (replay, tests): SQLite state and the pipeline over
 * it. `poems-sentinel run` composes in service/service.ts from the same parts.
 */
export function startEmbedded(config: EmbeddedConfig): Embedded {
  const clock = config.clock ?? (() => new Date());
  const state = sqliteState(config.dbPath, clock, config.synchronous ?? 'FULL');
  const pipeline = buildPipeline(state, config.profile, config.log, clock);
  return { ...state, pipeline, stop: () => state.close() };
}
