import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { SiteProfile } from '../../src/config/profile.schema.js';
import type { Finding } from '../../src/domain/finding.js';
import type { MessageEffects } from '../../src/domain/result.js';
import { SentinelError, type ErrorCode } from '../../src/errors.js';
import { compileProfile, type CompiledProfile } from '../../src/extract/compiled-profile.js';
import { extractEffects } from '../../src/extract/extract-message.js';
import { parseMessage } from '../../src/hl7/parse.js';

// Synthetic data only: fake patients (TESTPATIENT^…), ids P0001…, facility SYNTHLAB.

const PROFILE = compileProfile(DEFAULT_PROFILE);
const RECEIVED_AT = '2025-03-02T08:00:00.000Z';
const MSH_TIME = '2025-03-01T12:00:00.000Z';

function msh(type = 'ORU^R01', controlId = 'MSG0001', time = '20250301120000'): string {
  return `MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|${time}||${type}|${controlId}|P|2.5.1`;
}

function pid(sex = 'F', cx = 'P0001^^^SYNTH^MR'): string {
  return `PID|1||${cx}||TESTPATIENT^ALPHA||19700101|${sex}`;
}

/** OBR with filler OBR-3, placer OBR-2, observation time OBR-7 and specimen source OBR-15. */
function obr(o: { placer?: string; filler?: string; at?: string; specimen?: string } = {}): string {
  const f = ['OBR', '1', o.placer ?? 'PL0001', o.filler ?? 'FL0001^SYNTHLAB', '58410-2^CBC panel^LN', '', '', o.at ?? '20250301100000'];
  while (f.length < 15) f.push('');
  f.push(o.specimen ?? '');
  return f.join('|');
}

interface ObxOptions { type?: string; subId?: string; unit?: string; range?: string; flag?: string; status?: string; at?: string; setId?: number }

function obx(code: string, value: string, o: ObxOptions = {}): string {
  return [
    'OBX', String(o.setId ?? 1), o.type ?? 'NM', code, o.subId ?? '', value, o.unit ?? '', o.range ?? '', o.flag ?? '', '', '',
    o.status ?? 'F', '', '', o.at ?? '',
  ].join('|');
}

function extract(segments: string[], profile: CompiledProfile = PROFILE, receivedAt = RECEIVED_AT): MessageEffects {
  return extractEffects(parseMessage(segments.join('\r')), profile, receivedAt);
}

function findings(effects: MessageEffects): Finding[] {
  return effects.results.flatMap((r) => r.findings);
}

function kinds(effects: MessageEffects): string[] {
  return findings(effects).map((f) => f.kind);
}

/** One lab OBX in an ORU for a patient of the given sex. */
function lab(code: string, value: string, o: ObxOptions & { sex?: string; specimen?: string; extra?: string[] } = {}): MessageEffects {
  return extract([msh(), pid(o.sex ?? 'F'), obr({ ...(o.specimen !== undefined ? { specimen: o.specimen } : {}) }), obx(code, value, o), ...(o.extra ?? [])]);
}

function errorCode(fn: () => unknown): ErrorCode | 'none' {
  try {
    fn();
    return 'none';
  } catch (e) {
    if (e instanceof SentinelError) return e.code;
    throw e;
  }
}

const PLT = '777-3^Platelets^LN';
const HB = '718-7^Hemoglobin^LN';
const HCT = '4544-3^Hematocrit^LN';
const VEGF = '75628-8^VEGF^LN';

describe('when reading the patient key', () => {
  it('takes the first PID-3 repetition of type MR as "authority|id"', () => {
    expect(extract([msh(), pid('F', 'P0002^^^SYNTH^PI~P0001^^^SYNTH^MR'), obx(PLT, '512')]).patientKey).toBe('SYNTH|P0001');
  });

  it('takes the first repetition when none is of type MR', () => {
    expect(extract([msh(), pid('F', 'P0002^^^SYNTH^PI~P0001^^^OTHER^XX')]).patientKey).toBe('SYNTH|P0002');
  });

  it('skips a repetition without an id', () => {
    expect(extract([msh(), pid('F', '^^^SYNTH^MR~P0003^^^SYNTH^PI')]).patientKey).toBe('SYNTH|P0003');
  });

  it('uses the universal id of CX-4 when the namespace is empty', () => {
    expect(extract([msh(), pid('F', 'P0001^^^&2.16.840.1.113883.3.999&ISO^MR')]).patientKey).toBe('2.16.840.1.113883.3.999|P0001');
  });

  it('takes a missing assigning authority from MSH-4.1 (spec §1.3)', () => {
    expect(extract([msh(), pid('F', 'P0001')]).patientKey).toBe('SYNTHLAB|P0001');
  });

  it('falls back to PID-2 when PID-3 is empty', () => {
    expect(extract([msh(), 'PID|1|P0004^^^SYNTH||TESTPATIENT^DELTA']).patientKey).toBe('SYNTH|P0004');
  });

  it('stamps the patient key on every result version', () => {
    const effects = extract([msh(), pid('F', 'P0002^^^SYNTH^PI~P0001^^^SYNTH^MR'), obr(), obx(PLT, '512')]);
    expect(effects.results.map((r) => r.patientKey)).toEqual(['SYNTH|P0001']);
  });
});

