/**
 * Plans of the lifecycle and identity archetypes (how the messages arrive and whom they name):
 * corrections, deletions, duplicates, reordering, late preliminaries, re-sent diagnoses, reused
 * control ids, merges, aliases and identifiers without an assigning authority.
 */
import { DX } from './clinical-content.js';
import { priorId, aliasId } from './feed-context.js';
import { makePerson, referenceLabPerson, withAlias, withoutAuthority } from './hl7-builders.js';
import type { Plans } from './plan-context.js';
import { BONE_SCLEROTIC, IFE_LAMBDA, phrase } from './phrasing.js';
import { chance, int } from './rng.js';
import { DAY, HOUR, MIN } from './time.js';

const YEAR = 365 * DAY;

export const LIFECYCLE_PLANS: Plans = {
  corrected: ({ p, rng, me, t0, normalHb, normalHct }) => {
    p.encounter(me, t0, int(rng, 3, 5), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
    p.cbc(me, t0 + 1 * DAY + 4 * HOUR, { plt: 520, hb: normalHb, hct: normalHct, pinned: true, correction: { at: t0 + 2 * DAY + 6 * HOUR, plt: 300 } });
  },

  deleted: ({ p, rng, me, t0 }) => {
    p.encounter(me, t0, int(rng, 2, 5), 0);
    p.polyneuropathy(me, t0 + 2 * HOUR, true);
    p.vegf(me, t0 + 3 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: true, deleteAt: t0 + 5 * DAY });
  },

  duplicate: ({ p, rng, me, t0, normalHb, normalHct }) => {
    p.encounter(me, t0, int(rng, 2, 5), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
    p.cbc(me, t0 + 1 * DAY + 4 * HOUR, { plt: 520, hb: normalHb, hct: normalHct, pinned: true, duplicateAfter: int(rng, 30, 480) * MIN });
  },

  merged: ({ p, rng, me, t0, index, dob, sex, variant, normalHb, normalHct, linkedKeys }) => {
    const prior = makePerson(priorId(index), `SYNTHETIC^UNKNOWN${index + 1}`, dob, sex);
    linkedKeys.push(prior.key);
    p.encounter(prior, t0, int(rng, 1, 3), 0);
    p.diagnoses(prior, t0 + 2 * HOUR, [DX.cidp], true);
    p.cbc(prior, t0 + 5 * HOUR, { plt: 520, hb: normalHb, hct: normalHct, pinned: true });
    const s = t0 + 6 * DAY;
    p.encounter(me, s, int(rng, 2, 4), 0);
    p.ife(me, s + 1 * DAY, 'serum', phrase(rng, IFE_LAMBDA, variant), true, true);
    p.vegf(me, s + 3 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: true });
    p.report(me, s + 5 * DAY, 'report-radiology', phrase(rng, BONE_SCLEROTIC, variant), true);
    p.merge(me, prior, s + 8 * DAY);
  },

  'out-of-order': ({ p, rng, me, t0, normalHb, normalHct }) => {
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
  },

  'late-preliminary': ({ p, rng, me, t0 }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    p.diagnoses(me, t0 + 2 * HOUR, [DX.polyneuropathy], true);
    const prelim = t0 + 3 * DAY;
    const final = prelim + int(rng, 6, 30) * HOUR;
    // the preliminary, sent first, is held back and arrives after the final
    const late = final + int(rng, 1, 12) * HOUR;
    if (chance(rng, 0.5)) {
      p.vegf(me, prelim, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: true, status: 'P', arrival: late, versions: [{ at: final, status: 'F', value: int(rng, 40, 90) }] });
    } else {
      p.reportVersions(me, 'report-radiology', ['CT skeletal survey:', 'No focal bone lesion.'], [
        { at: prelim, status: 'P', arrival: late, text: ['CT skeletal survey (preliminary):', 'Sclerotic lesion in the right ilium.'] },
        { at: final, status: 'F' },
      ], true);
    }
  },

  'resent-old-diagnosis': ({ p, rng, me, t0 }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    // the problem list is re-sent on admission with the onsets recorded years ago
    p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], false, true, t0 - 3 * YEAR - int(rng, 0, 300) * DAY);
    p.diagnoses(me, t0 + 3 * HOUR, [DX.splenomegaly], false, true, t0 - 4 * YEAR - int(rng, 0, 300) * DAY);
    p.normalCbc(me, t0 + 1 * DAY);
  },

  'control-id-reuse': ({ p, rng, me, t0, normalHb, normalHct }) => {
    p.encounter(me, t0, int(rng, 2, 4), 0);
    const dx = p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true, true);
    p.cbc(me, t0 + 1 * DAY, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: true, controlIdOf: dx });
  },

  'alias-linked': ({ p, rng, me, t0, index, name, dob, sex, variant, linkedKeys }) => {
    const alias = aliasId(index);
    const listed = withAlias(me, alias, name, dob, sex);
    const lab = referenceLabPerson(alias, name, dob, sex);
    linkedKeys.push(lab.key);
    p.encounter(me, t0, int(rng, 2, 4), 0);
    const labFirst = chance(rng, 0.5);
    p.diagnoses(listed, t0 + (labFirst ? 3 * DAY : 2 * HOUR), [DX.polyneuropathy], true, true);
    p.ife(lab, t0 + (labFirst ? 1 * DAY : 4 * DAY), 'serum', phrase(rng, IFE_LAMBDA, variant), true, true);
  },

  'bare-identifier': ({ p, rng, me, t0, name, dob, sex, normalHb, normalHct }) => {
    const bare = withoutAuthority(me, name, dob, sex);
    p.encounter(me, t0, int(rng, 2, 4), 0);
    const bareLab = chance(rng, 0.5);
    p.diagnoses(bareLab ? me : bare, t0 + 2 * HOUR, [DX.cidp], false, true);
    p.cbc(bareLab ? bare : me, t0 + 1 * DAY, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: false });
  },
};
