/**
 * One patient's plan: who the patient is (fake identity, sex, birth date), its archetype's
 * messages (plans-clinical.ts, plans-lifecycle.ts), and their arrival order (arrival.ts).
 */
import { DX, NATO } from './clinical-content.js';
import { schedule, type Scheduled } from './arrival.js';
import { admissionTime, archetypeAt, patientId, type FeedContext } from './feed-context.js';
import { makePerson } from './hl7-builders.js';
import { PatientPlanner } from './patient-messages.js';
import type { Plan } from './plan-context.js';
import { CLINICAL_PLANS } from './plans-clinical.js';
import { LIFECYCLE_PLANS } from './plans-lifecycle.js';
import { chance, int, mix32, mulberry32 } from './rng.js';
import { pad } from './time.js';
import type { PlannedPatient } from './types.js';

export interface PatientSchedule {
  header: Omit<PlannedPatient, 'messages'>;
  /** the patient's messages in their own arrival order */
  scheduled: Scheduled[];
}

const PLANS = { ...CLINICAL_PLANS, ...LIFECYCLE_PLANS };

export function planPatient(ctx: FeedContext, index: number): PatientSchedule {
  const info = archetypeAt(ctx, index);
  const rng = mulberry32(mix32(ctx.seed, index + 1));
  const sex: 'M' | 'F' = chance(rng, 0.5) ? 'M' : 'F';
  const female = sex === 'F';
  const dob = `${int(rng, 1940, 2000)}${pad(int(rng, 1, 12), 2)}${pad(int(rng, 1, 28), 2)}`;
  const word = NATO[index % NATO.length] ?? 'ALPHA';
  const name = `TESTPATIENT^${word}${index + 1}`;
  const me = makePerson(patientId(index), name, dob, sex);
  const p = new PatientPlanner(index, rng, sex, ctx.variant);
  const linkedKeys: string[] = [];
  const plan: Plan | undefined = PLANS[info.archetype];
  if (!plan) throw new Error(`no plan for archetype ${info.archetype}`);
  plan({
    index, p, rng, me, name, dob, sex, female,
    gonad: female ? DX.ovarian : DX.testicular,
    t0: admissionTime(ctx, index),
    variant: ctx.variant,
    linkedKeys,
    normalHb: female ? 12.9 : 14.4,
    normalHct: female ? 39 : 43,
  });

  const header = {
    index,
    patientKey: me.key,
    priorPatientKeys: linkedKeys,
    archetype: info.archetype,
    sex,
    expectedTier: info.expectedTier,
    expectedStatus: info.expectedStatus,
  };
  return { header, scheduled: schedule(ctx.tag, index, p.drafts, rng) };
}
