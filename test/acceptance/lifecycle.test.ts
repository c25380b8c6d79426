/**
 * Result lifecycle and time (spec §2): final vs preliminary in both arrival orders, U,
 * corrections, deletions, MSH-7 order, duplicates and control-id reuse, chronic kinds vs the
 * lookback, re-sent diagnoses, persistence of thrombocytosis and polycythaemia, and which results
 * set `ifeDone`. Each row is a short feed through the embedded pipeline.
 */
import { describe } from 'vitest';
import { cidp, dx, flc, hb, hct, ife, MARROW, normalCbc, plt, pn, report, SKELETAL, spep, vegf } from './harness/feed-builders.js';
import { sequenceCases } from './harness/sequence.js';

const LAMBDA = 'IgA lambda monoclonal protein detected.';
const NEG_IFE = 'No monoclonal protein detected.';
const SPLEEN = 'R16.1^Splenomegaly, not elsewhere classified^I10';

describe('final and preliminary versions of one result', () => {
  sequenceCases([
    {
      label: 'Final 520, then a preliminary 300 with a later MSH-7: the final outranks it',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), plt('20250302', 300, { order: 'O1', status: 'P', sent: '20250303' })],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'Preliminary 520, then the final 300: the final replaces it',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1', status: 'P' }), plt('20250302', 300, { order: 'O1', sent: '20250303' })],
      want: { status: 'withdrawn' },
    },
    {
      label: 'Final 300 first, the preliminary 520 (sent earlier) arrives late: never alerts',
      steps: [cidp('20250301'), plt('20250302', 300, { order: 'O1', sent: '20250303' }), plt('20250302', 520, { order: 'O1', status: 'P' })],
      want: { status: 'none' },
    },
    {
      label: 'A final CT naming nothing arrives before its late preliminary naming a lesion',
      steps: [pn('20250301'), report('20250305', SKELETAL, ['No sclerotic lesions.'], { order: 'R1', sent: '20250306' }), report('20250305', SKELETAL, ['Sclerotic lesion in the right ilium.'], { order: 'R1', status: 'P' })],
      want: { status: 'none' },
    },
    {
      label: 'A preliminary CT with a lesion, then the final report naming nothing: withdrawn',
      steps: [pn('20250301'), report('20250305', SKELETAL, ['Sclerotic lesion in the right ilium.'], { order: 'R1', status: 'P' }), report('20250305', SKELETAL, ['No sclerotic lesions.'], { order: 'R1', sent: '20250306' })],
      want: { status: 'withdrawn' },
    },
    {
      label: 'Findings of a preliminary are possible: criteria-met waits for U, then escalates',
      steps: [
        cidp('20250301'),
        ife('20250303', LAMBDA),
        vegf('20250304', 480),
        plt('20250305', 520, { order: 'O1', status: 'P' }),
        plt('20250305', '', { order: 'O1', status: 'U', sent: '20250306' }),
      ],
      want: { tier: 'criteria-met', status: 'open', notified: ['workup-recommended@1', 'criteria-met@1'] },
    },
    {
      label: 'OBR-25 A (some results available) is preliminary',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1', status: '', obrStatus: 'A' }), plt('20250302', 300, { order: 'O1', sent: '20250303' })],
      want: { status: 'withdrawn' },
    },
  ]);
});

