import { z } from 'zod';
import { LabCode } from './profile-codes.schema.js';

const SexThreshold = z.object({ male: z.number().positive(), female: z.number().positive() }).strict();

/** A reference-range band: a missing unit is this one when OBX-7's upper limit lies in [upperFrom, upperTo]. */
const RangeBand = z.object({ unit: z.string().min(1), upperFrom: z.number(), upperTo: z.number() }).strict();

/**
 * How one analyte's values are read (spec §1.1): unit spellings with their factor to `unit`
 * (matched after normalising case, µ/mc/u and powers of ten, so `10^3/µL` = `10*3/uL`), unit
 * inference for a value sent without one, and the range a converted value must lie in.
 */
const MeasuredShape = {
  codes: z.array(LabCode),
  /** the unit thresholds and the plausible range are written in */
  unit: z.string().min(1),
  /** unit as labs write it → factor that converts a value in it to `unit` */
  units: z.record(z.string().min(1), z.number().positive()),
  /** no unit sent: the first band matching OBX-7's upper limit names the unit */
  unitFromRange: z.array(RangeBand),
  /** no unit sent and the value is below `below` (a fraction): this unit; checked before the bands */
  unitForValueBelow: z.object({ below: z.number().positive(), unit: z.string().min(1) }).strict().optional(),
  /** no unit sent and nothing above decides */
  defaultUnit: z.string().min(1),
  /** a converted value outside [min, max] is not read (VALUE_IMPLAUSIBLE) */
  plausible: z.object({ min: z.number().min(0), max: z.number().positive() }).strict(),
};

/** Every unit an analyte names must be one of its `units` (compared as written, case-insensitive). */
function unitsDeclared(a: { units: Record<string, number>; unitFromRange: { unit: string }[]; unitForValueBelow?: { unit: string } | undefined; defaultUnit: string }, ctx: z.RefinementCtx): void {
  const known = new Set(Object.keys(a.units).map((u) => u.trim().toLowerCase()));
  const named: [string, (string | number)[]][] = [
    [a.defaultUnit, ['defaultUnit']],
    ...a.unitFromRange.map((b, i): [string, (string | number)[]] => [b.unit, ['unitFromRange', i, 'unit']]),
    ...(a.unitForValueBelow ? [[a.unitForValueBelow.unit, ['unitForValueBelow', 'unit']] as [string, (string | number)[]]] : []),
  ];
  for (const [unit, path] of named) {
    if (!known.has(unit.trim().toLowerCase())) ctx.addIssue({ code: 'custom', path, message: `unit "${unit}" is not one of this analyte's units` });
  }
}

export const LabsProfile = z.object({
  platelets: z.object({ ...MeasuredShape, above: z.number().positive() }).strict().superRefine(unitsDeclared),
  hemoglobin: z.object({ ...MeasuredShape, above: SexThreshold }).strict().superRefine(unitsDeclared),
  hematocrit: z.object({ ...MeasuredShape, above: SexThreshold }).strict().superRefine(unitsDeclared),
  vegf: z.object({
    ...MeasuredShape,
    plasmaAbove: z.number().positive(),
    serumAbove: z.number().positive(),
  }).strict().superRefine(unitsDeclared),
  /** SPEP M-spike: any value above 0, in whatever unit, is an untyped clone */
  mSpike: z.object({ codes: z.array(LabCode) }).strict(),
  /** serum free light chain κ/λ ratio; the limits apply when OBX-7 does not give the lab's own */
  flcRatio: z.object({ codes: z.array(LabCode), below: z.number().positive(), above: z.number().positive() }).strict(),
  /** free λ: above its range (OBX-7 or flag H/HH) in the same order makes a low ratio definite */
  freeLambda: z.object({ codes: z.array(LabCode) }).strict(),
  serumIfe: z.object({ codes: z.array(LabCode) }).strict(),
  urineIfe: z.object({ codes: z.array(LabCode) }).strict(),
}).strict();
export type LabsProfile = z.infer<typeof LabsProfile>;
