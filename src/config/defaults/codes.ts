import type { SiteProfile } from '../profile.schema.js';

/** Diagnosis code lists (spec §1; reference §4.2-4.3). */
export const DEFAULT_DIAGNOSIS_CODES: SiteProfile['diagnosisCodes'] = {
  // G61.0 (GBS), G61.82 (MMN), G62.0-G62.2, G62.81/.82 are deliberately absent (spec §1).
  neuropathy: ['G61.81', 'G61.8', 'G61.89', 'G61.9', 'G62.89', 'G62.9', 'G63'],
  cidp: ['G61.81'],
  clone: ['D47.2', 'C90*'],
  castleman: ['D47.Z2'],
  polycythemia: ['D45', 'D75.1'],
  organomegaly: ['R16.0', 'R16.1', 'R16.2', 'R59.0', 'R59.1', 'R59.9'],
  volumeOverload: ['R60.0', 'R60.1', 'R60.9', 'R18.8', 'J90'],
  // Diabetes (E08-E13) and hypothyroidism (E03.x) alone never count (Blood 2012, footnote c).
  endocrinopathy: ['E29.1', 'E23.0', 'E28.39', 'E27.1', 'E27.40', 'E27.49', 'E31.8', 'E31.9', 'E22.1'],
  skinChanges: ['L81.4', 'L81.8', 'L81.9', 'L68*', 'D18.01'],
  papilledema: ['H47.10', 'H47.11', 'H47.12', 'H47.13', 'H47.14*'],
  // ICD-10-CM has no POEMS code (reference §4.2); sites add theirs (e.g. Danish SKS ZM973A3).
  poemsKnown: [],
};

/** Diagnosis text (DG1-3.2, DG1-4, PRB-3.2) naming POEMS (spec §1 `poemsKnown`). */
export const DEFAULT_POEMS_KNOWN_TEXT: SiteProfile['poemsKnownText'] = ['POEMS syndrome', 'POEMS', 'Crow-Fukase', 'Takatsuki syndrome', 'osteosclerotic myeloma'];
