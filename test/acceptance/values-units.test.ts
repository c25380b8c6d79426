/**
 * Values and units (spec §1.1): NM, SN and ST values, separators, decimal commas, vendor unit
 * spellings, unitless values read through the reference range, implausible values, comparators,
 * and sex words in PID-8. Each row is one result as a particular analyser or LIS sends it.
 */
import { describe } from 'vitest';
import { messageCases } from './harness/single-message.js';

const PLT = '777-3^Platelets [#/volume] in Blood by Automated count^LN';
const PLT2 = '26515-7^Platelets [#/volume] in Blood^LN';
const HB = '718-7^Hemoglobin [Mass/volume] in Blood^LN';
const HCT = '4544-3^Hematocrit [Volume Fraction] of Blood by Automated count^LN';
const HCT2 = '20570-8^Hematocrit [Volume Fraction] of Blood^LN';
const VEGF = '75628-8^Vascular endothelial growth factor A [Mass/volume] in Serum or Plasma^LN';

/** One result: OBR (OBR-15 = `specimen`) and one OBX; `extra` segments follow (SPM). */
function result(type: string, code: string, value: string, unit: string, range: string, o: { flag?: string; specimen?: string; extra?: string } = {}): string {
  return [
    `OBR|1|L3001|L3001|${code}|||20250225080000|||||||20250225080000|${o.specimen ?? ''}|D0042^SYNTHETIC^DOCTOR||||||20250301100000||LAB|F`,
    `OBX|1|${type}|${code}||${value}|${unit}|${range}|${o.flag ?? ''}|||F|||20250225080000`,
    ...(o.extra ? [o.extra] : []),
  ].join('\n');
}
const plt = (value: string, unit: string, type = 'NM', range = '150-400'): string => result(type, PLT, value, unit, range);
const hb = (value: string, unit: string, type = 'NM', range = '13.5-17.5'): string => result(type, HB, value, unit, range);
const hct = (value: string, unit: string, type = 'NM', range = '40-50'): string => result(type, HCT, value, unit, range);
const PLASMA = 'SPM|1|||PLAS^Plasma^HL70487';
const SERUM = 'SPM|1|||SER^Serum^HL70487';
const vegf = (value: string, unit: string, o: { type?: string; range?: string; flag?: string; specimen?: string; spm?: string | null; code?: string } = {}): string =>
  result(o.type ?? 'NM', o.code ?? VEGF, value, unit, o.range ?? '0-96', { flag: o.flag ?? '', specimen: o.specimen ?? '', ...(o.spm === null ? {} : { extra: o.spm ?? PLASMA }) });

describe('platelets: vendor unit spellings (all ×10⁹/L unless said)', () => {
  messageCases([
    { label: 'Epic-style 10*3/uL', body: plt('520', '10*3/uL'), want: 'thrombocytosis' },
    { label: 'Sysmex LIS K/uL', body: plt('520', 'K/uL'), want: 'thrombocytosis' },
    { label: 'Cerner K/mcL', body: plt('520', 'K/mcL'), want: 'thrombocytosis' },
    { label: 'thou/uL', body: plt('520', 'thou/uL'), want: 'thrombocytosis' },
    { label: 'thou/mm3', body: plt('520', 'thou/mm3'), want: 'thrombocytosis' },
    { label: 'SI 10*9/L', body: plt('520', '10*9/L'), want: 'thrombocytosis' },
    { label: 'French G/L', body: plt('520', 'G/L'), want: 'thrombocytosis' },
    { label: 'UK x10(9)/L', body: plt('520', 'x10(9)/L'), want: 'thrombocytosis' },
    { label: 'lower-case 10e3/ul', body: plt('520', '10e3/ul'), want: 'thrombocytosis' },
    { label: 'caret power 10^9/L', body: plt('520', '10^9/L'), want: 'thrombocytosis' },
    { label: 'escaped caret 10\\S\\9/L', body: plt('520', '10\\S\\9/L'), want: 'thrombocytosis' },
    { label: 'superscript ×10⁹/L', body: plt('520', '×10⁹/L'), want: 'thrombocytosis' },
    { label: 'x10E9/L', body: plt('520', 'x10E9/L'), want: 'thrombocytosis' },
    { label: '10*4/uL: 52 is 520', body: plt('52', '10*4/uL'), want: 'thrombocytosis' },
    { label: '10*4/uL: 40 is 400', body: plt('40', '10*4/uL'), want: '' },
    { label: '/uL: 520000', body: plt('520000', '/uL'), want: 'thrombocytosis' },
    { label: '/mm3: 398000', body: plt('398000', '/mm3'), want: '' },
    { label: 'empty unit, range 150-400: the default unit', body: plt('520', ''), want: 'thrombocytosis' },
    { label: 'unknown unit mg/dL is never guessed', body: plt('520', 'mg/dL'), want: '', unread: 'UNIT_UNKNOWN' },
    { label: '52000 ×10⁹/L is implausible', body: plt('52000', '10*3/uL'), want: '', unread: 'VALUE_IMPLAUSIBLE' },
    { label: '450 is not above 450', body: plt('450', '10*3/uL'), want: '' },
    { label: '451 is above 450', body: plt('451', '10*3/uL'), want: 'thrombocytosis' },
    { label: 'Platelet code 26515-7', body: result('NM', PLT2, '520', '10*3/uL', '150-400'), want: 'thrombocytosis' },
    { label: 'Local code with the LOINC in the alternate triplet', body: result('NM', 'PLT^Platelet count^99LAB^777-3^Platelets^LN', '520', '10*3/uL', '150-400'), want: 'thrombocytosis' },
    { label: 'LOINC named by its OID', body: result('NM', '777-3^Platelets^2.16.840.1.113883.6.1', '520', '10*3/uL', '150-400'), want: 'thrombocytosis' },
    { label: 'LOINC spelled "LOINC"', body: result('NM', '777-3^Platelets^LOINC', '520', '10*3/uL', '150-400'), want: 'thrombocytosis' },
  ]);
});

