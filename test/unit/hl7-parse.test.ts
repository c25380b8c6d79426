import { describe, expect, it } from 'vitest';
import { SentinelError, type ErrorCode } from '../../src/errors.js';
import { DEFAULT_DELIMITERS, readDelimiters, type Delimiters } from '../../src/hl7/delimiters.js';
import { unescapeHl7 } from '../../src/hl7/escape.js';
import { hl7TimeToIso } from '../../src/hl7/hl7-time.js';
import { component, field, firstSegment, repetitions, segmentsNamed, subcomponent, text } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';

// Synthetic messages only: fake patients, fake facility SYNTHLAB.

/** An MSH with the default delimiters; `over` replaces MSH-n (n ≥ 3). */
function msh(over: Record<number, string> = {}): string {
  const f: Record<number, string> = {
    3: 'SYNTHLIS', 4: 'SYNTHLAB', 5: 'SENTINEL', 6: 'SYNTHHOSP', 7: '20250301123000',
    9: 'ORU^R01', 10: 'MSG0001', 11: 'P', 12: '2.5.1', ...over,
  };
  const last = Math.max(...Object.keys(f).map(Number));
  const parts = ['MSH', '^~\\&'];
  for (let n = 3; n <= last; n += 1) parts.push(f[n] ?? '');
  return parts.join('|');
}

const PID = 'PID|1||P0001^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|F';
const OBR = 'OBR|1|PL0001|FL0001^SYNTHLAB|777-3^Platelets^LN|||20250301100000';
const OBX = 'OBX|1|NM|777-3^Platelets^LN||512|10*3/uL|150-450|H|||F';

const message = (...segments: string[]) => segments.join('\r');

function errorCode(textToParse: string): ErrorCode | 'none' {
  try {
    parseMessage(textToParse);
    return 'none';
  } catch (e) {
    if (e instanceof SentinelError) return e.code;
    throw e;
  }
}

describe('when the message is well formed', () => {
  const msg = parseMessage(message(msh(), PID, OBR, OBX));

  it('reads type, trigger, control id, facility, version and time from MSH', () => {
    expect(msg).toMatchObject({
      type: 'ORU',
      trigger: 'R01',
      controlId: 'MSG0001',
      sendingFacility: 'SYNTHLAB',
      version: '2.5.1',
      messageTime: '2025-03-01T12:30:00.000Z',
      delimiters: DEFAULT_DELIMITERS,
    });
    expect(msg.segments.map((s) => s.id)).toEqual(['MSH', 'PID', 'OBR', 'OBX']);
  });

  it('keeps the message text as given', () => {
    expect(msg.text).toBe(message(msh(), PID, OBR, OBX));
  });

  it('numbers MSH fields like the standard: MSH-1 is the separator, MSH-2 the encoding characters', () => {
    const header = msg.segments[0]!;
    expect(field(header, 0)).toBe('MSH');
    expect(field(header, 1)).toBe('|');
    expect(field(header, 2)).toBe('^~\\&');
    expect(field(header, 3)).toBe('SYNTHLIS');
    expect(field(header, 9)).toBe('ORU^R01');
    expect(field(header, 10)).toBe('MSG0001');
    expect(field(header, 12)).toBe('2.5.1');
    expect(field(header, 40)).toBe('');
  });

  it('numbers other segments from their name: OBX-3 is field 3', () => {
    const obx = firstSegment(msg, 'OBX')!;
    expect(field(obx, 3)).toBe('777-3^Platelets^LN');
    expect(field(obx, 11)).toBe('F');
    expect(segmentsNamed(msg, 'OBX')).toHaveLength(1);
    expect(firstSegment(msg, 'DG1')).toBeUndefined();
  });

  it('skips empty and whitespace-only segments', () => {
    expect(parseMessage(message(msh(), '', PID, '   ', OBX, '')).segments.map((s) => s.id)).toEqual(['MSH', 'PID', 'OBX']);
  });

  it('accepts every v2 version from 2.1 to 2.9 with a patch level, and a version with components', () => {
    for (const v of ['2.1', '2.3', '2.3.1', '2.5.1', '2.9', '2.5.1^USA^HL70399']) {
      expect(parseMessage(msh({ 12: v })).version, v).toBe(v.split('^')[0]);
    }
  });

  it('accepts a fifth encoding character (v2.7 truncation)', () => {
    const m = parseMessage('MSH|^~\\&#|SYNTHLIS|SYNTHLAB|||20250301||ORU^R01|MSG1|P|2.7');
    expect(m.delimiters).toEqual(DEFAULT_DELIMITERS);
    expect(field(m.segments[0]!, 2)).toBe('^~\\&#');
  });
});

