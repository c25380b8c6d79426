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
import * as PHRASING from '../../src/generate/phrasing.js';
import { writeFeed } from '../../src/generate/write-feed.js';

const all = (patients: number, seed: number, variant: 'default' | 'held-out' = 'default'): GeneratedMessage[] => [...generateFeed({ patients, seed, variant })];
const segments = (text: string): string[][] => text.split('\r').map((s) => s.split('|'));
/** MSH-n of a message (MSH-1 is the field separator itself). */
const msh = (text: string, n: number): string => segments(text)[0]?.[n - 1] ?? '';
const obxs = (text: string): string[][] => segments(text).filter((s) => s[0] === 'OBX');

/** The patient key spec §1.3 gives the first PID-3 repetition: a missing authority is MSH-4.1. */
function specKey(text: string): string {
  const pid3 = segments(text).find((s) => s[0] === 'PID')?.[3] ?? '';
  const [id = '', , , authority = ''] = (pid3.split('~')[0] ?? '').split('^');
  return `${authority || msh(text, 4).split('^')[0]}|${id}`;
}

/** A platelet OBX's count in ×10⁹/L, whatever style the generator wrote it in. */
function plateletCount(seg: readonly string[]): number {
  const unit = seg[6] ?? '';
  const n = Number((seg[5] ?? '').replace(/^\^/, '').replace(/ K\/uL$/, '').replace(/,/g, ''));
  if (unit === '/uL' || unit === '/mm3') return n / 1000;
  if (unit === '10*4/uL') return Math.round(n * 10);
  return n;
}
const isPlatelets = (seg: readonly string[]): boolean => /(^|\^)(777-3|26515-7)\^/.test(seg[3] ?? '');

