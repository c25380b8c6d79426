import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import { compileProfile } from '../extract/compiled-profile.js';
import { Pipeline, type PipelineDeps } from '../pipeline/ingest.js';

/** The pipeline over any state: the one way every composition root builds it. */
export function buildPipeline(state: Pick<PipelineDeps, 'timeline' | 'alerts' | 'deadLetters' | 'queue'>, profile: SiteProfile, log: Logger, clock: () => Date = () => new Date()): Pipeline {
  const { timeline, alerts, deadLetters, queue } = state;
  return new Pipeline({ timeline, alerts, deadLetters, queue, profile: compileProfile(profile), clock, newId: randomUUID, log: log.child({ component: 'pipeline' }) });
}