describe('when a platelet count is reported (777-3)', () => {
  it('reads 512 10*3/uL as thrombocytosis with value 512 ×10⁹/L and its source', () => {
    const effects = lab(PLT, '512', { unit: '10*3/uL', subId: '1' });
    expect(effects.results).toHaveLength(1);
    expect(effects.results[0]).toMatchObject({ patientKey: 'SYNTH|P0001', resultKey: 'FL0001^SYNTHLAB|777-3|1', status: 'F', messageTime: MSH_TIME });
    expect(findings(effects)).toEqual([{
      kind: 'thrombocytosis',
      observedAt: '2025-03-01T10:00:00.000Z',
      value: 512,
      unit: '10*9/L',
      qualifiers: {},
      certainty: 'definite',
      source: { messageControlId: 'MSG0001', sendingFacility: 'SYNTHLAB', segment: 'OBX[1]', resultKey: 'FL0001^SYNTHLAB|777-3|1' },
    }]);
  });

  it('does not read 450 (the limit itself) as thrombocytosis, but still records the version', () => {
    const effects = lab(PLT, '450', { unit: '10*3/uL' });
    expect(effects.results).toHaveLength(1);
    expect(findings(effects)).toEqual([]);
  });

  it('converts 512000 /uL to 512', () => {
    expect(findings(lab(PLT, '512000', { unit: '/uL' }))).toMatchObject([{ kind: 'thrombocytosis', value: 512 }]);
  });

  it('reads 10*9/L and the other platelet code 26515-7', () => {
    expect(kinds(lab('26515-7^Platelets^LN', '600', { unit: '10*9/L' }))).toEqual(['thrombocytosis']);
  });

  it('never compares a value in a unit it cannot convert', () => {
    expect(findings(lab(PLT, '900', { unit: 'mg/dL' }))).toEqual([]);
  });

  it('dates the finding from OBX-14 before OBR-7', () => {
    expect(findings(lab(PLT, '512', { at: '20250228090000' }))[0]?.observedAt).toBe('2025-02-28T09:00:00.000Z');
  });
});

describe('when a haemoglobin is reported (718-7)', () => {
  it.each([
    ['M', '16.6', 'g/dL', 16.6],
    ['F', '16.1', 'g/dL', 16.1],
    ['F', '170', 'g/L', 17],
  ])('reads sex %s with %s %s as polycythemia', (sex, value, unit, expected) => {
    expect(findings(lab(HB, value, { unit, sex }))).toMatchObject([{ kind: 'polycythemia', value: expected, unit: 'g/dL' }]);
  });

  it.each([
    ['M', '16.5'],
    ['F', '16.0'],
    ['U', '16.4'],
    ['', '16.4'],
  ])('does not read sex %j with %s g/dL as polycythemia', (sex, value) => {
    expect(findings(lab(HB, value, { unit: 'g/dL', sex }))).toEqual([]);
  });

  it('uses the male threshold for unknown sex (16.6 counts, where 16.4 would for a woman)', () => {
    expect(kinds(lab(HB, '16.6', { unit: 'g/dL', sex: 'U' }))).toEqual(['polycythemia']);
    expect(kinds(lab(HB, '16.4', { unit: 'g/dL', sex: 'F' }))).toEqual(['polycythemia']);
  });

  it('converts 10.5 mmol/L to about 16.9 g/dL', () => {
    const [f] = findings(lab(HB, '10.5', { unit: 'mmol/L', sex: 'M' }));
    expect(f?.kind).toBe('polycythemia');
    expect(f?.value).toBeCloseTo(16.9, 1);
  });
});

