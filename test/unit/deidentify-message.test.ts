import { describe, expect, it } from 'vitest';
import { deidentifyMessage } from '../../src/deidentify/deidentify-message.js';
import { KeyedHash } from '../../src/deidentify/keyed-hash.js';
import { IdentifierPseudonyms } from '../../src/deidentify/pseudonym.js';
import { ReplacementCounts } from '../../src/deidentify/report.js';
import { field, firstSegment, segmentsNamed, type Hl7Message } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';

const pseudonyms = new IdentifierPseudonyms(new KeyedHash(Buffer.from('message-test-key-message-test-key-12', 'utf8')));

function run(lines: string[], opts: { safeHarbor?: boolean } = {}): { msg: Hl7Message; counts: ReplacementCounts } {
  const counts = new ReplacementCounts();
  const text = deidentifyMessage(parseMessage(lines.join('\r')), { pseudonyms, days: -10, safeHarbor: opts.safeHarbor ?? false, fallbackDate: { y: 2025, m: 6, d: 1 }, counts });
  return { msg: parseMessage(text), counts };
}

/** A segment from its non-empty fields by position: seg('PID', { 3: 'X' }) is "PID|||X". */
function seg(id: string, fields: Record<number, string>): string {
  const last = Math.max(...Object.keys(fields).map(Number));
  return [id, ...Array.from({ length: last }, (_, i) => fields[i + 1] ?? '')].join('|');
}

const get = (m: Hl7Message, seg: string, n: number, i = 0): string => field(segmentsNamed(m, seg)[i] ?? firstSegment(m, 'MSH')!, n);

const ADT = [
  'MSH|^~\\&|ADT|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250301120000||ADT^A08^ADT_A01|MSG0001|P|2.5.1',
  'EVN|A08|20250301120000|||D0042^SYNTHETIC^DOCTOR',
  seg('PID', {
    1: '1', 2: 'ALT77^^^SYNTH', 3: 'P000123^^^SYNTH^MR~123456789^^^USSSA^SS', 5: 'TESTPATIENT^ALPHA^Q', 7: '19321010', 8: 'M',
    11: '1 TEST STREET^Apt 2^SYNTHVILLE^WI^53703-1234^USA', 13: '(608)555-0101^PRN^PH~^NET^Internet^alpha@example.org',
    18: 'ACCT99^^^SYNTH^AN', 19: '123-45-6789', 20: 'D1234567^WI^20300101', 23: 'SYNTHTOWN', 33: '20250228',
  }),
  'NK1|1|TESTRELATIVE^BRAVO|SPO|2 TEST ROAD^^SYNTHVILLE^WI^03601|(608)555-0102|||||||||||19400101',
  ['PV1', '1', 'I', 'MED2^214^1^SYNTHHOSP', '', '', '', 'D0042^SYNTHETIC^DOCTOR', '', '', 'MED', ...Array<string>(8).fill(''), 'V0001^^^SYNTH^VN', ...Array<string>(24).fill(''), '20250301080000'].join('|'),
  'DG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10|CIDP per Dr SYNTHETIC|20250301|F',
  'ZPI|1|TESTPATIENT ALPHA secret',
];

