import { describe, expect, it } from 'vitest';
import { buildAck, controlIdFromRaw, escapeHl7, type AckInput } from '../../src/hl7/ack.js';
import { DEFAULT_DELIMITERS } from '../../src/hl7/delimiters.js';
import { parseMessage } from '../../src/hl7/parse.js';

// Synthetic messages only: fake patients, fake facility SYNTHLAB.

const NOW = new Date('2025-03-01T12:30:05Z');

/** An MSH with the default delimiters; `over` replaces MSH-n (n ≥ 3). */
function msh(over: Record<number, string> = {}, sep = '|', enc = '^~\\&'): string {
  const f: Record<number, string> = {
    3: 'SYNTHLIS', 4: 'SYNTHLAB', 5: 'SENTINEL', 6: 'SYNTHHOSP', 7: '20250301123000',
    9: `ORU${enc.charAt(0)}R01`, 10: 'MSG0001', 11: 'P', 12: '2.5.1', ...over,
  };
  const last = Math.max(...Object.keys(f).map(Number));
  const parts = ['MSH', enc];
  for (let n = 3; n <= last; n += 1) parts.push(f[n] ?? '');
  return parts.join(sep);
}

const BODY = ['PID|1||P0001^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|F', 'OBX|1|NM|777-3^Platelets^LN||512|10*3/uL|150-450|H|||F'];

function ack(over: Partial<AckInput> & { header?: string }): string | null {
  const text = [over.header ?? msh(), ...BODY].join('\r');
  return buildAck({ message: parseMessage(text), rawText: text, code: 'AA', now: NOW, controlId: 'ACK0001', ...over });
}

/** segment id → its fields split on `sep` (for MSH, index n is MSH-(n+1)) */
function segments(ackText: string | null, sep = '|'): Record<string, string[]> {
  expect(ackText).not.toBeNull();
  expect(ackText!.endsWith('\r')).toBe(true);
  return Object.fromEntries(ackText!.split('\r').filter((l) => l !== '').map((l) => [l.slice(0, 3), l.split(sep)]));
}

describe('when a message is accepted in original mode', () => {
  const text = ack({});

  it('answers AA with the original control id in MSA-2 and no ERR', () => {
    const s = segments(text);
    expect(s.MSA).toEqual(['MSA', 'AA', 'MSG0001']);
    expect(s.ERR).toBeUndefined();
  });

  it('swaps sender and receiver, names the trigger and copies processing id and version', () => {
    expect(segments(text).MSH).toEqual(['MSH', '^~\\&', 'SENTINEL', 'SYNTHHOSP', 'SYNTHLIS', 'SYNTHLAB', '20250301123005+0000', '', 'ACK^R01^ACK', 'ACK0001', 'P', '2.5.1']);
  });

  it('is itself a valid HL7 v2 message', () => {
    const parsed = parseMessage(text!.replace(/\r$/, ''));
    expect(parsed).toMatchObject({ type: 'ACK', trigger: 'R01', controlId: 'ACK0001', version: '2.5.1' });
  });

  it('copies processing id and version as sent', () => {
    expect(segments(ack({ header: msh({ 11: 'T', 12: '2.3.1' }) })).MSH?.slice(10)).toEqual(['T', '2.3.1']);
  });
});

describe('when a message is rejected or fails', () => {
  it('answers AR with an ERR naming our code, table 0357 and severity E', () => {
    const s = segments(ack({ code: 'AR', error: { code: 'HL7_NO_PATIENT_ID', text: 'no PID-3' } }));
    expect(s.MSA).toEqual(['MSA', 'AR', 'MSG0001', 'no PID-3']);
    expect(s.ERR?.[3]).toBe('HL7_NO_PATIENT_ID^no PID-3^99SENTINEL^101^Required field missing^HL70357');
    expect(s.ERR?.[4]).toBe('E');
  });

  it('answers AE for a transient failure', () => {
    const s = segments(ack({ code: 'AE', error: { code: 'STORE_UNAVAILABLE', text: 'retry later' } }));
    expect(s.MSA?.[1]).toBe('AE');
    expect(s.ERR?.[3]?.split('^').slice(0, 1)).toEqual(['STORE_UNAVAILABLE']);
    expect(s.ERR?.[3]?.split('^').slice(3)).toEqual(['207', 'Application internal error', 'HL70357']);
  });

  it('still carries an ERR (table 0357 only) when no code was given', () => {
    expect(segments(ack({ code: 'AR' })).ERR).toEqual(['ERR', '', '', '207^Application internal error^HL70357', 'E']);
  });

  it('escapes delimiters and line breaks inside the error text', () => {
    const s = segments(ack({ code: 'AR', error: { code: 'HL7_BAD_SEGMENT', text: 'a|b^c~d\\e&f\rg' } }));
    const escaped = 'a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f g';
    expect(s.MSA?.[3]).toBe(escaped);
    expect(s.ERR?.[3]?.startsWith(`HL7_BAD_SEGMENT^${escaped}^`)).toBe(true);
  });
});

