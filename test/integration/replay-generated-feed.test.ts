import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { Alert } from '../../src/domain/alert.js';
import { expectedOutcomes, type FeedOptions } from '../../src/generate/synthetic-feed.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { replay, type ReplaySummary } from '../../src/app/file-replay.js';
import { RULE_VERSION } from '../../src/rules/poems.rule.js';
import { outcomeMismatches } from '../support/outcomes.js';

/** Writes the feed, replays it into a fresh SQLite file, returns the alerts and the summary. */
async function replayFeed(dir: string, feed: FeedOptions): Promise<{ alerts: Alert[]; summary: ReplaySummary }> {
  await writeFeed(join(dir, 'feed.hl7'), feed);
  const run = await replay({ inputs: [join(dir, 'feed.hl7')], dbPath: join(dir, 'state.db'), profile: DEFAULT_PROFILE, log: pino({ level: 'silent' }) });
  const alerts = (await run.alertsJsonl()).map((l) => JSON.parse(l) as Alert);
  const summary = run.summary;
  await run.close();
  return { alerts, summary };
}

describe('when a generated feed is replayed end to end', () => {
  const FEED = { patients: 300, seed: 7 };
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-replay-'));
  let alerts: Alert[] = [];
  let summary: ReplaySummary;

  beforeAll(async () => {
    ({ alerts, summary } = await replayFeed(dir, FEED));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts every message and applies the duplicate once', () => {
    expect(summary.rejected).toEqual({});
    expect(summary.accepted).toBe(summary.read);
    expect(summary.duplicates).toBeGreaterThan(0);
  });

  it('gives every patient the tier and status the spec prescribes', () => {
    expect(outcomeMismatches(alerts, expectedOutcomes(FEED))).toEqual([]);
  });

  it('names the source message of every piece of evidence', () => {
    const feed = readFileSync(join(dir, 'feed.hl7'), 'latin1');
    for (const a of alerts.filter((x) => x.status !== 'withdrawn')) {
      expect(a.evidence.length).toBeGreaterThan(0);
      for (const e of a.evidence) expect(feed).toContain(`|${e.source.messageControlId}|`);
    }
  });

  it('writes alerts with the contract fields (rule version 2)', () => {
    for (const a of alerts) {
      expect(a.patientKey).toMatch(/^SYNTH\|/);
      expect(a.ruleVersion).toBe(RULE_VERSION);
      expect(a.ruleVersion).toMatch(/^2\./);
      expect(a.profileVersion).toBe(DEFAULT_PROFILE.profileVersion);
      expect(Array.isArray(a.criteriaMet) && Array.isArray(a.criteriaMissing) && Array.isArray(a.suggestedWorkup)).toBe(true);
    }
  });
});

describe('when a 1,000-patient held-out cohort is replayed', () => {
  // another seed family and wording/unit pools than the tests and the default feed (spec §5)
  const COHORT: FeedOptions = { patients: 1_000, seed: 2_025, variant: 'held-out' };
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-cohort-'));
  let alerts: Alert[] = [];
  let summary: ReplaySummary;

  beforeAll(async () => {
    ({ alerts, summary } = await replayFeed(dir, COHORT));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts every message', () => {
    expect(summary.rejected).toEqual({});
    expect(summary.accepted).toBe(summary.read);
  });

  it('gives every one of the 1,000 patients the tier and status spec v2 prescribes', () => {
    const expected = expectedOutcomes(COHORT);
    expect([...expected.values()].filter((o) => o.mergedInto === undefined)).toHaveLength(1_000);
    expect(outcomeMismatches(alerts, expected)).toEqual([]);
  });
});
