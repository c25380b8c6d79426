import { field, text, type Segment } from '../hl7/message.js';
import type { LabRole } from './compiled-profile.js';
import { makeFinding, type ExtractContext } from './context.js';
import { readFlcRatio } from './lab-flc.js';
import { unreadNote, type At } from './lab-note.js';
import { KIND_OF, measure, round, unitText, type Group, type LabReading } from './lab-measure.js';
import { isAbove, readLabValue } from './lab-value.js';
import { readVegf } from './lab-vegf.js';

/** Lab roles read as numbers here; immunofixation has its own reader (ife-result.ts). */
export type NumericLabRole = Exclude<LabRole, 'serumIfe' | 'urineIfe'>;

export type { Group, LabReading } from './lab-measure.js';

const NOTHING: LabReading = { findings: [], notes: [] };

/** The reading of one numeric lab OBX whose code the profile watches (IFE is read in ife-result.ts). */
export function readLab(lab: { role: NumericLabRole; name: string }, obx: Segment, group: Group, at: At, ctx: ExtractContext): LabReading {
  switch (lab.role) {
    case 'platelets': case 'hemoglobin': case 'hematocrit': return readCount(lab.role, obx, at, ctx);
    case 'vegf': return readVegf(lab.name, obx, group, at, ctx);
    case 'mSpike': return readMSpike(obx, at, ctx);
    case 'flcRatio': return readFlcRatio(obx, group, at, ctx);
    case 'freeLambda': return NOTHING; // read beside its ratio (lab-flc.ts)
  }
}

/** Platelets, haemoglobin, haematocrit against the profile's thresholds; sex from PID-8. */
function readCount(role: 'platelets' | 'hemoglobin' | 'hematocrit', obx: Segment, at: At, ctx: ExtractContext): LabReading {
  const m = measure(role, obx, at, ctx);
  if (!m.ok) return { findings: [], notes: m.notes };
  const labs = ctx.profile.profile.labs;
  const female = ctx.sex === 'F';
  const limit = role === 'platelets' ? labs.platelets.above : female ? labs[role].above.female : labs[role].above.male;
  const kind = KIND_OF[role];
  const abnormal = isAbove(m.value, limit);
  const value = round(m.value.value);
  return {
    findings: abnormal ? [makeFinding(ctx, kind, at, { value, unit: m.unit })] : [],
    notes: [],
    measurement: { kind, observedAt: at.observedAt, abnormal, value, unit: m.unit },
  };
}

const MSPIKE_NONE = /^(?:none|nil|no\b|not\s+(?:detected|seen|present|identified|observed)|negative|absent|undetectable|not\s+detectable)/i;
const MSPIKE_PRESENT = /^(?:present|detected|positive|trace|faint|small|too\s+small)/i;

/** SPEP M-spike (spec §1): any amount above 0, in any unit, is an untyped clone. */
function readMSpike(obx: Segment, at: At, ctx: ExtractContext): LabReading {
  const { d } = ctx;
  const shown = text(field(obx, 5), d).trim();
  if (shown === '') return NOTHING;
  const v = readLabValue(field(obx, 5), d);
  const unit = unitText(obx, ctx) || (v?.unit ?? '');
  const clone = (extra: { value?: number; unit?: string }) =>
    makeFinding(ctx, 'clone', at, { ...extra, qualifiers: { lightChain: 'unknown', heavyChain: 'unknown', method: 'spep' } });
  if (v !== null) return { findings: isAbove(v, 0) ? [clone({ value: v.value, ...(unit ? { unit } : {}) })] : [], notes: [] };
  if (MSPIKE_NONE.test(shown)) return NOTHING;
  if (MSPIKE_PRESENT.test(shown)) return { findings: [clone({})], notes: [] };
  return { findings: [], notes: [unreadNote(ctx, 'VALUE_UNREADABLE', at, { kind: 'clone', text: shown, detail: 'M-spike is not a number' })] };
}
