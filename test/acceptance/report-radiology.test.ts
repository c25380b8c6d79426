/**
 * Radiology report text (spec §1.2): CT, skeletal survey, PET-CT, MRI and ultrasound reports as
 * different departments write them. Expected findings follow spec v2 only.
 */
import { describe } from 'vitest';
import { ft, lines, nteOnly } from './harness/report-bodies.js';
import { messageCases } from './harness/single-message.js';

const CT_CAP = 'CTCAP^CT chest abdomen pelvis with contrast^L';
const WBCT = 'WBLDCT^Whole body low-dose CT^L';
const SURVEY = '36643-5^XR Bones Survey^LN';
const PETCT = 'PETCT^PET-CT FDG skull base to thigh^L';
const MRI = 'MRSPINE^MRI whole spine^L';
const US = 'USABD^Ultrasound abdomen^L';
const RAD_OBS = '18782-3^Radiology Study observation (narrative)^LN';
const IMP = '19005-8^Radiology Imaging study [Impression] (narrative)^LN';

describe('radiology reports: wrapped over several OBX lines', () => {
  messageCases([
    {
      label: 'US academic CT C/A/P: a negative list wrapped over three TX lines',
      body: lines(CT_CAP, RAD_OBS, ['FINDINGS: No hepatomegaly, splenomegaly,', 'ascites or pleural', 'effusion. No lymphadenopathy.']),
      want: '',
      unread: 'NEGATED',
    },
    {
      label: 'UK district general CT, "No lytic or / sclerotic lesions are seen." wrapped',
      body: lines(CT_CAP, RAD_OBS, ['Bones: No lytic or', 'sclerotic lesions are seen.']),
      want: '',
    },
    {
      label: 'CT skeletal survey, lesion phrase split across two lines',
      body: lines(SURVEY, RAD_OBS, ['FINDINGS: Multiple sclerotic', 'lesions in the pelvis and proximal femora, the largest 8 mm.']),
      want: 'scleroticBone',
    },
    {
      label: 'Wrapped negation over five lines with OBX-4 blank (one report)',
      body: lines(CT_CAP, RAD_OBS, ['IMPRESSION:', '1. No', 'hepatosplenomegaly or', 'pericardial', 'effusion.'], { sub: 'blank' }),
      want: '',
    },
    {
      label: 'Wrapped report: negative findings then a positive impression on the last line',
      body: lines(WBCT, RAD_OBS, ['FINDINGS: No fracture. No lytic lesion.', 'Several small sclerotic foci in both iliac bones', 'and in L3, up to 6 mm.', 'IMPRESSION: Sclerotic bone lesions.']),
      want: 'scleroticBone',
    },
    {
      label: 'Impression OBX separate from findings OBX (two observations, one positive)',
      body: [lines(WBCT, RAD_OBS, ['FINDINGS: No lytic lesions.']), `OBX|2|TX|${IMP}|1|Blastic lesion in the right acetabulum.||||||F|||20250228093000`].join('\n'),
      want: 'scleroticBone',
    },
    {
      label: 'Community hospital CT with ST lines instead of TX',
      body: lines(CT_CAP, RAD_OBS, ['Liver: enlarged, 19 cm', 'craniocaudal (hepatomegaly).', 'Spleen: normal.'], { type: 'ST' }),
      want: 'organomegaly',
    },
  ]);
});

