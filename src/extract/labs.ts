import { component, field, text, type Segment } from '../hl7/message.js';
import type { Finding } from '../domain/finding.js';
import type { Measurement } from '../domain/result.js';
import type { UnreadNote } from '../domain/unread.js';
import type { LabRole } from './compiled-profile.js';
import { makeFinding, type ExtractContext } from './context.js';

/** Lab roles read as numbers here; immunofixation has its own reader (ife-result.ts). */
export type NumericLabRole = Exclude<LabRole, 'serumIfe' | 'urineIfe'>;
import { hematocritPercent, hemoglobinGPerDl, platelets10e9PerL, readNumber, vegfPgPerMl } from './units.js';

type At = { observedAt: string; segment: string; resultKey: string };
interface Group { obr: Segment | undefined; specimens: Segment[] }
type Specimen = 'plasma' | 'serum' | 'unknown';

/** Specimen of a VEGF result: SPM-4, else OBR-15, else the code's own text (spec §1). */
function specimenOf(obxName: string, group: Group, ctx: ExtractContext): Specimen {
  const { d } = ctx;
  const candidates = [
    ...group.specimens.map((s) => `${component(field(s, 4), 1, d)} ${component(field(s, 4), 2, d)}`),
    group.obr ? `${component(field(group.obr, 15), 1, d)} ${component(field(group.obr, 15), 2, d)}` : '',
    obxName,
  ];
  for (const c of candidates) {
    const t = c.toLowerCase();
    const plasma = /\bplas|plasma|\bpla\b|edta/.test(t);
    const serum = /\bser\b|serum|\bsrm\b/.test(t);
    if (plasma !== serum) return plasma ? 'plasma' : 'serum';
  }
  return 'unknown';
}

/** OBX-7 "low-high" or "<high": the upper limit, when there is one. */
function upperLimit(range: string): number | null {
  const m = /(?:-|<=?|to)\s*(\d+(?:\.\d+)?)\s*$/.exec(range.trim());
  return m ? Number(m[1]) : null;
}

function abnormalHigh(obx: Segment, ctx: ExtractContext): boolean {
  const flag = component(field(obx, 8), 1, ctx.d).trim().toUpperCase();
  return flag === 'H' || flag === 'HH';
}

/** What one watched lab OBX yields: findings, values seen but not read, and the measurement. */
export interface LabReading {
  findings: Finding[];
  notes: UnreadNote[];
  /** a watched count (platelets, Hb, Hct), abnormal or not: persistence needs the latest (spec §2) */
  measurement?: Measurement;
}

/** The reading of one numeric lab OBX whose code the profile watches (IFE is read in ife-result.ts). */
export function readLab(lab: { role: NumericLabRole; name: string }, obx: Segment, group: Group, at: At, ctx: ExtractContext): LabReading {
  return { findings: readLabFindings(lab, obx, group, at, ctx), notes: [] };
}

function readLabFindings(lab: { role: NumericLabRole; name: string }, obx: Segment, group: Group, at: At, ctx: ExtractContext): Finding[] {
  const { d } = ctx;
  const labs = ctx.profile.profile.labs;
  const num = readNumber(field(obx, 5), d.component);
  if (!num || num.below) return [];
  const unit = text(component(field(obx, 6), 1, d), d);
  const female = ctx.sex === 'F';
  switch (lab.role) {
    case 'platelets': {
      const v = platelets10e9PerL(num.value, unit);
      return v !== null && v > labs.platelets.above ? [makeFinding(ctx, 'thrombocytosis', at, { value: v, unit: '10*9/L' })] : [];
    }
    case 'hemoglobin': {
      const v = hemoglobinGPerDl(num.value, unit);
      const limit = female ? labs.hemoglobin.above.female : labs.hemoglobin.above.male;
      return v !== null && v > limit ? [makeFinding(ctx, 'polycythemia', at, { value: round(v), unit: 'g/dL' })] : [];
    }
    case 'hematocrit': {
      const v = hematocritPercent(num.value, unit);
      const limit = female ? labs.hematocrit.above.female : labs.hematocrit.above.male;
      return v !== null && v > limit ? [makeFinding(ctx, 'polycythemia', at, { value: round(v), unit: '%' })] : [];
    }
    case 'vegf': {
      const v = vegfPgPerMl(num.value, unit);
      if (v === null) return [];
      const specimen = specimenOf(lab.name, group, ctx);
      const upper = upperLimit(text(field(obx, 7), d));
      const high =
        specimen === 'plasma' ? v > labs.vegf.plasmaAbove
        : specimen === 'serum' ? v > labs.vegf.serumAbove
        : (upper !== null && v > upper) || abnormalHigh(obx, ctx);
      return high ? [makeFinding(ctx, 'vegfHigh', at, { value: v, unit: 'pg/mL', qualifiers: { specimen } })] : [];
    }
    case 'mSpike':
      return num.value > 0 ? [makeFinding(ctx, 'clone', at, { value: num.value, unit, qualifiers: { lightChain: 'unknown', heavyChain: 'unknown' } })] : [];
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
