/**
 * Tiers (spec §3) at the level a user sees: one patient's short feed, then the alert's tier.
 * Includes the "none" patterns of v2 (IgM-κ MGUS neuropathy, untyped clone with organomegaly
 * only, cirrhosis-like minors, diabetic neuropathy with hypogonadism) and what possible findings
 * may and may not do.
 */
import { describe } from 'vitest';
import { cidp, dx, flc, hb, ife, MARROW, NCS, NODE, normalCbc, plt, pn, report, SKELETAL, spep, vegf } from './harness/feed-builders.js';
import { sequenceCases } from './harness/sequence.js';

const LAMBDA = 'IgA lambda monoclonal protein detected.';
const KAPPA_IGM = 'IgM kappa monoclonal protein detected.';
const MGUS = 'D47.2^Monoclonal gammopathy^I10';
const SPLEEN = 'R16.1^Splenomegaly, not elsewhere classified^I10';
const HEPATOSPLEEN = 'R16.2^Hepatomegaly with splenomegaly, not elsewhere classified^I10';
const ASCITES = 'R18.8^Other ascites^I10';
const HYPOGONADISM = 'E29.1^Testicular hypofunction^I10';
const POEMS = 'D47.2^POEMS syndrome^I10';

describe('none: neuropathy with nothing POEMS-specific', () => {
  sequenceCases([
    { label: 'Polyneuropathy alone', steps: [pn('20250301'), normalCbc('20250302')], want: { status: 'none' } },
    { label: 'CIDP alone with a normal blood count', steps: [cidp('20250301'), normalCbc('20250302')], want: { status: 'none' } },
    { label: 'IgM-κ MGUS neuropathy: polyneuropathy + IgM kappa IFE', steps: [pn('20250301'), ife('20250305', KAPPA_IGM)], want: { status: 'none' } },
    { label: 'IgM-κ with D47.2 coded: the code is that kappa clone', steps: [pn('20250301'), ife('20250305', KAPPA_IGM), dx('20250310', MGUS)], want: { status: 'none' } },
    { label: 'IgM-κ with an SPEP spike: the spike is that kappa clone', steps: [pn('20250301'), spep('20250305', 0.4), ife('20250305', KAPPA_IGM)], want: { status: 'none' } },
    { label: 'CIDP + IgM kappa, no minor', steps: [cidp('20250301'), ife('20250305', KAPPA_IGM)], want: { status: 'none' } },
    { label: 'SPEP spike + kappa IFE + platelets: a typed kappa clone is not untyped', steps: [pn('20250301'), spep('20250305', 0.4), ife('20250305', KAPPA_IGM), plt('20250306', 520)], want: { status: 'none' } },
    { label: 'Untyped clone (SPEP) with only organomegaly', steps: [pn('20250301'), spep('20250305', 0.4), dx('20250306', SPLEEN)], want: { status: 'none' } },
    { label: 'Untyped clone (D47.2) with only ascites', steps: [pn('20250301'), dx('20250305', MGUS), dx('20250306', ASCITES)], want: { status: 'none' } },
    { label: 'Cirrhosis-like: hepatosplenomegaly + ascites + hypogonadism, no CIDP', steps: [pn('20250301'), dx('20250302', HEPATOSPLEEN), dx('20250303', ASCITES), dx('20250304', HYPOGONADISM)], want: { status: 'none' } },
    { label: 'Cirrhosis-like with CIDP but IFE negative', steps: [cidp('20250301'), ife('20250302', 'No monoclonal protein detected.'), dx('20250303', HEPATOSPLEEN), dx('20250304', ASCITES), dx('20250305', HYPOGONADISM)], want: { status: 'none' } },
    { label: 'Diabetic neuropathy with hypogonadism', steps: [dx('20250301', 'G63^Polyneuropathy in diseases classified elsewhere^I10'), dx('20250302', 'E11.42^Type 2 diabetes mellitus with diabetic polyneuropathy^I10'), dx('20250303', HYPOGONADISM)], want: { status: 'none' } },
    { label: 'Diabetes and hypothyroidism with polyneuropathy', steps: [pn('20250301'), dx('20250302', 'E11.9^Type 2 diabetes mellitus without complications^I10'), dx('20250303', 'E03.9^Hypothyroidism, unspecified^I10')], want: { status: 'none' } },
    { label: 'Thrombocytosis and polycythaemia together are one minor', steps: [pn('20250301'), plt('20250302', 520), hb('20250303', 17.2)], want: { status: 'none' } },
    { label: 'Screening gap needs CIDP: polyneuropathy + platelets', steps: [pn('20250301'), plt('20250302', 520)], want: { status: 'none' } },
    { label: 'CIDP + kappa IFE + platelets: IFE done, kappa alone', steps: [cidp('20250301'), ife('20250302', 'IgG kappa monoclonal protein detected.'), plt('20250303', 520)], want: { status: 'none' } },
  ]);
});