describe('radiology reports: FT with \\.br\\ breaks, templates, blank lines and section headers', () => {
  messageCases([
    {
      label: 'Low-dose whole-body CT, FT with \\.br\\ (impression osteosclerotic)',
      body: ft(WBCT, RAD_OBS, String.raw`LOW DOSE WHOLE BODY CT\.br\FINDINGS:\.br\Numerous small osteosclerotic foci in the pelvis and\.br\spine.\.br\IMPRESSION:\.br\Osteosclerotic lesions.`),
      want: 'scleroticBone',
    },
    {
      label: 'FT negation continuing over a \\.br\\ break',
      body: ft(CT_CAP, RAD_OBS, String.raw`No pleural or pericardial\.br\effusion, ascites or\.br\splenomegaly.`),
      want: '',
    },
    {
      label: 'Structured template: "Sclerotic lesions: none."',
      body: ft(SURVEY, RAD_OBS, String.raw`Lytic lesions: none\.br\Sclerotic lesions: none.\.br\Fractures: none`),
      want: '',
      unread: 'NEGATED:scleroticBone',
    },
    {
      label: 'Structured template with N, en dash and "no" values',
      body: ft(CT_CAP, RAD_OBS, String.raw`Ascites: N\.br\Pleural effusion: –\.br\Splenomegaly: no\.br\Lymphadenopathy: nil`),
      want: '',
    },
    {
      label: 'Structured template with "not identified" and "absent"',
      body: ft(CT_CAP, RAD_OBS, String.raw`Hepatomegaly: not identified\.br\Pericardial effusion: absent\.br\Sclerotic lesions: not present`),
      want: '',
    },
    {
      label: 'Structured template, positive value "present (L1, right ilium)"',
      body: ft(SURVEY, RAD_OBS, String.raw`Lytic lesions: none\.br\Sclerotic lesions: present (L1, right ilium)`),
      want: 'scleroticBone',
    },
    {
      label: 'Template line "Pleural effusion: small left" is a finding',
      body: ft(CT_CAP, RAD_OBS, String.raw`Ascites: none\.br\Pleural effusion: small left`),
      want: 'volumeOverload',
    },
    {
      label: 'A blank line ends the sentence (FT \\.br\\\\.br\\)',
      body: ft(CT_CAP, RAD_OBS, String.raw`No pleural effusion\.br\\.br\Splenomegaly, 16 cm`),
      want: 'organomegaly',
    },
    {
      label: 'A section header ends the sentence (FINDINGS then IMPRESSION on the next line)',
      body: lines(CT_CAP, RAD_OBS, ['FINDINGS: No pleural effusion', 'IMPRESSION: Hepatosplenomegaly.']),
      want: 'organomegaly',
    },
    {
      label: 'A "Label: value" line is a sentence of its own',
      body: lines(US, RAD_OBS, ['Ascites: none', 'Spleen: enlarged, splenomegaly 15 cm']),
      want: 'organomegaly',
    },
    {
      label: 'A decimal point is not a sentence end: "No splenomegaly (spleen 11.5 cm) or ascites."',
      body: lines(US, RAD_OBS, ['No splenomegaly (spleen 11.5 cm) or ascites.']),
      want: '',
    },
    {
      label: 'Report sent as NTE segments after the OBR (no OBX)',
      body: nteOnly(CT_CAP, ['Findings: moderate ascites and bilateral pleural', 'effusions. Liver normal.']),
      want: 'volumeOverload',
    },
    {
      label: 'NTE comment after an OBX: the radiologist attributes the focus to a bone island',
      body: [lines(SURVEY, RAD_OBS, ['Skeletal survey: no lytic lesion.']), 'NTE|1|L|Comment: 3 mm sclerotic focus in the right ilium, likely a bone island.'].join('\n'),
      want: '',
    },
  ]);
});

