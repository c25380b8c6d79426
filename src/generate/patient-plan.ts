/**
 * The per-archetype message plans: which messages each kind of patient receives, and when.
 * Routine patients get admissions/discharges and basic metabolic panels (plus some normal CBCs);
 * each archetype adds the findings that make its expected tier (see archetypes.ts).
 */
import { NATO, DX, TEXT } from './clinical-content.js';
import { schedule, type Scheduled } from './arrival.js';
import { admissionTime, archetypeAt, patientId, priorId, type FeedContext } from './feed-context.js';
import { makePerson } from './hl7-builders.js';
import { PatientPlanner } from './patient-messages.js';
import { chance, int, mix32, mulberry32, pick } from './rng.js';
import { DAY, HOUR, MIN, pad } from './time.js';
import type { PlannedPatient } from './types.js';

export interface PatientSchedule {
  header: Omit<PlannedPatient, 'messages'>;
  /** the patient's messages in their own arrival order */
  scheduled: Scheduled[];
}

export function planPatient(ctx: FeedContext, index: number): PatientSchedule {
  const info = archetypeAt(ctx, index);
  const rng = mulberry32(mix32(ctx.seed, index + 1));
  const sex: 'M' | 'F' = chance(rng, 0.5) ? 'M' : 'F';
  const dob = `${int(rng, 1940, 2000)}${pad(int(rng, 1, 12), 2)}${pad(int(rng, 1, 28), 2)}`;
  const word = NATO[index % NATO.length] ?? 'ALPHA';
  const me = makePerson(patientId(index), `TESTPATIENT^${word}${index + 1}`, dob, sex);
  const priorPatientKeys: string[] = [];
  const t0 = admissionTime(ctx, index);
  const p = new PatientPlanner(index, rng, sex);
  const female = sex === 'F';
  const normalHb = female ? 12.9 : 14.4;
  const normalHct = female ? 39 : 43;

  switch (info.archetype) {
    case 'unremarkable': {
      const end = p.encounter(me, t0, int(rng, 1, 5), 0.45);
      if (chance(rng, 0.3)) p.encounter(me, end + int(rng, 5, 40) * DAY, int(rng, 1, 3), 0.45);
      break;
    }
    case 'no-neuropathy': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 3 * HOUR, [DX.splenomegaly]);
      p.cbc(me, t0 + 5 * HOUR, { plt: int(rng, 520, 640), hb: female ? 12.5 : 14.1, hct: female ? 38 : 42, pinned: false });
      p.ife(me, t0 + 4 * DAY, 'serum', 'IgG lambda monoclonal protein detected', false);
      p.vegf(me, t0 + 6 * DAY, { value: int(rng, 1500, 2200), unit: 'pg/mL', specimen: 'SER', via: 'OBR15', pinned: false });
      break;
    }
    case 'cidp-only': {
      p.encounter(me, t0, int(rng, 1, 4), 0.5);
      p.cidp(me, t0 + 2 * HOUR, false);
      if (chance(rng, 0.4)) p.ife(me, t0 + 3 * DAY, 'serum', 'No monoclonal protein detected', false);
      break;
    }
    case 'mgus-kappa': {
      p.encounter(me, t0, int(rng, 1, 4), 0.3);
      p.polyneuropathy(me, t0 + 2 * HOUR, false);
      if (chance(rng, 0.4)) p.diagnoses(me, t0 + 5 * DAY, [DX.mgus]);
      p.ife(me, t0 + 3 * DAY, 'serum', 'IgM kappa monoclonal protein detected', false);
      if (chance(rng, 0.5)) p.spep(me, t0 + 3 * DAY + HOUR, 0.4, false);
      break;
    }
    case 'diabetic-neuropathy': {
      p.encounter(me, t0, int(rng, 1, 4), 0.3);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.polyneuropathy, DX.diabetes, DX.hypothyroid]);
      break;
    }
    case 'negated-text': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp]);
      p.report(me, t0 + 3 * DAY, 'report-radiology', TEXT.ctNegated, false);
      p.report(me, t0 + 9 * DAY, 'report-pathology', TEXT.nodeNegated, false);
      if (chance(rng, 0.6)) p.report(me, t0 + 1 * DAY, 'report-radiology', TEXT.usNegated, false);
      if (chance(rng, 0.5)) p.ife(me, t0 + 4 * DAY, 'serum', 'No monoclonal protein detected', false);
      break;
    }
    case 'cidp-minor-ife-negative': {
      // Order matters for "never alerted": CIDP, then the negative IFE, then the minor criterion.
      p.encounter(me, t0, int(rng, 3, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      p.ife(me, t0 + 1 * DAY, 'serum', 'No monoclonal protein detected', true);
      p.cbc(me, t0 + 3 * DAY, { plt: int(rng, 480, 560), hb: female ? 12.8 : 14.2, hct: female ? 39 : 43, pinned: true });
      break;
    }
    case 'screening-gap': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.cidp(me, t0 + 2 * HOUR, false);
      const at = t0 + 2 * DAY;
      const minor = pick(rng, ['plt', 'plt', 'plt', 'hb', 'hb-gl', 'hct', 'spleen-dx', 'spleen-us', 'gonad', 'skin', 'edema'] as const);
      switch (minor) {
        case 'plt':
          p.cbc(me, at, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: false });
          break;
        case 'hb': // > 16.5 g/dL (male) and > 16.0 (female)
          p.cbc(me, at, { plt: int(rng, 200, 350), hb: 17.2, hct: normalHct, pinned: false });
          break;
        case 'hb-gl': // 172 g/L = 17.2 g/dL
          p.cbc(me, at, { plt: int(rng, 200, 350), hb: 17.2, hct: normalHct, hbInGramsPerLitre: true, pinned: false });
          break;
        case 'hct': // > 49 % (male) and > 48 % (female)
          p.cbc(me, at, { plt: int(rng, 200, 350), hb: normalHb, hct: 52.5, pinned: false });
          break;
        case 'spleen-dx':
          p.diagnoses(me, at, [DX.splenomegaly]);
          break;
        case 'spleen-us':
          p.report(me, at, 'report-radiology', TEXT.usSplenomegaly, false);
          break;
        case 'gonad':
          p.diagnoses(me, at, [female ? DX.ovarian : DX.testicular]);
          break;
        case 'skin':
          p.diagnoses(me, at, [DX.pigmentation]);
          break;
        case 'edema':
          p.diagnoses(me, at, [DX.edema]);
          break;
      }
      // SPEP without an M-spike is not immunofixation: the gap remains.
      if (chance(rng, 0.3)) p.spep(me, t0 + 4 * DAY, 0, false);
      break;
    }
    case 'lambda-clone': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.polyneuropathy(me, t0 + 2 * HOUR, false);
      if (chance(rng, 0.5)) p.report(me, t0 + 6 * DAY, 'report-pathology', TEXT.marrowLambda, false);
      else p.ife(me, t0 + 4 * DAY, 'serum', 'IgG lambda monoclonal protein detected', false);
      if (chance(rng, 0.4)) p.ife(me, t0 + 4 * DAY + HOUR, 'urine', 'No monoclonal protein detected', false);
      break;
    }
    case 'vegf-only': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.polyneuropathy(me, t0 + 2 * HOUR, false);
      const at = t0 + 5 * DAY;
      const variant = pick(rng, ['plasma-spm', 'plasma-obr15', 'serum', 'unknown', 'plasma-ngl'] as const);
      if (variant === 'plasma-spm') p.vegf(me, at, { value: int(rng, 260, 700), unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: false });
      else if (variant === 'plasma-obr15') p.vegf(me, at, { value: int(rng, 260, 700), unit: 'pg/mL', specimen: 'PLAS', via: 'OBR15', pinned: false });
      else if (variant === 'serum') p.vegf(me, at, { value: int(rng, 1300, 2600), unit: 'pg/mL', specimen: 'SER', via: chance(rng, 0.5) ? 'SPM' : 'OBR15', pinned: false });
      else if (variant === 'unknown') p.vegf(me, at, { value: 480, unit: 'pg/mL', specimen: null, via: 'SPM', pinned: false });
      else p.vegf(me, at, { value: int(rng, 300, 650), unit: 'ng/L', specimen: 'PLAS', via: 'SPM', pinned: false });
      if (chance(rng, 0.5)) p.ife(me, t0 + 5 * DAY + HOUR, 'serum', 'No monoclonal protein detected', false);
      break;
    }
    case 'poems-full': {
      const end = p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp]);
      p.report(me, t0 + 1 * DAY + 3 * HOUR, 'report-neurophysiology', [...TEXT.ncsCidp, TEXT.ncsPoemsQuestion], false);
      p.cbc(me, t0 + 1 * DAY + 6 * HOUR, { plt: 520, hb: female ? 13.1 : 14.6, hct: female ? 40 : 44, pinned: false });
      p.ife(me, t0 + 8 * DAY, 'serum', 'IgA lambda monoclonal protein detected', false);
      if (chance(rng, 0.5)) p.spep(me, t0 + 8 * DAY + HOUR, 0.3, false);
      p.vegf(me, t0 + 12 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: chance(rng, 0.5) ? 'SPM' : 'OBR15', pinned: false });
      p.report(me, t0 + 15 * DAY, 'report-radiology', chance(rng, 0.5) ? TEXT.ctSclerotic : TEXT.ctScleroticFt, false);
      if (chance(rng, 0.3)) p.encounter(me, end + 20 * DAY, int(rng, 1, 3), 0);
      break;
    }
    case 'corrected': {
      p.encounter(me, t0, int(rng, 3, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      p.cbc(me, t0 + 1 * DAY + 4 * HOUR, {
        plt: 520, hb: normalHb, hct: normalHct, pinned: true,
        correction: { at: t0 + 2 * DAY + 6 * HOUR, plt: 300 },
      });
      break;
    }
    case 'deleted': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.polyneuropathy(me, t0 + 2 * HOUR, true);
      p.vegf(me, t0 + 3 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: true, deleteAt: t0 + 5 * DAY });
      break;
    }
    case 'duplicate': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      p.cbc(me, t0 + 1 * DAY + 4 * HOUR, {
        plt: 520, hb: normalHb, hct: normalHct, pinned: true,
        duplicateAfter: int(rng, 30, 480) * MIN,
      });
      break;
    }
    case 'merged': {
      const prior = makePerson(priorId(index), `SYNTHETIC^UNKNOWN${index + 1}`, dob, sex);
      priorPatientKeys.push(prior.key);
      p.encounter(prior, t0, int(rng, 1, 3), 0);
      p.diagnoses(prior, t0 + 2 * HOUR, [DX.cidp], true);
      p.cbc(prior, t0 + 5 * HOUR, { plt: 520, hb: normalHb, hct: normalHct, pinned: true });
      const s = t0 + 6 * DAY;
      p.encounter(me, s, int(rng, 2, 4), 0);
      p.ife(me, s + 1 * DAY, 'serum', 'IgA lambda monoclonal protein detected', true);
      p.vegf(me, s + 3 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: true });
      p.report(me, s + 5 * DAY, 'report-radiology', TEXT.ctSclerotic, true);
      p.merge(me, prior, s + 8 * DAY);
      break;
    }
    case 'out-of-order': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      const original = t0 + 1 * DAY + 4 * HOUR;
      const corrected = original + 5 * HOUR;
      p.cbc(me, original, {
        plt: 300, hb: normalHb, hct: normalHct, pinned: true,
        correction: { at: corrected, plt: 520 },
        // The interface engine held the original back: it arrives 3 h after its correction.
        originalArrival: corrected + 3 * HOUR,
      });
      break;
    }
    case 'poems-known': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      // First usable message: the diagnosis is already made, so nothing ever alerts.
      p.diagnoses(me, t0 + 1 * HOUR, [DX.poems, DX.cidp], true, true);
      p.cbc(me, t0 + 1 * DAY, { plt: 520, hb: normalHb, hct: normalHct, pinned: false });
      p.diagnoses(me, t0 + 2 * DAY, [DX.splenomegaly]);
      p.ife(me, t0 + 3 * DAY, 'serum', 'IgA lambda monoclonal protein detected', false);
      p.report(me, t0 + 6 * DAY, 'report-pathology', TEXT.nodeCastleman, false);
      break;
    }
  }

  const header = {
    index,
    patientKey: me.key,
    priorPatientKeys,
    archetype: info.archetype,
    sex,
    expectedTier: info.expectedTier,
    expectedStatus: info.expectedStatus,
  };
  return { header, scheduled: schedule(ctx.tag, index, p.drafts, rng) };
}
