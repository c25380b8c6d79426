/**
 * Report text as hospitals send it (spec §1.2, §5 "IFE and marrow reports written by different
 * pathologists, radiology reports wrapped over many OBX lines, templates, hedges"), through the
 * whole extraction: HL7 message → findings. Each case names the findings a clinician reading
 * the report would take from it. Synthetic text only; patients are TESTPATIENT^….
 *
 * Expected findings are written `kind`, `kind?` (possible), `neuropathy/cidp`,
 * `clone/<light>/<heavy>` (with `?` when possible), one per kind.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { Finding } from '../../src/domain/finding.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { extractEffects } from '../../src/extract/extract-message.js';
import { parseMessage } from '../../src/hl7/parse.js';

const PROFILE = compileProfile(DEFAULT_PROFILE);
const RAD = '18748-4^Diagnostic imaging study^LN';
const CT = '24627-2^CT Chest^LN';
const PET = '44136-0^PET CT^LN';
const PATH = '22637-3^Pathology report final diagnosis^LN';
const MARROW = '33721-2^Bone marrow Pathology biopsy report^LN';
const NCS = 'NCSRPT^Neurophysiology report^L';
const SPEP_TEXT = '49296-5^Protein electrophoresis interpretation^LN';
const SERUM_IFE = '25700-6^Immunofixation for Serum^LN';
const URINE_IFE = '13440-3^Immunofixation for Urine^LN';
const LOCAL_IFE = 'IFXS^Serum immunofixation^99LAB';
const NOTE = '48767-8^Annotation comment^LN';

interface Msg { segments: string[] }

function header(status = 'F'): string[] {
  const obr = ['OBR', '1', 'PL0001', 'FL0001^SYNTHLAB', 'ORD^Order^L', '', '', '20250301100000'];
  while (obr.length < 25) obr.push('');
  obr.push(status === 'F' ? '' : status);
  return ['MSH|^~\\&|SYNTHRIS|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01|MSG0001|P|2.5.1', 'PID|1||P0001^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|M', obr.join('|')];
}
const obx = (n: number, type: string, code: string, sub: string, value: string, status = 'F') => `OBX|${n}|${type}|${code}|${sub}|${value}||||||${status}`;
const nte = (n: number, text: string) => `NTE|${n}|L|${text}`;

/** One narrative report, one OBX line per report line (OBX-4 1..n). */
const tx = (code: string, lines: string[], status = 'F'): Msg => ({ segments: [...header(), ...lines.map((l, i) => obx(i + 1, 'TX', code, String(i + 1), l, status))] });
/** Same, with a blank OBX-4 on every line (a common vendor habit). */
const txBlank = (code: string, lines: string[]): Msg => ({ segments: [...header(), ...lines.map((l, i) => obx(i + 1, 'TX', code, '', l))] });
/** One FT value, lines joined by the \.br\ escape. */
const ft = (code: string, lines: string[]): Msg => ({ segments: [...header(), obx(1, 'FT', code, '1', lines.join('\\.br\\'))] });
/** One ST value. */
const st = (code: string, value: string): Msg => ({ segments: [...header(), obx(1, 'ST', code, '', value)] });
/** An OBX value followed by NTE comments (NTE-3 belongs to that result). */
const withNotes = (code: string, type: string, value: string, notes: string[]): Msg => ({ segments: [...header(), obx(1, type, code, '', value), ...notes.map((n, i) => nte(i + 1, n))] });
/** NTE after the OBR and before any OBX: the order's own report. */
const orderNotes = (notes: string[]): Msg => ({ segments: [...header(), ...notes.map((n, i) => nte(i + 1, n))] });

interface Case { name: string; msg: Msg; expected: string[] }

function label(f: Finding): string {
  let s: string = f.kind;
  if (f.kind === 'clone') s += `/${f.qualifiers.lightChain ?? 'unknown'}/${f.qualifiers.heavyChain ?? 'unknown'}`;
  if (f.kind === 'neuropathy' && f.qualifiers.cidp === true) s += '/cidp';
  return f.certainty === 'possible' ? `${s}?` : s;
}

