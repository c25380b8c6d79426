/**
 * Pathology text (spec §1.2 "Clone in text", castleman, bone): bone-marrow and lymph-node reports
 * written by different pathologists, flow cytometry and bone biopsies.
 */
import { describe } from 'vitest';
import { ft, lines, nteOnly } from './harness/report-bodies.js';
import { messageCases } from './harness/single-message.js';

const MARROW = 'BMBX^Bone marrow aspirate and trephine^L';
const MARROW_OBS = '33721-2^Bone marrow Pathology biopsy report^LN';
const FLOW = 'FLOWBM^Flow cytometry bone marrow^L';
const FLOW_OBS = 'FLOWINT^Flow cytometry interpretation^L';
const NODE = 'LNBX^Lymph node excision biopsy^L';
const DIAG = '22637-3^Pathology report final diagnosis Narrative^LN';
const BONE = 'BONEBX^Bone biopsy^L';

describe('bone-marrow pathology: light-chain restriction phrasings', () => {
  messageCases([
    { label: 'US academic marrow: "Plasma cells show lambda restriction."', body: lines(MARROW, MARROW_OBS, ['Plasma cells (7%) show lambda restriction.']), want: 'clone:lambda' },
    { label: 'UK trephine: "Lambda-restricted plasma cells, 8% of cellularity."', body: lines(MARROW, MARROW_OBS, ['Lambda-restricted plasma cells, 8% of cellularity.']), want: 'clone:lambda' },
    { label: 'Greek letter: "λ-restricted plasma cells"', body: lines(MARROW, MARROW_OBS, ['Scattered λ-restricted plasma cells, about 5%.']), want: 'clone:lambda' },
    { label: 'ISH: "monotypic lambda plasma cells"', body: lines(MARROW, MARROW_OBS, ['Kappa/lambda ISH: monotypic lambda plasma cells.']), want: 'clone:lambda' },
    { label: '"lambda monotypic plasma cell population"', body: lines(MARROW, MARROW_OBS, ['A small lambda monotypic plasma cell population is present.']), want: 'clone:lambda' },
    { label: '"monotypic plasma cells expressing lambda light chain"', body: lines(MARROW, MARROW_OBS, ['CD138 highlights monotypic plasma cells expressing lambda light chain.']), want: 'clone:lambda' },
    { label: '"lambda light chain restricted expression"', body: lines(MARROW, MARROW_OBS, ['Plasma cells demonstrate lambda light chain restricted expression.']), want: 'clone:lambda' },
    { label: '"clonal plasma cells … lambda"', body: lines(MARROW, MARROW_OBS, ['Clonal plasma cells (5%) with cytoplasmic lambda.']), want: 'clone:lambda' },
    { label: 'Restriction phrase wrapped over three OBX lines', body: lines(MARROW, MARROW_OBS, ['Plasma cells (6%) show', 'lambda light chain restriction by', 'in situ hybridisation.']), want: 'clone:lambda' },
    { label: 'FT marrow report with megakaryocytes, aggregates and lambda restriction', body: ft(MARROW, MARROW_OBS, String.raw`DIAGNOSIS:\.br\Hypercellular marrow with megakaryocytic hyperplasia and clustering.\.br\Lymphoid aggregates rimmed by plasma cells.\.br\Plasma cells are lambda-restricted (6%).`), want: 'clone:lambda' },
    { label: 'Marrow report as NTE under the OBR', body: nteOnly(MARROW, ['Plasma cells are lambda restricted, 4% by CD138.']), want: 'clone:lambda' },
    { label: 'Kappa: "Kappa-restricted plasma cells (12%)."', body: lines(MARROW, MARROW_OBS, ['Kappa-restricted plasma cells (12%).']), want: 'clone:kappa' },
    { label: 'Kappa: "monotypic kappa plasma cells"', body: lines(MARROW, MARROW_OBS, ['Monotypic kappa plasma cells, 9%.']), want: 'clone:kappa' },
    { label: 'Negation names only what it names: "No excess plasma cells on aspirate, trephine shows lambda-restricted plasma cells"', body: lines(MARROW, MARROW_OBS, ['No excess plasma cells on aspirate, trephine shows lambda-restricted plasma cells.']), want: 'clone:lambda' },
    { label: 'Preliminary marrow report (OBX-11 P): possible', body: lines(MARROW, MARROW_OBS, ['Plasma cells show lambda restriction.'], { status: 'P' }), want: 'clone:lambda?' },
  ]);
});

