import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

describe('when something is logged', () => {
  it('redacts patient identifiers, names, birth dates and message content', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _enc, cb) => { lines.push(chunk.toString()); cb(); } });
    const log = createLogger({ level: 'info', destination: destination as never });
    log.info({ patientKey: 'SYNTH|P0001', name: 'TESTPATIENT^ALPHA', birthDate: '19700101', text: 'MSH|^~\\&|…', nested: { patientKey: 'SYNTH|P0002' }, code: 'HL7_NO_MSH' }, 'message rejected');
    const out = lines.join('');
    for (const secret of ['P0001', 'P0002', 'TESTPATIENT', '19700101', 'MSH|']) expect(out).not.toContain(secret);
    expect(out).toContain('HL7_NO_MSH');
  });
});
