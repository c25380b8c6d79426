import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { UnreadReason } from '../../src/domain/unread.js';
import { splitCertaintySuffix } from '../../src/extract/codes.js';
import { MSH_TIME, dg1, extract, findingsOf, msh, pid, profileWith } from '../support/hl7-messages.js';

// Coded diagnoses (spec §1 table and "Coding systems are matched leniently").

const dx = (...segments: string[]) => extract([msh({ type: 'ADT^A08' }), pid(), ...segments]);

type Want = { kind: string; certainty?: 'definite' | 'possible'; cidp?: boolean };
const NEURO_CIDP: Want[] = [{ kind: 'neuropathy', certainty: 'definite', cidp: true }];
const NEURO: Want[] = [{ kind: 'neuropathy', certainty: 'definite' }];

function summary(segment: string): { findings: Want[]; notes: UnreadReason[] } {
  const effects = dx(segment);
  return {
    findings: findingsOf(effects).map((f) => ({ kind: f.kind, certainty: f.certainty, ...(f.qualifiers.cidp ? { cidp: true } : {}) })),
    notes: effects.unread.map((n) => n.reason),
  };
}

const CODE_CASES: [string, string, Want[], UnreadReason[]?][] = [
  // CIDP in every system (v1: only ICD-10-CM G61.81 gated)
  ['ICD-10-CM G61.81', 'G61.81^CIDP^I10', NEURO_CIDP],
  ['ICD-10-CM without dot', 'G6181^CIDP^ICD-10-CM', NEURO_CIDP],
  ['WHO ICD-10 G61.8 (I10WHO)', 'G61.8^Other inflammatory polyneuropathies^I10WHO', NEURO_CIDP],
  ['ICD-10-GM G61.8', 'G61.8^Sonstige Polyneuritiden^ICD10GM', NEURO_CIDP],
  ['ICD-10-GM spelled ICD-10-GM', 'G61.8^^ICD-10-GM', NEURO_CIDP],
  ['ICD-10-CA', 'G61.8^^ICD10CA', NEURO_CIDP],
  ['ICD-10-AM', 'G61.8^^ICD10AM', NEURO_CIDP],
  ['ICD-10 by OID 2.16.840.1.113883.6.3', 'G61.8^^2.16.840.1.113883.6.3', NEURO_CIDP],
  ['ICD-9-CM 357.81 (I9)', '357.81^CIDP^I9', NEURO_CIDP],
  ['ICD-9-CM 35781 (ICD-9-CM)', '35781^CIDP^ICD-9-CM', NEURO_CIDP],
  ['ICD-9-CM by OID', '357.81^^2.16.840.1.113883.6.103', NEURO_CIDP],
  ['ICD-9 code without a system', '357.81^CIDP', NEURO_CIDP],
  ['SNOMED CT 128209004 (SCT)', '128209004^Chronic inflammatory demyelinating polyradiculoneuropathy^SCT', NEURO_CIDP],
  ['SNOMED CT spelled SNOMED-CT', '128209004^^SNOMED-CT', NEURO_CIDP],
  ['SNOMED CT by OID', '128209004^^2.16.840.1.113883.6.96', NEURO_CIDP],
  ['ICD-10 in the alternate triplet behind a local code', 'NEU12^CIDP^99LOC^G61.8^^I10GM', NEURO_CIDP],
  // other neuropathies, families and exclusions
  ['ICD-10 G62.9', 'G62.9^Polyneuropathy, unspecified^I10', NEURO],
  ['ICD-10 G63', 'G63^Polyneuropathy in diseases classified elsewhere^I10', NEURO],
  ['ICD-9 357.2 under 357.x', '357.2^Polyneuropathy in diabetes^I9C', NEURO],
  ['ICD-9 356.4 under 356.x', '356.4^Idiopathic progressive polyneuropathy^I9', NEURO],
  ['ICD-9 357.0 (GBS) excluded from 357.x', '357.0^Acute infective polyneuritis^I9', []],
  ['ICD-9 357.6 excluded by the range 357.5-357.7', '357.6^Polyneuropathy due to drugs^I9', []],
  ['ICD-9 357.82 excluded', '357.82^Critical illness polyneuropathy^I9', []],
  ['ICD-9 356.1 excluded by the range 356.0-356.2', '356.1^Peroneal muscular atrophy^I9', []],
  ['ICD-10 G61.0 (GBS)', 'G61.0^Guillain-Barre syndrome^I10', []],
  ['ICD-10 G62.1 (alcoholic)', 'G62.1^Alcoholic polyneuropathy^I10', []],
  ['a CIDP code number under another system', 'G61.81^CIDP^L', []],
  ['a national variant spelled I10GM', 'G61.8^^I10GM', NEURO_CIDP],
  ['an ICD-10 procedure system (I10P) is not a diagnosis', 'G61.81^^I10P', []],
  // the other kinds
  ['D47.2 (MGUS)', 'D47.2^Monoclonal gammopathy^I10', [{ kind: 'clone', certainty: 'definite' }]],
  ['C90.30 under C90.x', 'C90.30^Solitary plasmacytoma^I10', [{ kind: 'clone', certainty: 'definite' }]],
  ['ICD-9 273.1', '273.1^Monoclonal paraproteinemia^I9', [{ kind: 'clone', certainty: 'definite' }]],
  ['ICD-9 203.00 under 203.0x', '203.00^Multiple myeloma^I9', [{ kind: 'clone', certainty: 'definite' }]],
  ['ICD-9 203.10 (not under 203.0x)', '203.10^Plasma cell leukemia^I9', []],
  ['D75.838 thrombocytosis', 'D75.838^Other thrombocytosis^I10', [{ kind: 'thrombocytosis', certainty: 'definite' }]],
  ['D47.3 essential thrombocythaemia', 'D47.3^Essential thrombocythemia^I10', [{ kind: 'thrombocytosis', certainty: 'definite' }]],
  ['D45 polycythaemia vera', 'D45^Polycythemia vera^I10', [{ kind: 'polycythemia', certainty: 'definite' }]],
  ['E20.9 under E20.x', 'E20.9^Hypoparathyroidism, unspecified^I10', [{ kind: 'endocrinopathy', certainty: 'definite' }]],
  ['E11.9 diabetes never counts', 'E11.9^Type 2 diabetes mellitus^I10', []],
  ['E03.9 hypothyroidism never counts', 'E03.9^Hypothyroidism^I10', []],
  ['D47.Z2 Castleman', 'D47.Z2^Castleman disease^I10', [{ kind: 'castleman', certainty: 'definite' }]],
  ['H47.141 in the range H47.10-H47.149', 'H47.141^Foster-Kennedy syndrome, right eye^I10', [{ kind: 'papilledema', certainty: 'definite' }]],
  ['H47.2 outside the range', 'H47.20^Optic atrophy^I10', []],
  ['L68.1 under L68.x', 'L68.1^Acquired hypertrichosis lanuginosa^I10', [{ kind: 'skinChanges', certainty: 'definite' }]],
  ['R16.1 splenomegaly', 'R16.1^Splenomegaly^I10', [{ kind: 'organomegaly', certainty: 'definite' }]],
  ['J90 pleural effusion', 'J90^Pleural effusion^I10', [{ kind: 'volumeOverload', certainty: 'definite' }]],
  // ICD-10-GM certainty suffixes
  ['G61.8 V: a doubt about CIDP keeps the neuropathy definite', 'G61.8 V^^ICD10GM', NEURO_CIDP],
  ['G61.8V glued', 'G61.8V^^ICD10GM', NEURO_CIDP],
  ['G61.8 G (confirmed)', 'G61.8 G^^ICD10GM', NEURO_CIDP],
  ['G62.9 V: a suspected neuropathy is possible', 'G62.9 V^^ICD10GM', [{ kind: 'neuropathy', certainty: 'possible' }]],
  ['D47.2 V: a suspected clone is possible', 'D47.2V^^ICD10GM', [{ kind: 'clone', certainty: 'possible' }]],
  ['G61.8 A (excluded)', 'G61.8 A^^ICD10GM', [], ['NEGATED']],
  ['R16.1 Z: history of splenomegaly is not current', 'R16.1 Z^^ICD10GM', [], ['HISTORY_ONLY']],
  ['D47.2 Z: a clone is chronic', 'D47.2 Z^^ICD10GM', [{ kind: 'clone', certainty: 'definite' }]],
  ['G61.8 with a suffix and no system', 'G61.8 V', NEURO_CIDP],
];

