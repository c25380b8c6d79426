/**
 * The benchmark's CBC-heavy feed (issue 7 item 6): nearly every message a full blood count, the
 * shape of a laboratory feed that the profile reads message by message. About one patient in six
 * has CIDP (one ADT^A08 with G61.81 before its first count); about 15 % of platelet counts are
 * above 450 ×10⁹/L. Units are spelled per patient's laboratory (lab-values.ts). Streaming, seeded
 * and obviously fake like the archetype feed. Expected tiers are not computed: the shape measures
 * throughput, the archetype feed measures correctness.
 */
import { LN, NATO } from './clinical-content.js';
import { patientId } from './feed-context.js';
import { makePerson, msh, obr, obx, oru, pv1 } from './hl7-builders.js';
import { drawCbcStyle } from './lab-values.js';
import { int, mix32, mulberry32 } from './rng.js';
import { DAY, MIN, SEC, hl7Time, pad } from './time.js';
import type { CbcFeedOptions, GeneratedMessage } from './types.js';

const DEFAULT_START = Date.UTC(2025, 0, 6, 0, 0, 0);
/** the feed spans a year: a patient's counts lie weeks apart, as on a haematology ward */
const SPAN = 365 * DAY;
const HIGH_PLATELET_SHARE = 0.15;
const CIDP_ONE_IN = 6;

function validate(opts: CbcFeedOptions): void {
  if (!Number.isInteger(opts.patients) || opts.patients < 1) throw new RangeError(`patients must be a positive integer, got ${opts.patients}`);
  if (!Number.isInteger(opts.messages) || opts.messages < 0) throw new RangeError(`messages must be a non-negative integer, got ${opts.messages}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
  if (opts.start && !Number.isFinite(opts.start.getTime())) throw new RangeError('start must be a valid date');
}

/** Whether patient `i` has CIDP: a hash, so about one in six and independent of the index. */
export function cbcFeedHasCidp(seed: number, i: number): boolean {
  return mix32(seed ^ 0x0c1d9, i) % CIDP_ONE_IN === 0;
}

export function generateCbcFeed(opts: CbcFeedOptions): Generator<GeneratedMessage> {
  validate(opts);
  return emitCbcFeed(opts);
}

function* emitCbcFeed(opts: CbcFeedOptions): Generator<GeneratedMessage> {
  const seed = Math.trunc(opts.seed) >>> 0;
  const start = Math.floor((opts.start?.getTime() ?? DEFAULT_START) / SEC) * SEC;
  const P = opts.patients;
  let cidp = 0;
  for (let i = 0; i < P; i++) if (cbcFeedHasCidp(seed, i)) cidp += 1;
  const cbcs = Math.max(0, opts.messages - cidp);
  const gap = opts.messages > 0 ? SPAN / opts.messages : 0;
  const tag = mix32(seed, 0xcbc).toString(36).toUpperCase().slice(-4).padStart(4, '0');
  const rng = mulberry32(mix32(seed, 0xcbc0));
  let j = 0;

  const person = (i: number): { sex: 'M' | 'F'; p: ReturnType<typeof makePerson> } => {
    const h = mix32(seed ^ 0x5e8, i);
    const sex: 'M' | 'F' = h & 1 ? 'F' : 'M';
    const dob = `${1940 + (h % 60)}${pad(1 + ((h >>> 8) % 12), 2)}${pad(1 + ((h >>> 16) % 28), 2)}`;
    return { sex, p: makePerson(patientId(i), `TESTPATIENT^${NATO[i % NATO.length] ?? 'ALPHA'}${i + 1}`, dob, sex) };
  };
  const message = (i: number, text: string, at: number, controlId: string): GeneratedMessage => ({
    text, controlId, patientKey: `SYNTH|${patientId(i)}`, category: 'usable', duplicate: false, arrivalMs: at,
  });

  const adt = (i: number): GeneratedMessage => {
    const at = start + Math.floor((j * gap) / SEC) * SEC;
    const id = `CB${tag}${pad(j++, 7)}`;
    const { p } = person(i);
    const t = hl7Time(at);
    const text = `${msh(at, 'ADT^A08^ADT_A01', id)}\rEVN|A08|${t}\r${p.pid}\r${pv1('O', 'NEURO^101', 'NEURO', `V${pad(i + 1, 7)}`)}\rDG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10||${t}|F`;
    return message(i, text, at, id);
  };

  const cbc = (i: number): GeneratedMessage => {
    const at = start + Math.floor((j * gap) / SEC) * SEC;
    const id = `CB${tag}${pad(j, 7)}`;
    const no = `C${pad(j++, 7)}`;
    const { sex, p } = person(i);
    const female = sex === 'F';
    // each patient's laboratory writes its units its own way
    const style = drawCbcStyle(mulberry32(mix32(seed ^ 0x57e, i)), 'default');
    const plt = rng() < HIGH_PLATELET_SHARE ? int(rng, 455, 900) : int(rng, 150, 440);
    const hb = female ? 12.0 + rng() * 3 : 13.5 + rng() * 2.5;
    const hct = female ? 36 + rng() * 8 : 40 + rng() * 7;
    const collected = at - int(rng, 30, 90) * MIN;
    const c = hl7Time(collected);
    const hbCell = style.hb(hb, female);
    const hctCell = style.hct(hct, female);
    const pltCell = style.plt(plt, female);
    const text = oru(
      p, id, at, no,
      obr(no, LN.cbcPanel, collected, at, 'F', 'BLD'),
      `\r${obx(1, 'NM', LN.wbc, '', (4 + rng() * 6.5).toFixed(1), '10*3/uL', '4.0-11.0', 'N', 'F', c)}` +
        `\r${obx(2, 'NM', LN.rbc, '', (female ? 3.9 + rng() * 1.2 : 4.3 + rng() * 1.3).toFixed(2), '10*6/uL', female ? '3.9-5.1' : '4.3-5.7', 'N', 'F', c)}` +
        `\r${obx(3, hbCell.type, LN.hb, '', hbCell.value, hbCell.unit, hbCell.range, 'N', 'F', c)}` +
        `\r${obx(4, hctCell.type, LN.hct, '', hctCell.value, hctCell.unit, hctCell.range, 'N', 'F', c)}` +
        `\r${obx(5, 'NM', LN.mcv, '', (82 + rng() * 14).toFixed(0), 'fL', '80-100', 'N', 'F', c)}` +
        `\r${obx(6, pltCell.type, LN.plt, '', pltCell.value, pltCell.unit, pltCell.range, plt > 450 ? 'H' : 'N', 'F', c)}`,
    );
    return message(i, text, at, id);
  };

  // The first P counts visit every patient once (its CIDP diagnosis just before); the rest pick
  // patients at random, so counts per patient vary as on a real ward.
  for (let k = 0; k < cbcs; k++) {
    const i = k < P ? k : mix32(seed ^ 0x9a7, k) % P;
    if (k < P && cbcFeedHasCidp(seed, i)) yield adt(i);
    yield cbc(i);
  }
  for (let i = cbcs; i < P; i++) if (cbcFeedHasCidp(seed, i)) yield adt(i);
}
