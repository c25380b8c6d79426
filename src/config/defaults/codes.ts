import type { KindCodes, SystemCodes } from '../profile-codes.schema.js';
import type { SiteProfile } from '../profile.schema.js';

type Lists = Partial<Omit<SystemCodes, 'other'>> & { other?: SystemCodes['other'] };

function system(c: Lists): SystemCodes {
  return { icd10: c.icd10 ?? [], icd9: c.icd9 ?? [], snomed: c.snomed ?? [], other: c.other ?? {} };
}

function kind(c: Lists, exclude: Lists = {}): KindCodes {
  return { ...system(c), exclude: system(exclude) };
}

/**
 * Diagnosis code lists per kind and coding system (spec §1 table; reference §4.2-4.3). WHO ICD-10
 * and its national variants code CIDP as G61.8, ICD-10-CM as G61.81.
 */
export const DEFAULT_DIAGNOSIS_CODES: SiteProfile['diagnosisCodes'] = {
  neuropathy: kind(
    { icd10: ['G61.81', 'G61.8', 'G61.89', 'G61.9', 'G62.89', 'G62.9', 'G63'], icd9: ['357.81', '356.x', '357.x'], snomed: ['128209004'] },
    // GBS, MMN, toxic/drug/alcohol, critical-illness and radiation neuropathies, hereditary
    // neuropathies: not the POEMS pattern, and they override a family or range (spec §1)
    { icd10: ['G61.0', 'G61.82', 'G62.0-G62.2', 'G62.81', 'G62.82'], icd9: ['357.0', '357.5-357.7', '357.82', '356.0-356.2'] },
  ),
  cidp: system({ icd10: ['G61.81', 'G61.8'], icd9: ['357.81'], snomed: ['128209004'] }),
  clone: kind({ icd10: ['D47.2', 'C90.x'], icd9: ['273.1', '203.0x'] }),
  castleman: kind({ icd10: ['D47.Z2'] }),
  thrombocytosis: kind({ icd10: ['D75.838', 'D75.839', 'D47.3'] }),
  polycythemia: kind({ icd10: ['D45', 'D75.1'] }),
  organomegaly: kind({ icd10: ['R16.0', 'R16.1', 'R16.2', 'R59.0', 'R59.1', 'R59.9'] }),
  volumeOverload: kind({ icd10: ['R60.0', 'R60.1', 'R60.9', 'R18.8', 'J90'] }),
  // Diabetes (E08-E13) and hypothyroidism (E03.x) alone never count (Blood 2012, footnote c).
  endocrinopathy: kind({ icd10: ['E29.1', 'E23.0', 'E28.39', 'E27.1', 'E27.40', 'E27.49', 'E31.8', 'E31.9', 'E22.1', 'E20.x'] }),
  skinChanges: kind({ icd10: ['L81.4', 'L81.8', 'L81.9', 'L68.x', 'D18.01'] }),
  papilledema: kind({ icd10: ['H47.10-H47.149'] }),
  // ICD-10-CM has no POEMS code and no SNOMED CT id could be confirmed (reference §4.2-4.3);
  // sites add theirs, e.g. { other: { SKS: [ZM973A3] } } for the Danish SKS code.
  poemsKnown: kind({}),
};

/** Diagnosis text (DG1-3.2, DG1-4, PRB-3.2) naming POEMS (spec §1 `poemsKnown`). */
export const DEFAULT_POEMS_KNOWN_TEXT: SiteProfile['poemsKnownText'] = ['POEMS syndrome', 'POEMS', 'Crow-Fukase', 'Takatsuki syndrome', 'osteosclerotic myeloma'];