describe('platelets: SN and ST values', () => {
  messageCases([
    { label: 'SN ">^450": x ≥ t counts', body: plt('>^450', '10*3/uL', 'SN'), want: 'thrombocytosis' },
    { label: 'SN ">=^450": needs x > t', body: plt('>=^450', '10*3/uL', 'SN'), want: '' },
    { label: 'SN "^520" without comparator', body: plt('^520', '10*3/uL', 'SN'), want: 'thrombocytosis' },
    { label: 'SN "<^100"', body: plt('<^100', '10*3/uL', 'SN'), want: '' },
    { label: 'SN range "^440^-^460" uses its upper bound for "above"', body: plt('^440^-^460', '10*3/uL', 'SN'), want: 'thrombocytosis' },
    { label: 'ST "520"', body: plt('520', '10*3/uL', 'ST'), want: 'thrombocytosis' },
    { label: 'ST "> 450"', body: plt('> 450', '10*3/uL', 'ST'), want: 'thrombocytosis' },
    { label: 'ST "512,000" per µL (thousands separator)', body: plt('512,000', '/uL', 'ST'), want: 'thrombocytosis' },
    { label: 'ST "520 K/uL" with OBX-6 empty (trailing unit)', body: plt('520 K/uL', '', 'ST'), want: 'thrombocytosis' },
    { label: 'ST "Platelet clumps seen, unable to count"', body: plt('Platelet clumps seen, unable to count', '10*3/uL', 'ST'), want: '', unread: 'VALUE_UNREADABLE' },
  ]);
});

describe('haemoglobin: units, unitless values read through the range, sex words', () => {
  messageCases([
    { label: 'g/dL 17.2, male', body: hb('17.2', 'g/dL'), want: 'polycythemia' },
    { label: 'g/dL 16.3, male: below 16.5', body: hb('16.3', 'g/dL'), want: '' },
    { label: 'g/dL 16.3, PID-8 F', body: hb('16.3', 'g/dL', 'NM', '12.0-15.5'), sex: 'F', want: 'polycythemia' },
    { label: 'g/dL 16.3, PID-8 "Female"', body: hb('16.3', 'g/dL', 'NM', '12.0-15.5'), sex: 'Female', want: 'polycythemia' },
    { label: 'g/dL 16.3, PID-8 "female"', body: hb('16.3', 'g/dL', 'NM', '12.0-15.5'), sex: 'female', want: 'polycythemia' },
    { label: 'g/dL 16.3, PID-8 "MALE"', body: hb('16.3', 'g/dL'), sex: 'MALE', want: '' },
    { label: 'g/dL 16.3, PID-8 U: male thresholds', body: hb('16.3', 'g/dL'), sex: 'U', want: '' },
    { label: 'g/dL 16.8, PID-8 empty: male thresholds', body: hb('16.8', 'g/dL'), sex: '', want: 'polycythemia' },
    { label: 'gm/dL 17.2', body: hb('17.2', 'gm/dL'), want: 'polycythemia' },
    { label: 'SI g/L 172', body: hb('172', 'g/L', 'NM', '135-175'), want: 'polycythemia' },
    { label: 'Dutch mmol/L 10.9 (17.6 g/dL)', body: hb('10.9', 'mmol/L', 'NM', '8.4-10.9'), want: 'polycythemia' },
    { label: 'Dutch mmol/L 9.9 (15.9 g/dL)', body: hb('9.9', 'mmol/L', 'NM', '8.4-10.9'), want: '' },
    { label: 'unitless 128 with range 120-155 is g/L (12.8 g/dL)', body: hb('128', '', 'NM', '120-155'), sex: 'F', want: '' },
    { label: 'unitless 172 with range 135-175 is g/L', body: hb('172', '', 'NM', '135-175'), want: 'polycythemia' },
    { label: 'unitless 10.6 with range 8.4-10.9 is mmol/L', body: hb('10.6', '', 'NM', '8.4-10.9'), want: 'polycythemia' },
    { label: 'unitless 17.2 with range 13.5-17.5 is g/dL', body: hb('17.2', '', 'NM', '13.5-17.5'), want: 'polycythemia' },
    { label: 'German lab, ST decimal comma "17,4" g/dL', body: hb('17,4', 'g/dL', 'ST'), want: 'polycythemia' },
    { label: '172 g/dL is implausible', body: hb('172', 'g/dL'), want: '', unread: 'VALUE_IMPLAUSIBLE' },
    { label: 'Hb in mg/dL is not guessed', body: hb('17.2', 'mg/dL'), want: '', unread: 'UNIT_UNKNOWN' },
  ]);
});