describe('radiology reports: hedges, stable lesions and hypotheticals', () => {
  messageCases([
    { label: 'US CT "Possible sclerotic focus in the left iliac bone."', body: lines(CT_CAP, RAD_OBS, ['Possible sclerotic focus in the left iliac bone.']), want: 'scleroticBone?' },
    { label: 'UK "Query small sclerotic lesion at L3; MRI suggested."', body: lines(WBCT, RAD_OBS, ['Query small sclerotic lesion at L3; MRI suggested.']), want: 'scleroticBone?' },
    { label: 'Attached question mark: "?sclerotic lesion right acetabulum"', body: lines(SURVEY, RAD_OBS, ['Pelvis: ?sclerotic lesion right acetabulum']), want: 'scleroticBone?' },
    { label: '"Cannot rule out" is a hedge, not "rule out"', body: lines(CT_CAP, RAD_OBS, ['Cannot rule out a small sclerotic lesion in L2.']), want: 'scleroticBone?' },
    { label: '"Suspicious for osteoblastic lesion in the sacrum."', body: lines(PETCT, RAD_OBS, ['Suspicious for osteoblastic lesion in the sacrum.']), want: 'scleroticBone?' },
    { label: '"Sclerotic lesion not excluded" (post hedge)', body: lines(WBCT, RAD_OBS, ['Tiny sclerotic lesion in T7 not excluded.']), want: 'scleroticBone?' },
    { label: '"Concerning for" organomegaly', body: lines(US, RAD_OBS, ['Spleen 14.8 cm, concerning for early splenomegaly.']), want: 'organomegaly?' },
    { label: 'Follow-up CT: "Stable sclerotic lesion in the right iliac bone."', body: lines(WBCT, RAD_OBS, ['Stable sclerotic lesion in the right iliac bone.']), want: 'scleroticBone' },
    { label: 'Follow-up CT: "No interval change in the multiple sclerotic foci of the pelvis."', body: lines(WBCT, RAD_OBS, ['No interval change in the multiple sclerotic foci of the pelvis.']), want: 'scleroticBone' },
    { label: 'Follow-up CT: "No significant change in the osteosclerotic lesion at T8"', body: lines(WBCT, RAD_OBS, ['No significant change in the osteosclerotic lesion at T8 compared with 2023.']), want: 'scleroticBone' },
    { label: 'Follow-up CT: "Unchanged blastic lesion in L4."', body: lines(WBCT, RAD_OBS, ['Unchanged blastic lesion in L4.']), want: 'scleroticBone' },
    { label: 'Hypothetical: "Evaluate for sclerotic lesions on follow-up CT."', body: lines(CT_CAP, RAD_OBS, ['Recommend: evaluate for sclerotic lesions on follow-up CT.']), want: '', unread: 'HYPOTHETICAL' },
    { label: 'Hypothetical: "R/O osteosclerotic lesion."', body: lines(SURVEY, RAD_OBS, ['R/O osteosclerotic lesion.']), want: '' },
    { label: 'Hypothetical: "to exclude pleural effusion"', body: lines(CT_CAP, RAD_OBS, ['Lateral decubitus view to exclude pleural effusion.']), want: '' },
    { label: 'Post-negation: "Ascites is not seen."', body: lines(US, RAD_OBS, ['Ascites is not seen.']), want: '' },
    { label: 'Post-negation: "Sclerotic bone lesion unlikely; likely artefact."', body: lines(CT_CAP, RAD_OBS, ['Sclerotic bone lesion unlikely; likely artefact.']), want: '' },
    { label: 'Post-negation: "Pericardial effusion excluded."', body: lines(CT_CAP, RAD_OBS, ['Pericardial effusion excluded.']), want: '' },
    { label: 'Post-negation: "Splenomegaly was ruled out on ultrasound."', body: lines(US, RAD_OBS, ['Splenomegaly was ruled out on ultrasound.']), want: '' },
  ]);
});

