import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { Alert } from '../../src/domain/alert.js';
import { expectedOutcomes } from '../../src/generate/synthetic-feed.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { replay, type ReplaySummary } from '../../src/jobs/replay.job.js';
import { RULE_VERSION } from '../../src/rules/poems.rule.js';
import { outcomeMismatches } from '../support/outcomes.js';

const FEED = { patients: 300, seed: 7 };

describe('when a generated feed is replayed end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-replay-'));
  let alerts: Alert[] = [];
  let summary: ReplaySummary;

  beforeAll(async () => {
    await writeFeed(join(dir, 'feed.hl7'), FEED);
    const run = await replay({ inputs: [join(dir, 'feed.hl7')], dbPath: join(dir, 'state.db'), profile: DEFAULT_PROFILE, log: pino({ level: 'silent' }) });
    alerts = (await run.alertsJsonl()).map((l) => JSON.parse(l) as Alert);
    summary = run.summary;
    await run.close();
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

  it('writes alerts with the contract fields', () => {
    for (const a of alerts) {
      expect(a.patientKey).toMatch(/^SYNTH\|/);
      expect(a.ruleVersion).toBe(RULE_VERSION);
      expect(a.profileVersion).toBe(DEFAULT_PROFILE.profileVersion);
      expect(Array.isArray(a.criteriaMet) && Array.isArray(a.criteriaMissing) && Array.isArray(a.suggestedWorkup)).toBe(true);
    }
  });
});