function findingsOf(msg: Msg): string[] {
  const effects = extractEffects(parseMessage(msg.segments.join('\r')), PROFILE, '2025-03-02T00:00:00.000Z');
  return effects.results.flatMap((r) => r.findings).map(label).sort();
}

const RADIOLOGY: Case[] = [
  { name: 'US CT skeletal survey, positive, wrapped over OBX lines', msg: tx(RAD, ['EXAM: CT skeletal survey, low dose.', 'CLINICAL HISTORY: CIDP, thrombocytosis.', 'FINDINGS: There are multiple small sclerotic lesions', 'in the pelvis and lumbar spine, the largest measuring', '9 mm in the left iliac wing.', 'IMPRESSION: Multiple sclerotic bone lesions.']), expected: ['neuropathy/cidp', 'scleroticBone'] },
  { name: 'fully negative CT, negation wrapped onto the next OBX line', msg: tx(CT, ['FINDINGS: No hepatomegaly, splenomegaly,', 'ascites, pleural effusion or', 'lymphadenopathy. No lytic or sclerotic', 'lesions.']), expected: [] },
  { name: 'negative CT, one line per finding, negation on the first only', msg: txBlank(CT, ['No pleural or pericardial effusion,', 'hepatosplenomegaly, or', 'pathologically enlarged lymph nodes.']), expected: [] },
  { name: 'template with Label: none lines', msg: tx(RAD, ['Sclerotic lesions: none.', 'Lytic lesions: none.', 'Hepatosplenomegaly: absent', 'Ascites: nil']), expected: [] },
  { name: 'template with a positive line among negatives', msg: tx(RAD, ['Sclerotic lesions: present, pelvis', 'Hepatomegaly: no', 'Splenomegaly: yes, 15 cm', 'Ascites: -']), expected: ['organomegaly', 'scleroticBone'] },
  { name: 'bone island attributed in the next sentence', msg: tx(RAD, ['4 mm sclerotic focus in the right femoral neck.', 'Likely a bone island. No other bone lesion.']), expected: [] },
  { name: 'lesion and a separate bone island in one sentence', msg: ft(RAD, ['FINDINGS:', 'Sclerotic lesions in the pelvis and a bone island in the femur.']), expected: ['scleroticBone'] },
  { name: 'FT report with \\.br\\ and a header per paragraph', msg: ft(RAD, ['CT SKELETAL SURVEY', 'Findings: multiple sclerotic lesions in the pelvis \\T\\ L2 vertebral body.', 'Impression: osteosclerotic lesions.']), expected: ['scleroticBone'] },
  { name: 'negated CT with a bone island of its own', msg: tx(RAD, ['CT skeletal survey:', 'No sclerotic lesions.', 'Small bone island in the left femur.']), expected: [] },
  { name: 'subchondral sclerosis only', msg: tx(RAD, ['Degenerative change at both hips with subchondral sclerosis.', 'No suspicious bone lesion.']), expected: [] },
  { name: 'sclerotic focus explained by degenerative sclerosis', msg: st(RAD, 'Sclerotic foci at L4-5 facets, likely degenerative sclerosis.'), expected: [] },
  { name: 'vertebral haemangioma, British spelling', msg: tx(RAD, ['Sclerotic focus in T10 with a corduroy pattern, in keeping with a', 'vertebral haemangioma.']), expected: [] },
  { name: 'Paget disease of the pelvis', msg: tx(RAD, ['Mixed lytic and sclerotic lesion of the right hemipelvis with cortical thickening,', 'consistent with Paget disease.']), expected: [] },
  { name: 'sclerotic metastases are possible', msg: tx(RAD, ['IMPRESSION: Multiple sclerotic metastases in the axial skeleton.', 'Correlate with PSA.']), expected: ['scleroticBone?'] },
  { name: 'lytic lesion with a sclerotic rim is possible', msg: st(RAD, 'Lytic lesion with a sclerotic rim in the left ilium, nonspecific.'), expected: ['scleroticBone?'] },
  { name: 'hedged lesion: suspicious for', msg: tx(RAD, ['There is a 6 mm focus in L2 suspicious for an', 'osteosclerotic lesion.']), expected: ['scleroticBone?'] },
  { name: 'stable lesion is a lesion', msg: tx(RAD, ['COMPARISON: CT 2024-06-01.', 'No significant interval change in the mixed lytic-sclerotic lesion of the', 'right iliac bone. Stable mild splenomegaly.']), expected: ['organomegaly', 'scleroticBone'] },
  { name: 'resolved effusions and ascites', msg: tx(CT, ['Previously seen bilateral pleural effusions have resolved.', 'Interval resolution of ascites.']), expected: [] },
  { name: 'partially resolved effusion is still an effusion', msg: tx(CT, ['Partially resolved right pleural effusion.']), expected: ['volumeOverload'] },
  { name: 'indication names findings, report names none', msg: tx(RAD, ['INDICATION: CIDP with splenomegaly, evaluate for sclerotic lesions.', '', 'FINDINGS: Normal bone density. No focal bone lesion.']), expected: ['neuropathy/cidp'] },
  { name: 'British request with clinical details and a conclusion', msg: tx(RAD, ['Clinical details: ?POEMS. CIDP not responding to IVIG.', 'Report: Low-dose whole body CT. Several small osteosclerotic foci in the', 'sacrum and iliac bones. Mild hepatosplenomegaly. Small pleural effusions.', 'Conclusion: Osteosclerotic lesions; organomegaly and effusions as above.']), expected: ['neuropathy/cidp', 'organomegaly', 'scleroticBone', 'volumeOverload'] },
  { name: 'PET-CT: non-avid sclerotic lesions and avid nodes', msg: tx(PET, ['FDG PET-CT.', 'Multiple non-FDG-avid sclerotic lesions throughout the pelvis.', 'Mildly FDG-avid axillary and inguinal lymphadenopathy.', 'Differential includes Castleman disease.']), expected: ['castleman?', 'organomegaly', 'scleroticBone'] },
  { name: 'PET-CT negative for lymphadenopathy', msg: tx(PET, ['No FDG-avid lymphadenopathy.', 'No suspicious osseous lesion.']), expected: [] },
  { name: 'query in the impression (British)', msg: tx(RAD, ['IMPRESSION: Query sclerotic deposit in L3; ? bone island.', 'MRI suggested.']), expected: [] },
  { name: 'effusion history only', msg: tx(CT, ['History of pleural effusion in 2022.', 'Lungs clear today.']), expected: [] },
  { name: 'post-negation: "not seen"', msg: tx(RAD, ['Lytic or sclerotic bone lesions are not seen.']), expected: [] },
  { name: 'post-negation "unlikely" over a long sentence', msg: tx(CT, ['Given the small size and the absence of growth, a sclerotic', 'metastasis is unlikely.']), expected: [] },
  { name: 'two findings, one negated by a terminator-bounded scope', msg: tx(CT, ['No pleural effusion, but moderate ascites and', 'splenomegaly (16 cm).']), expected: ['organomegaly', 'volumeOverload'] },
  { name: 'pericardial effusion counts', msg: st(CT, 'Small pericardial effusion.'), expected: ['volumeOverload'] },
  { name: 'anasarca', msg: st(CT, 'Diffuse subcutaneous oedema in keeping with anasarca.'), expected: ['volumeOverload'] },
  { name: 'rule out in the body, not found', msg: tx(RAD, ['Whole body CT to rule out sclerotic lesions and', 'hepatosplenomegaly.', 'Bones and abdominal organs unremarkable.']), expected: [] },
  { name: 'CT with a hypothetical recommendation and a real finding', msg: tx(RAD, ['Splenomegaly, spleen 15.5 cm.', 'If clinically indicated, a skeletal survey could be performed to assess for sclerotic lesions.']), expected: ['organomegaly'] },
  { name: 'Lesion in a list whose mimic is explained separately', msg: tx(RAD, ['Sclerotic lesions in the left ilium and sacrum. In addition, a bone island in the', 'right femoral head.']), expected: ['scleroticBone'] },
  { name: 'multiple lesions, the last explained by the next sentence', msg: tx(RAD, ['Multiple sclerotic lesions in the pelvis and a 3 mm sclerotic focus in the femur.', 'The latter likely represents a bone island.']), expected: ['scleroticBone'] },
  { name: 'order-level NTE report from a radiology system', msg: orderNotes(['CT abdomen: mild hepatomegaly.', 'No ascites.']), expected: ['organomegaly'] },
];

