import { describe, expect, it } from 'vitest';
import type { UnreadReason } from '../../src/domain/unread.js';
import { extract, findingsOf, msh, obr, obx, pid } from '../support/hl7-messages.js';

// Values and units as different labs write them (spec §1.1). Each row: what the lab sent, and
// the finding (converted value), the normal measurement (converted value) or the note expected.

const PLT = '777-3^Platelets^LN';
const HB = '718-7^Hemoglobin^LN';
const HCT = '4544-3^Hematocrit^LN';
const VEGF = '75628-8^VEGF^LN';

type Expected = { finding: number } | { normal: number } | { note: UnreadReason };
interface Row { code: string; value: string; type?: string; unit?: string; range?: string; sex?: string; specimen?: string; expect: Expected }

function row(code: string, value: string, expect: Expected, o: Omit<Row, 'code' | 'value' | 'expect'> = {}): [string, Row] {
  const sent = [o.type ?? 'NM', JSON.stringify(value), o.unit !== undefined ? `unit ${JSON.stringify(o.unit)}` : 'no unit', o.range ? `range ${o.range}` : '', o.sex ? `sex ${o.sex}` : '', o.specimen ?? ''].filter(Boolean).join(' ');
  return [`${code.split('^')[1]} ${sent}`, { code, value, expect, ...o }];
}

const PLATELETS: [string, Row][] = [
  row(PLT, '512', { finding: 512 }, { unit: '10*3/uL' }),
  row(PLT, '512', { finding: 512 }, { unit: 'K/uL' }),
  row(PLT, '512', { finding: 512 }, { unit: 'K/mcL' }),
  row(PLT, '512', { finding: 512 }, { unit: 'K/µL' }),
  row(PLT, '512', { finding: 512 }, { unit: 'thou/uL' }),
  row(PLT, '512', { finding: 512 }, { unit: 'thou/mm3' }),
  row(PLT, '512', { finding: 512 }, { unit: '10*9/L' }),
  row(PLT, '512', { finding: 512 }, { unit: 'G/L' }),
  row(PLT, '512', { finding: 512 }, { unit: 'x10(9)/L' }),
  row(PLT, '512', { finding: 512 }, { unit: '10e3/ul' }),
  row(PLT, '512', { finding: 512 }, { unit: '10^3/uL' }),
  row(PLT, '512', { finding: 512 }, { unit: 'x10E9/L' }),
  row(PLT, '512', { finding: 512 }, { unit: '×10⁹/L' }),
  row(PLT, '512', { finding: 512 }, { unit: '10\\S\\9/L' }),
  row(PLT, '51.2', { finding: 512 }, { unit: '10*4/uL' }),
  row(PLT, '512000', { finding: 512 }, { unit: '/uL' }),
  row(PLT, '512000', { finding: 512 }, { unit: '/mm3' }),
  row(PLT, '512,000', { finding: 512 }, { type: 'ST', unit: '/uL' }),
  row(PLT, '1,250', { finding: 1250 }, { type: 'ST', range: '150-450' }),
  row(PLT, '300', { normal: 300 }, { unit: '10*3/uL' }),
  row(PLT, '450', { normal: 450 }, { unit: '10*3/uL' }),
  row(PLT, '>^450', { finding: 450 }, { type: 'SN', unit: '10*3/uL' }),
  row(PLT, '>=^450', { normal: 450 }, { type: 'SN', unit: '10*3/uL' }),
  row(PLT, '>^449', { normal: 449 }, { type: 'SN', unit: '10*3/uL' }),
  row(PLT, '^512', { finding: 512 }, { type: 'SN', unit: '10*3/uL' }),
  row(PLT, '^400^-^500', { finding: 500 }, { type: 'SN', unit: '10*3/uL' }),
  row(PLT, '<^500', { normal: 500 }, { type: 'SN', unit: '10*3/uL' }),
  row(PLT, '> 1000', { finding: 1000 }, { type: 'ST', unit: '10*3/uL' }),
  row(PLT, '512 K/uL', { finding: 512 }, { type: 'ST' }),
  row(PLT, '512 10*3/uL', { finding: 512 }, { type: 'ST' }),
  row(PLT, '512 (H)', { finding: 512 }, { type: 'ST', unit: '10*3/uL' }),
  row(PLT, '512 x10^9/L', { finding: 512 }, { type: 'ST' }),
  row(PLT, '<10', { normal: 10 }, { type: 'ST', unit: '10*3/uL' }),
  row(PLT, '512', { finding: 512 }, { range: '150-400' }),
  row(PLT, '512000', { finding: 512 }, { range: '150000-450000' }),
  row(PLT, '512000', { note: 'VALUE_IMPLAUSIBLE' }),
  row(PLT, '512', { note: 'UNIT_UNKNOWN' }, { unit: 'mg/dL' }),
  row(PLT, '5000', { note: 'VALUE_IMPLAUSIBLE' }, { unit: '10*3/uL' }),
  row(PLT, '0', { note: 'VALUE_IMPLAUSIBLE' }, { unit: '10*3/uL' }),
  row(PLT, 'clumped, see smear', { note: 'VALUE_UNREADABLE' }, { type: 'ST' }),
  row(PLT, '512 see comment', { note: 'VALUE_UNREADABLE' }, { type: 'ST' }),
  row(PLT, '1.250,5', { note: 'VALUE_UNREADABLE' }, { type: 'ST', unit: '10*3/uL' }),
];