describe('corrections, amendments and deletions', () => {
  sequenceCases([
    {
      label: 'C corrects 520 to 300: withdrawn',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), plt('20250302', 300, { order: 'O1', status: 'C', sent: '20250303' })],
      want: { status: 'withdrawn' },
    },
    {
      label: 'OBX-11 A amends 300 to 520: screening gap',
      steps: [cidp('20250301'), plt('20250302', 300, { order: 'O1' }), plt('20250302', 520, { order: 'O1', status: 'A', sent: '20250303' })],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'D deletes the VEGF that made the tier: withdrawn',
      steps: [pn('20250301'), vegf('20250302', 480, { order: 'V1' }), vegf('20250302', '', { order: 'V1', status: 'D', sent: '20250304' })],
      want: { status: 'withdrawn' },
    },
    {
      label: 'W (wrong patient) removes the platelet count',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), plt('20250302', 520, { order: 'O1', status: 'W', sent: '20250303' })],
      want: { status: 'withdrawn' },
    },
    {
      label: 'X (cannot be obtained) after a preliminary VEGF',
      steps: [pn('20250301'), vegf('20250302', 480, { order: 'V1', status: 'P' }), vegf('20250302', '', { order: 'V1', status: 'X', sent: '20250303' })],
      want: { status: 'withdrawn' },
    },
    {
      label: 'Within a class the later MSH-7 wins: the correction arrives before its original',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1', status: 'C', sent: '20250303' }), plt('20250302', 300, { order: 'O1' })],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'Same MSH-7: arrival order breaks the tie',
      steps: [cidp('20250301'), plt('20250302', 520, { order: 'O1' }), plt('20250302', 300, { order: 'O1', status: 'C' })],
      want: { status: 'withdrawn' },
    },
    {
      label: 'DG1-21 D deletes the CIDP diagnosis: no neuropathy, withdrawn',
      steps: [cidp('20250301'), plt('20250302', 520), cidp('20250305', { action: 'D' })],
      want: { status: 'withdrawn' },
    },
  ]);
});

describe('duplicates and control ids', () => {
  sequenceCases([
    {
      label: 'The same message twice (same MSH-10, same facility) is applied once and notified once',
      steps: [cidp('20250301'), plt('20250302', 520, { id: 'DUP1', order: 'O1' }), plt('20250302', 520, { id: 'DUP1', order: 'O1' })],
      want: { tier: 'screening-gap', status: 'open', notified: ['screening-gap@1'] },
    },
    {
      label: 'The same MSH-10 from another facility is another message',
      steps: [cidp('20250301', { id: 'X1', from: 'HOSPA' }), plt('20250302', 520, { id: 'X1', from: 'LABB' })],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'Control-id reuse: the interface engine restarted its counter, other content is applied',
      steps: [cidp('20250301', { id: '1001' }), plt('20250302', 520, { id: '1001' })],
      want: { tier: 'screening-gap', status: 'open' },
    },
  ]);
});

describe('time: chronic kinds, the 36-month lookback and diagnoses re-sent with old onsets', () => {
  sequenceCases([
    {
      label: 'CIDP coded in 2021 still gates platelets in 2025 (chronic)',
      steps: [cidp('20210115'), plt('20250302', 520)],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'A lambda IFE from 2019 still counts in 2025 (chronic)',
      steps: [ife('20190610', LAMBDA), pn('20250301'), normalCbc('20250302')],
      want: { tier: 'workup-recommended', status: 'open' },
    },
    {
      label: 'Thrombocytosis from 2021 ages out against a 2025 blood count',
      steps: [cidp('20210115'), plt('20210210', 520), normalCbc('20250305')],
      want: { status: 'withdrawn' },
    },
    {
      label: 'Thrombocytosis 27 months before the newest result still counts',
      steps: [cidp('20230115'), plt('20230120', 520), normalCbc('20250420')],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'Splenomegaly re-sent in 2025 with a 2020 onset date is observed in 2025',
      steps: [cidp('20250301', { onset: '20210601' }), dx('20250302', SPLEEN, { onset: '20200615' }), normalCbc('20250303')],
      want: { tier: 'screening-gap', status: 'open' },
    },
    {
      label: 'A finding seen again keeps its evidence current (lastObservedAt)',
      steps: [cidp('20210110'), dx('20210112', SPLEEN), dx('20240610', SPLEEN), normalCbc('20250605')],
      want: { tier: 'screening-gap', status: 'open' },
    },
  ]);
});

