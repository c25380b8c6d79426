import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { KeyedHash } from '../../src/deidentify/keyed-hash.js';
import { IdentifierPseudonyms } from '../../src/deidentify/pseudonym.js';
import type { Alert } from '../../src/domain/alert.js';
import { expectedOutcomes } from '../../src/generate/synthetic-feed.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { component } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { replay } from '../../src/app/file-replay.js';
import { deidentify, readOutput, TEST_KEY } from '../support/deidentify-run.js';

const FEED = { patients: 400, seed: 3 };
const RANK: Record<string, number> = { 'criteria-met': 3, 'workup-recommended': 2, 'screening-gap': 1, none: 0, withdrawn: 0 };

async function tiers(file: string, db: string): Promise<Map<string, string>> {
  const run = await replay({ inputs: [file], dbPath: db, profile: DEFAULT_PROFILE, log: pino({ level: 'silent' }) });
  const alerts = (await run.alertsJsonl()).map((l) => JSON.parse(l) as Alert);
  await run.close();
  return new Map(alerts.map((a) => [a.patientKey, a.status === 'withdrawn' ? 'withdrawn' : a.tier]));
}

describe('when a generated feed is de-identified in Safe Harbor mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-deid-sh-'));
  const input = join(dir, 'feed.hl7');
  const pseudonyms = new IdentifierPseudonyms(new KeyedHash(TEST_KEY));
  const pseudoKey = (key: string): string => `${key.slice(0, key.indexOf('|'))}|${pseudonyms.of(key.slice(key.indexOf('|') + 1))}`;
  let original: Map<string, string>;
  let safeHarbor: Map<string, string>;

  beforeAll(async () => {
    await writeFeed(input, FEED);
    await deidentify([input], join(dir, 'out'), { safeHarbor: true });
    original = await tiers(input, join(dir, 'original.db'));
    safeHarbor = await tiers(join(dir, 'out', 'feed.hl7'), join(dir, 'sh.db'));
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps no date element but the year and no report text', () => {
    for (const text of readOutput(join(dir, 'out', 'feed.hl7'))) {
      const msg = parseMessage(text);
      for (const seg of msg.segments) {
        const dates = seg.id === 'MSH' ? [7] : seg.id === 'OBR' ? [7, 14, 22] : seg.id === 'OBX' ? [14] : seg.id === 'PID' ? [7] : seg.id === 'EVN' ? [2] : seg.id === 'DG1' ? [5] : [];
        for (const n of dates) expect(component(seg.get(n), 1, msg.delimiters), `${seg.id}-${n}`).toMatch(/^(\d{4})?$/);
        const type = component(seg.get(2), 1, msg.delimiters);
        if (seg.id === 'OBX' && (type === 'TX' || type === 'FT')) expect(seg.get(5)).toBe('');
        if (seg.id === 'NTE') expect(seg.get(3)).toBe('');
      }
    }
  });

  it('never alerts more than on the original: it only loses evidence (report text, exact dates)', () => {
    const raised: string[] = [];
    let same = 0;
    for (const key of expectedOutcomes(FEED).keys()) {
      const before = original.get(key) ?? 'none';
      const after = safeHarbor.get(pseudoKey(key)) ?? 'none';
      if ((RANK[after] ?? 0) > (RANK[before] ?? 0)) raised.push(`${key}: ${before} -> ${after}`);
      if (after === before) same += 1;
    }
    expect(raised).toEqual([]);
    // coded results and diagnoses still carry most patients (docs/deidentify.md has the figures)
    expect(same).toBeGreaterThan(expectedOutcomes(FEED).size * 0.9);
    expect([...safeHarbor.values()].some((t) => t === 'criteria-met' || t === 'workup-recommended')).toBe(true);
  });
});