describe('when a haematocrit is reported (4544-3)', () => {
  it('reads 49.5 % in a man as polycythemia', () => {
    expect(findings(lab(HCT, '49.5', { unit: '%', sex: 'M' }))).toMatchObject([{ kind: 'polycythemia', value: 49.5, unit: '%' }]);
  });

  it('does not read 49 % in a man, and reads 48.5 % in a woman', () => {
    expect(findings(lab(HCT, '49', { unit: '%', sex: 'M' }))).toEqual([]);
    expect(kinds(lab(HCT, '48.5', { unit: '%', sex: 'F' }))).toEqual(['polycythemia']);
  });

  it('scales a fraction in L/L', () => {
    expect(findings(lab('20570-8^Hematocrit^LN', '0.52', { unit: 'L/L', sex: 'M' }))).toMatchObject([{ kind: 'polycythemia', value: 52 }]);
  });
});

describe('when a VEGF is reported (75628-8)', () => {
  it('reads 250 pg/mL in plasma (OBR-15 "PLAS") as high', () => {
    expect(findings(lab(VEGF, '250', { unit: 'pg/mL', specimen: 'PLAS' }))).toMatchObject([
      { kind: 'vegfHigh', value: 250, unit: 'pg/mL', qualifiers: { specimen: 'plasma' } },
    ]);
  });

  it('reads the plasma specimen from SPM-4 "PLAS^Plasma", even after the OBX', () => {
    expect(findings(lab(VEGF, '250', { unit: 'pg/mL', extra: ['SPM|1|||PLAS^Plasma^HL70487'] }))).toMatchObject([
      { kind: 'vegfHigh', qualifiers: { specimen: 'plasma' } },
    ]);
  });

  it('prefers SPM-4 over OBR-15', () => {
    expect(findings(lab(VEGF, '800', { unit: 'pg/mL', specimen: 'SER^Serum', extra: ['SPM|1|||PLAS^Plasma'] }))).toMatchObject([
      { kind: 'vegfHigh', qualifiers: { specimen: 'plasma' } },
    ]);
  });

  it('reads serum 800 pg/mL as not high and 1100 pg/mL as high', () => {
    expect(findings(lab(VEGF, '800', { unit: 'pg/mL', specimen: 'SER^Serum' }))).toEqual([]);
    expect(findings(lab(VEGF, '1100', { unit: 'pg/mL', specimen: 'SER^Serum' }))).toMatchObject([
      { kind: 'vegfHigh', value: 1100, qualifiers: { specimen: 'serum' } },
    ]);
  });

  it('reads ng/L as pg/mL and ng/mL ×1000', () => {
    expect(findings(lab(VEGF, '250', { unit: 'ng/L', specimen: 'PLAS' }))).toMatchObject([{ kind: 'vegfHigh', value: 250, unit: 'pg/mL' }]);
    expect(findings(lab(VEGF, '0.25', { unit: 'ng/mL', specimen: 'PLAS' }))).toMatchObject([{ kind: 'vegfHigh', value: 250 }]);
  });

  it('reads the specimen from the code text when nothing else names it', () => {
    expect(findings(lab('75628-8^VEGF plasma^LN', '250', { unit: 'pg/mL' }))).toMatchObject([{ qualifiers: { specimen: 'plasma' } }]);
  });

  it('reads an unknown specimen above the plasma cut-off and the OBX-7 upper limit as possible', () => {
    expect(findings(lab(VEGF, '250', { unit: 'pg/mL', range: '0-100' }))).toMatchObject([
      { kind: 'vegfHigh', value: 250, certainty: 'possible', qualifiers: { specimen: 'unknown' } },
    ]);
    // v2: above the lab's range but not above the plasma cut-off is not enough (a VEGF of 97-200 counted in v1)
    expect(findings(lab(VEGF, '150', { unit: 'pg/mL', range: '0-100' }))).toEqual([]);
  });

  it('reads an unknown specimen above the plasma cut-off and flagged H as possible', () => {
    expect(findings(lab(VEGF, '250', { unit: 'pg/mL', flag: 'H' }))).toMatchObject([{ kind: 'vegfHigh', certainty: 'possible' }]);
    expect(kinds(lab(VEGF, '90', { unit: 'pg/mL', flag: 'H' }))).toEqual([]);
    expect(kinds(lab(VEGF, '250', { unit: 'pg/mL', flag: 'N' }))).toEqual([]);
  });

  it('does not read an unknown specimen without a range or flag as high', () => {
    expect(findings(lab(VEGF, '5000', { unit: 'pg/mL' }))).toEqual([]);
  });
});

