/**
 * Plans of the clinical archetypes (what the patient has): each sends the messages that make its
 * expected tier under spec v2 (archetypes.ts says which clause), in wording drawn from the
 * variant's pools.
 */
import { DX, type Dx } from './clinical-content.js';
import { withLine, type Plans } from './plan-context.js';
import {
  ABDOMEN_NEGATED, ABDOMEN_SPLENOMEGALY, BONE_NEGATED, BONE_POSSIBLE, BONE_SCLEROTIC, IFE_IGM_KAPPA, IFE_LAMBDA, IFE_NEGATIVE,
  MARROW_LAMBDA, NCS_CIDP, NCS_POEMS_QUESTION, NODE_CASTLEMAN, NODE_NEGATED, NODE_POSSIBLE, phrase,
} from './phrasing.js';
import { chance, int, pick } from './rng.js';
import { DAY, HOUR } from './time.js';

export const CLINICAL_PLANS: Plans = {
  unremarkable: ({ p, rng, me, t0 }) => {
    const end = p.encounter(me, t0, int(rng, 1, 5), 0.45);
    if (chance(rng, 0.3)) p.encounter(me, end + int(rng, 5, 40) * DAY, int(rng, 1, 3), 0.45);
  },

  'no-neuropathy': ({ p, rng, me, t0, female, variant }) => {
    p.encounter(me, t0, int(rng, 2, 5), 0);
    p.diagnoses(me, t0 + 3 * HOUR, [DX.splenomegaly]);
    p.cbc(me, t0 + 5 * HOUR, { plt: int(rng, 520, 640), hb: female ? 12.5 : 14.1, hct: female ? 38 : 42, pinned: false });
    p.ife(me, t0 + 4 * DAY, 'serum', phrase(rng, IFE_LAMBDA, variant), false, true);
    p.vegf(me, t0 + 6 * DAY, { value: int(rng, 1500, 2200), unit: 'pg/mL', specimen: 'SER', via: 'OBR15', pinned: false });
  },

  'cidp-only': ({ p, rng, me, t0, variant }) => {
    p.encounter(me, t0, int(rng, 1, 4), 0.5);
    p.cidp(me, t0 + 2 * HOUR, false);
    if (chance(rng, 0.4)) p.ife(me, t0 + 3 * DAY, 'serum', phrase(rng, IFE_NEGATIVE, variant), false, false);
  },

  'mgus-kappa': ({ p, rng, me, t0, variant }) => {
    p.encounter(me, t0, int(rng, 1, 4), 0.3);
    p.polyneuropathy(me, t0 + 2 * HOUR, false);
    if (chance(rng, 0.4)) p.diagnoses(me, t0 + 5 * DAY, [DX.mgus]);
    p.ife(me, t0 + 3 * DAY, 'serum', phrase(rng, IFE_IGM_KAPPA, variant), false, true);
    if (chance(rng, 0.5)) p.spep(me, t0 + 3 * DAY + HOUR, 0.4, false);
  },

  'diabetic-neuropathy': ({ p, rng, me, t0, gonad }) => {
    p.encounter(me, t0, int(rng, 1, 4), 0.3);
    const dxs: Dx[] = [chance(rng, 0.5) ? DX.polyneuropathy : DX.diseaseNeuropathy, chance(rng, 0.5) ? DX.diabetes : DX.diabeticNeuropathy, DX.hypothyroid];
    // hypogonadism is one non-specific minor: without cidp it is still no tier
    if (chance(rng, 0.5)) dxs.push(gonad);
    p.diagnoses(me, t0 + 2 * HOUR, dxs);
  },

  'negated-text': ({ p, rng, me, t0, variant }) => {
    p.encounter(me, t0, int(rng, 2, 5), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp]);
    p.report(me, t0 + 3 * DAY, 'report-radiology', phrase(rng, BONE_NEGATED, variant), false);
    p.report(me, t0 + 9 * DAY, 'report-pathology', phrase(rng, NODE_NEGATED, variant), false);
    if (chance(rng, 0.6)) p.report(me, t0 + 1 * DAY, 'report-radiology', phrase(rng, ABDOMEN_NEGATED, variant), false);
    if (chance(rng, 0.5)) p.ife(me, t0 + 4 * DAY, 'serum', phrase(rng, IFE_NEGATIVE, variant), false, false);
  },

  'cidp-minor-ife-negative': ({ p, rng, me, t0, variant, female }) => {
    // Order matters for "never alerted": CIDP, then the negative IFE, then the high counts.
    p.encounter(me, t0, int(rng, 3, 5), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
    p.ife(me, t0 + 1 * DAY, 'serum', phrase(rng, IFE_NEGATIVE, variant), true, false);
    const hb = female ? 12.8 : 14.2;
    const hct = female ? 39 : 43;
    p.cbc(me, t0 + 3 * DAY, { plt: int(rng, 480, 560), hb, hct, pinned: true });
    // a second high count less than 28 days later is not persistence
    if (chance(rng, 0.5)) p.cbc(me, t0 + int(rng, 10, 24) * DAY, { plt: int(rng, 480, 560), hb, hct, pinned: true });
  },

  'screening-gap': ({ p, rng, me, t0, normalHb, normalHct, gonad }) => {
    p.encounter(me, t0, int(rng, 2, 5), 0);
    p.cidp(me, t0 + 2 * HOUR, false);
    const at = t0 + 2 * DAY;
    const minor = pick(rng, ['plt', 'plt', 'plt', 'hb', 'hct', 'spleen-dx', 'spleen-us', 'gonad', 'skin', 'edema', 'cirrhosis'] as const);
    switch (minor) {
      case 'plt':
        p.cbc(me, at, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: false });
        break;
      case 'hb': // > 16.5 g/dL (male) and > 16.0 (female), in the CBC's unit style
        p.cbc(me, at, { plt: int(rng, 200, 350), hb: 17.2, hct: normalHct, pinned: false });
        break;
      case 'hct': // > 49 % (male) and > 48 % (female)
        p.cbc(me, at, { plt: int(rng, 200, 350), hb: normalHb, hct: 52.5, pinned: false });
        break;
      case 'spleen-dx':
        p.diagnoses(me, at, [DX.splenomegaly]);
        break;
      case 'spleen-us':
        p.report(me, at, 'report-radiology', phrase(rng, ABDOMEN_SPLENOMEGALY, p.variant), false);
        break;
      case 'gonad':
        p.diagnoses(me, at, [gonad]);
        break;
      case 'skin':
        p.diagnoses(me, at, [DX.pigmentation]);
        break;
      case 'edema':
        p.diagnoses(me, at, [DX.edema]);
        break;
      case 'cirrhosis': // three non-specific minors: with cidp and no IFE still only a gap
        p.diagnoses(me, at, [DX.hepatosplenomegaly, DX.ascites, gonad]);
        break;
    }
    // SPEP without an M-spike is not immunofixation: the gap remains.
    if (chance(rng, 0.3)) p.spep(me, t0 + 4 * DAY, 0, false);
  },

  'lambda-clone': ({ p, rng, me, t0, variant }) => {
    p.encounter(me, t0, int(rng, 2, 5), 0);
    p.polyneuropathy(me, t0 + 2 * HOUR, false);
    const r = rng();
    if (r < 0.45) p.report(me, t0 + 6 * DAY, 'report-pathology', phrase(rng, MARROW_LAMBDA, variant), false);
    else if (r < 0.9) p.ife(me, t0 + 4 * DAY, 'serum', phrase(rng, IFE_LAMBDA, variant), false, true);
    else p.flc(me, t0 + 4 * DAY, 0.12, false);
    if (chance(rng, 0.4)) p.ife(me, t0 + 4 * DAY + HOUR, 'urine', phrase(rng, IFE_NEGATIVE, variant), false, false);
  },

  'vegf-only': ({ p, rng, me, t0, variant }) => {
    p.encounter(me, t0, int(rng, 2, 5), 0);
    p.polyneuropathy(me, t0 + 2 * HOUR, false);
    const at = t0 + 5 * DAY;
    const v = pick(rng, ['plasma-spm', 'plasma-obr15', 'serum', 'unknown', 'plasma-ngl', 'plasma-ngml'] as const);
    if (v === 'plasma-spm') p.vegf(me, at, { value: int(rng, 260, 700), unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: false });
    else if (v === 'plasma-obr15') p.vegf(me, at, { value: int(rng, 260, 700), unit: 'pg/mL', specimen: 'PLAS', via: 'OBR15', pinned: false });
    else if (v === 'serum') p.vegf(me, at, { value: int(rng, 1300, 2600), unit: 'pg/mL', specimen: 'SER', via: chance(rng, 0.5) ? 'SPM' : 'OBR15', pinned: false });
    else if (v === 'unknown') p.vegf(me, at, { value: 480, unit: 'pg/mL', specimen: null, via: 'SPM', pinned: false });
    else if (v === 'plasma-ngl') p.vegf(me, at, { value: int(rng, 300, 650), unit: 'ng/L', specimen: 'PLAS', via: 'SPM', pinned: false });
    else p.vegf(me, at, { value: int(rng, 300, 650), unit: 'ng/mL', specimen: 'PLAS', via: 'SPM', pinned: false });
    if (chance(rng, 0.5)) p.ife(me, t0 + 5 * DAY + HOUR, 'serum', phrase(rng, IFE_NEGATIVE, variant), false, false);
  },

  'poems-full': ({ p, rng, me, t0, variant, female }) => {
    const end = p.encounter(me, t0, int(rng, 2, 5), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp]);
    p.report(me, t0 + 1 * DAY + 3 * HOUR, 'report-neurophysiology', withLine(phrase(rng, NCS_CIDP, variant), NCS_POEMS_QUESTION), false);
    p.cbc(me, t0 + 1 * DAY + 6 * HOUR, { plt: 520, hb: female ? 13.1 : 14.6, hct: female ? 40 : 44, pinned: false });
    p.ife(me, t0 + 8 * DAY, 'serum', phrase(rng, IFE_LAMBDA, variant), false, true);
    if (chance(rng, 0.5)) p.spep(me, t0 + 8 * DAY + HOUR, 0.3, false);
    p.vegf(me, t0 + 12 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: chance(rng, 0.5) ? 'SPM' : 'OBR15', pinned: false });
    p.report(me, t0 + 15 * DAY, 'report-radiology', phrase(rng, BONE_SCLEROTIC, variant), false);
    if (chance(rng, 0.3)) p.encounter(me, end + 20 * DAY, int(rng, 1, 3), 0);
  },

  'poems-known': ({ p, rng, me, t0, variant, normalHb, normalHct }) => {
    p.encounter(me, t0, int(rng, 2, 5), 0);
    // First usable message: the diagnosis is already made, so nothing ever alerts.
    p.diagnoses(me, t0 + 1 * HOUR, [DX.poems, DX.cidp], true, true);
    p.cbc(me, t0 + 1 * DAY, { plt: 520, hb: normalHb, hct: normalHct, pinned: false });
    p.diagnoses(me, t0 + 2 * DAY, [DX.splenomegaly]);
    p.ife(me, t0 + 3 * DAY, 'serum', phrase(rng, IFE_LAMBDA, variant), false, true);
    p.report(me, t0 + 6 * DAY, 'report-pathology', phrase(rng, NODE_CASTLEMAN, variant), false);
  },

  'persistent-thrombocytosis': ({ p, rng, me, t0, variant, normalHb, normalHct, female }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    p.cidp(me, t0 + 2 * HOUR, true);
    p.ife(me, t0 + 1 * DAY, 'serum', phrase(rng, IFE_NEGATIVE, variant), true, false);
    const second = t0 + 3 * DAY + int(rng, 28, 60) * DAY;
    if (chance(rng, 0.7)) {
      p.cbc(me, t0 + 3 * DAY, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: true });
      p.cbc(me, second, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: true, altPlateletCode: chance(rng, 0.3) });
    } else {
      // polycythaemia: Hb and Hct both high in both counts
      const hct = female ? 49.5 : 51.5;
      p.cbc(me, t0 + 3 * DAY, { plt: int(rng, 200, 350), hb: 17.3, hct, pinned: true });
      p.cbc(me, second, { plt: int(rng, 200, 350), hb: 17.1, hct, pinned: true });
    }
  },

  'thrombocytosis-normalised': ({ p, rng, me, t0, variant, normalHb, normalHct }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
    p.ife(me, t0 + 1 * DAY, 'serum', phrase(rng, IFE_NEGATIVE, variant), true, false);
    const first = t0 + 3 * DAY;
    const second = first + int(rng, 30, 50) * DAY;
    p.cbc(me, first, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: true });
    p.cbc(me, second, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: true });
    p.cbc(me, second + int(rng, 7, 20) * DAY, { plt: int(rng, 220, 380), hb: normalHb, hct: normalHct, pinned: true });
  },

  'cirrhosis-like': ({ p, rng, me, t0, variant, gonad }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    if (chance(rng, 0.5)) {
      p.diagnoses(me, t0 + 2 * HOUR, [chance(rng, 0.5) ? DX.polyneuropathy : DX.diseaseNeuropathy]);
      p.diagnoses(me, t0 + 1 * DAY, [DX.hepatosplenomegaly, DX.ascites, gonad]);
    } else {
      // with CIDP, a negative IFE on record first keeps it from being a screening gap
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      p.ife(me, t0 + 1 * DAY, 'serum', phrase(rng, IFE_NEGATIVE, variant), true, false);
      p.diagnoses(me, t0 + 2 * DAY, [DX.hepatosplenomegaly, DX.ascites, gonad], true);
    }
  },

  'untyped-clone-organomegaly': ({ p, rng, me, t0, variant }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.polyneuropathy]);
    if (chance(rng, 0.5)) p.spep(me, t0 + 2 * DAY, int(rng, 3, 8) / 10, false);
    else p.diagnoses(me, t0 + 2 * DAY, [DX.mgus]);
    const r = rng();
    if (r < 0.4) p.diagnoses(me, t0 + 3 * DAY, [DX.splenomegaly]);
    else if (r < 0.7) p.report(me, t0 + 3 * DAY, 'report-radiology', phrase(rng, ABDOMEN_SPLENOMEGALY, variant), false);
    else p.diagnoses(me, t0 + 3 * DAY, [DX.ascites]);
  },

  'untyped-clone-minor': ({ p, rng, me, t0, normalHb, normalHct, gonad }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.polyneuropathy]);
    p.spep(me, t0 + 2 * DAY, int(rng, 3, 8) / 10, false);
    if (chance(rng, 0.6)) p.cbc(me, t0 + 3 * DAY, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: false });
    else p.diagnoses(me, t0 + 3 * DAY, [gonad]);
  },

  'two-minors': ({ p, rng, me, t0, normalHb, normalHct }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [chance(rng, 0.5) ? DX.polyneuropathy : DX.diseaseNeuropathy]);
    const r = rng();
    if (r < 0.4) {
      p.cbc(me, t0 + 2 * DAY, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: false });
      p.diagnoses(me, t0 + 3 * DAY, [DX.splenomegaly]);
    } else if (r < 0.7) {
      p.diagnoses(me, t0 + 2 * DAY, [DX.pigmentation]);
      p.diagnoses(me, t0 + 3 * DAY, [DX.papilledema]);
    } else {
      p.cbc(me, t0 + 2 * DAY, { plt: int(rng, 200, 350), hb: 17.4, hct: normalHct, pinned: false });
      p.diagnoses(me, t0 + 3 * DAY, [DX.ascites]);
    }
  },

  'hedged-major': ({ p, rng, me, t0, variant }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.polyneuropathy]);
    if (chance(rng, 0.6)) p.report(me, t0 + 4 * DAY, 'report-radiology', phrase(rng, BONE_POSSIBLE, variant), false);
    else p.report(me, t0 + 4 * DAY, 'report-pathology', phrase(rng, NODE_POSSIBLE, variant), false);
  },

  'poems-not-affirmed': ({ p, rng, me, t0, variant }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    const doubt = pick(rng, [
      { code: '', text: 'POEMS syndrome ruled out', system: 'L' },
      { code: '', text: 'Concern for POEMS syndrome', system: 'L' },
      { code: '', text: 'Possible POEMS syndrome', system: 'L' },
      { code: DX.poems[0], text: DX.poems[1], system: 'I10', type: 'W' as const },
    ]);
    p.diagnosisLines(me, t0 + 1 * HOUR, [doubt]);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.polyneuropathy]);
    p.ife(me, t0 + 3 * DAY, 'serum', phrase(rng, IFE_LAMBDA, variant), false, true);
  },
};