describe('when one message is de-identified', () => {
  it('pseudonymises every identifier and keeps assigning authorities and identifier types', () => {
    const { msg } = run(ADT);
    expect(get(msg, 'MSH', 10)).toBe(pseudonyms.of('MSG0001'));
    expect(get(msg, 'PID', 3)).toBe(`${pseudonyms.of('P000123')}^^^SYNTH^MR~${pseudonyms.of('123456789')}^^^USSSA^SS`);
    expect(get(msg, 'PID', 2)).toBe(`${pseudonyms.of('ALT77')}^^^SYNTH`);
    expect(get(msg, 'PID', 18)).toBe(`${pseudonyms.of('ACCT99')}^^^SYNTH^AN`);
    expect(get(msg, 'PID', 19)).toBe(pseudonyms.of('123-45-6789'));
    expect(get(msg, 'PID', 20)).toBe(`${pseudonyms.of('D1234567')}^WI^20291222`);
    expect(get(msg, 'PV1', 19)).toBe(`${pseudonyms.of('V0001')}^^^SYNTH^VN`);
    expect(get(msg, 'PV1', 7)).toBe(`${pseudonyms.of('D0042')}`);
  });

  it('removes names, street, city, phones, e-mail and birth place; keeps ZIP3, state and country', () => {
    const { msg } = run(ADT);
    expect(get(msg, 'PID', 5)).toBe('');
    expect(get(msg, 'PID', 11)).toBe('^^^WI^537^USA');
    expect(get(msg, 'PID', 13)).toBe('^PRN^PH~^NET^Internet');
    expect(get(msg, 'PID', 23)).toBe('');
    expect(get(msg, 'NK1', 2)).toBe('');
    // 036 is one of the three-digit ZIP areas with 20,000 people or fewer
    expect(get(msg, 'NK1', 4)).toBe('^^^WI^000');
    expect(get(msg, 'EVN', 5)).toBe(pseudonyms.of('D0042'));
  });

  it('shifts every date by the patient’s offset and groups a birth date of 90 and over', () => {
    const { msg } = run(ADT);
    expect(get(msg, 'MSH', 7)).toBe('20250219120000');
    expect(get(msg, 'EVN', 2)).toBe('20250219120000');
    expect(get(msg, 'PV1', 44)).toBe('20250219080000');
    expect(get(msg, 'DG1', 5)).toBe('20250219');
    expect(get(msg, 'PID', 33)).toBe('20250218');
    // 92 at the message: born so as to be 90 at the shifted message date
    expect(get(msg, 'PID', 7)).toBe('19350219');
    expect(get(msg, 'NK1', 16)).toBe('19391222');
  });

  it('scrubs text fields of the message’s people and does not copy unknown segments', () => {
    const { msg, counts } = run(ADT);
    expect(get(msg, 'DG1', 3)).toBe('G61.81^Chronic inflammatory demyelinating polyneuritis^I10');
    expect(get(msg, 'DG1', 4)).toBe('CIDP per [NAME]');
    expect(msg.segments.map((s) => s.id)).toEqual(['MSH', 'EVN', 'PID', 'NK1', 'PV1', 'DG1']);
    expect(counts.droppedSegments).toEqual({ ZPI: 1 });
    expect(counts.byField['PID-5']).toEqual({ removed: 3 });
    expect(counts.byField['DG1-4']).toEqual({ 'text:name': 1 });
  });

  it('reads OBX-5 by its type: dates shifted, ages grouped, documents dropped, text scrubbed', () => {
    const { msg } = run([
      'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01^ORU_R01|MSG0002|P|2.6',
      'PID|1||P000123^^^SYNTH^MR||TESTPATIENT^ALPHA',
      'ORC|RE|ORD1|LAB1',
      'OBR|1|ORD1|LAB1|18748-4^Imaging^LN|||20250301100000',
      'OBX|1|DT|11368-8^Onset^LN||20250115||||||F|||20250301100000',
      'OBX|2|NM|30525-0^Age^LN||92|a|||||F',
      'OBX|3|ED|PDF^Report^L||^application^pdf^Base64^JVBERi0xLjQK||||||F',
      seg('OBX', { 1: '4', 2: 'TX', 3: '18748-4^Imaging^LN', 5: 'Alpha Testpatient, MRN P000123: sclerotic lesions.', 11: 'F', 23: 'ACME LAB', 24: '1 LAB WAY^^LABTOWN^WI^53703' }),
      'OBX|5|ST|777-3^Platelets^LN||512,000|/uL|||||F',
      'NTE|1||Called 608-555-0199 on 03/02/2025.',
    ]);
    expect(get(msg, 'OBR', 2)).toBe(pseudonyms.of('ORD1'));
    expect(get(msg, 'ORC', 3)).toBe(pseudonyms.of('LAB1'));
    expect(get(msg, 'OBX', 5, 0)).toBe('20250105');
    expect(get(msg, 'OBX', 5, 1)).toBe('90');
    expect(get(msg, 'OBX', 5, 2)).toBe('^application^pdf^Base64');
    expect(get(msg, 'OBX', 5, 3)).toBe('[NAME], MRN [ID]: sclerotic lesions.');
    // v2.6: OBX-23 is the performing organisation (kept), OBX-24 its address
    expect(get(msg, 'OBX', 23, 3)).toBe('ACME LAB');
    expect(get(msg, 'OBX', 24, 3)).toBe('^^^WI^537');
    expect(get(msg, 'OBX', 5, 4)).toBe('512,000');
    expect(get(msg, 'NTE', 3)).toBe('Called [PHONE] on 02/20/2025.');
  });

  it('in Safe Harbor mode reduces dates to the year and drops report text, keeping numeric values', () => {
    const { msg } = run([
      'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01^ORU_R01|MSG0003|P|2.5.1',
      'PID|1||P000123^^^SYNTH^MR||TESTPATIENT^ALPHA||19321010',
      'OBR|1|ORD1|LAB1|18748-4^Imaging^LN|||20250301100000',
      'OBX|1|TX|18748-4^Imaging^LN||Sclerotic lesions on 03/01/2025.||||||F|||20250301100000',
      'OBX|2|ST|75628-8^VEGF^LN||> 1000|pg/mL|||||F|||20250301100000',
      'NTE|1||Reviewed.',
      'DG1|1||D47.2^POEMS syndrome^I10|POEMS syndrome since 2021-03-04|20250301|F',
    ], { safeHarbor: true });
    expect(get(msg, 'MSH', 7)).toBe('2025');
    expect(get(msg, 'OBR', 7)).toBe('2025');
    expect(get(msg, 'PID', 7)).toBe('1935');
    expect(get(msg, 'OBX', 5, 0)).toBe('');
    expect(get(msg, 'OBX', 5, 1)).toBe('> 1000');
    expect(get(msg, 'NTE', 3)).toBe('');
    expect(get(msg, 'DG1', 4)).toBe('POEMS syndrome since 2021');
  });

  it('removes a field beyond the end of its segment’s definition', () => {
    const { msg, counts } = run(['MSH|^~\\&|A|B|C|D|20250301||ADT^A01|X1|P|2.5.1', `EVN|A01|20250301|||||HOSP|EXTRA TESTPATIENT`]);
    expect(get(msg, 'EVN', 8)).toBe('');
    expect(counts.byField['EVN-8']).toEqual({ removedUnknownField: 1 });
  });
});