const HAEMOGLOBIN: [string, Row][] = [
  row(HB, '17.0', { finding: 17 }, { unit: 'g/dL', sex: 'M' }),
  row(HB, '17.0', { finding: 17 }, { unit: 'gm/dL', sex: 'M' }),
  row(HB, '17', { finding: 17 }, { unit: 'g/100mL', sex: 'M' }),
  row(HB, '170', { finding: 17 }, { unit: 'g/L', sex: 'M' }),
  row(HB, '10.5', { finding: 16.92 }, { unit: 'mmol/L', sex: 'F' }),
  row(HB, '128', { normal: 12.8 }, { range: '120-155', sex: 'M' }),
  row(HB, '128', { note: 'VALUE_IMPLAUSIBLE' }, { sex: 'M' }),
  row(HB, '10.9', { finding: 17.56 }, { range: '8.4-10.9', sex: 'M' }),
  row(HB, '16.4', { normal: 16.4 }, { range: '13.5-17.5', sex: 'M' }),
  row(HB, '17,4', { finding: 17.4 }, { type: 'ST', unit: 'g/dL', sex: 'M' }),
  row(HB, '16,1', { finding: 16.1 }, { type: 'ST', unit: 'g/dL', sex: 'F' }),
  row(HB, '17.4 g/dL', { finding: 17.4 }, { type: 'ST', sex: 'M' }),
  row(HB, '16.6', { finding: 16.6 }, { unit: 'g/dL', sex: 'U' }),
  row(HB, '16.2', { finding: 16.2 }, { unit: 'g/dL', sex: 'Female' }),
  row(HB, '16.2', { finding: 16.2 }, { unit: 'g/dL', sex: 'f' }),
  row(HB, '16.2', { normal: 16.2 }, { unit: 'g/dL', sex: 'male' }),
  row(HB, '16.4', { normal: 16.4 }, { unit: 'g/dL', sex: 'O' }),
  row(HB, '16.4', { normal: 16.4 }, { unit: 'g/dL', sex: 'N' }),
  row(HB, '>=^16.5', { normal: 16.5 }, { type: 'SN', unit: 'g/dL', sex: 'M' }),
  row(HB, '>^16.5', { finding: 16.5 }, { type: 'SN', unit: 'g/dL', sex: 'M' }),
  row(HB, '17', { note: 'UNIT_UNKNOWN' }, { unit: 'mg/dL', sex: 'M' }),
  row(HB, '30', { note: 'VALUE_IMPLAUSIBLE' }, { unit: 'g/dL', sex: 'M' }),
];

const HAEMATOCRIT: [string, Row][] = [
  row(HCT, '52', { finding: 52 }, { unit: '%', sex: 'M' }),
  row(HCT, '0.52', { finding: 52 }, { unit: 'L/L', sex: 'M' }),
  row(HCT, '0.52', { finding: 52 }, { sex: 'M' }),
  row(HCT, '0,52', { finding: 52 }, { type: 'ST', sex: 'M' }),
  row(HCT, '48.5', { finding: 48.5 }, { unit: '%', sex: 'F' }),
  row(HCT, '49', { normal: 49 }, { unit: '%', sex: 'M' }),
  row(HCT, '52', { finding: 52 }, { range: '40-52', sex: 'M' }),
  row(HCT, '0.45', { normal: 45 }, { range: '0.40-0.52', sex: 'M' }),
  row(HCT, '5', { note: 'VALUE_IMPLAUSIBLE' }, { unit: '%', sex: 'M' }),
  row(HCT, '52', { note: 'UNIT_UNKNOWN' }, { unit: 'mL', sex: 'M' }),
];

const VEGF_ROWS: [string, Row][] = [
  row(VEGF, '250', { finding: 250 }, { unit: 'pg/mL', specimen: 'PLAS' }),
  row(VEGF, '250', { finding: 250 }, { unit: 'ng/L', specimen: 'PLAS' }),
  row(VEGF, '0,25', { finding: 250 }, { type: 'ST', unit: 'ng/mL', specimen: 'PLAS' }),
  row(VEGF, '150', { normal: 150 }, { unit: 'pg/mL', specimen: 'PLAS' }),
  row(VEGF, '1100', { finding: 1100 }, { unit: 'pg/mL', specimen: 'SER^Serum' }),
  row(VEGF, '1,100', { finding: 1100 }, { type: 'ST', unit: 'pg/mL', specimen: 'SER^Serum' }),
  row(VEGF, '800', { normal: 800 }, { unit: 'pg/mL', specimen: 'SER^Serum' }),
  row(VEGF, '450 pg/mL', { finding: 450 }, { type: 'ST', specimen: 'PLAS' }),
  row(VEGF, '> 1000', { finding: 1000 }, { type: 'ST', unit: 'pg/mL', specimen: 'PLAS' }),
  row(VEGF, '<31.3', { normal: 31.3 }, { type: 'ST', unit: 'pg/mL', specimen: 'PLAS' }),
  row(VEGF, '250', { finding: 250 }, { range: '0-96.2', specimen: 'PLAS' }),
  row(VEGF, '200000', { note: 'VALUE_IMPLAUSIBLE' }, { unit: 'pg/mL', specimen: 'PLAS' }),
  row(VEGF, '250', { note: 'UNIT_UNKNOWN' }, { unit: 'IU/mL', specimen: 'PLAS' }),
];