describe('when a watched code is sent another way', () => {
  it('reads the alternate triplet behind a local code (PLT^…^L^777-3^…^LN)', () => {
    expect(findings(lab('PLT^Platelets^L^777-3^Platelets^LN', '512', { unit: '10*3/uL' }))).toMatchObject([{ kind: 'thrombocytosis', value: 512 }]);
  });

  it('reads a LOINC without a coding system', () => {
    expect(kinds(lab('777-3^Platelets', '512'))).toEqual(['thrombocytosis']);
  });

  it('ignores a watched code number under another coding system', () => {
    expect(lab('777-3^Something^L', '512').results).toEqual([]);
  });

  it('reads a local code through the profile localCodes', () => {
    const local: SiteProfile = { ...DEFAULT_PROFILE, localCodes: [{ system: 'L', code: 'PLTX', loinc: '777-3' }] };
    const segments = [msh(), pid(), obr(), obx('PLTX^Platelet count^L', '512', { unit: '10*3/uL' })];
    expect(extract(segments).results).toEqual([]);
    expect(findings(extract(segments, compileProfile(local)))).toMatchObject([{ kind: 'thrombocytosis', value: 512 }]);
  });

  it('reads a local code without a system for any system', () => {
    const local: SiteProfile = { ...DEFAULT_PROFILE, localCodes: [{ code: 'VEGFX', loinc: '75628-8' }] };
    expect(findings(extract([msh(), pid(), obr({ specimen: 'PLAS' }), obx('VEGFX^VEGF^99SYN', '300', { unit: 'pg/mL' })], compileProfile(local))))
      .toMatchObject([{ kind: 'vegfHigh', value: 300 }]);
  });

  it('gives the local-code and the LOINC form of one result the same result key', () => {
    const local = compileProfile({ ...DEFAULT_PROFILE, localCodes: [{ system: 'L', code: 'PLTX', loinc: '777-3' }] });
    const keyOf = (code: string) => extract([msh(), pid(), obr(), obx(code, '512', { subId: '1' })], local).results.map((r) => r.resultKey);
    expect(keyOf(PLT)).toEqual(['FL0001^SYNTHLAB|777-3|1']);
    expect(keyOf('PLTX^Platelet count^L')).toEqual(['FL0001^SYNTHLAB|777-3|1']);
    expect(keyOf('PLTX^Platelet count^L^777-3^Platelets^LN')).toEqual(['FL0001^SYNTHLAB|777-3|1']);
  });
});

describe('when a value is structured (SN) or has a comparator', () => {
  it('reads SN "^512" as 512', () => {
    expect(findings(lab(PLT, '^512', { type: 'SN' }))).toMatchObject([{ kind: 'thrombocytosis', value: 512 }]);
  });

  it('reads SN ">^500" as above the limit', () => {
    expect(findings(lab(PLT, '>^500', { type: 'SN' }))).toMatchObject([{ kind: 'thrombocytosis', value: 500 }]);
  });

  it('never reads "<15" as exceeding, even above the OBX-7 upper limit', () => {
    expect(findings(lab(VEGF, '<15', { unit: 'pg/mL', range: '0-10' }))).toEqual([]);
    expect(findings(lab(VEGF, '<^15', { type: 'SN', unit: 'pg/mL', range: '0-10' }))).toEqual([]);
    expect(findings(lab(PLT, '<500', { unit: '10*3/uL' }))).toEqual([]);
  });

  it('reads a non-numeric value as nothing', () => {
    expect(findings(lab(PLT, 'clumped, see smear', { type: 'ST' }))).toEqual([]);
  });
});

describe('when an M-spike is reported (SPEP 33358-3)', () => {
  it('reads 0.4 g/dL as an untyped clone', () => {
    expect(findings(lab('33358-3^M-spike^LN', '0.4', { unit: 'g/dL' }))).toMatchObject([
      { kind: 'clone', value: 0.4, unit: 'g/dL', qualifiers: { lightChain: 'unknown', heavyChain: 'unknown' } },
    ]);
  });

  it('reads 0 as no clone', () => {
    expect(findings(lab('33358-3^M-spike^LN', '0', { unit: 'g/dL' }))).toEqual([]);
  });
});

