import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { MessageEffects } from '../../src/domain/result.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { extractEffects } from '../../src/extract/extract-message.js';
import { parseMessage } from '../../src/hl7/parse.js';

// Synthetic data only: TESTPATIENT^…, ids P0001…, facility SYNTHLAB.
const PROFILE = compileProfile(DEFAULT_PROFILE);
const MSH = 'MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01|MSG0001|P|2.5.1';
const PID = 'PID|1||P0001^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|F';
const CT = '24627-2^CT Chest^LN';
const IFE = '25700-6^Immunofixation for Serum^LN';

function obr(resultStatus = ''): string {
  const f = ['OBR', '1', 'PL0001', 'FL0001^SYNTHLAB', 'CT^CT^L', '', '', '20250301100000'];
  while (f.length < 25) f.push('');
  f.push(resultStatus);
  return f.join('|');
}
const obx = (n: number, type: string, code: string, sub: string, value: string, status = 'F') => `OBX|${n}|${type}|${code}|${sub}|${value}||||||${status}|||20250301090000`;
const extract = (...segments: string[]): MessageEffects => extractEffects(parseMessage([MSH, PID, ...segments].join('\r')), PROFILE, '2025-03-02T00:00:00.000Z');

describe('when a report comes as several OBX lines and NTE segments', () => {
  it('reads every line of one observation (any OBX-4, blank included) as one report with one key', () => {
    const effects = extract(obr(), obx(1, 'TX', CT, '', 'No hepatomegaly,'), obx(2, 'TX', CT, '2', 'splenomegaly or'), obx(3, 'TX', CT, '', 'ascites.'));
    expect(effects.results).toMatchObject([{ resultKey: 'FL0001^SYNTHLAB|report:24627-2', findings: [] }]);
    expect(effects.results[0]?.notes.map((n) => n.text)).toEqual(['hepatomegaly', 'splenomegaly', 'ascites']);
  });

  it('keeps two observations of one order apart', () => {
    const effects = extract(obr(), obx(1, 'TX', CT, '1', 'Splenomegaly.'), obx(2, 'TX', 'IMP^Impression^L', '1', 'No ascites.'));
    expect(effects.results.map((r) => [r.resultKey, r.findings.map((f) => f.kind)])).toEqual([
      ['FL0001^SYNTHLAB|report:24627-2', ['organomegaly']],
      ['FL0001^SYNTHLAB|report:IMP', []],
    ]);
  });

  it('gives an NTE to the observation before it, under that observation\'s key', () => {
    const effects = extract(obr(), obx(1, 'ST', CT, '', 'See comment'), 'NTE|1|L|Mild splenomegaly.');
    expect(effects.results).toMatchObject([{ resultKey: 'FL0001^SYNTHLAB|report:24627-2', findings: [{ kind: 'organomegaly', source: { segment: 'OBX[1]' } }] }]);
  });

  it('reads NTE after the OBR and before any OBX as the order\'s own report', () => {
    const effects = extract(obr(), 'NTE|1|L|Clinical note: CIDP.', 'NTE|2|L|Sclerotic lesion in L3.', obx(1, 'NM', '2951-2^Sodium^LN', '', '140'));
    expect(effects.results).toMatchObject([{ resultKey: 'FL0001^SYNTHLAB|NTE', findings: [{ kind: 'neuropathy' }, { kind: 'scleroticBone', source: { segment: 'OBR' } }] }]);
  });

  it('reads a repeated NTE-3 as lines of the same note', () => {
    expect(extract(obr(), 'NTE|1|L|No hepatomegaly,~splenomegaly or ascites.').results[0]?.findings).toEqual([]);
  });

  it('types the clone of an M-spike from its NTE and keeps the value', () => {
    const effects = extract(obr(), obx(1, 'NM', '33358-3^M-spike^LN', '', '0.4', 'F').replace('||||||F', '|g/dL|||||F'), 'NTE|1|L|IgA lambda on immunofixation.');
    expect(effects.results[0]?.findings).toMatchObject([
      { kind: 'clone', value: 0.4, qualifiers: { lightChain: 'lambda', heavyChain: 'IgA' } },
      { kind: 'ifeDone' },
    ]);
  });
});

