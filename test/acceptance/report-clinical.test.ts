/**
 * Clinical report text (spec §1 text sources): neurophysiology, ophthalmology, dermatology.
 */
import { describe } from 'vitest';
import { ft, lines } from './harness/report-bodies.js';
import { messageCases } from './harness/single-message.js';

const NCS = 'NCS^Nerve conduction study^L';
const NCS_OBS = 'NCSRPT^Neurophysiology report^L';
const EYE = 'OPHTH^Ophthalmology examination^L';
const EYE_OBS = '32451-7^Physical findings of Eye Narrative^LN';
const DERM = 'DERM^Dermatology consultation^L';
const DERM_OBS = '29545-1^Physical findings Narrative^LN';

describe('neurophysiology reports', () => {
  messageCases([
    { label: 'US EMG lab: "consistent with chronic inflammatory demyelinating polyradiculoneuropathy"', body: lines(NCS, NCS_OBS, ['Impression: findings consistent with chronic inflammatory demyelinating polyradiculoneuropathy.']), want: 'neuropathy:cidp' },
    { label: 'UK: "chronic inflammatory demyelinating polyneuropathy" wrapped', body: lines(NCS, NCS_OBS, ['Conclusion: chronic inflammatory', 'demyelinating polyneuropathy.']), want: 'neuropathy:cidp' },
    { label: '"Demyelinating sensorimotor polyneuropathy, length-dependent"', body: lines(NCS, NCS_OBS, ['Demyelinating sensorimotor polyneuropathy, length-dependent.']), want: 'neuropathy:cidp' },
    { label: 'EAN/PNS 2021 level: "Possible CIDP" keeps a definite neuropathy', body: lines(NCS, NCS_OBS, ['Electrodiagnostic criteria: possible CIDP (EAN/PNS 2021).']), want: 'neuropathy:cidp' },
    { label: '"Probable CIDP" keeps a definite neuropathy', body: lines(NCS, NCS_OBS, ['Probable CIDP.']), want: 'neuropathy:cidp' },
    { label: 'Abbreviation only: "Findings support CIDP."', body: lines(NCS, NCS_OBS, ['Findings support CIDP.']), want: 'neuropathy:cidp' },
    { label: 'A report that merely mentions POEMS does not suppress', body: lines(NCS, NCS_OBS, ['Demyelinating polyneuropathy; the pattern raises the question of POEMS syndrome.']), want: 'neuropathy:cidp' },
    { label: 'Post-negation: "CIDP ruled out; pattern suggests MMN."', body: lines(NCS, NCS_OBS, ['CIDP ruled out; pattern suggests MMN.']), want: '' },
    { label: 'Hypothetical referral: "Rule out CIDP."', body: lines(NCS, NCS_OBS, ['Referral: rule out CIDP.', 'Normal study.']), want: '' },
    { label: 'Negated: "No electrophysiological evidence of demyelinating polyneuropathy."', body: lines(NCS, NCS_OBS, ['No electrophysiological evidence of demyelinating polyneuropathy.']), want: '' },
    { label: 'History of CIDP is chronic: kept', body: lines(NCS, NCS_OBS, ['History of CIDP, now on maintenance IVIG; stable study.']), want: 'neuropathy:cidp' },
  ]);
});

describe('ophthalmology and dermatology', () => {
  messageCases([
    { label: 'British fundoscopy: "Bilateral papilloedema."', body: lines(EYE, EYE_OBS, ['Fundoscopy: bilateral papilloedema.'], { type: 'ST' }), want: 'papilledema' },
    { label: 'US: "optic disc swelling"', body: lines(EYE, EYE_OBS, ['Bilateral optic disc swelling, grade 2.']), want: 'papilledema' },
    { label: 'Negated: "No papilledema."', body: lines(EYE, EYE_OBS, ['Discs: no papilledema.']), want: '' },
    { label: 'Template: "Papilloedema: absent"', body: ft(EYE, EYE_OBS, String.raw`Visual acuity: 6/6\.br\Papilloedema: absent`), want: '' },
    { label: 'British "glomeruloid haemangiomas"', body: lines(DERM, DERM_OBS, ['Multiple glomeruloid haemangiomas on the trunk.']), want: 'skinChanges' },
    { label: '"hyperpigmentation and hypertrichosis of the legs"', body: lines(DERM, DERM_OBS, ['Diffuse hyperpigmentation and hypertrichosis of the legs.']), want: 'skinChanges' },
    { label: 'Negation ends at the semicolon: "no hypertrichosis; leukonychia"', body: lines(DERM, DERM_OBS, ['No hypertrichosis; leukonychia of all fingernails.']), want: 'skinChanges' },
    { label: '"White nails" and acrocyanosis', body: lines(DERM, DERM_OBS, ['White nails and acrocyanosis of the fingers.']), want: 'skinChanges' },
    { label: 'Negated list: "No hyperpigmentation, hypertrichosis or acrocyanosis."', body: lines(DERM, DERM_OBS, ['No hyperpigmentation, hypertrichosis or acrocyanosis.']), want: '' },
  ]);
});