describe('when an immunofixation is reported (25700-6 serum, 13440-3 urine)', () => {
  it('reads "IgA lambda monoclonal protein detected" as ifeDone and an IgA lambda clone', () => {
    const fs = findings(lab('25700-6^Immunofixation serum^LN', 'IgA lambda monoclonal protein detected', { type: 'ST' }));
    expect(fs.map((f) => f.kind)).toEqual(['ifeDone', 'clone']);
    expect(fs[1]?.qualifiers).toMatchObject({ lightChain: 'lambda', heavyChain: 'IgA' });
  });

  it('reads "No monoclonal protein detected" as ifeDone only', () => {
    expect(kinds(lab('25700-6^Immunofixation serum^LN', 'No monoclonal protein detected', { type: 'ST' }))).toEqual(['ifeDone']);
  });

  it('keeps the clone when another clause of the interpretation is negative', () => {
    const fs = findings(lab('25700-6^Immunofixation serum^LN', 'Monoclonal IgA lambda identified. Bence Jones protein not detected.', { type: 'TX' }));
    expect(fs.map((f) => f.kind)).toEqual(['ifeDone', 'clone']);
    expect(fs[1]?.qualifiers).toMatchObject({ lightChain: 'lambda', heavyChain: 'IgA' });
  });

  it('takes the chains from the positive clause, not from a negated one', () => {
    const fs = findings(lab('25700-6^Immunofixation serum^LN', 'IgG kappa monoclonal protein detected. No lambda band.', { type: 'TX' }));
    expect(fs[1]?.qualifiers).toMatchObject({ lightChain: 'kappa', heavyChain: 'IgG' });
  });

  it('does not read light chains named beside a negative as a clone', () => {
    expect(kinds(lab('25700-6^Immunofixation serum^LN', 'No monoclonal protein; kappa and lambda normal', { type: 'TX' }))).toEqual(['ifeDone']);
    expect(kinds(lab('25700-6^Immunofixation serum^LN', 'Normal pattern. Kappa and lambda present.', { type: 'TX' }))).toEqual(['ifeDone']);
  });

  it('reads a coded urine IFE from its text component', () => {
    const fs = findings(lab('13440-3^Immunofixation urine^LN', 'POS^Monoclonal free kappa light chain band^L', { type: 'CWE' }));
    expect(fs.map((f) => f.kind)).toEqual(['ifeDone', 'clone']);
    expect(fs[1]?.qualifiers).toMatchObject({ lightChain: 'kappa' });
  });
});

describe('when OBX-11 gives the result status', () => {
  it.each(['D', 'W', 'X'])('makes status %s a version with no findings', (status) => {
    const effects = lab(PLT, '512', { status, subId: '1' });
    expect(effects.results).toEqual([
      { patientKey: 'SYNTH|P0001', resultKey: 'FL0001^SYNTHLAB|777-3|1', status, statusClass: 'final', effect: 'remove', messageTime: MSH_TIME, observedAt: '2025-03-01T10:00:00.000Z', findings: [], notes: [] },
    ]);
  });

  it.each(['I', 'R', 'S'])('makes a preliminary version with possible findings for status %s (spec §2)', (status) => {
    const [version] = lab(PLT, '512', { status }).results;
    expect(version).toMatchObject({ statusClass: 'preliminary', effect: 'replace' });
    expect(version?.findings.map((f) => f.certainty)).toEqual(['possible']);
  });

  it('makes status U a version that finalizes the stored value without a value of its own', () => {
    expect(lab(PLT, '512', { status: 'U' }).results).toMatchObject([{ statusClass: 'final', effect: 'finalize', findings: [] }]);
  });

  it.each(['N', 'O'])('makes no version for status %s', (status) => {
    expect(lab(PLT, '512', { status }).results).toEqual([]);
  });

  it.each(['P', 'F', 'C', 'A'])('counts the findings of status %s', (status) => {
    const effects = lab(PLT, '512', { status });
    expect(effects.results[0]?.status).toBe(status);
    expect(kinds(effects)).toEqual(['thrombocytosis']);
  });
});