describe('when a diagnosis code is sent (DG1-3)', () => {
  it.each(CODE_CASES)('%s (%s)', (_name, code, findings, notes = []) => {
    expect(summary(dg1(code))).toEqual({ findings, notes });
  });
});

describe('when a diagnosis is working or admitting (DG1-6 W, A)', () => {
  it.each(['W', 'A'])('counts G61.81 of type %s as neuropathy', (type) => {
    expect(summary(dg1('G61.81^CIDP^I10', { type }))).toEqual({ findings: NEURO_CIDP, notes: [] });
  });

  it('counts a working D47.2 as a clone', () => {
    expect(summary(dg1('D47.2^MGUS^I10', { type: 'W' })).findings).toEqual([{ kind: 'clone', certainty: 'definite' }]);
  });

  it('reads the coding system from DG1-2 (v2.3 coding method) when DG1-3 has none', () => {
    expect(summary(dg1('357.81^CIDP', { method: 'I9' })).findings).toEqual(NEURO_CIDP);
  });
});

describe('when a diagnosis names POEMS syndrome', () => {
  const poems = (segment: string) => {
    const effects = dx(segment);
    return {
      poemsKnown: findingsOf(effects).filter((f) => f.kind === 'poemsKnown').length,
      notAffirmed: effects.unread.filter((n) => n.reason === 'NOT_AFFIRMED').length,
    };
  };
  const SUPPRESSES = { poemsKnown: 1, notAffirmed: 0 };
  const DOES_NOT = { poemsKnown: 0, notAffirmed: 1 };

  it.each([
    ['^POEMS syndrome'],
    ['^POEMS'],
    ['^Crow-Fukase syndrome'],
    ['^Crow Fukase syndrome'],
    ['^Takatsuki syndrome'],
    ['^Osteosclerotic myeloma'],
    ['^History of POEMS syndrome'],
    ['^POEMS syndrome in remission after ASCT'],
    ['D47.2^POEMS syndrome^I10'],
    ['C90.30^Osteosclerotic myeloma (POEMS)^I10'],
  ])('suppresses with a final diagnosis %j', (code) => {
    expect(poems(dg1(code))).toEqual(SUPPRESSES);
  });

  it('reads the text of DG1-4 too', () => {
    expect(poems(dg1('D47.2^^I10', { description: 'POEMS syndrome' }))).toEqual(SUPPRESSES);
  });

  it.each([
    ['POEMS syndrome ruled out'],
    ['No POEMS'],
    ['Concern for POEMS'],
    ['Screening for POEMS syndrome'],
    ['Suspected POEMS syndrome'],
    ['POEMS syndrome under evaluation'],
    ['Possible POEMS'],
    ['POEMS?'],
    ['? POEMS syndrome'],
    ['Rule out POEMS'],
    ['R/O POEMS'],
    ['POEMS vs CIDP'],
    ['Family history of POEMS syndrome'],
    ['POEMS unlikely'],
    ['Evaluate for POEMS'],
    ['Query POEMS'],
    ['POEMS-like syndrome'],
  ])('does not suppress with %j, and says so (NOT_AFFIRMED)', (text) => {
    expect(poems(dg1(`^${text}`))).toEqual(DOES_NOT);
  });

  it.each(['W', 'A'])('does not suppress with a %s diagnosis', (type) => {
    expect(poems(dg1('^POEMS syndrome', { type }))).toEqual(DOES_NOT);
  });

  it('does not suppress with an ICD-10-GM suffix V, but keeps the code\'s own finding', () => {
    const effects = dx(dg1('D47.2 V^POEMS-Syndrom^ICD10GM'));
    expect(findingsOf(effects).map((f) => [f.kind, f.certainty])).toEqual([['clone', 'possible']]);
    expect(effects.unread).toMatchObject([{ reason: 'NOT_AFFIRMED', kind: 'poemsKnown', detail: 'ICD-10-GM suffix V (suspected)' }]);
  });

  it('suppresses from a PRB problem', () => {
    expect(poems('PRB|AD|20250220|^POEMS syndrome|PRB0002')).toEqual(SUPPRESSES);
  });

  it('keeps poemsKnown under a key of its own, apart from the code\'s findings', () => {
    expect(dx(dg1('D47.2^POEMS syndrome^I10')).results.map((r) => [r.resultKey, r.findings.map((f) => f.kind)])).toEqual([
      ['DG1|D472', ['clone']],
      ['DG1|poems:D472', ['poemsKnown']],
    ]);
  });

  it('sends no POEMS version when the code is re-sent without the POEMS text (only a deletion removes it)', () => {
    expect(dx(dg1('D47.2^Monoclonal gammopathy^I10')).results.map((r) => r.resultKey)).toEqual(['DG1|D472']);
  });

  it('puts the NOT_AFFIRMED note on the diagnosis\'s own key, never on the POEMS key', () => {
    expect(dx(dg1('D47.2^POEMS ruled out^I10')).results).toMatchObject([
      { resultKey: 'DG1|D472', findings: [{ kind: 'clone' }], notes: [{ reason: 'NOT_AFFIRMED', detail: "not affirmed: 'ruled out'" }] },
    ]);
    expect(dx(dg1('^POEMS ruled out')).results).toMatchObject([{ resultKey: 'DG1|text:poems ruled out', findings: [], notes: [{ reason: 'NOT_AFFIRMED' }] }]);
  });

  it('deletes a text-only POEMS diagnosis by its text (DG1-21 D)', () => {
    expect(dx(dg1('^POEMS syndrome', { action: 'D' })).results).toMatchObject([
      { resultKey: 'DG1|text:poems syndrome', effect: 'remove' },
      { resultKey: 'DG1|poems:text:poems syndrome', effect: 'remove' },
    ]);
  });

  it('reads a site POEMS code in a national coding system, affirmed unless its text doubts it', () => {
    const site = profileWith({ diagnosisCodes: { ...DEFAULT_PROFILE.diagnosisCodes, poemsKnown: { ...DEFAULT_PROFILE.diagnosisCodes.poemsKnown, other: { SKS: ['DM973A3'] } } } });
    const poemsKinds = (code: string) => findingsOf(extract([msh({ type: 'ADT^A08' }), pid(), dg1(code)], site)).map((f) => f.kind);
    expect(poemsKinds('DM973A3^^SKS')).toEqual(['poemsKnown']);
    expect(poemsKinds('dm973a3^POEMS/Osteosklerotisk myelom^sks')).toEqual(['poemsKnown']);
    expect(poemsKinds('DM973A3^Suspected POEMS^SKS')).toEqual([]);
    expect(poemsKinds('DM973A3^^L')).toEqual([]);
  });
});

