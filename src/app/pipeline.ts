import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import { compileProfile } from '../extract/compiled-profile.js';
import { Pipeline } from '../pipeline/ingest.js';
import type { ServiceState } from './state.js';

/** The pipeline over any state: the one way every composition root builds it. */
export function buildPipeline(state: ServiceState, profile: SiteProfile, log: Logger, clock: () => Date = () => new Date()): Pipeline {
  return new Pipeline({ ...state, profile: compileProfile(profile), clock, newId: randomUUID, log: log.child({ component: 'pipeline' }) });
}