describe('when building result keys', () => {
  it('joins the filler order number (OBR-3), the LOINC and OBX-4', () => {
    expect(extract([msh(), pid(), obr({ filler: 'FL0042^SYNTHLAB' }), obx(PLT, '512', { subId: '2' })]).results[0]?.resultKey)
      .toBe('FL0042^SYNTHLAB|777-3|2');
  });

  it('falls back to the placer order number (OBR-2)', () => {
    expect(extract([msh(), pid(), obr({ filler: '', placer: 'PL0042^SYNTHHIS' }), obx(PLT, '512')]).results[0]?.resultKey)
      .toBe('PL0042^SYNTHHIS|777-3|');
  });

  it('keeps the key of one result the same across messages, so a correction replaces it', () => {
    const first = extract([msh('ORU^R01', 'MSG0001'), pid(), obr(), obx(PLT, '512', { subId: '1' })]);
    const corrected = extract([msh('ORU^R01', 'MSG0002', '20250302120000'), pid(), obr(), obx(PLT, '300', { subId: '1', status: 'C' })]);
    expect(corrected.results[0]?.resultKey).toBe(first.results[0]?.resultKey);
    expect(corrected.results[0]).toMatchObject({ status: 'C', findings: [], messageTime: '2025-03-02T12:00:00.000Z' });
  });

  it('separates results of two orders in one message', () => {
    const effects = extract([msh(), pid(), obr({ filler: 'FL0001^SYNTHLAB' }), obx(PLT, '512'), obr({ filler: 'FL0002^SYNTHLAB' }), obx(PLT, '600', { setId: 1 })]);
    expect(effects.results.map((r) => r.resultKey)).toEqual(['FL0001^SYNTHLAB|777-3|', 'FL0002^SYNTHLAB|777-3|']);
    expect(findings(effects).map((f) => f.source.segment)).toEqual(['OBX[1]', 'OBX[2]']);
  });

  it('dates versions with the receive time when MSH-7 is missing', () => {
    const effects = extract([msh('ORU^R01', 'MSG0001', ''), pid(), obx(PLT, '512')]);
    expect(effects.results[0]?.messageTime).toBe(RECEIVED_AT);
    expect(findings(effects)[0]?.observedAt).toBe(RECEIVED_AT);
  });
});

describe('when a report is sent as text (TX/FT/ST)', () => {
  const PATH = '22634-0^Pathology report^LN';

  it('joins a multi-OBX report and finds Castleman disease named across two lines', () => {
    const effects = extract([
      msh(), pid(), obr({ filler: 'FP0001^SYNTHPATH' }),
      obx(PATH, 'Lymph node, excision:', { type: 'TX', setId: 1 }),
      obx(PATH, 'hyaline vascular', { type: 'TX', setId: 2 }),
      obx(PATH, 'variant Castleman disease.', { type: 'TX', setId: 3 }),
    ]);
    expect(effects.results).toHaveLength(1);
    expect(effects.results[0]?.resultKey).toBe('FP0001^SYNTHPATH|report:22634-0');
    expect(findings(effects)).toMatchObject([
      { kind: 'castleman', certainty: 'definite', qualifiers: { matched: 'hyaline vascular variant' }, source: { segment: 'OBX[1]' } },
    ]);
  });

  it('stores a final report that names nothing, with the negated phrase as a note (it withdraws a preliminary, spec §2)', () => {
    const [version] = extract([msh(), pid(), obr(), obx(PATH, 'No evidence of Castleman disease.', { type: 'TX' })]).results;
    expect(version).toMatchObject({ findings: [], notes: [{ reason: 'NEGATED', kind: 'castleman', text: 'Castleman disease', source: { segment: 'OBX[1]' } }] });
    expect(version?.storeIfNew).toBeUndefined();
  });

  it('stores a preliminary report that names nothing only over an earlier version', () => {
    expect(extract([msh(), pid(), obr(), obx(PATH, 'No evidence of Castleman disease.', { type: 'TX', status: 'P' })]).results).toMatchObject([{ findings: [], storeIfNew: false }]);
  });

  it('decodes \\.br\\ in an FT report before matching', () => {
    const effects = extract([msh(), pid(), obr(), obx('18748-4^Radiology report^LN', 'FINDINGS:\\.br\\Multiple osteosclerotic lesions in the spine.\\.br\\No ascites.', { type: 'FT' })]);
    expect(findings(effects)).toMatchObject([{ kind: 'scleroticBone', qualifiers: { matched: 'osteosclerotic' } }]);
  });

  it('stores an empty version when a corrected report no longer names a finding', () => {
    const effects = extract([msh(), pid(), obr(), obx(PATH, 'No evidence of Castleman disease.', { type: 'TX', status: 'C' })]);
    expect(effects.results).toMatchObject([{ resultKey: 'FL0001^SYNTHLAB|report:22634-0', status: 'C', findings: [] }]);
  });

  it('reads the text of a coded value (CE) as report text', () => {
    expect(kinds(extract([msh(), pid(), obr(), obx('99999-9^Comment^LN', 'CD^Castleman disease^L', { type: 'CE' })]))).toEqual(['castleman']);
  });

  it('does not read a numeric value as text', () => {
    expect(extract([msh(), pid(), obr(), obx('99999-9^Comment^LN', '12', { type: 'NM' })]).results).toEqual([]);
  });
});