const PATHOLOGY: Case[] = [
  { name: 'marrow: lambda-restricted plasma cells (flow)', msg: tx(MARROW, ['Bone marrow, left posterior iliac crest, aspirate and trephine:', 'Normocellular marrow with megakaryocytic hyperplasia.', 'Plasma cells 6%, lambda-restricted by flow cytometry.']), expected: ['clone/lambda/unknown'] },
  { name: 'marrow: "Plasma cells show lambda restriction"', msg: st(MARROW, 'Plasma cells show lambda restriction.'), expected: ['clone/lambda/unknown'] },
  { name: 'marrow: monotypic plasma cells expressing lambda (IHC)', msg: tx(MARROW, ['CD138 highlights 8% plasma cells. These are monotypic, expressing', 'lambda light chain on in situ hybridisation.']), expected: ['clone/lambda/unknown'] },
  { name: 'marrow: lambda light chain restricted expression', msg: st(MARROW, 'Clonal plasma cells (7%) with lambda light chain restricted expression.'), expected: ['clone/lambda/unknown'] },
  { name: 'marrow: polytypic plasma cells', msg: tx(MARROW, ['Plasma cells 3%, polytypic on kappa/lambda ISH.', 'No monotypic or clonal plasma cell population.']), expected: [] },
  { name: 'marrow: no restricted population (flow)', msg: st(MARROW, 'Flow cytometry: no light chain restricted plasma cell population identified.'), expected: [] },
  { name: 'marrow: kappa-restricted', msg: st(MARROW, 'Kappa-restricted plasma cells, 12% of cellularity.'), expected: ['clone/kappa/unknown'] },
  { name: 'marrow: λ-restricted with Greek letter, IgA', msg: st(MARROW, 'λ-restricted plasma cells (IgA-λ), 5%.'), expected: ['clone/lambda/IgA'] },
  { name: 'marrow: synoptic template', msg: tx(MARROW, ['Cellularity: 40%', 'Plasma cells: 6%', 'Light chain restriction: lambda', 'Megakaryocytes: increased, clustered']), expected: ['clone/lambda/unknown'] },
  { name: 'marrow: synoptic template, negative', msg: tx(MARROW, ['Cellularity: 40%', 'Plasma cells: 2%', 'Light chain restriction: not identified']), expected: [] },
  { name: 'marrow comment in NTE under a text result', msg: withNotes(MARROW, 'ST', 'See comment', ['Mildly increased plasma cells (8%) which are', 'lambda monotypic by immunohistochemistry.']), expected: ['clone/lambda/unknown'] },
  { name: 'marrow with "monotypic lambda" and a history of MGUS', msg: tx(MARROW, ['History of IgG kappa MGUS.', 'Today: monotypic lambda plasma cells, 5%.']), expected: ['clone/lambda/unknown'] },
  { name: 'lymph node: hyaline vascular variant Castleman disease over three OBX lines', msg: tx(PATH, ['Lymph node, right inguinal, excision:', 'hyaline vascular', 'variant Castleman disease.']), expected: ['castleman'] },
  { name: 'lymph node: no evidence of Castleman disease', msg: tx(PATH, ['Lymph node, left cervical, excision:', 'Reactive follicular hyperplasia.', 'No evidence of Castleman disease or lymphoma.']), expected: [] },
  { name: 'lymph node: Castleman-like features (possible)', msg: st(PATH, 'Reactive lymph node with Castleman-like features; clinical correlation advised.'), expected: ['castleman?'] },
  { name: 'lymph node: mixed variant with lambda-restricted plasma cells', msg: tx(PATH, ['DIAGNOSIS:', 'Lymph node with features of Castleman disease, mixed variant.', 'Interfollicular plasma cells are lambda-restricted.']), expected: ['castleman', 'clone/lambda/unknown'] },
  { name: 'lymph node: angiofollicular hyperplasia, plasma cell variant', msg: ft(PATH, ['FINAL DIAGNOSIS:', 'Angiofollicular lymph node hyperplasia, plasma cell variant.']), expected: ['castleman'] },
  { name: 'lymph node: Castleman "cannot be excluded"', msg: st(PATH, 'Atrophic germinal centres; Castleman disease cannot be excluded on this core biopsy.'), expected: ['castleman?'] },
  { name: 'lymph node: Castleman disease unlikely', msg: st(PATH, 'Castleman disease is considered unlikely.'), expected: [] },
  { name: 'skin biopsy: glomeruloid haemangioma', msg: st(PATH, 'Skin, trunk, punch biopsy: glomeruloid haemangioma.'), expected: ['skinChanges'] },
  { name: 'skin biopsy: cherry angioma is not a glomeruloid haemangioma', msg: st(PATH, 'Skin, punch biopsy: cherry angioma. No glomeruloid features.'), expected: [] },
  { name: 'nerve biopsy: CIDP, hedged', msg: st(PATH, 'Sural nerve: features suggestive of chronic inflammatory demyelinating polyneuropathy.'), expected: ['neuropathy/cidp'] },
];