describe('when an immunofixation is reported', () => {
  it('reads every OBX line and NTE of the IFE as one report with one key', () => {
    const effects = extract(obr(), obx(1, 'TX', IFE, '1', 'IgA lambda monoclonal protein identified.'), obx(2, 'TX', IFE, '2', 'No free light chains.'), 'NTE|1|L|Quantify by SPEP.');
    expect(effects.results).toHaveLength(1);
    expect(effects.results[0]).toMatchObject({ resultKey: 'FL0001^SYNTHLAB|25700-6|', findings: [{ kind: 'ifeDone' }, { kind: 'clone', qualifiers: { lightChain: 'lambda', heavyChain: 'IgA', method: 'ife' } }] });
  });

  it('sets ifeDone for a negative IFE, and a preliminary one', () => {
    expect(extract(obr(), obx(1, 'ST', IFE, '', 'Negative')).results[0]?.findings.map((f) => f.kind)).toEqual(['ifeDone']);
    expect(extract(obr(), obx(1, 'ST', IFE, '', 'Negative', 'P')).results[0]?.findings).toMatchObject([{ kind: 'ifeDone', certainty: 'possible' }]);
  });

  it('reads a local IFE code mapped in the profile, coded POS as an untyped clone', () => {
    const local = compileProfile({ ...DEFAULT_PROFILE, localCodes: [{ system: '99LAB', code: 'IFXS', loinc: '25700-6' }] });
    const msg = [MSH, PID, obr(), obx(1, 'CWE', 'IFXS^Serum immunofixation^99LAB', '', 'POS^^99LAB')].join('\r');
    expect(extractEffects(parseMessage(msg), local, '2025-03-02T00:00:00.000Z').results).toMatchObject([
      { resultKey: 'FL0001^SYNTHLAB|25700-6|', findings: [{ kind: 'ifeDone' }, { kind: 'clone', qualifiers: { lightChain: 'unknown', method: 'ife' } }] },
    ]);
  });

  it('removes the IFE result on status D', () => {
    expect(extract(obr(), obx(1, 'ST', IFE, '', 'IgA lambda', 'D')).results).toMatchObject([{ effect: 'remove', findings: [] }]);
  });
});

describe('when a report has a status', () => {
  it('takes OBR-25 when OBX-11 is empty; OBR-25 "A" (some results) is preliminary', () => {
    const [version] = extract(obr('A'), obx(1, 'TX', CT, '1', 'Sclerotic lesion in L3.', '')).results;
    expect(version).toMatchObject({ status: 'P', statusClass: 'preliminary', findings: [{ kind: 'scleroticBone', certainty: 'possible' }] });
  });

  it('stores a final report naming nothing, a preliminary one only over an earlier version', () => {
    expect(extract(obr(), obx(1, 'TX', CT, '1', 'Normal study.')).results[0]?.storeIfNew).toBeUndefined();
    expect(extract(obr(), obx(1, 'TX', CT, '1', 'Normal study.', 'P')).results[0]?.storeIfNew).toBe(false);
  });

  it('does not store a short string value that names nothing watched (a urine colour)', () => {
    expect(extract(obr(), obx(1, 'ST', '5778-6^Color of Urine^LN', '', 'Yellow')).results[0]?.storeIfNew).toBe(false);
  });

  it('stores a short value that names a watched phrase even when negated', () => {
    expect(extract(obr(), obx(1, 'ST', CT, '', 'No ascites.')).results[0]?.storeIfNew).toBeUndefined();
  });
});

describe('when a phrase is seen but not used', () => {
  it('keeps it as a note with its reason, detail, time and source', () => {
    const [version] = extract(obr(), obx(1, 'TX', CT, '1', 'INDICATION: hepatomegaly. FINDINGS: No ascites. Bone island, no sclerotic lesion.')).results;
    expect(version?.notes).toEqual([
      {
        reason: 'INDICATION_SECTION', kind: 'organomegaly', text: 'hepatomegaly', detail: 'indication / clinical history section', observedAt: '2025-03-01T09:00:00.000Z',
        source: { messageControlId: 'MSG0001', sendingFacility: 'SYNTHLAB', segment: 'OBX[1]', resultKey: 'FL0001^SYNTHLAB|report:24627-2' },
      },
      expect.objectContaining({ reason: 'NEGATED', kind: 'volumeOverload', text: 'ascites', detail: "negated by 'No'" }),
      expect.objectContaining({ reason: 'NEGATED', kind: 'scleroticBone', text: 'sclerotic lesion' }),
    ]);
  });

  it('lists the notes in the message effects for the run summary', () => {
    expect(extract(obr(), obx(1, 'TX', CT, '1', 'No ascites.')).unread).toMatchObject([{ reason: 'NEGATED', kind: 'volumeOverload' }]);
  });
});