describe('persistent thrombocytosis and polycythaemia (CIDP, IFE already negative)', () => {
  sequenceCases([
    {
      label: 'Platelets 520 and 530, 35 days apart: persistent',
      steps: [cidp('20250101'), ife('20250102', NEG_IFE), plt('20250110', 520), plt('20250214', 530)],
      want: { tier: 'workup-recommended', status: 'open' },
    },
    {
      label: 'Exactly 28 calendar days apart counts',
      steps: [cidp('20250101'), ife('20250102', NEG_IFE), plt('20250110', 520), plt('20250207', 530)],
      want: { tier: 'workup-recommended', status: 'open' },
    },
    {
      label: 'Only 20 days apart: not persistent',
      steps: [cidp('20250101'), ife('20250102', NEG_IFE), plt('20250110', 520), plt('20250130', 530)],
      want: { status: 'none' },
    },
    {
      label: 'A single high count: not persistent',
      steps: [cidp('20250101'), ife('20250102', NEG_IFE), plt('20250110', 520)],
      want: { status: 'none' },
    },
    {
      label: 'The latest count is normal: no longer persistent',
      steps: [cidp('20250101'), ife('20250102', NEG_IFE), plt('20250110', 520), plt('20250214', 530), plt('20250301', 310)],
      want: { status: 'withdrawn' },
    },
    {
      label: 'Platelet codes 777-3 and 26515-7 count together',
      steps: [
        cidp('20250101'),
        ife('20250102', NEG_IFE),
        plt('20250110', 520),
        { kind: 'msg', text: (plt('20250214', 530) as { text: string }).text.replace('777-3^Platelets [#/volume] in Blood by Automated count^LN', '26515-7^Platelets [#/volume] in Blood^LN') },
      ],
      want: { tier: 'workup-recommended', status: 'open' },
    },
    {
      label: 'Polycythaemia by Hb then Hct, 30 days apart: persistent',
      steps: [cidp('20250101'), ife('20250102', NEG_IFE), hb('20250110', 17.2), hct('20250209', 52)],
      want: { tier: 'workup-recommended', status: 'open' },
    },
    {
      label: 'Thrombocytosis then polycythaemia: persistence is counted per kind',
      steps: [cidp('20250101'), ife('20250102', NEG_IFE), plt('20250110', 520), hb('20250214', 17.2)],
      want: { status: 'none' },
    },
    {
      label: 'Persistence needs CIDP: a polyneuropathy with persistent thrombocytosis is no tier',
      steps: [pn('20250101'), plt('20250110', 520), plt('20250214', 530)],
      want: { status: 'none' },
    },
  ]);
});

describe('which results set ifeDone (screening gap: CIDP + minor, no IFE)', () => {
  sequenceCases([
    { label: 'A preliminary negative IFE sets it', steps: [cidp('20250301'), ife('20250302', NEG_IFE, { status: 'P' }), plt('20250303', 520)], want: { status: 'none' } },
    { label: 'A negative urine IFE sets it', steps: [cidp('20250301'), ife('20250302', 'No Bence Jones protein detected.', { urine: true }), plt('20250303', 520)], want: { status: 'none' } },
    { label: 'A normal FLC ratio does not', steps: [cidp('20250301'), flc('20250302', 0.9), plt('20250303', 520)], want: { tier: 'screening-gap', status: 'open' } },
    { label: 'A negative SPEP does not', steps: [cidp('20250301'), spep('20250302', '0.0'), plt('20250303', 520)], want: { tier: 'screening-gap', status: 'open' } },
    { label: 'A polytypic marrow does not', steps: [cidp('20250301'), report('20250302', MARROW, ['Polytypic plasma cells, 3%.']), plt('20250303', 520)], want: { tier: 'screening-gap', status: 'open' } },
    { label: 'An IFE arriving after the gap alert withdraws it', steps: [cidp('20250301'), plt('20250303', 520), ife('20250310', NEG_IFE)], want: { status: 'withdrawn' } },
  ]);
});