describe('radiology reports: negation scope, termination and resolution', () => {
  messageCases([
    { label: 'Termination "but": "No ascites but moderate splenomegaly (16 cm)."', body: lines(US, RAD_OBS, ['No ascites but moderate splenomegaly (16 cm).']), want: 'organomegaly' },
    { label: 'Termination "however": "No lymphadenopathy, however there is hepatomegaly."', body: lines(CT_CAP, RAD_OBS, ['No lymphadenopathy, however there is hepatomegaly.']), want: 'organomegaly' },
    { label: 'Termination "apart from": "No abnormality apart from a small pericardial effusion."', body: lines(CT_CAP, RAD_OBS, ['No abnormality apart from a small pericardial effusion.']), want: 'volumeOverload' },
    { label: 'Semicolon ends the negation: "No pleural effusion; small pericardial effusion."', body: lines(CT_CAP, RAD_OBS, ['No pleural effusion; small pericardial effusion.']), want: 'volumeOverload' },
    { label: 'Negation covers every item of a list: "without hepatomegaly, ascites or anasarca"', body: lines(CT_CAP, RAD_OBS, ['Normal study without hepatomegaly, splenomegaly, ascites or anasarca.']), want: '' },
    { label: '"No evidence of" over a coordinated list', body: lines(CT_CAP, RAD_OBS, ['No evidence of lymphadenopathy, pleural effusion or sclerotic lesion.']), want: '' },
    { label: 'Resolution: "Previously noted ascites has resolved."', body: lines(US, RAD_OBS, ['Previously noted ascites has resolved.']), want: '' },
    { label: 'Resolution: "Interval resolution of the left pleural effusion."', body: lines(CT_CAP, RAD_OBS, ['Interval resolution of the left pleural effusion.']), want: '' },
    { label: 'Not resolution: "Partially resolved right pleural effusion."', body: lines(CT_CAP, RAD_OBS, ['Partially resolved right pleural effusion.']), want: 'volumeOverload' },
    { label: 'Not resolution: "Resolving ascites."', body: lines(US, RAD_OBS, ['Resolving ascites, still moderate.']), want: 'volumeOverload' },
    { label: 'Not resolution: "Unresolved pericardial effusion."', body: lines(CT_CAP, RAD_OBS, ['Unresolved pericardial effusion.']), want: 'volumeOverload' },
    { label: 'History: "History of right pleural effusion." (not current)', body: lines(CT_CAP, RAD_OBS, ['History of right pleural effusion.']), want: '', unread: 'HISTORY_ONLY' },
    { label: 'Anasarca and bilateral pleural effusions', body: lines(CT_CAP, RAD_OBS, ['Anasarca with bilateral pleural effusions.']), want: 'volumeOverload' },
    { label: 'British ultrasound: "Mild hepatosplenomegaly. No ascites."', body: lines(US, RAD_OBS, ['Mild hepatosplenomegaly. No ascites.']), want: 'organomegaly' },
    { label: 'Upper-case report: "MODERATE ASCITES."', body: lines(US, RAD_OBS, ['IMPRESSION: MODERATE ASCITES.']), want: 'volumeOverload' },
  ]);
});

