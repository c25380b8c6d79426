import { describe, expect, it } from 'vitest';
import { buildAck } from '../../src/hl7/ack.js';
import { readAck } from '../../src/hl7/ack-read.js';
import { parseMessage } from '../../src/hl7/parse.js';

const msg = (msh15 = '', sep = '|'): string =>
  [`MSH${sep}^~\\&${sep}SYNTHLIS${sep}SYNTHLAB${sep}SENTINEL${sep}SYNTHHOSP${sep}20250301123000${sep}${sep}ORU^R01${sep}CTRL-7${sep}P${sep}2.5.1${sep}${sep}${sep}${msh15}`, `PID${sep}1${sep}${sep}P1^^^SYNTH^MR`].join('\r');

describe('when a sender reads an acknowledgement', () => {
  it('reads the outcome and the control id of an AA', () => {
    const ack = buildAck({ message: parseMessage(msg()), rawText: msg(), code: 'AA', now: new Date(0), controlId: 'A1' }) as string;
    expect(readAck(ack)).toEqual({ code: 'AA', outcome: 'AA', controlId: 'CTRL-7', errorCode: '', errorText: '' });
  });

  it('reads our error code from ERR-3 and its text, unescaped', () => {
    const ack = buildAck({ message: parseMessage(msg()), rawText: msg(), code: 'AR', error: { code: 'HL7_NO_PATIENT_ID', text: 'no PID-3 | at all' }, now: new Date(0), controlId: 'A2' }) as string;
    expect(readAck(ack)).toMatchObject({ code: 'AR', outcome: 'AR', errorCode: 'HL7_NO_PATIENT_ID', errorText: 'no PID-3 | at all' });
  });

  it('maps the enhanced-mode commit codes onto AA/AE/AR', () => {
    const ack = buildAck({ message: parseMessage(msg('AL')), rawText: msg('AL'), code: 'AE', error: { code: 'STORE_UNAVAILABLE', text: 'retry' }, now: new Date(0), controlId: 'A3' }) as string;
    expect(readAck(ack)).toMatchObject({ code: 'CE', outcome: 'AE', errorCode: 'STORE_UNAVAILABLE' });
  });

  it('reads an ACK with other delimiters, and MSA-3 when there is no ERR segment', () => {
    expect(readAck('MSH#$~\\&#A#B#C#D#20250301##ACK#X1#P#2.3\rMSA#AR#CTRL-9#bad header')).toEqual({ code: 'AR', outcome: 'AR', controlId: 'CTRL-9', errorCode: '', errorText: 'bad header' });
  });

  it('gives no outcome for an unknown code, and null for a frame without MSA', () => {
    expect(readAck('MSH|^~\\&|A|B|C|D|20250301||ACK|X1|P|2.5\rMSA|ZZ|C1')?.outcome).toBeNull();
    expect(readAck('MSH|^~\\&|A|B|C|D|20250301||ADT^A01|X1|P|2.5\rPID|1')).toBeNull();
  });
});