describe('when the original uses other delimiters', () => {
  const header = msh({ 3: 'SYNTHLIS', 10: 'MSG#0002' }, '#', '$%*@').replace('MSG#0002', 'MSG*F*0002');
  const text = [header, 'PID#1##P0002$$$SYNTH$MR##TESTPATIENT$BETA', 'OBX#1#NM#777-3$Platelets$LN##512'].join('\r');
  const answer = buildAck({
    message: parseMessage(text), rawText: text, code: 'AR', now: NOW, controlId: 'ACK0002',
    error: { code: 'HL7_NO_PATIENT_ID', text: 'bad # and $' },
  });

  it('answers with the same delimiters, MSH-2 echoed', () => {
    expect(answer!.startsWith('MSH#$%*@#SENTINEL#SYNTHHOSP#SYNTHLIS#SYNTHLAB#')).toBe(true);
    const s = segments(answer, '#');
    expect(s.MSH?.[8]).toBe('ACK$R01$ACK');
    expect(s.MSA?.slice(0, 3)).toEqual(['MSA', 'AR', 'MSG*F*0002']);
  });

  it('escapes the error text with the original escape character', () => {
    expect(segments(answer, '#').MSA?.[3]).toBe('bad *F* and *S*');
    expect(segments(answer, '#').ERR?.[3]?.split('$')[0]).toBe('HL7_NO_PATIENT_ID');
  });
});

describe('when the sender asks for enhanced acknowledgements', () => {
  const enhanced = (accept: string, application = 'NE') => msh({ 15: accept, 16: application });

  it('sends a commit ACK (CA/CE/CR) for MSH-15 AL', () => {
    expect(segments(ack({ header: enhanced('AL') })).MSA?.[1]).toBe('CA');
    expect(segments(ack({ header: enhanced('AL'), code: 'AE', error: { code: 'STORE_UNAVAILABLE', text: 'x' } })).MSA?.[1]).toBe('CE');
    expect(segments(ack({ header: enhanced('AL'), code: 'AR', error: { code: 'HL7_NO_PATIENT_ID', text: 'x' } })).MSA?.[1]).toBe('CR');
  });

  it('treats an empty MSH-15 with a non-empty MSH-16 as AL', () => {
    expect(segments(ack({ header: enhanced('', 'AL') })).MSA?.[1]).toBe('CA');
  });

  it('sends nothing for NE', () => {
    expect(ack({ header: enhanced('NE') })).toBeNull();
    expect(ack({ header: enhanced('NE'), code: 'AR', error: { code: 'HL7_NO_PATIENT_ID', text: 'x' } })).toBeNull();
  });

  it('sends only errors for ER', () => {
    expect(ack({ header: enhanced('ER') })).toBeNull();
    const s = segments(ack({ header: enhanced('ER'), code: 'AE', error: { code: 'STORE_UNAVAILABLE', text: 'x' } }));
    expect(s.MSA?.[1]).toBe('CE');
    expect(s.ERR?.[3]?.split('^')[0]).toBe('STORE_UNAVAILABLE');
  });

  it('sends only successes for SU', () => {
    expect(segments(ack({ header: enhanced('SU') })).MSA?.[1]).toBe('CA');
    expect(ack({ header: enhanced('SU'), code: 'AR', error: { code: 'HL7_NO_PATIENT_ID', text: 'x' } })).toBeNull();
  });
});

describe('when the message could not be parsed', () => {
  it('builds a minimal ACK with default delimiters and the MSH-10 that could be read', () => {
    const raw = 'MSH|^~|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301123000||ORU^R01|CTRL42|P|2.5.1';
    const s = segments(buildAck({ message: null, rawText: raw, code: 'AR', now: NOW, controlId: 'ACK0003', error: { code: 'HL7_BAD_ENCODING', text: 'bad MSH-2' } }));
    expect(s.MSH).toEqual(['MSH', '^~\\&', '', '', '', '', '20250301123005+0000', '', 'ACK^^ACK', 'ACK0003', 'P', '2.5.1']);
    expect(s.MSA).toEqual(['MSA', 'AR', 'CTRL42', 'bad MSH-2']);
    expect(s.ERR?.[3]?.split('^').slice(0, 4)).toEqual(['HL7_BAD_ENCODING', 'bad MSH-2', '99SENTINEL', '102']);
  });

  it('escapes a control id read with another field separator', () => {
    const raw = 'MSH!^~!A!B!C!D!20250301!!ORU^R01!CTRL|7^X!P!2.5.1\rPID!1';
    expect(controlIdFromRaw(raw)).toBe('CTRL|7^X');
    const s = segments(buildAck({ message: null, rawText: raw, code: 'AR', now: NOW, controlId: 'ACK0004' }));
    expect(s.MSA?.[2]).toBe('CTRL\\F\\7\\S\\X');
  });

  it('leaves MSA-2 empty when nothing is readable', () => {
    for (const raw of ['', 'garbage', 'MSHA^~\\&A', 'PID|1||P0001']) {
      const s = segments(buildAck({ message: null, rawText: raw, code: 'AR', now: NOW, controlId: 'ACK0005', error: { code: 'HL7_NO_MSH', text: 'no MSH' } }));
      expect(s.MSA?.slice(0, 3)).toEqual(['MSA', 'AR', '']);
    }
  });

  it('answers in original mode (MSH-15 cannot be trusted)', () => {
    const raw = 'MSH|^~|A|B|C|D|20250301||ORU^R01|CTRL43|P|2.5.1|||NE|NE';
    expect(segments(buildAck({ message: null, rawText: raw, code: 'AR', now: NOW, controlId: 'ACK0006' })).MSA?.[1]).toBe('AR');
  });
});

describe('when text is escaped for a field', () => {
  it('escapes the escape character before the delimiters', () => {
    expect(escapeHl7('\\F\\', DEFAULT_DELIMITERS)).toBe('\\E\\F\\E\\');
  });
});
