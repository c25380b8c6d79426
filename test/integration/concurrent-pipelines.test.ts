import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { generateFeed } from '../../src/generate/synthetic-feed.js';
import { buildPipeline } from '../../src/app/pipeline.js';
import type { Pipeline } from '../../src/pipeline/ingest.js';
import { redisState, type ServiceState } from '../../src/app/state.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { redisService } from '../support/services.js';

const redis = await redisService();
const ROOT = `test-${randomUUID()}:`;

const pipelineOn = (state: ServiceState): Pipeline => buildPipeline(state, DEFAULT_PROFILE, pino({ level: 'silent' }), () => new Date('2026-01-01T00:00:00Z'));

const summary = async (state: ServiceState): Promise<string[]> =>
  (await state.alerts.list()).map((a) => `${a.patientKey} ${a.tier} ${a.status}`).sort();

describe.skipIf(!redis.available)(`when two instances write one patient's alert at once${redis.available ? '' : ` (skipped: ${redis.reason})`}`, () => {
  const states: ServiceState[] = [];
  beforeAll(async () => {
    for (const prefix of ['seq:', 'par:', 'par:']) states.push(await redisState({ redisUrl: redis.url, redisPrefix: `${ROOT}${prefix}` }));
  });
  afterAll(async () => {
    const conn = new Redis(redis.url);
    await deleteByPrefix(conn, ROOT);
    await conn.quit();
    await Promise.all(states.map((s) => s.close()));
  });

  it('ends with the alerts of one instance handling the feed in order, one alert per patient', async () => {
    const [sequential, a, b] = states as [ServiceState, ServiceState, ServiceState];
    const messages = [...generateFeed({ patients: 60, seed: 5 })];
    const one = pipelineOn(sequential);
    for (const m of messages) await one.handle({ text: m.text, bytes: Buffer.from(m.text, 'latin1'), origin: 'test', receivedAt: '2026-01-01T00:00:00Z' });

    // Two pipelines on one Redis prefix; every patient's messages stay in order on one of them
    // (as Kafka partitions keep them) but merges and re-evaluations of a survivor can collide.
    const pa = pipelineOn(a);
    const pb = pipelineOn(b);
    const lanes = [[], []] as [typeof messages, typeof messages];
    // prior ids (Q…) of merged patients go to lane 1, survivors by parity: about half of the merges cross lanes
    const laneOf = (key: string): 0 | 1 => (key.startsWith('SYNTH|Q') ? 1 : ((key.charCodeAt(key.length - 1) % 2) as 0 | 1));
    for (const m of messages) lanes[laneOf(m.patientKey)].push(m);
    await Promise.all(lanes.map(async (lane, i) => {
      for (const m of lane) await (i === 0 ? pa : pb).handle({ text: m.text, bytes: Buffer.from(m.text, 'latin1'), origin: 'test', receivedAt: '2026-01-01T00:00:00Z' });
    }));

    expect(await summary(a)).toEqual(await summary(sequential));
    const perPatient = new Map<string, number>();
    for (const alert of await a.alerts.list()) perPatient.set(alert.patientKey, (perPatient.get(alert.patientKey) ?? 0) + 1);
    expect([...perPatient.values()].every((n) => n === 1)).toBe(true);
  });
});