describe('when a message cannot be used', () => {
  it.each<[string, string, ErrorCode]>([
    ['does not start with MSH', message(PID, OBX), 'HL7_NO_MSH'],
    ['is empty', '', 'HL7_NO_MSH'],
    ['starts with a batch header', message('BHS|^~\\&|SYNTHLIS', msh()), 'HL7_NO_MSH'],
    ['has no encoding characters', 'MSH||SYNTHLIS|SYNTHLAB|||20250301||ORU^R01|MSG1|P|2.5.1', 'HL7_BAD_ENCODING'],
    ['is a bare MSH', 'MSH|^~', 'HL7_BAD_ENCODING'],
    ['repeats an encoding character', 'MSH|^^\\&|SYNTHLIS|SYNTHLAB|||20250301||ORU^R01|MSG1|P|2.5.1', 'HL7_BAD_ENCODING'],
    ['has an alphanumeric encoding character', 'MSH|^~A&|SYNTHLIS|SYNTHLAB|||20250301||ORU^R01|MSG1|P|2.5.1', 'HL7_BAD_ENCODING'],
    ['has an alphanumeric field separator', 'MSHA^~\\&ASYNTHLISASYNTHLAB', 'HL7_BAD_ENCODING'],
    ['has a space as field separator', 'MSH ^~\\& SYNTHLIS SYNTHLAB', 'HL7_BAD_ENCODING'],
    ['has too many encoding characters', 'MSH|^~\\&#!|SYNTHLIS|SYNTHLAB|||20250301||ORU^R01|MSG1|P|2.5.1', 'HL7_BAD_ENCODING'],
    ['has too few encoding characters', 'MSH|^~\\|SYNTHLIS|SYNTHLAB|||20250301||ORU^R01|MSG1|P|2.5.1', 'HL7_BAD_ENCODING'],
    ['has a lower-case segment name', message(msh(), 'pid|1||P0001'), 'HL7_BAD_SEGMENT'],
    ['has a two-letter segment name', message(msh(), 'PI|1||P0001'), 'HL7_BAD_SEGMENT'],
    ['has a four-letter segment name', message(msh(), 'PIDX|1||P0001'), 'HL7_BAD_SEGMENT'],
    ['has a segment name starting with a digit', message(msh(), '1ID|1||P0001'), 'HL7_BAD_SEGMENT'],
    ['has a segment with leading space', message(msh(), ' PID|1||P0001'), 'HL7_BAD_SEGMENT'],
    ['has an empty MSH-9', msh({ 9: '' }), 'HL7_NO_MESSAGE_TYPE'],
    ['has a lower-case MSH-9', msh({ 9: 'oru^R01' }), 'HL7_NO_MESSAGE_TYPE'],
    ['has a four-letter MSH-9', msh({ 9: 'ORUX^R01' }), 'HL7_NO_MESSAGE_TYPE'],
    ['has an empty MSH-12', msh({ 12: '' }), 'HL7_NO_VERSION'],
    ['has a blank MSH-12', msh({ 12: '  ' }), 'HL7_NO_VERSION'],
    ['has no MSH-12 at all', 'MSH|^~\\&|SYNTHLIS|SYNTHLAB|||20250301||ORU^R01|MSG1|P', 'HL7_NO_VERSION'],
    ['has version 1.0', msh({ 12: '1.0' }), 'HL7_UNSUPPORTED_VERSION'],
    ['has version 3.0', msh({ 12: '3.0' }), 'HL7_UNSUPPORTED_VERSION'],
    ['has version "2" without a minor', msh({ 12: '2' }), 'HL7_UNSUPPORTED_VERSION'],
    ['has a 60-digit version', msh({ 12: '2'.repeat(60) }), 'HL7_UNSUPPORTED_VERSION'],
    ['has a second MSH', message(msh(), PID, msh({ 10: 'MSG0002' })), 'HL7_BATCH_STRUCTURE'],
    ['has a BHS inside', message(msh(), PID, 'BHS|^~\\&|SYNTHLIS'), 'HL7_BATCH_STRUCTURE'],
    ['has an FHS inside', message(msh(), 'FHS|^~\\&|SYNTHLIS', PID), 'HL7_BATCH_STRUCTURE'],
    ['is an ADT with an OBR', message(msh({ 9: 'ADT^A08' }), PID, OBR, OBX), 'HL7_STRUCTURE_MISMATCH'],
    ['is an ADT with an ORC', message(msh({ 9: 'ADT^A01' }), PID, 'ORC|RE|PL0001'), 'HL7_STRUCTURE_MISMATCH'],
    ['is an ADT with a TXA', message(msh({ 9: 'ADT^A01' }), PID, 'TXA|1|PN'), 'HL7_STRUCTURE_MISMATCH'],
  ])('rejects a message that %s', (_what, input, code) => {
    expect(errorCode(input)).toBe(code);
  });

  it('throws a permanent SentinelError', () => {
    expect(() => parseMessage(msh({ 12: '1.0' }))).toThrow(SentinelError);
    try {
      parseMessage(msh({ 12: '1.0' }));
    } catch (e) {
      expect((e as SentinelError).permanent).toBe(true);
    }
  });

  it('keeps a 60-digit version out of the error text beyond 12 characters', () => {
    expect(() => parseMessage(msh({ 12: '2'.repeat(60) }))).toThrow(`"${'2'.repeat(12)}"`);
  });

  it('accepts an ADT with OBX and DG1 (no order segments)', () => {
    expect(errorCode(message(msh({ 9: 'ADT^A08' }), PID, 'OBX|1|NM|777-3^Platelets^LN||512', 'DG1|1||G61.81^CIDP^I10'))).toBe('none');
  });
});