describe('when a diagnosis is sent (DG1)', () => {
  const dg1 = (code: string, description = '', action = '') => {
    const f = ['DG1', '1', '', code, description, '20250215', 'F'];
    if (action) {
      while (f.length < 21) f.push('');
      f.push(action);
    }
    return f.join('|');
  };
  const dx = (...segments: string[]) => extract([msh('ADT^A08'), pid(), ...segments]);

  it('reads G61.81 with system I10 as neuropathy with cidp, observed at the message time with DG1-5 as onset', () => {
    const effects = dx(dg1('G61.81^Chronic inflammatory demyelinating polyneuritis^I10'));
    expect(effects.results).toEqual([{
      patientKey: 'SYNTH|P0001',
      resultKey: 'DG1|G6181',
      status: 'F',
      statusClass: 'final',
      effect: 'replace',
      messageTime: MSH_TIME,
      observedAt: MSH_TIME,
      notes: [],
      findings: [{
        kind: 'neuropathy',
        observedAt: MSH_TIME,
        qualifiers: { matched: 'G6181', onset: '2025-02-15T00:00:00.000Z', cidp: true },
        certainty: 'definite',
        source: { messageControlId: 'MSG0001', sendingFacility: 'SYNTHLAB', segment: 'DG1[1]', resultKey: 'DG1|G6181' },
      }],
    }]);
  });

  it.each([
    ['G6181^CIDP^ICD-10-CM'],
    ['G61.81^CIDP^2.16.840.1.113883.6.90'],
    ['G61.81^CIDP^ICD10'],
    ['G61.81^CIDP'],
    ['g61.81^CIDP^i10'],
    ['LOC123^CIDP^99SYN^G61.81^CIDP^I10'],
  ])('reads %s as neuropathy with cidp', (code) => {
    expect(findings(dx(dg1(code)))).toMatchObject([{ kind: 'neuropathy', qualifiers: { cidp: true } }]);
  });

  it('reads G62.9 as neuropathy without cidp', () => {
    const [f] = findings(dx(dg1('G62.9^Polyneuropathy, unspecified^I10')));
    expect(f?.kind).toBe('neuropathy');
    expect(f?.qualifiers.cidp).toBeUndefined();
  });

  it('ignores a code under another system that is not ICD-10', () => {
    expect(dx(dg1('G61.81^CIDP^SCT')).results).toEqual([]);
  });

  it.each([
    ['G61.0^Guillain-Barre syndrome^I10'],
    ['E11.9^Type 2 diabetes mellitus without complications^I10'],
    ['E03.9^Hypothyroidism, unspecified^I10'],
  ])('ignores %s', (code) => {
    expect(dx(dg1(code)).results).toEqual([]);
  });

  it('reads D47.2 as an untyped clone', () => {
    expect(findings(dx(dg1('D47.2^Monoclonal gammopathy^I10')))).toMatchObject([{ kind: 'clone', qualifiers: { lightChain: 'unknown', matched: 'D472' } }]);
  });

  it('reads a C90 prefix code as a clone', () => {
    expect(kinds(dx(dg1('C90.00^Multiple myeloma not having achieved remission^I10')))).toEqual(['clone']);
  });

  it('reads DG1 text naming POEMS syndrome as poemsKnown', () => {
    const effects = dx(dg1('', 'POEMS syndrome'));
    expect(effects.results).toMatchObject([{ resultKey: 'DG1|poems:text:poems syndrome', findings: [{ kind: 'poemsKnown', qualifiers: { matched: 'POEMS syndrome' } }] }]);
  });

  it('reads POEMS in the code text next to a watched code', () => {
    expect(kinds(dx(dg1('D47.2^POEMS syndrome^I10')))).toEqual(['clone', 'poemsKnown']);
  });

  it('makes DG1-21 "D" a removal of the code and of a POEMS diagnosis that came with it', () => {
    expect(dx(dg1('G61.81^CIDP^I10', '', 'D')).results).toMatchObject([
      { resultKey: 'DG1|G6181', status: 'D', effect: 'remove', findings: [] },
      { resultKey: 'DG1|poems:G6181', status: 'D', effect: 'remove', findings: [] },
    ]);
  });

  it('reads a PRB problem the same way, with PRB-1 "DE" as removal', () => {
    expect(findings(dx('PRB|AD|20250220|G61.81^CIDP^I10|PRB0001|||20250210'))).toMatchObject([
      { kind: 'neuropathy', observedAt: MSH_TIME, qualifiers: { cidp: true, onset: '2025-02-10T00:00:00.000Z' }, source: { segment: 'PRB[1]', resultKey: 'DG1|G6181' } },
    ]);
    expect(dx('PRB|DE|20250220|G61.81^CIDP^I10|PRB0001').results).toMatchObject([{ resultKey: 'DG1|G6181', status: 'D', findings: [] }, { resultKey: 'DG1|poems:G6181', status: 'D' }]);
  });

  it('reads a PRB problem named POEMS syndrome as poemsKnown', () => {
    expect(kinds(dx('PRB|AD|20250220|^POEMS syndrome|PRB0002'))).toEqual(['poemsKnown']);
  });
});