describe('no alert without a definite neuropathy, or with POEMS known', () => {
  sequenceCases([
    { label: 'Everything but a neuropathy', steps: [ife('20250301', LAMBDA), vegf('20250302', 480), plt('20250303', 520), dx('20250304', SPLEEN)], want: { status: 'none' } },
    { label: 'A preliminary NCS report of CIDP is not a definite neuropathy', steps: [report('20250301', NCS, ['Chronic inflammatory demyelinating polyneuropathy.'], { status: 'P' }), ife('20250305', LAMBDA)], want: { status: 'none' } },
    { label: 'POEMS syndrome already diagnosed (final DG1)', steps: [dx('20250101', POEMS), cidp('20250301'), ife('20250302', LAMBDA), vegf('20250303', 480), plt('20250304', 520)], want: { status: 'none' } },
    { label: 'POEMS as a working diagnosis does not suppress', steps: [dx('20250101', POEMS, { type: 'W' }), cidp('20250301'), ife('20250302', LAMBDA), vegf('20250303', 480), plt('20250304', 520)], want: { tier: 'criteria-met', status: 'open' } },
    { label: '"POEMS syndrome ruled out" does not suppress', steps: [dx('20250101', '^POEMS syndrome ruled out^L'), cidp('20250301'), ife('20250302', LAMBDA)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'POEMS known arriving last withdraws the alert', steps: [cidp('20250301'), ife('20250302', LAMBDA), dx('20250310', POEMS)], want: { status: 'withdrawn' } },
    { label: 'A re-sent D47.2 without the POEMS text does not remove poemsKnown', steps: [dx('20250101', POEMS), cidp('20250301'), ife('20250302', LAMBDA), dx('20250310', MGUS)], want: { status: 'none' } },
    { label: 'Only DG1-21 D removes poemsKnown', steps: [dx('20250101', POEMS), cidp('20250301'), ife('20250302', LAMBDA), dx('20250310', POEMS, { action: 'D' })], want: { tier: 'workup-recommended', status: 'open' } },
  ]);
});

describe('workup-recommended', () => {
  sequenceCases([
    { label: 'Polyneuropathy + lambda IFE', steps: [pn('20250301'), ife('20250305', LAMBDA)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Polyneuropathy + hedged lambda IFE (possible counts)', steps: [pn('20250301'), ife('20250305', 'Possible faint IgA lambda band.')], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Polyneuropathy + lambda-restricted marrow', steps: [pn('20250301'), report('20250305', MARROW, ['Lambda-restricted plasma cells, 6%.'])], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Polyneuropathy + low FLC ratio (possible lambda)', steps: [pn('20250301'), flc('20250305', 0.12)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Polyneuropathy + plasma VEGF 480', steps: [pn('20250301'), vegf('20250305', 480)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Polyneuropathy + unknown-specimen VEGF above range (possible)', steps: [pn('20250301'), vegf('20250305', 450, { specimen: '', range: '0-96' })], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Polyneuropathy + sclerotic lesions on CT', steps: [pn('20250301'), report('20250305', SKELETAL, ['Multiple sclerotic lesions in the pelvis.'])], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Polyneuropathy + sclerotic metastases (possible major)', steps: [pn('20250301'), report('20250305', SKELETAL, ['Sclerotic metastases in the pelvis.'])], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Polyneuropathy + Castleman-like node (possible major)', steps: [pn('20250301'), report('20250305', NODE, ['Reactive node with Castleman-like features.'])], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Untyped clone (SPEP) + thrombocytosis', steps: [pn('20250301'), spep('20250305', 0.4), plt('20250306', 520)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Untyped clone (D47.2) + hypogonadism', steps: [pn('20250301'), dx('20250305', MGUS), dx('20250306', HYPOGONADISM)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Two minors, one specific: thrombocytosis + splenomegaly', steps: [pn('20250301'), plt('20250302', 520), dx('20250303', SPLEEN)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Two specific minors: hyperpigmentation + papilledema', steps: [pn('20250301'), dx('20250302', 'L81.4^Other melanin hyperpigmentation^I10'), dx('20250303', 'H47.11^Papilledema associated with increased intracranial pressure^I10')], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'Kappa clone from marrow does not set ifeDone: CIDP + platelets is a screening gap', steps: [cidp('20250301'), report('20250302', MARROW, ['Kappa-restricted plasma cells (8%).']), plt('20250303', 520)], want: { tier: 'screening-gap', status: 'open' } },
  ]);
});

describe('criteria-met needs definite findings', () => {
  sequenceCases([
    { label: 'CIDP + lambda IFE + plasma VEGF + thrombocytosis', steps: [cidp('20250301'), ife('20250302', LAMBDA), vegf('20250303', 480), plt('20250304', 520)], want: { tier: 'criteria-met', status: 'open' } },
    { label: 'A kappa clone also meets the criteria', steps: [cidp('20250301'), ife('20250302', 'IgG kappa monoclonal protein detected.'), vegf('20250303', 480), plt('20250304', 520)], want: { tier: 'criteria-met', status: 'open' } },
    { label: 'Polyneuropathy (not CIDP) + lambda + sclerotic lesion + splenomegaly', steps: [pn('20250301'), ife('20250302', LAMBDA), report('20250303', SKELETAL, ['Sclerotic lesions in the pelvis.']), dx('20250304', SPLEEN)], want: { tier: 'criteria-met', status: 'open' } },
    { label: 'Possible bone lesion is not a major for criteria-met', steps: [cidp('20250301'), ife('20250302', LAMBDA), report('20250303', SKELETAL, ['Possible sclerotic lesion in the right ilium.']), plt('20250304', 520)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'A possible (FLC) clone is not a clone for criteria-met', steps: [cidp('20250301'), flc('20250302', 0.12), vegf('20250303', 480), plt('20250304', 520)], want: { tier: 'workup-recommended', status: 'open' } },
    { label: 'A preliminary platelet count is not a minor for criteria-met', steps: [cidp('20250301'), ife('20250302', LAMBDA), vegf('20250303', 480), plt('20250304', 520, { status: 'P' })], want: { tier: 'workup-recommended', status: 'open' } },
  ]);
});

describe('screening-gap', () => {
  sequenceCases([
    { label: 'CIDP + splenomegaly, no IFE', steps: [cidp('20250301'), dx('20250302', SPLEEN)], want: { tier: 'screening-gap', status: 'open' } },
    { label: 'Cirrhosis-like minors with CIDP and no IFE', steps: [cidp('20250301'), dx('20250302', HEPATOSPLEEN), dx('20250303', ASCITES), dx('20250304', HYPOGONADISM)], want: { tier: 'screening-gap', status: 'open' } },
    { label: 'CIDP from the neurophysiology text + platelets', steps: [report('20250301', NCS, ['Impression: chronic inflammatory demyelinating polyneuropathy.']), plt('20250302', 520)], want: { tier: 'screening-gap', status: 'open' } },
    { label: 'A preliminary (possible) minor counts for the screening gap', steps: [cidp('20250301'), plt('20250302', 520, { status: 'P' })], want: { tier: 'screening-gap', status: 'open' } },
    { label: 'Possible CIDP (EAN/PNS) in the NCS report + Hb 17.2', steps: [report('20250301', NCS, ['Possible CIDP.']), hb('20250302', 17.2)], want: { tier: 'screening-gap', status: 'open' } },
  ]);
});