function send(r: Row) {
  return extract([msh(), pid({ sex: r.sex ?? 'F' }), obr(r.specimen !== undefined ? { specimen: r.specimen } : {}), obx(r.code, r.value, { type: r.type ?? 'NM', unit: r.unit ?? '', range: r.range ?? '' })]);
}

describe.each([
  ['platelets (777-3)', PLATELETS],
  ['haemoglobin (718-7)', HAEMOGLOBIN],
  ['haematocrit (4544-3)', HAEMATOCRIT],
  ['VEGF (75628-8)', VEGF_ROWS],
])('when a lab reports %s', (_analyte, rows) => {
  it.each(rows)('%s', (_name, r) => {
    const effects = send(r);
    expect(effects.results).toHaveLength(1);
    const [version] = effects.results;
    const fs = findingsOf(effects);
    if ('finding' in r.expect) {
      expect(fs).toHaveLength(1);
      expect(fs[0]?.value).toBeCloseTo(r.expect.finding, 2);
      expect(version?.measurement).toMatchObject({ abnormal: true });
      expect(version?.measurement?.value).toBeCloseTo(r.expect.finding, 2);
      expect(version?.notes).toEqual([]);
    } else if ('normal' in r.expect) {
      expect(fs).toEqual([]);
      expect(version?.measurement).toMatchObject({ abnormal: false });
      expect(version?.measurement?.value).toBeCloseTo(r.expect.normal, 2);
    } else {
      // a value not read is never a finding, and never a measurement; it is a note
      expect(fs).toEqual([]);
      expect(version?.measurement).toBeUndefined();
      expect(version?.notes.map((n) => n.reason)).toEqual([r.expect.note]);
      expect(effects.unread.map((n) => n.reason)).toEqual([r.expect.note]);
    }
  });
});

describe('when a value is not read', () => {
  it('says what was seen and why, with its source', () => {
    const [note] = send({ code: PLT, value: '512', unit: 'mg/dL', expect: { note: 'UNIT_UNKNOWN' } }).unread;
    expect(note).toEqual({
      reason: 'UNIT_UNKNOWN',
      kind: 'thrombocytosis',
      text: '512 mg/dL',
      detail: "unit 'mg/dL' not known for platelets",
      observedAt: '2025-03-01T10:00:00.000Z',
      source: { messageControlId: 'MSG0001', sendingFacility: 'SYNTHLAB', segment: 'OBX[1]', resultKey: 'FL0001^SYNTHLAB|777-3|' },
    });
  });

  it('says which unit was assumed for an implausible unitless value', () => {
    const [note] = send({ code: HB, value: '128', sex: 'M', expect: { note: 'VALUE_IMPLAUSIBLE' } }).unread;
    expect(note?.detail).toBe('128 g/dL outside 3-25 g/dL (no unit sent: read as g/dL)');
  });

  it('reads nothing and notes nothing for an empty value', () => {
    const effects = send({ code: PLT, value: '', unit: '10*3/uL', expect: { normal: 0 } });
    expect(effects.results).toMatchObject([{ findings: [], notes: [] }]);
    expect(effects.results[0]?.measurement).toBeUndefined();
  });
});

describe('when a VEGF comes from an unknown specimen', () => {
  it.each([
    ['"Serum or Plasma" in the code name', '75628-8^VEGF Serum or Plasma^LN', ''],
    ['SERPL in OBR-15', VEGF, 'SERPL^Serum or plasma'],
  ])('reads %s as unknown: above the plasma cut-off and the range, possible', (_name, code, specimen) => {
    const effects = extract([msh(), pid(), obr({ specimen }), obx(code, '250', { unit: 'pg/mL', range: '0-96.2' })]);
    expect(findingsOf(effects)).toMatchObject([{ kind: 'vegfHigh', certainty: 'possible', qualifiers: { specimen: 'unknown' } }]);
    expect(effects.results[0]?.measurement).toMatchObject({ kind: 'vegfHigh', abnormal: true, value: 250 });
  });

  it('keeps a normal unknown-specimen VEGF as a normal measurement', () => {
    const effects = extract([msh(), pid(), obr(), obx(VEGF, '180', { unit: 'pg/mL', range: '0-96.2', flag: 'H' })]);
    expect(findingsOf(effects)).toEqual([]);
    expect(effects.results[0]?.measurement).toMatchObject({ kind: 'vegfHigh', abnormal: false, value: 180, unit: 'pg/mL' });
  });
});
