import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  ARCHETYPES,
  expectedOutcomes,
  generateFeed,
  mulberry32,
  planFeed,
  type GeneratedMessage,
  type PlannedPatient,
} from '../../src/generate/synthetic-feed.js';
import { writeFeed } from '../../src/generate/write-feed.js';

const all = (patients: number, seed: number): GeneratedMessage[] => [...generateFeed({ patients, seed })];
const segments = (text: string): string[][] => text.split('\r').map((s) => s.split('|'));
/** MSH-n of a message (MSH-1 is the field separator itself). */
const msh = (text: string, n: number): string => segments(text)[0]?.[n - 1] ?? '';
const obxs = (text: string): string[][] => segments(text).filter((s) => s[0] === 'OBX');

function patientOf(plan: { patients: PlannedPatient[] }, archetype: string): PlannedPatient {
  const p = plan.patients.find((x) => x.archetype === archetype);
  if (!p) throw new Error(`no ${archetype} patient`);
  return p;
}

describe('mulberry32', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('generateFeed', () => {
  it('gives identical output for the same seed', () => {
    const a = all(300, 42).map((m) => m.text);
    const b = all(300, 42).map((m) => m.text);
    expect(a.length).toBeGreaterThan(1000);
    expect(a).toEqual(b);
  });

  it('gives different output for a different seed', () => {
    expect(all(300, 43).map((m) => m.text)).not.toEqual(all(300, 42).map((m) => m.text));
  });

  it('writes HL7 v2.5.1 messages: MSH first, "\\r" between segments, ASCII, fake identities', () => {
    for (const m of all(200, 7)) {
      expect(m.text.startsWith('MSH|^~\\&|SENTINEL-GEN|SYNTHLAB|')).toBe(true);
      expect(m.text).not.toMatch(/[\n]|\r$|\r\r/);
      expect(m.text).toMatch(/^[\x20-\x7e\r]*$/);
      expect(msh(m.text, 7)).toMatch(/^\d{14}$/);
      expect(msh(m.text, 12)).toBe('2.5.1');
      const pid = segments(m.text).find((s) => s[0] === 'PID');
      expect(pid?.[3]).toMatch(/^[PQ]\d{6}\^\^\^SYNTH\^MR$/);
      expect(pid?.[5]).toMatch(/^(TESTPATIENT|SYNTHETIC)\^/);
      expect(pid?.[8]).toMatch(/^[MF]$/);
      expect(m.patientKey).toBe(`SYNTH|${pid?.[3]?.split('^')[0]}`);
    }
  });

  it('has unique MSH-10 except the deliberate duplicates, which repeat the message exactly', () => {
    const seen = new Map<string, string>();
    let duplicates = 0;
    for (const m of all(400, 5)) {
      expect(msh(m.text, 10)).toBe(m.controlId);
      const first = seen.get(m.controlId);
      if (m.duplicate) {
        duplicates += 1;
        expect(first).toBe(m.text);
      } else {
        expect(first).toBeUndefined();
        seen.set(m.controlId, m.text);
      }
    }
    const planned = planFeed({ patients: 400, seed: 5 }).patients.filter((p) => p.archetype === 'duplicate').length;
    expect(duplicates).toBe(planned);
    expect(duplicates).toBeGreaterThan(0);
  });

  it('keeps the large majority of messages unremarkable (nothing the profile can use)', () => {
    const messages = all(2000, 11);
    const unremarkable = messages.filter((m) => m.category === 'unremarkable').length;
    const share = unremarkable / messages.length;
    expect(share).toBeGreaterThanOrEqual(0.8);
    expect(share).toBeLessThan(0.95);
    // Unremarkable messages carry no DG1, no report text and none of the profile's lab codes.
    for (const m of messages.filter((x) => x.category === 'unremarkable')) {
      expect(m.text).not.toMatch(/\rDG1\||\|(TX|FT|ST)\||777-3|718-7|4544-3|75628-8|33358-3|25700-6|13440-3|\rMRG\|/);
    }
  });

  it('arrives in an order that mostly follows MSH-7, with a small share deliberately late', () => {
    const messages = all(1000, 3);
    let latest = '';
    let late = 0;
    let previousArrival = -Infinity;
    for (const m of messages) {
      expect(m.arrivalMs).toBeGreaterThanOrEqual(previousArrival);
      previousArrival = m.arrivalMs;
      const t = msh(m.text, 7);
      // "late" = more than an hour behind the newest message already received
      if (t < latest && Number(latest) - Number(t) > 10000) late += 1;
      if (t > latest) latest = t;
    }
    expect(late).toBeGreaterThan(0);
    expect(late / messages.length).toBeLessThan(0.05);
  });

  it('emits exactly the planned messages', () => {
    const plan = planFeed({ patients: 250, seed: 9 });
    const planned = plan.patients.flatMap((p) => p.messages.map((m) => `${m.controlId}|${m.duplicate}|${m.text}`)).sort();
    const emitted = all(250, 9).map((m) => `${m.controlId}|${m.duplicate}|${m.text}`).sort();
    expect(emitted).toEqual(planned);
  });

  it('handles empty and tiny feeds and rejects bad options', () => {
    expect(all(0, 1)).toEqual([]);
    expect(all(3, 1).length).toBeGreaterThan(0);
    expect(() => all(-1, 1)).toThrow(RangeError);
    expect(() => all(1.5, 1)).toThrow(RangeError);
    expect(() => all(1, Number.NaN)).toThrow(RangeError);
    expect(() => generateFeed({ patients: -1, seed: 1 })).toThrow(RangeError); // eagerly, before iteration
  });

  it('streams 50,000 messages with bounded memory', () => {
    let gc: (() => void) | undefined;
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
    gc?.();
    const before = process.memoryUsage().heapUsed;
    let count = 0;
    let chars = 0;
    let peak = 0;
    for (const m of generateFeed({ patients: 8000, seed: 21 })) {
      count += 1;
      chars += m.text.length;
      if (count % 10_000 === 0) {
        gc?.();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
      if (count === 50_000) break;
    }
    expect(count).toBe(50_000);
    expect(chars).toBeGreaterThan(30_000_000);
    // Holding the feed would take well over the text size; the generator keeps only the
    // patients in flight. Without a forced GC, garbage counts too, hence the looser bound.
    expect(peak).toBeLessThan(gc ? 40_000_000 : 200_000_000);
  });
});

describe('planFeed', () => {
  const plan = planFeed({ patients: 200, seed: 1 });

  it('has every archetype in a 200-patient feed, the POEMS-like ones rarer', () => {
    const counts = new Map<string, number>();
    for (const p of plan.patients) counts.set(p.archetype, (counts.get(p.archetype) ?? 0) + 1);
    for (const a of ARCHETYPES) expect(counts.get(a.archetype) ?? 0, a.archetype).toBeGreaterThan(0);
    expect(counts.get('poems-full')).toBeLessThan(counts.get('cidp-only') ?? 0);
    expect(counts.get('unremarkable')).toBeGreaterThan(150);
  });

  it('gives each archetype its expected tier and status, and outcomes for every key', () => {
    const outcomes = expectedOutcomes({ patients: 200, seed: 1 });
    for (const p of plan.patients) {
      const info = ARCHETYPES.find((a) => a.archetype === p.archetype);
      expect(p.expectedTier).toBe(info?.expectedTier);
      expect(p.expectedStatus).toBe(info?.expectedStatus);
      expect(p.patientKey).toMatch(/^SYNTH\|P\d{6}$/);
      expect(outcomes.get(p.patientKey)).toMatchObject({ expectedTier: p.expectedTier, expectedStatus: p.expectedStatus });
      for (const prior of p.priorPatientKeys) {
        expect(outcomes.get(prior)).toMatchObject({ expectedTier: null, expectedStatus: 'none', mergedInto: p.patientKey });
      }
    }
    expect(plan.outcomes).toEqual(outcomes);
    expect(outcomes.size).toBe(200 + plan.patients.filter((p) => p.archetype === 'merged').length);
  });

  it('poems-full: CIDP, λ IFE, plasma VEGF 480, platelets 520 and a sclerotic-lesion report', () => {
    const text = patientOf(plan, 'poems-full').messages.map((m) => m.text).join('\n');
    expect(text).toMatch(/DG1\|\d\|\|G61\.?81\^/);
    expect(text).toMatch(/25700-6\^[^|]*\^(LN|LOINC)\|\|IgA lambda monoclonal protein detected\|/);
    expect(text).toMatch(/75628-8\^[^|]*\^LN\|\|480\|pg\/mL\|/);
    expect(text).toMatch(/777-3\^[^|]*\|\|520\|10\*3\/uL\|/);
    expect(text).toMatch(/sclerotic lesions/);
  });

  it('corrected: the platelet result is F 520, then C 300 on the same filler order, arriving later', () => {
    const cbc = patientOf(plan, 'corrected').messages.filter((m) => m.kind === 'lab-cbc');
    expect(cbc).toHaveLength(2);
    const [first, second] = cbc.map((m) => obxs(m.text).find((s) => s[3]?.includes('777-3')));
    expect([first?.[5], first?.[11]]).toEqual(['520', 'F']);
    expect([second?.[5], second?.[11]]).toEqual(['300', 'C']);
    const filler = (m: { text: string }): string | undefined => segments(m.text).find((s) => s[0] === 'OBR')?.[3];
    expect(filler(cbc[0] as { text: string })).toBe(filler(cbc[1] as { text: string }));
    expect((cbc[0]?.arrivalTime.getTime() ?? 0) < (cbc[1]?.arrivalTime.getTime() ?? 0)).toBe(true);
  });

  it('out-of-order: the correction arrives before the original final but has a later MSH-7', () => {
    const cbc = patientOf(plan, 'out-of-order').messages.filter((m) => m.kind === 'lab-cbc');
    const status = (m: { text: string }): string | undefined => obxs(m.text).find((s) => s[3]?.includes('777-3'))?.[11];
    expect(cbc.map(status)).toEqual(['C', 'F']); // arrival order
    const [corr, orig] = cbc;
    expect((corr?.messageTime.getTime() ?? 0) > (orig?.messageTime.getTime() ?? 0)).toBe(true);
  });

  it('deleted: the result that made the tier is re-sent with OBX-11 D', () => {
    const vegf = patientOf(plan, 'deleted').messages.filter((m) => m.kind === 'lab-vegf');
    expect(vegf.map((m) => obxs(m.text)[0]?.[11])).toEqual(['F', 'D']);
  });

  it('merged: findings split across a prior and a surviving id, joined by an A40 at the end', () => {
    const p = patientOf(plan, 'merged');
    const prior = p.priorPatientKeys[0];
    expect(p.messages.some((m) => m.patientKey === prior && m.kind === 'adt-diagnosis')).toBe(true);
    expect(p.messages.some((m) => m.patientKey === p.patientKey && m.kind === 'lab-ife')).toBe(true);
    const last = p.messages.filter((m) => m.category === 'usable').at(-1);
    expect(last?.kind).toBe('adt-merge');
    expect(last?.text).toContain(`\rMRG|${prior?.split('|')[1]}^^^SYNTH^MR`);
    expect(msh(last?.text ?? '', 9)).toBe('ADT^A40^ADT_A39');
  });

  it('poems-known: the POEMS diagnosis is the first usable message', () => {
    const first = patientOf(plan, 'poems-known').messages.find((m) => m.category === 'usable');
    expect(first?.text).toContain('DG1|1||D47.2^POEMS syndrome^I10|');
  });

  it('negated-text: only negated or mimic wording for the major criteria', () => {
    const text = patientOf(plan, 'negated-text').messages.map((m) => m.text).join('\n');
    expect(text).toContain('No sclerotic lesions.');
    expect(text).toContain('Small bone island in the left femur.');
    expect(text).toContain('No evidence of Castleman disease.');
  });
});

describe('writeFeed', () => {
  it('streams the feed to a file, one message per "\\r\\n", and returns counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'synthetic-feed-'));
    try {
      const path = join(dir, 'feed.hl7');
      const result = await writeFeed(path, { patients: 300, seed: 2 });
      const content = readFileSync(path, 'latin1');
      const messages = content.split('\r\n').filter((s) => s.length > 0);
      expect(messages).toEqual(all(300, 2).map((m) => m.text));
      expect(result.messages).toBe(messages.length);
      expect(result.usable + result.unremarkable).toBe(result.messages);
      expect(result.bytes).toBe(Buffer.byteLength(content, 'latin1'));
      expect(result.duplicates).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects when the file cannot be written', async () => {
    await expect(writeFeed(join(tmpdir(), 'no-such-dir-synthetic', 'x', 'feed.hl7'), { patients: 50, seed: 1 })).rejects.toThrow();
  });
});