describe('radiology reports: bone lesions and their mimics', () => {
  messageCases([
    { label: 'Mimic in the next sentence: "4 mm sclerotic focus … Likely a bone island."', body: lines(CT_CAP, RAD_OBS, ['4 mm sclerotic focus in the left femoral neck. Likely a bone island.']), want: '', unread: 'MIMIC' },
    { label: 'Mimic in the same phrase: "consistent with a bone island"', body: lines(CT_CAP, RAD_OBS, ['Sclerotic focus in the right ilium consistent with a bone island.']), want: '' },
    { label: 'Mimic: "degenerative sclerosis of the lumbar facet joints"', body: lines(CT_CAP, RAD_OBS, ['Degenerative sclerosis of the lumbar facet joints.']), want: '' },
    { label: 'Mimic: "subchondral sclerosis at both hips"', body: lines(SURVEY, RAD_OBS, ['Subchondral sclerosis at both hips, in keeping with osteoarthritis.']), want: '' },
    { label: 'Mimic: "sclerosis at the SI joints"', body: lines(CT_CAP, RAD_OBS, ['Sclerosis at the SI joints bilaterally.']), want: '' },
    { label: 'Mimic: enostosis', body: lines(CT_CAP, RAD_OBS, ['Small enostosis in the right femoral head.']), want: '' },
    { label: 'Mimic: vertebral hemangioma (not a skin haemangioma either)', body: lines(MRI, RAD_OBS, ['Vertebral hemangioma at L2.']), want: '' },
    { label: 'Mimic: Paget disease', body: lines(CT_CAP, RAD_OBS, ['Sclerotic expansile lesion of the left hemipelvis, in keeping with Paget disease.']), want: '' },
    { label: 'Mimic: osteopoikilosis', body: lines(SURVEY, RAD_OBS, ['Multiple small sclerotic foci around both hips, typical of osteopoikilosis.']), want: '' },
    { label: 'Mimic: fibrous dysplasia', body: lines(CT_CAP, RAD_OBS, ['Ground-glass sclerotic lesion of the right rib, likely fibrous dysplasia.']), want: '' },
    { label: 'A separate lesion in the same sentence still counts', body: lines(WBCT, RAD_OBS, ['Sclerotic lesions in the pelvis and a bone island in the left femur.']), want: 'scleroticBone' },
    { label: 'Definite: "Mixed lytic-sclerotic lesion in the left ilium"', body: lines(WBCT, RAD_OBS, ['Mixed lytic-sclerotic lesion in the left ilium.']), want: 'scleroticBone' },
    { label: 'Definite: "Osteoblastic lesion at T11."', body: lines(SURVEY, RAD_OBS, ['Osteoblastic lesion at T11.']), want: 'scleroticBone' },
    { label: 'Definite: "sclerotic foci" in a PET-CT without FDG avidity', body: lines(PETCT, RAD_OBS, ['Multiple sclerotic foci in the pelvis without FDG avidity.']), want: 'scleroticBone' },
    { label: 'PET-CT: a negation before a semicolon does not reach the next clause', body: lines(PETCT, RAD_OBS, ['No FDG-avid lesion; sclerotic lesions in both iliac bones are non-avid.']), want: 'scleroticBone' },
    { label: 'MRI: "hypointense foci consistent with sclerotic lesions"', body: lines(MRI, RAD_OBS, ['T1 and T2 hypointense foci in the pelvis consistent with sclerotic lesions.']), want: 'scleroticBone' },
    { label: 'Possible: "Multiple sclerotic metastases in the thoracolumbar spine."', body: lines(CT_CAP, RAD_OBS, ['Multiple sclerotic metastases in the thoracolumbar spine.']), want: 'scleroticBone?' },
    { label: 'Possible: "blastic metastases"', body: lines(SURVEY, RAD_OBS, ['Diffuse blastic metastases.']), want: 'scleroticBone?' },
    { label: 'Possible: "lytic lesion with a sclerotic rim"', body: lines(CT_CAP, RAD_OBS, ['Lytic lesion with sclerotic rim in the right iliac wing.']), want: 'scleroticBone?' },
  ]);
});

describe('radiology reports: indication, reason for exam and clinical history sections', () => {
  messageCases([
    {
      label: 'Indication names CIDP and asks to assess for sclerotic lesions; findings negative',
      body: lines(WBCT, RAD_OBS, ['INDICATION: CIDP. Assess for sclerotic lesions.', 'FINDINGS: No focal bone lesion.']),
      want: 'neuropathy:cidp',
    },
    {
      label: 'Clinical history lists ascites: only the neuropathy is read there',
      body: lines(US, RAD_OBS, ['CLINICAL HISTORY: Known ascites. CIDP on IVIG.', 'FINDINGS: The liver is normal in size.']),
      want: 'neuropathy:cidp',
      unread: 'INDICATION_SECTION',
    },
    {
      label: 'Reason for exam: demyelinating polyneuropathy, evaluate for hepatosplenomegaly',
      body: lines(US, RAD_OBS, ['REASON FOR EXAM: Demyelinating polyneuropathy, evaluate for hepatosplenomegaly.', 'FINDINGS: Liver and spleen normal in size.']),
      want: 'neuropathy:cidp',
    },
    {
      label: 'Indication with splenomegaly, findings confirm splenomegaly (findings count)',
      body: lines(CT_CAP, RAD_OBS, ['INDICATION: Splenomegaly on examination.', 'FINDINGS: Splenomegaly, 17 cm.']),
      want: 'organomegaly',
    },
  ]);
});
