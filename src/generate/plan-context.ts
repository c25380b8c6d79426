/** What every archetype plan works with: the patient, its planner, its clock and its variant. */
import type { Archetype } from './archetypes.js';
import type { Dx } from './clinical-content.js';
import type { Person } from './hl7-builders.js';
import type { PatientPlanner } from './patient-messages.js';
import type { Report, Variant } from './phrasing.js';
import type { Rng } from './rng.js';

export interface PlanContext {
  index: number;
  p: PatientPlanner;
  rng: Rng;
  /** the surviving identity "SYNTH|P…" */
  me: Person;
  name: string;
  dob: string;
  sex: 'M' | 'F';
  female: boolean;
  /** the hypogonadism code that fits the sex (E28.39 / E29.1) */
  gonad: Dx;
  /** first admission */
  t0: number;
  variant: Variant;
  /** identifiers merged or linked into `me` (ADT^A40 priors, PID-3 aliases) */
  linkedKeys: string[];
  normalHb: number;
  normalHct: number;
}

export type Plan = (c: PlanContext) => void;
export type Plans = Partial<Record<Archetype, Plan>>;

/** A report with one more sentence at the end (a line, or a \.br\ line of an FT report). */
export function withLine(report: Report, line: string): Report {
  return typeof report === 'string' ? `${report}\\.br\\${line}` : [...report, line];
}
