import { component, field, text, type Segment } from '../hl7/message.js';
import type { LightChain } from '../domain/finding.js';
import { makeFinding, statusEffect, type ExtractContext } from './context.js';
import { labRoleOf } from './lab-codes.js';
import type { Group, LabReading } from './lab-measure.js';
import { unreadNote, type At } from './lab-note.js';
import { isAbove, isBelow, parseNumber, readLabValue } from './lab-value.js';
import { parseRange } from './units.js';

/** A result above its own range: OBX-7's upper limit, or flagged H/HH. */
function aboveItsRange(obx: Segment, ctx: ExtractContext): boolean {
  const { d } = ctx;
  const flag = component(field(obx, 8), 1, d).trim().toUpperCase();
  if (flag === 'H' || flag === 'HH') return true;
  const v = readLabValue(field(obx, 5), d);
  const { high } = parseRange(text(field(obx, 7), d), parseNumber);
  return v !== null && high !== null && isAbove(v, high);
}

/** Free λ (33944-0) of the same order above its range. */
function freeLambdaHigh(group: Group, ctx: ExtractContext): boolean {
  return (group.observations ?? []).some(({ seg }) =>
    labRoleOf(field(seg, 3), ctx)?.role === 'freeLambda' &&
    statusEffect(component(field(seg, 11), 1, ctx.d)) === 'count' &&
    aboveItsRange(seg, ctx));
}

/**
 * Serum free light chain κ/λ ratio (spec §1): below the lab's lower limit (OBX-7, else the
 * profile's 0.26) is a λ clone, `possible` unless free λ in the same order is above its range;
 * above the upper limit (else 3.1, the renal range) a κ clone, `possible`. A normal ratio says
 * nothing: it is never a negative.
 */
export function readFlcRatio(obx: Segment, group: Group, at: At, ctx: ExtractContext): LabReading {
  const { d } = ctx;
  const shown = text(field(obx, 5), d).trim();
  if (shown === '') return { findings: [], notes: [] };
  const v = readLabValue(field(obx, 5), d);
  if (v === null) return { findings: [], notes: [unreadNote(ctx, 'VALUE_UNREADABLE', at, { kind: 'clone', text: shown, detail: 'κ/λ ratio is not a number' })] };
  // a ratio of two concentrations is never zero or negative
  if (v.value <= 0) return { findings: [], notes: [unreadNote(ctx, 'VALUE_IMPLAUSIBLE', at, { kind: 'clone', text: shown, detail: 'κ/λ ratio must be above 0' })] };
  const limits = ctx.profile.profile.labs.flcRatio;
  const range = parseRange(text(field(obx, 7), d), parseNumber);
  const lower = range.low ?? limits.below;
  const upper = range.high ?? limits.above;
  let lightChain: LightChain | null = null;
  if (isBelow(v, lower)) lightChain = 'lambda';
  else if (isAbove(v, upper)) lightChain = 'kappa';
  if (lightChain === null) return { findings: [], notes: [] };
  const certainty = lightChain === 'lambda' && freeLambdaHigh(group, ctx) ? 'definite' : 'possible';
  return {
    findings: [makeFinding(ctx, 'clone', at, { value: v.value, qualifiers: { lightChain, heavyChain: 'unknown', method: 'flc' }, certainty })],
    notes: [],
  };
}