describe('when a sender uses other delimiters', () => {
  it('reads "MSH#!@%*#" as field #, component !, repetition @, escape %, subcomponent *', () => {
    const m = parseMessage(message(
      'MSH#!@%*#SYNTHLIS#SYNTHLAB!2.16.840.1.113883.3.999!ISO###20250301123000##ORU!R01#MSG0042#P#2.5.1',
      'PID#1##P0002!!!SYNTH!PI@P0001!!!SYNTH!MR##TESTPATIENT!ALPHA',
      'OBX#1#TX#11529-5!Path report!LN##Line one%F%two%S%three%.br%four*five',
    ));
    expect(m.delimiters).toEqual({ field: '#', component: '!', repetition: '@', escape: '%', subcomponent: '*' });
    expect(m).toMatchObject({ type: 'ORU', trigger: 'R01', controlId: 'MSG0042', sendingFacility: 'SYNTHLAB', version: '2.5.1' });
    const header = m.segments[0]!;
    expect(field(header, 1)).toBe('#');
    expect(field(header, 2)).toBe('!@%*');
    const pid = firstSegment(m, 'PID')!;
    expect(repetitions(field(pid, 3), m.delimiters).map((r) => component(r, 1, m.delimiters))).toEqual(['P0002', 'P0001']);
    const obx = firstSegment(m, 'OBX')!;
    expect(component(field(obx, 3), 1, m.delimiters)).toBe('11529-5');
    expect(text(field(obx, 5), m.delimiters)).toBe('Line one#two!three\nfour*five');
    expect(subcomponent(field(obx, 5), 2, m.delimiters)).toBe('five');
  });

  it('reads field separator "^" with component "~"', () => {
    const m = parseMessage(message(
      'MSH^~|\\&^SYNTHLIS^SYNTHLAB^^^20250301123000^^ORU~R01^MSG0043^P^2.5.1',
      'PID^1^^P0001~~~SYNTH~MR|P0009~~~SYNTH~PI',
    ));
    expect(m.delimiters).toEqual({ field: '^', component: '~', repetition: '|', escape: '\\', subcomponent: '&' });
    expect(m).toMatchObject({ type: 'ORU', trigger: 'R01', controlId: 'MSG0043', sendingFacility: 'SYNTHLAB' });
    const pid = firstSegment(m, 'PID')!;
    expect(repetitions(field(pid, 3), m.delimiters)).toEqual(['P0001~~~SYNTH~MR', 'P0009~~~SYNTH~PI']);
    expect(component('P0001~~~SYNTH~MR', 4, m.delimiters)).toBe('SYNTH');
  });
});