describe('haematocrit', () => {
  messageCases([
    { label: '52 %, male', body: hct('52', '%'), want: 'polycythemia' },
    { label: '48.5 %, male: below 49', body: hct('48.5', '%'), want: '' },
    { label: '48.5 %, PID-8 "Female"', body: hct('48.5', '%', 'NM', '36-46'), sex: 'Female', want: 'polycythemia' },
    { label: 'L/L 0.52', body: hct('0.52', 'L/L', 'NM', '0.40-0.50'), want: 'polycythemia' },
    { label: 'unitless 0.52 (fraction)', body: hct('0.52', '', 'NM', '0.40-0.50'), want: 'polycythemia' },
    { label: 'code 20570-8', body: result('NM', HCT2, '52', '%', '40-50'), want: 'polycythemia' },
    { label: '520 % is implausible', body: hct('520', '%'), want: '', unread: 'VALUE_IMPLAUSIBLE' },
  ]);
});

describe('VEGF: specimen, units and value forms', () => {
  messageCases([
    { label: 'Plasma (SPM-4) 480 pg/mL', body: vegf('480', 'pg/mL'), want: 'vegfHigh' },
    { label: 'Plasma 150 pg/mL', body: vegf('150', 'pg/mL'), want: '' },
    { label: 'Plasma in OBR-15, no SPM', body: vegf('480', 'pg/mL', { specimen: 'PLAS', spm: null }), want: 'vegfHigh' },
    { label: 'Serum (SPM-4) 1200 pg/mL', body: vegf('1200', 'pg/mL', { spm: SERUM, range: '0-1000' }), want: 'vegfHigh' },
    { label: 'Serum 800 pg/mL: below the serum cut-off', body: vegf('800', 'pg/mL', { spm: SERUM, range: '0-1000' }), want: '' },
    { label: 'Unknown specimen 450, above range 0-96, flag H: possible', body: vegf('450', 'pg/mL', { spm: null, flag: 'H' }), want: 'vegfHigh?' },
    { label: 'Unknown specimen 450, no range, no flag', body: vegf('450', 'pg/mL', { spm: null, range: '' }), want: '' },
    { label: 'Unknown specimen 150 flagged H: below the plasma cut-off', body: vegf('150', 'pg/mL', { spm: null, flag: 'H' }), want: '' },
    { label: 'Local code naming plasma, LOINC in the alternate triplet', body: vegf('480', 'pg/mL', { spm: null, code: 'VEGFP^VEGF, plasma^99LAB^75628-8^VEGF^LN' }), want: 'vegfHigh' },
    { label: 'ng/mL 0.48 (= 480 pg/mL)', body: vegf('0.48', 'ng/mL', { range: '0-0.096' }), want: 'vegfHigh' },
    { label: 'ng/L 480 (= pg/mL)', body: vegf('480', 'ng/L'), want: 'vegfHigh' },
    { label: 'ST "1,250" pg/mL', body: vegf('1,250', 'pg/mL', { type: 'ST' }), want: 'vegfHigh' },
    { label: 'ST "> 1000"', body: vegf('> 1000', 'pg/mL', { type: 'ST' }), want: 'vegfHigh' },
    { label: 'ST "450 pg/mL" with OBX-6 empty', body: vegf('450 pg/mL', '', { type: 'ST' }), want: 'vegfHigh' },
    { label: 'SN ">^2000"', body: vegf('>^2000', 'pg/mL', { type: 'SN' }), want: 'vegfHigh' },
    { label: '150000 pg/mL is implausible', body: vegf('150000', 'pg/mL'), want: '', unread: 'VALUE_IMPLAUSIBLE' },
    { label: 'mg/L is not a VEGF unit', body: vegf('480', 'mg/L'), want: '', unread: 'UNIT_UNKNOWN' },
  ]);
});