const LABS: Case[] = [
  { name: 'serum IFE text: IgA lambda band on a polyclonal background', msg: st(SERUM_IFE, 'IgA lambda monoclonal band on a polyclonal background.'), expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'serum IFE: small monoclonal IgA lambda, normal kappa/lambda ratio', msg: st(SERUM_IFE, 'Small monoclonal IgA lambda, normal kappa/lambda ratio.'), expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'serum IFE: "Abnormal: IgA-lambda"', msg: st(SERUM_IFE, 'Abnormal: IgA-lambda'), expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'serum IFE: IgG/lambda', msg: st(SERUM_IFE, 'IgG/lambda'), expected: ['clone/lambda/IgG', 'ifeDone'] },
  { name: 'serum IFE: lab shorthand "IgG-K"', msg: st(SERUM_IFE, 'IFE: IgG-K'), expected: ['clone/kappa/IgG', 'ifeDone'] },
  { name: 'serum IFE: faint IgG kappa band', msg: st(SERUM_IFE, 'Faint IgG kappa band detected.'), expected: ['clone/kappa/IgG', 'ifeDone'] },
  { name: 'serum IFE: negative', msg: st(SERUM_IFE, 'No monoclonal protein detected.'), expected: ['ifeDone'] },
  { name: 'serum IFE: negative, written as a label', msg: st(SERUM_IFE, 'Interpretation: negative for monoclonal protein'), expected: ['ifeDone'] },
  { name: 'serum IFE: two OBX lines, the band on the first', msg: { segments: [...header(), obx(1, 'TX', SERUM_IFE, '1', 'IgA lambda monoclonal protein identified.'), obx(2, 'TX', SERUM_IFE, '2', 'Bence Jones protein not detected.')] }, expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'serum IFE: coded POS with the band described in an NTE', msg: withNotes(SERUM_IFE, 'CWE', 'POS^Positive^HL70078', ['Faint IgA lambda band in the gamma region.']), expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'serum IFE: coded POS alone is an untyped clone', msg: st(SERUM_IFE, 'Positive'), expected: ['clone/unknown/unknown', 'ifeDone'] },
  { name: 'serum IFE: coded NEG does not cancel a band named in the NTE', msg: withNotes(SERUM_IFE, 'CWE', 'NEG^Negative^HL70078', ['Note: a faint IgG lambda band is present.']), expected: ['clone/lambda/IgG', 'ifeDone'] },
  { name: 'serum IFE: coded NEG alone', msg: withNotes(SERUM_IFE, 'CWE', 'NEG^Negative^HL70078', ['No monoclonal band.']), expected: ['ifeDone'] },
  { name: 'urine IFE: Bence Jones protein, lambda type, detected', msg: st(URINE_IFE, 'Bence Jones protein, lambda type, detected.'), expected: ['clone/lambda/unknown', 'ifeDone'] },
  { name: 'urine IFE: free lambda light chain detected', msg: st(URINE_IFE, 'Free lambda light chain detected.'), expected: ['clone/lambda/unknown', 'ifeDone'] },
  { name: 'urine IFE: coded CWE with the band as text', msg: { segments: [...header(), obx(1, 'CWE', URINE_IFE, '', 'POS^Monoclonal free kappa light chain band^L')] }, expected: ['clone/kappa/unknown', 'ifeDone'] },
  { name: 'local IFE code, template per antiserum, polyclonal', msg: tx(LOCAL_IFE, ['IgG: polyclonal', 'IgA: polyclonal', 'IgM: polyclonal', 'Kappa: polyclonal', 'Lambda: polyclonal']), expected: [] },
  { name: 'IFE preliminary: possible clone, ifeDone', msg: { segments: [...header(), obx(1, 'ST', SERUM_IFE, '', 'Possible faint IgA lambda band; confirmation to follow.', 'P')] }, expected: ['clone/lambda/IgA?', 'ifeDone?'] },
  { name: 'IFE biclonal counts as lambda', msg: st(SERUM_IFE, 'Biclonal gammopathy: IgG kappa and IgA lambda.'), expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'SPEP interpretation: M-spike not detected but IFE lambda', msg: st(SPEP_TEXT, 'M-spike not detected on SPEP but IgA lambda detected on IFE.'), expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'SPEP interpretation: no M-spike on SPEP, IFE shows IgA lambda', msg: st(SPEP_TEXT, 'No M-spike on SPEP, IFE shows IgA lambda.'), expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'SPEP interpretation: negative SPEP never sets ifeDone', msg: st(SPEP_TEXT, 'Normal electrophoretic pattern. No paraprotein detected.'), expected: [] },
  { name: 'SPEP interpretation: small band, IFE to follow', msg: tx(SPEP_TEXT, ['Small discrete band in the gamma region (approx. 2 g/L).', 'Immunofixation to follow.']), expected: ['clone/unknown/unknown'] },
  { name: 'SPEP interpretation: polyclonal increase only', msg: st(SPEP_TEXT, 'Polyclonal increase in gamma globulins; no discrete band.'), expected: [] },
  { name: 'SPEP with IFE result in the comment', msg: tx(SPEP_TEXT, ['Comment: no paraprotein seen on electrophoresis.', 'Serum immunofixation: negative.']), expected: ['ifeDone'] },
  { name: 'M-spike value with an NTE naming the chains', msg: withNotes('33358-3^M-spike^LN', 'NM', '0.4', ['IgA lambda on immunofixation.']), expected: ['clone/lambda/IgA', 'ifeDone'] },
  { name: 'FLC comment: ratio normal, nothing else', msg: withNotes('48378-4^FLC ratio^LN', 'NM', '1.1', ['Kappa and lambda free light chains raised, ratio normal.']), expected: [] },
  { name: 'IFE recommended, not done', msg: st(NOTE, 'Serum and urine immunofixation recommended to exclude a paraprotein.'), expected: [] },
  { name: 'IFE pending', msg: st(NOTE, 'Serum IFE pending.'), expected: [] },
  { name: 'oligoclonal bands in CSF are no clone', msg: st(NOTE, 'CSF: oligoclonal bands present, not matched in serum.'), expected: [] },
  { name: 'monoclonal antibody therapy is no clone', msg: st(NOTE, 'On rituximab, a monoclonal antibody, since 2023.'), expected: [] },
  { name: 'rule out paraprotein', msg: st(NOTE, 'Please perform SPEP to rule out an IgA lambda paraprotein.'), expected: [] },
];