describe('when MSH-10 is empty', () => {
  const noId = message(msh({ 10: '' }), PID, OBX);

  it('stands in a sha1 of the text', () => {
    expect(parseMessage(noId).controlId).toMatch(/^sha1:[0-9a-f]{40}$/);
  });

  it('gives the same id for the same text, and another for other text', () => {
    expect(parseMessage(noId).controlId).toBe(parseMessage(noId).controlId);
    expect(parseMessage(message(msh({ 10: '' }), PID, OBX.replace('512', '513'))).controlId).not.toBe(parseMessage(noId).controlId);
  });

  it('treats the HL7 null "" and blanks like empty', () => {
    expect(parseMessage(msh({ 10: '""' })).controlId).toMatch(/^sha1:/);
    expect(parseMessage(msh({ 10: '  ' })).controlId).toMatch(/^sha1:/);
  });

  it('trims a control id that has spaces around it', () => {
    expect(parseMessage(msh({ 10: ' MSG0001 ' })).controlId).toBe('MSG0001');
  });
});

describe('when reading the sending facility', () => {
  it('takes MSH-4.1 (the namespace id)', () => {
    expect(parseMessage(msh({ 4: 'SYNTHLAB^2.16.840.1.113883.3.999^ISO' })).sendingFacility).toBe('SYNTHLAB');
  });

  it('falls back to MSH-3.1 when MSH-4 is empty', () => {
    expect(parseMessage(msh({ 3: 'SYNTHLIS^1.2.3^ISO', 4: '' })).sendingFacility).toBe('SYNTHLIS');
    expect(parseMessage(msh({ 3: 'SYNTHLIS', 4: '""' })).sendingFacility).toBe('SYNTHLIS');
  });

  it('decodes escapes in the facility', () => {
    expect(parseMessage(msh({ 4: 'SYNTH\\T\\LAB' })).sendingFacility).toBe('SYNTH&LAB');
  });

  it('is empty when neither MSH-4 nor MSH-3 names one', () => {
    expect(parseMessage(msh({ 3: '', 4: '' })).sendingFacility).toBe('');
  });
});