describe('bone-marrow pathology and flow cytometry: no clone', () => {
  messageCases([
    { label: '"Polytypic plasma cells, 3%."', body: lines(MARROW, MARROW_OBS, ['Polytypic plasma cells, 3%.']), want: '' },
    { label: '"No monotypic plasma cell population."', body: lines(MARROW, MARROW_OBS, ['Kappa and lambda ISH: no monotypic plasma cell population.']), want: '' },
    { label: 'Flow: "No clonal plasma cells identified."', body: lines(FLOW, FLOW_OBS, ['No clonal plasma cells identified.']), want: '' },
    { label: 'Flow: "no restricted population; kappa:lambda 2:1"', body: lines(FLOW, FLOW_OBS, ['Plasma cells 0.8% of events, no restricted population; kappa:lambda 2:1.']), want: '' },
    { label: 'Megakaryocytic hyperplasia with polytypic plasma cells (nothing the rule reads)', body: lines(MARROW, MARROW_OBS, ['Megakaryocytic hyperplasia with atypical hyperlobated forms.', 'Plasma cells are polytypic.']), want: '' },
    { label: 'Hypothetical: "Rule out plasma cell neoplasm" in the comment, plasma cells polytypic', body: lines(MARROW, MARROW_OBS, ['Clinical query: rule out plasma cell neoplasm.', 'Plasma cells are polytypic.']), want: '' },
  ]);
});

describe('lymph-node pathology: Castleman variants', () => {
  messageCases([
    { label: 'US: "Castleman disease, hyaline vascular variant."', body: lines(NODE, DIAG, ['Lymph node, right inguinal, excision:', 'Castleman disease, hyaline vascular variant.']), want: 'castleman' },
    { label: 'Hyphenated: "hyaline-vascular variant"', body: lines(NODE, DIAG, ['Features of the hyaline-vascular variant.']), want: 'castleman' },
    { label: '"Plasma cell variant Castleman disease"', body: lines(NODE, DIAG, ['Plasma cell variant Castleman disease.']), want: 'castleman' },
    { label: '"Multicentric Castleman disease, mixed variant"', body: lines(NODE, DIAG, ['Multicentric Castleman disease, mixed variant.']), want: 'castleman' },
    { label: 'Older wording: "angiofollicular lymph node hyperplasia"', body: lines(NODE, DIAG, ['Angiofollicular lymph node hyperplasia.']), want: 'castleman' },
    { label: 'Hedged: "Castleman-like features" is possible', body: lines(NODE, DIAG, ['Reactive node with Castleman-like features.']), want: 'castleman?' },
    { label: 'Hedged: "Castleman disease cannot be excluded."', body: lines(NODE, DIAG, ['Regressed germinal centres; Castleman disease cannot be excluded.']), want: 'castleman?' },
    { label: 'Hedged: "Differential includes Castleman disease."', body: lines(NODE, DIAG, ['Differential includes Castleman disease.']), want: 'castleman?' },
    { label: 'Negated: "no features of Castleman disease"', body: lines(NODE, DIAG, ['Reactive follicular hyperplasia; no features of Castleman disease.']), want: '' },
    { label: 'Family history is never the patient\'s finding', body: lines(NODE, DIAG, ['Reactive lymphadenitis.', 'Family history of Castleman disease (sister).']), want: '', unread: 'FAMILY' },
    { label: 'Node with Castleman and lambda-restricted interfollicular plasma cells', body: lines(NODE, DIAG, ['Plasma cell variant Castleman disease with lambda-restricted interfollicular plasma cells.']), want: 'castleman clone:lambda' },
    { label: 'Castleman report wrapped over two lines', body: lines(NODE, DIAG, ['Lymph node, left axillary: Castleman', 'disease, hyaline vascular type.']), want: 'castleman' },
  ]);
});

describe('bone biopsy', () => {
  messageCases([
    { label: 'Osteosclerotic plasmacytoma, lambda-restricted', body: lines(BONE, DIAG, ['Bone, left ilium, core biopsy: osteosclerotic plasmacytoma, lambda-restricted.']), want: 'scleroticBone clone:lambda' },
    { label: 'Biopsy of a sclerotic lesion, no neoplasm (the lesion is still a lesion)', body: lines(BONE, DIAG, ['Core biopsy of a sclerotic lesion, left ilium: reactive bone, no evidence of neoplasm.']), want: 'scleroticBone' },
  ]);
});