describe('when a diagnosis is dated', () => {
  it('observes a CIDP with a 2021 onset, re-sent in 2025, at the 2025 event time (EVN-2), onset kept', () => {
    const effects = extract([msh({ type: 'ADT^A08', time: '20250301120000' }), 'EVN|A08|20250301110000', pid(), dg1('G61.81^CIDP^I10', { onset: '20210315' })]);
    expect(effects.results).toMatchObject([{ observedAt: '2025-03-01T11:00:00.000Z', messageTime: MSH_TIME }]);
    expect(findingsOf(effects)).toMatchObject([{ observedAt: '2025-03-01T11:00:00.000Z', qualifiers: { onset: '2021-03-15T00:00:00.000Z', cidp: true } }]);
  });

  it('falls back to MSH-7 without EVN-2', () => {
    expect(findingsOf(dx(dg1('G61.81^CIDP^I10', { onset: '20210315' })))[0]?.observedAt).toBe(MSH_TIME);
  });

  it('keeps PRB-16 (else PRB-7) as the onset of a problem', () => {
    const prb = ['PRB', 'AD', '20250220', 'G61.81^CIDP^I10', 'PRB0001', '', '', '20240101'];
    while (prb.length < 16) prb.push('');
    prb.push('20210315');
    expect(findingsOf(dx(prb.join('|')))[0]?.qualifiers.onset).toBe('2021-03-15T00:00:00.000Z');
  });
});

describe('when splitting an ICD-10-GM certainty suffix', () => {
  it.each([
    ['G61.8 V', 'G61.8', 'V'],
    ['G61.8V', 'G61.8', 'V'],
    ['E11.90G', 'E11.90', 'G'],
    ['G61.8 Z', 'G61.8', 'Z'],
    ['G63.2* A', 'G63.2', 'A'],
    ['S72.001A', 'S72.001A', null],
    ['D47.Z2', 'D47.Z2', null],
    ['G61.81', 'G61.81', null],
  ])('reads %j as code %j with suffix %j', (raw, code, suffix) => {
    expect(splitCertaintySuffix(raw)).toEqual({ code, suffix });
  });
});