describe('when reading the message time from MSH-7', () => {
  it.each([
    ['20250301123000', '2025-03-01T12:30:00.000Z'],
    ['20250301123000+0100', '2025-03-01T11:30:00.000Z'],
    ['20250301123000.1234-0500', '2025-03-01T17:30:00.000Z'],
    ['202503011230', '2025-03-01T12:30:00.000Z'],
    ['20250301', '2025-03-01T00:00:00.000Z'],
    ['202503', '2025-03-01T00:00:00.000Z'],
    ['2024', '2024-01-01T00:00:00.000Z'],
    ['20240229', '2024-02-29T00:00:00.000Z'],
    ['20250301123000^S', '2025-03-01T12:30:00.000Z'],
  ])('reads %s as %s', (raw, iso) => {
    expect(parseMessage(msh({ 7: raw })).messageTime).toBe(iso);
  });

  it.each([
    [''],
    ['0000'],
    ['18991231'],
    ['Aug 15, 1942'],
    ['196203520'],
    ['20250231'],
    ['20250229'],
    ['20251301'],
    ['20250001'],
    ['20250300'],
    ['2025030124'],
    ['2025-03-01'],
    ['20250231+0100'],
    ['20250229120000-0500'],
    ['2025030124+0100'],
    ['202503011260'],
  ])('reads %j as "" (not a date)', (raw) => {
    expect(parseMessage(msh({ 7: raw })).messageTime).toBe('');
    expect(hl7TimeToIso(raw)).toBe('');
  });
});

describe('when text holds escape sequences', () => {
  const d = DEFAULT_DELIMITERS;

  it('decodes the delimiter escapes \\F\\ \\S\\ \\T\\ \\R\\ \\E\\', () => {
    expect(unescapeHl7('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f', d)).toBe('a|b^c&d~e\\f');
  });

  it('turns \\.br\\ into a new line', () => {
    expect(unescapeHl7('line one\\.br\\line two', d)).toBe('line one\nline two');
  });

  it('decodes hex: \\X0D0A\\ to CRLF, \\XC3A9\\ (UTF-8) and \\XE9\\ (Latin-1) to "é"', () => {
    expect(unescapeHl7('a\\X0D0A\\b', d)).toBe('a\r\nb');
    expect(unescapeHl7('caf\\XC3A9\\', d)).toBe('caf\u00e9');
    expect(unescapeHl7('caf\\XE9\\', d)).toBe('caf\u00e9');
  });

  it('drops the highlight markers \\H\\ and \\N\\ and keeps the text between them', () => {
    expect(unescapeHl7('a \\H\\bold\\N\\ word', d)).toBe('a bold word');
  });

  it('keeps unknown sequences as written', () => {
    expect(unescapeHl7('path C:\\temp\\file', d)).toBe('path C:\\temp\\file');
    expect(unescapeHl7('a\\Q\\b', d)).toBe('a\\Q\\b');
  });

  it('keeps an unterminated sequence as written', () => {
    expect(unescapeHl7('ends with \\F', d)).toBe('ends with \\F');
    expect(unescapeHl7('a\\F\\b\\S', d)).toBe('a|b\\S');
    expect(unescapeHl7('\\', d)).toBe('\\');
  });

  it('decodes a sequence right after a kept unknown one', () => {
    expect(unescapeHl7('\\Q\\F\\', d)).toBe('\\Q|');
  });

  it('returns text without the escape character unchanged', () => {
    expect(unescapeHl7('plain text | ^ ~ &', d)).toBe('plain text | ^ ~ &');
  });

  it('uses the message\'s own escape character', () => {
    const custom: Delimiters = { field: '#', component: '!', repetition: '@', escape: '%', subcomponent: '*' };
    expect(unescapeHl7('a%F%b%S%c%T%d%R%e%E%f%.br%g', custom)).toBe('a#b!c*d@e%f\ng');
    expect(unescapeHl7('a\\F\\b 50% done', custom)).toBe('a\\F\\b 50% done');
  });

  it('reads the HL7 null "" as empty through text()', () => {
    expect(text('""', d)).toBe('');
    expect(text('a\\S\\b', d)).toBe('a^b');
  });
});

describe('when reading delimiters directly', () => {
  it('returns null for a segment that is not MSH', () => {
    expect(readDelimiters('FHS|^~\\&|SYNTHLIS')).toBeNull();
  });

  it('reads the encoding characters up to the end of the segment when MSH has no more fields', () => {
    expect(readDelimiters('MSH|^~\\&')).toEqual(DEFAULT_DELIMITERS);
  });
});