/** every entry of a phrasing pool of one variant, as text */
function poolTexts(variant: 'default' | 'held-out'): string[] {
  return Object.values(PHRASING)
    .filter((v): v is Record<'default' | 'held-out', readonly (string | readonly string[])[]> => typeof v === 'object' && v !== null && 'held-out' in v)
    .flatMap((pool) => pool[variant].map((e) => (typeof e === 'string' ? e : e.join('\n'))));
}

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
      expect(m.text).toMatch(/^MSH\|\^~\\&\|SENTINEL-GEN\|(SYNTHLAB|SYNTH|SYNTHREF)\|/);
      expect(m.text).not.toMatch(/[\n]|\r$|\r\r/);
      expect(m.text).toMatch(/^[\x20-\x7e\r]*$/);
      expect(msh(m.text, 7)).toMatch(/^\d{14}$/);
      expect(msh(m.text, 12)).toBe('2.5.1');
      const pid = segments(m.text).find((s) => s[0] === 'PID');
      // the MRN with its authority, the MRN without it (sent by SYNTH itself), the MRN with the
      // reference lab's alias, or the reference lab's own id
      expect(pid?.[3]).toMatch(/^([PQ]\d{6}\^\^\^SYNTH\^MR(~L\d{6}\^\^\^SYNTHREF\^PI)?|P\d{6}\^\^\^\^MR|L\d{6}\^\^\^SYNTHREF\^PI)$/);
      if (pid?.[3]?.includes('^^^^MR')) expect(msh(m.text, 4)).toBe('SYNTH');
      expect(pid?.[5]).toMatch(/^(TESTPATIENT|SYNTHETIC)\^/);
      expect(pid?.[8]).toMatch(/^[MF]$/);
      expect(m.patientKey).toBe(specKey(m.text));
    }
  });

  it('has unique MSH-10 except the deliberate duplicates (same message) and reused control ids (other content)', () => {
    const plan = planFeed({ patients: 400, seed: 5 });
    const reusing = new Set(plan.patients.filter((p) => p.archetype === 'control-id-reuse').map((p) => p.patientKey));
    const seen = new Map<string, string>();
    let duplicates = 0;
    let reused = 0;
    for (const m of all(400, 5)) {
      expect(msh(m.text, 10)).toBe(m.controlId);
      const first = seen.get(m.controlId);
      if (m.duplicate) {
        duplicates += 1;
        expect(first).toBe(m.text);
      } else if (first !== undefined) {
        reused += 1;
        expect(reusing.has(m.patientKey), `${m.controlId} reused outside control-id-reuse`).toBe(true);
        expect(first).not.toBe(m.text);
      } else {
        seen.set(m.controlId, m.text);
      }
    }
    expect(duplicates).toBe(plan.patients.filter((p) => p.archetype === 'duplicate').length);
    expect(duplicates).toBeGreaterThan(0);
    expect(reused).toBe(reusing.size);
    expect(reused).toBeGreaterThan(0);
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
    expect(outcomes.size).toBe(200 + plan.patients.filter((p) => p.archetype === 'merged' || p.archetype === 'alias-linked').length);
  });

  it('poems-full: CIDP, λ IFE, plasma VEGF 480, platelets 520 and a sclerotic-lesion report', () => {
    const messages = patientOf(plan, 'poems-full').messages;
    const text = messages.map((m) => m.text).join('\n');
    expect(text).toMatch(/DG1\|\d\|\|G61\.?81\^/);
    expect(text).toMatch(/25700-6\^[^|]*\^(LN|LOINC)\|/);
    expect(PHRASING.IFE_LAMBDA.default.some((phrase) => text.includes(phrase))).toBe(true);
    expect(text).toMatch(/75628-8\^[^|]*\^LN\|\|480\|pg\/mL\|/);
    const counts = messages.filter((m) => m.kind === 'lab-cbc').flatMap((m) => obxs(m.text).filter(isPlatelets).map(plateletCount));
    expect(counts).toContain(520);
    expect(text).toMatch(/sclerotic lesions|osteosclerotic lesions/);
  });

  it('corrected: the platelet result is F 520, then C 300 on the same filler order, arriving later', () => {
    const cbc = patientOf(plan, 'corrected').messages.filter((m) => m.kind === 'lab-cbc');
    expect(cbc).toHaveLength(2);
    const [first, second] = cbc.map((m) => obxs(m.text).find(isPlatelets) ?? []);
    expect([plateletCount(first ?? []), first?.[11]]).toEqual([520, 'F']);
    expect([plateletCount(second ?? []), second?.[11]]).toEqual([300, 'C']);
    const filler = (m: { text: string }): string | undefined => segments(m.text).find((s) => s[0] === 'OBR')?.[3];
    expect(filler(cbc[0] as { text: string })).toBe(filler(cbc[1] as { text: string }));
    expect((cbc[0]?.arrivalTime.getTime() ?? 0) < (cbc[1]?.arrivalTime.getTime() ?? 0)).toBe(true);
  });

  it('out-of-order: the correction arrives before the original final but has a later MSH-7', () => {
    const cbc = patientOf(plan, 'out-of-order').messages.filter((m) => m.kind === 'lab-cbc');
    const status = (m: { text: string }): string | undefined => obxs(m.text).find(isPlatelets)?.[11];
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

  it('negated-text: imaging and node reports only from the negated pools', () => {
    const reports = patientOf(plan, 'negated-text').messages.filter((m) => m.kind === 'report-radiology' || m.kind === 'report-pathology');
    const negated = [...PHRASING.BONE_NEGATED.default, ...PHRASING.NODE_NEGATED.default, ...PHRASING.ABDOMEN_NEGATED.default];
    for (const r of reports) {
      const lines = obxs(r.text).map((s) => s[5] ?? '');
      expect(negated.some((n) => (typeof n === 'string' ? [n] : n).every((line) => lines.includes(line)))).toBe(true);
    }
    expect(reports.length).toBeGreaterThanOrEqual(2);
  });

  it('alias-linked: the reference lab sends under its own id, the ADT lists it beside the MRN', () => {
    const p = patientOf(plan, 'alias-linked');
    const alias = p.priorPatientKeys[0] ?? '';
    expect(alias).toMatch(/^SYNTHREF\|L\d{6}$/);
    expect(p.messages.some((m) => m.patientKey === alias && m.kind === 'lab-ife' && msh(m.text, 4) === 'SYNTHREF')).toBe(true);
    expect(p.messages.some((m) => m.patientKey === p.patientKey && m.text.includes(`~${alias.split('|')[1]}^^^SYNTHREF^PI`))).toBe(true);
    expect(plan.outcomes.get(alias)).toMatchObject({ expectedStatus: 'none', mergedInto: p.patientKey });
  });

  it('late-preliminary: the final arrives before its own preliminary, which has the earlier MSH-7', () => {
    const p = patientOf(plan, 'late-preliminary');
    const versions = p.messages.filter((m) => m.kind === 'lab-vegf' || m.kind === 'report-radiology');
    expect(versions.map((m) => obxs(m.text)[0]?.[11])).toEqual(['F', 'P']);
    const [final, prelim] = versions;
    expect((prelim?.messageTime.getTime() ?? 0) < (final?.messageTime.getTime() ?? 0)).toBe(true);
  });

  it('resent-old-diagnosis: DG1-5 onsets years before the message that asserts them', () => {
    const dx = patientOf(plan, 'resent-old-diagnosis').messages.filter((m) => m.kind === 'adt-diagnosis');
    for (const m of dx) {
      const dg1 = segments(m.text).find((s) => s[0] === 'DG1') ?? [];
      expect(Number(msh(m.text, 7).slice(0, 4)) - Number((dg1[5] ?? '').slice(0, 4))).toBeGreaterThanOrEqual(3);
    }
    expect(dx).toHaveLength(2);
  });

  it('persistent-thrombocytosis: two abnormal counts of one kind at least 28 days apart', () => {
    for (const p of planFeed({ patients: 800, seed: 4 }).patients.filter((x) => x.archetype === 'persistent-thrombocytosis')) {
      const cbcs = p.messages.filter((m) => m.kind === 'lab-cbc');
      expect(cbcs).toHaveLength(2);
      const [a, b] = cbcs.map((m) => m.messageTime.getTime());
      expect(((b ?? 0) - (a ?? 0)) / 86_400_000).toBeGreaterThanOrEqual(28);
    }
  });
});

