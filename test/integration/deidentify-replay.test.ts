import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { parseHl7Time } from '../../src/deidentify/dates.js';
import { KeyedHash } from '../../src/deidentify/keyed-hash.js';
import { IdentifierPseudonyms } from '../../src/deidentify/pseudonym.js';
import type { Alert } from '../../src/domain/alert.js';
import { identityFromCx, patientKeyFromPid } from '../../src/extract/patient.js';
import { component, firstSegment, type Hl7Message, type Segment } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { replay } from '../../src/app/file-replay.js';
import { deidentify, OTHER_KEY, pairOutputs, readInput, readOutput, TEST_KEY } from '../support/deidentify-run.js';

const FEED = { patients: 160, seed: 23 };
const DAY_MS = 86_400_000;

async function alertsOf(file: string, db: string): Promise<Map<string, string>> {
  const run = await replay({ inputs: [file], dbPath: db, profile: DEFAULT_PROFILE, log: pino({ level: 'silent' }) });
  const alerts = (await run.alertsJsonl()).map((l) => JSON.parse(l) as Alert);
  await run.close();
  return new Map(alerts.map((a) => [a.patientKey, `${a.status === 'withdrawn' ? 'withdrawn' : a.tier}`]));
}

/** Every date/time of the message at day precision or finer, by where it was read. */
function times(msg: Hl7Message): Map<string, number> {
  const d = msg.delimiters;
  const out = new Map<string, number>();
  const paths = ['MSH-7', 'EVN-2', 'PID-7', 'OBR-7', 'OBR-14', 'OBR-22', 'OBX-14', 'SPM-17', 'DG1-5'];
  for (const path of paths) {
    const [seg, n] = path.split('-') as [string, string];
    msg.segments.filter((s) => s.id === seg).forEach((s, i) => {
      const t = parseHl7Time(component(s.get(Number(n)), 1, d));
      if (t && t.precision === 8) out.set(`${path}#${i}`, Date.UTC(t.date.y, t.date.m - 1, t.date.d));
    });
  }
  return out;
}

describe('when a generated feed and its de-identified copy are replayed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-deid-replay-'));
  const input = join(dir, 'feed.hl7');
  let original: Map<string, string>;
  let pseudonymised: Map<string, string>;
  const pseudonyms = new IdentifierPseudonyms(new KeyedHash(TEST_KEY));
  const pseudoKey = (key: string): string => {
    const bar = key.indexOf('|');
    return `${key.slice(0, bar)}|${pseudonyms.of(key.slice(bar + 1))}`;
  };

  beforeAll(async () => {
    await writeFeed(input, FEED);
    await deidentify([input], join(dir, 'out'));
    original = await alertsOf(input, join(dir, 'original.db'));
    pseudonymised = await alertsOf(join(dir, 'out', 'feed.hl7'), join(dir, 'pseudonymised.db'));
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every patient the same tier under its pseudonymised key', () => {
    expect(original.size).toBeGreaterThan(10);
    const mapped = new Map([...original].map(([key, tier]) => [pseudoKey(key), tier]));
    expect(pseudonymised).toEqual(mapped);
  });

  it('keeps every interval between a patient’s dates: one offset of 1 to 365 days per patient', () => {
    const { accepted } = readInput(input);
    const outputs = pairOutputs(accepted, readOutput(join(dir, 'out', 'feed.hl7')).map(parseMessage));
    const offsets = new Map<string, Set<number>>();
    accepted.forEach((msg, i) => {
      const pid = firstSegment(msg, 'PID');
      const key = pid ? patientKeyFromPid(pid, msg.delimiters) : null;
      if (key === null) return;
      const before = times(msg);
      const after = times(outputs[i] as Hl7Message);
      for (const [where, t] of before) {
        if (where.startsWith('PID-7')) continue; // a birth date over 89 is grouped, not shifted
        const shifted = after.get(where);
        expect(shifted, where).toBeDefined();
        const set = offsets.get(key) ?? new Set<number>();
        set.add(((shifted as number) - t) / DAY_MS);
        offsets.set(key, set);
      }
    });
    for (const [key, days] of offsets) {
      expect([...days], key).toHaveLength(1);
      for (const day of days) expect(day >= -365 && day <= -1, `${key}: ${day}`).toBe(true);
    }
    // a merged identifier moves with its survivor: one offset per person, not per key
    const merges = accepted.filter((m) => firstSegment(m, 'MRG'));
    expect(merges.length).toBeGreaterThan(0);
    for (const m of merges) {
      const survivor = patientKeyFromPid(firstSegment(m, 'PID') as Segment, m.delimiters) as string;
      const prior = identityFromCx(firstSegment(m, 'MRG')?.get(1) ?? '', m.delimiters)?.key as string;
      expect([...(offsets.get(prior) ?? [])]).toEqual([...(offsets.get(survivor) ?? [])]);
    }
  });
});

describe('when the same feed is de-identified again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-deid-again-'));
  const input = join(dir, 'feed.hl7');

  beforeAll(async () => {
    await writeFeed(input, { patients: 40, seed: 5 });
    await deidentify([input], join(dir, 'a'));
    await deidentify([input], join(dir, 'b'));
    await deidentify([input], join(dir, 'c'), { key: OTHER_KEY });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same bytes under the same key', () => {
    expect(readFileSync(join(dir, 'b', 'feed.hl7')).equals(readFileSync(join(dir, 'a', 'feed.hl7')))).toBe(true);
  });

  it('gives other pseudonyms and other offsets under another key', () => {
    const ids = (sub: string): string[] => readOutput(join(dir, sub, 'feed.hl7')).map((t) => parseMessage(t)).map((m) => component(firstSegment(m, 'PID')?.get(3) ?? '', 1, m.delimiters));
    const a = ids('a');
    const c = ids('c');
    expect(a).toHaveLength(c.length);
    // the copies are in shifted-time order, which differs by key: compare as sets
    const idsC = new Set(c);
    expect(a.filter((id) => idsC.has(id))).toEqual([]);
    const msh7 = (sub: string): string[] => readOutput(join(dir, sub, 'feed.hl7')).map((t) => parseMessage(t).segments[0]?.get(7) ?? '');
    const timesC = new Set(msh7('c'));
    expect(msh7('a').filter((t) => timesC.has(t)).length).toBeLessThan(a.length / 10);
  });
});
