import { describe, expect, it } from 'vitest';
import { explanationLines } from '../../src/cli/explain-report.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { Finding, FindingKind } from '../../src/domain/finding.js';
import type { Timeline } from '../../src/domain/timeline.js';
import type { UnreadNote } from '../../src/domain/unread.js';
import { explain } from '../../src/rules/explain.js';

const NEWEST = '2025-06-15T12:00:00.000Z';
const source = (id: string) => ({ messageControlId: id, sendingFacility: 'SYNTHLAB', segment: 'OBX[1]', resultKey: `ORD-${id}` });

function finding(kind: FindingKind, id: string, extra: Partial<Finding> = {}): Finding {
  return { kind, observedAt: NEWEST, qualifiers: {}, certainty: 'definite', source: source(id), ...extra };
}

function note(reason: UnreadNote['reason'], text: string, kind?: FindingKind): UnreadNote {
  return { reason, text, ...(kind ? { kind } : {}), detail: `detail of ${text}`, observedAt: '2025-05-01T00:00:00.000Z', source: source(`N-${text}`) };
}

function timeline(findings: Finding[], notes: UnreadNote[] = []): Timeline {
  return {
    patientKey: 'SYNTH|P1',
    findings,
    measurements: [
      { kind: 'thrombocytosis', observedAt: '2025-05-01T00:00:00.000Z', abnormal: false, value: 310, unit: '10*9/L' },
      { kind: 'vegfHigh', observedAt: '2019-01-01T00:00:00.000Z', abnormal: true, value: 650, unit: 'pg/mL' },
    ],
    newestObservedAt: NEWEST,
    notes,
  };
}

describe('explaining a patient (spec §5)', () => {
  const t = timeline(
    [
      finding('neuropathy', 'DX1', { qualifiers: { cidp: true, matched: 'G61.81' }, observedAt: '2021-03-01T00:00:00.000Z' }),
      finding('clone', 'FLC1', { certainty: 'possible', qualifiers: { lightChain: 'lambda', method: 'flc' } }),
      finding('organomegaly', 'CT1', { observedAt: '2020-01-01T00:00:00.000Z', qualifiers: { matched: 'splenomegaly' } }),
      finding('ifeDone', 'IFE1'),
    ],
    [note('UNIT_UNKNOWN', '520 mg/L', 'thrombocytosis'), note('NEGATED', 'no hepatomegaly', 'organomegaly'), note('MIMIC', 'sclerotic focus, bone island', 'scleroticBone')],
  );
  const ex = explain(t, DEFAULT_PROFILE);

  it('gives the tier and why', () => {
    expect(ex.assessment.tier).toBe('workup-recommended');
    expect(ex.assessment.reason).toMatch(/rests only on possible findings/);
  });

  it('lists every finding used with its role, certainty and source', () => {
    expect(ex.used.map((u) => [u.finding.source.messageControlId, u.role, u.finding.certainty])).toEqual([
      ['DX1', 'polyneuropathy (CIDP)', 'definite'],
      ['FLC1', 'monoclonal protein, λ', 'possible'],
      ['IFE1', 'immunofixation done', 'definite'],
    ]);
  });

  it('lists every value or phrase not used with its reason, the aged-out findings included', () => {
    expect(ex.unused.map((n) => [n.reason, n.kind, n.text])).toEqual([
      ['AGED_OUT', 'organomegaly', 'splenomegaly'],
      ['UNIT_UNKNOWN', 'thrombocytosis', '520 mg/L'],
      ['NEGATED', 'organomegaly', 'no hepatomegaly'],
      ['MIMIC', 'scleroticBone', 'sclerotic focus, bone island'],
    ]);
    expect(ex.unused[0]?.detail).toMatch(/before the lookback window \(from 2022-06-15/);
    expect(ex.unused[0]?.source.messageControlId).toBe('CT1');
  });

  it('shows the lab values, marking those older than the lookback', () => {
    expect(ex.measurements.map((m) => [m.kind, m.inLookback])).toEqual([['vegfHigh', false], ['thrombocytosis', true]]);
  });

  it('explains a patient without an alert too', () => {
    const none = explain(timeline([finding('neuropathy', 'DX1')]), DEFAULT_PROFILE);
    expect(none.assessment).toMatchObject({ tier: null, reason: 'polyneuropathy alone: no alert pattern' });
    expect(none.used).toHaveLength(1);
  });

  it('prints readably: tier, possible findings marked, reasons, sources', () => {
    const text = explanationLines(ex, null, 'SYNTH|P1').join('\n');
    expect(text).toMatch(/^Patient SYNTH\|P1$/m);
    expect(text).toMatch(/^Tier: workup-recommended — /m);
    expect(text).toMatch(/^Alert: none$/m);
    expect(text).toMatch(/monoclonal protein, λ — possible \(counts for work-up and screening gap, not for criteria met\); by flc; OBX\[1\] of message FLC1 from SYNTHLAB/);
    expect(text).toMatch(/AGED_OUT \(organomegaly\): "splenomegaly"/);
    expect(text).toMatch(/NEGATED \(organomegaly\): "no hepatomegaly" — detail of no hepatomegaly/);
    expect(text).toMatch(/VEGF 650 pg\/mL abnormal \(older than the lookback: not read\)/);
    expect(text).toMatch(/^Immunofixation done: yes/m);
  });
});