describe('when a merge is sent (ADT^A40)', () => {
  it('moves MRG-1 (prior) into PID-3 (survivor)', () => {
    const effects = extract([msh('ADT^A40'), 'EVN|A40|20250301120000', pid('F', 'P0001^^^SYNTH^MR'), 'MRG|P0009^^^SYNTH^MR']);
    expect(effects).toEqual({ patientKey: 'SYNTH|P0001', results: [], merges: [{ prior: 'SYNTH|P0009', survivor: 'SYNTH|P0001', kind: 'merge' }], unread: [] });
  });

  it('reads each PID/MRG pair as one merge', () => {
    const effects = extract([
      msh('ADT^A40'), 'EVN|A40|20250301120000',
      pid('F', 'P0001^^^SYNTH^MR'), 'MRG|P0009^^^SYNTH^MR',
      pid('M', 'P0002^^^SYNTH^MR'), 'MRG|P0008^^^SYNTH^MR',
    ]);
    expect(effects.merges).toEqual([
      { prior: 'SYNTH|P0009', survivor: 'SYNTH|P0001', kind: 'merge' },
      { prior: 'SYNTH|P0008', survivor: 'SYNTH|P0002', kind: 'merge' },
    ]);
  });

  it('gives a prior id without an authority the sender\'s (MSH-4), as PID-3 (spec §1.3)', () => {
    expect(extract([msh('ADT^A40'), pid('F', 'P0001^^^SYNTH^MR'), 'MRG|P0009']).merges).toEqual([{ prior: 'SYNTHLAB|P0009', survivor: 'SYNTH|P0001', kind: 'merge' }]);
    const site = compileProfile({ ...DEFAULT_PROFILE, identity: { ...DEFAULT_PROFILE.identity, authorityByFacility: { SYNTHLAB: 'SYNTH' } } });
    expect(extract([msh('ADT^A40'), pid('F', 'P0001^^^SYNTH^MR'), 'MRG|P0009'], site).merges).toEqual([{ prior: 'SYNTH|P0009', survivor: 'SYNTH|P0001', kind: 'merge' }]);
  });

  it('rejects a merge without MRG-1 with HL7_NO_MERGE_ID', () => {
    expect(errorCode(() => extract([msh('ADT^A40'), pid(), 'MRG|']))).toBe('HL7_NO_MERGE_ID');
  });

  it('reads no merge from an MRG in a non-merge event', () => {
    expect(extract([msh('ADT^A08'), pid(), 'MRG|P0009^^^SYNTH^MR']).merges).toEqual([]);
  });
});

describe('when a message has no patient identifier', () => {
  it('rejects watched content without a PID with HL7_NO_PATIENT_ID', () => {
    expect(errorCode(() => extract([msh(), obr(), obx(PLT, '512')]))).toBe('HL7_NO_PATIENT_ID');
  });

  it('rejects a watched diagnosis under a PID without PID-3', () => {
    expect(errorCode(() => extract([msh('ADT^A08'), 'PID|1||||TESTPATIENT^ECHO', 'DG1|1||G61.81^CIDP^I10']))).toBe('HL7_NO_PATIENT_ID');
  });

  it('accepts a message with nothing watched and no PID, with no effects', () => {
    expect(extract([msh(), obr(), obx('2951-2^Sodium^LN', '140', { unit: 'mmol/L' })])).toEqual({ patientKey: null, results: [], merges: [], unread: [] });
    expect(extract([msh('ORU^R01')])).toEqual({ patientKey: null, results: [], merges: [], unread: [] });
  });
});