const CLINICAL: Case[] = [
  { name: 'neurophysiology: CIDP in the impression', msg: tx(NCS, ['Nerve conduction studies: diffuse slowing of motor conduction velocities with', 'prolonged distal motor latencies.', 'Impression: findings consistent with chronic inflammatory demyelinating polyneuropathy.', 'Features raise the question of POEMS syndrome; paraprotein studies suggested.']), expected: ['neuropathy/cidp'] },
  { name: 'neurophysiology: demyelinating sensorimotor polyneuropathy', msg: tx(NCS, ['Impression: length-dependent demyelinating sensorimotor polyneuropathy.']), expected: ['neuropathy/cidp'] },
  { name: 'neurophysiology: possible CIDP (EAN/PNS 2021) stays definite', msg: st(NCS, 'Possible CIDP according to EAN/PNS 2021 electrodiagnostic criteria.'), expected: ['neuropathy/cidp'] },
  { name: 'neurophysiology: AIDP is not CIDP', msg: st(NCS, 'Findings consistent with acute inflammatory demyelinating polyneuropathy (Guillain-Barre syndrome).'), expected: [] },
  { name: 'neurophysiology: CIDP excluded', msg: st(NCS, 'Axonal length-dependent neuropathy. CIDP is excluded.'), expected: [] },
  { name: 'clinic letter in NTE: family history only', msg: orderNotes(['Family history: mother with CIDP.', '', 'Examination: no papilloedema.']), expected: [] },
  { name: 'ophthalmology: bilateral papilloedema', msg: st(NOTE, 'Fundoscopy: bilateral papilloedema with optic disc swelling.'), expected: ['papilledema'] },
  { name: 'ophthalmology: optic discs normal', msg: st(NOTE, 'Optic discs: no swelling. No papilledema.'), expected: [] },
  { name: 'dermatology: skin changes listed', msg: st(NOTE, 'Skin: diffuse hyperpigmentation, hypertrichosis of the legs, white nails (leukonychia), acrocyanosis.'), expected: ['skinChanges'] },
  { name: 'dermatology: denies skin changes', msg: st(NOTE, 'Denies hyperpigmentation or hypertrichosis.'), expected: [] },
  { name: 'history of CIDP and of ascites', msg: orderNotes(['Past history of CIDP (2019) and of ascites, now resolved.']), expected: ['neuropathy/cidp'] },
  { name: 'past medical history section', msg: tx(NOTE, ['PMH: CIDP, hepatosplenomegaly.', '', 'Exam: no ascites.']), expected: ['neuropathy/cidp'] },
  { name: 'hypothetical in a plan', msg: st(NOTE, 'Plan: screen for sclerotic lesions and Castleman disease with whole body CT.'), expected: [] },
];

describe.each([
  ['radiology', RADIOLOGY],
  ['pathology', PATHOLOGY],
  ['laboratory (IFE, SPEP, FLC)', LABS],
  ['clinical and neurophysiology', CLINICAL],
] as const)('when a %s report is read', (_, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(findingsOf(c.msg)).toEqual([...c.expected].sort());
  });
});

it('has at least 80 cases', () => {
  expect(RADIOLOGY.length + PATHOLOGY.length + LABS.length + CLINICAL.length).toBeGreaterThanOrEqual(80);
});