describe('the held-out feed', () => {
  it('is seeded: same options, same feed; another seed family than the default feed', () => {
    const a = all(300, 42, 'held-out').map((m) => m.text);
    expect(all(300, 42, 'held-out').map((m) => m.text)).toEqual(a);
    expect(a).not.toEqual(all(300, 42).map((m) => m.text));
    const ids = new Set(all(300, 42).map((m) => m.controlId));
    expect(all(300, 42, 'held-out').some((m) => ids.has(m.controlId))).toBe(false);
  });

  it('draws from phrasing pools the default feed never uses', () => {
    const defaults = new Set(poolTexts('default'));
    const heldOut = poolTexts('held-out');
    expect(heldOut.length).toBeGreaterThan(10);
    expect(heldOut.filter((t) => defaults.has(t))).toEqual([]);
    const text = all(800, 3, 'held-out').map((m) => m.text).join('\n');
    expect(PHRASING.IFE_LAMBDA['held-out'].some((p) => text.includes(p))).toBe(true);
    expect(PHRASING.IFE_LAMBDA.default.some((p) => text.includes(p))).toBe(false);
  });

  it('gives every patient the tier and status of its archetype, like the default feed', () => {
    const plan = planFeed({ patients: 300, seed: 8, variant: 'held-out' });
    for (const p of plan.patients) expect(p.expectedTier).toBe(ARCHETYPES.find((a) => a.archetype === p.archetype)?.expectedTier);
    expect(expectedOutcomes({ patients: 300, seed: 8, variant: 'held-out' })).toEqual(plan.outcomes);
  });
});

describe('the CBC-heavy feed (benchmark shape)', () => {
  const opts = { shape: 'cbc-heavy' as const, messages: 6_000, patients: 800, seed: 6 };
  const feed = [...generateFeed(opts)];

  it('has exactly the requested number of messages, in time order, seeded', () => {
    expect(feed).toHaveLength(6_000);
    expect([...generateFeed(opts)].map((m) => m.text)).toEqual(feed.map((m) => m.text));
    for (let i = 1; i < feed.length; i++) expect(feed[i]?.arrivalMs ?? 0).toBeGreaterThanOrEqual(feed[i - 1]?.arrivalMs ?? 0);
    expect(new Set(feed.map((m) => m.controlId)).size).toBe(feed.length);
  });

  it('is CBCs (LOINC-coded) except one CIDP diagnosis for about one patient in six', () => {
    const adts = feed.filter((m) => msh(m.text, 9).startsWith('ADT'));
    for (const m of adts) expect(m.text).toContain('DG1|1||G61.81^');
    const cidp = new Set(adts.map((m) => m.patientKey));
    expect(cidp.size).toBe(adts.length);
    expect(cidp.size / 800).toBeGreaterThan(0.12);
    expect(cidp.size / 800).toBeLessThan(0.21);
    const cbcs = feed.filter((m) => !msh(m.text, 9).startsWith('ADT'));
    expect(cbcs.length + adts.length).toBe(feed.length);
    for (const m of cbcs.slice(0, 500)) {
      expect(msh(m.text, 9)).toBe('ORU^R01^ORU_R01');
      for (const code of ['6690-2', '789-8', '718-7', '4544-3', '787-2', '777-3']) expect(m.text).toContain(`|${code}^`);
    }
    expect(new Set(feed.map((m) => m.patientKey)).size).toBe(800);
  });

  it('has about 15 % of platelet counts above 450, in several unit spellings', () => {
    const platelets = feed.flatMap((m) => obxs(m.text).filter(isPlatelets));
    const high = platelets.filter((s) => plateletCount(s) > 450).length / platelets.length;
    expect(high).toBeGreaterThan(0.13);
    expect(high).toBeLessThan(0.17);
    expect(new Set(platelets.map((s) => s[6])).size).toBeGreaterThanOrEqual(5);
    for (const s of platelets) expect(plateletCount(s)).toBeGreaterThanOrEqual(150);
  });

  it('is written by writeFeed with the shape option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cbc-feed-'));
    try {
      const result = await writeFeed(join(dir, 'cbc.hl7'), { ...opts, messages: 600, patients: 100 });
      expect(result.messages).toBe(600);
      expect(result.duplicates).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
