import { describe, expect, it } from 'vitest';
import { Hl7Splitter, type SplitItem } from '../../src/hl7/split.js';

// Synthetic messages only: fake patients, fake facility SYNTHLAB.
const MSH_A = 'MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01|MSG0001|P|2.5.1';
const MSH_B = 'MSH|^~\\&|SYNTHLIS|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120500||ORU^R01|MSG0002|P|2.5.1';
const PID_A = 'PID|1||P0001^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|F';
const PID_B = 'PID|1||P0002^^^SYNTH^MR||TESTPATIENT^BRAVO||19650505|M';
const OBX_A = 'OBX|1|NM|777-3^Platelets^LN||512|10*3/uL|150-450|H|||F';

const MSG_A = [MSH_A, PID_A, OBX_A];
const MSG_B = [MSH_B, PID_B];

function join(segments: string[], end: string): string {
  return segments.map((s) => s + end).join('');
}

function split(input: Buffer | string | Buffer[], maxMessageBytes?: number): SplitItem[] {
  const splitter = maxMessageBytes === undefined ? new Hl7Splitter() : new Hl7Splitter(maxMessageBytes);
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input, 'latin1') : input];
  const out: SplitItem[] = [];
  for (const chunk of chunks) out.push(...splitter.push(chunk));
  out.push(...splitter.end());
  return out;
}

function chunksOf(buf: Buffer, sizes: (i: number) => number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < buf.length; i += 1) {
    const n = Math.max(1, sizes(i));
    out.push(buf.subarray(at, at + n));
    at += n;
  }
  return out;
}

function messages(items: SplitItem[]): string[] {
  return items.filter((i) => i.kind === 'message').map((i) => i.text);
}

function rejects(items: SplitItem[]): { code: string; bytes: string }[] {
  return items.flatMap((i) => (i.kind === 'reject' ? [{ code: i.code, bytes: i.bytes.toString('latin1') }] : []));
}

describe('when segments end with CR, LF or CRLF', () => {
  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('reads one message from %s-terminated segments, segments joined by CR', (_name, end) => {
    const items = split(join(MSG_A, end));
    expect(items).toHaveLength(1);
    expect(messages(items)).toEqual([MSG_A.join('\r')]);
  });

  it('reads the last segment even without a terminator', () => {
    expect(messages(split(MSG_A.join('\r')))).toEqual([MSG_A.join('\r')]);
  });

  it('keeps the exact input bytes of a CR-terminated message (without its final CR)', () => {
    const items = split(join(MSG_A, '\r'));
    const item = items[0];
    expect(item?.kind).toBe('message');
    expect(item?.bytes.equals(Buffer.from(MSG_A.join('\r'), 'latin1'))).toBe(true);
  });
});

describe('when a stream holds several messages', () => {
  it('splits messages sent back to back at each MSH', () => {
    expect(messages(split(join([...MSG_A, ...MSG_B], '\r')))).toEqual([MSG_A.join('\r'), MSG_B.join('\r')]);
  });

  it('ignores blank lines (and whitespace-only lines) between messages', () => {
    const input = `${join(MSG_A, '\r\n')}\r\n\r\n   \r\n\n${join(MSG_B, '\r\n')}\r\n\r\n`;
    const items = split(input);
    expect(items.every((i) => i.kind === 'message')).toBe(true);
    expect(messages(items)).toEqual([MSG_A.join('\r'), MSG_B.join('\r')]);
  });
});

describe('when the input starts with a UTF-8 byte order mark', () => {
  it('drops the BOM from the first segment', () => {
    const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(join(MSG_A, '\r'), 'latin1')]);
    const items = split(input);
    expect(items).toHaveLength(1);
    expect(messages(items)).toEqual([MSG_A.join('\r')]);
    expect(items[0]?.bytes.subarray(0, 3).toString('latin1')).toBe('MSH');
  });
});

describe('when messages come inside an FHS/BHS/BTS/FTS batch', () => {
  const FHS = 'FHS|^~\\&|SYNTHLIS|SYNTHLAB|||20250301120000';
  const BHS = 'BHS|^~\\&|SYNTHLIS|SYNTHLAB|||20250301120000';
  const BTS = 'BTS|2';
  const FTS = 'FTS|1';

  it('returns the messages without the envelope segments', () => {
    const items = split(join([FHS, BHS, ...MSG_A, ...MSG_B, BTS, FTS], '\r'));
    expect(items.map((i) => i.kind)).toEqual(['message', 'message']);
    expect(messages(items)).toEqual([MSG_A.join('\r'), MSG_B.join('\r')]);
  });

  it('yields no item and no reject for an empty batch', () => {
    expect(split(join([FHS, BHS, BTS, FTS], '\r'))).toEqual([]);
  });

  it('rejects a batch header whose field separator differs from its messages', () => {
    const items = split(join(['BHS#^~\\&#SYNTHLIS#SYNTHLAB', ...MSG_A, BTS], '\r'));
    expect(rejects(items).map((r) => r.code)).toEqual(['HL7_BATCH_STRUCTURE']);
    expect(messages(items)).toEqual([MSG_A.join('\r')]);
  });

  it('rejects a segment left between the batch trailer and the next header', () => {
    const items = split(join([BHS, ...MSG_A, BTS, 'NTE|1||stray note', FTS], '\r'));
    expect(messages(items)).toEqual([MSG_A.join('\r')]);
    expect(rejects(items)).toEqual([{ code: 'HL7_NO_MSH', bytes: 'NTE|1||stray note' }]);
  });
});

describe('when segments come before any MSH', () => {
  it('returns one HL7_NO_MSH reject holding their bytes, then the message', () => {
    const orphan1 = 'PID|1||P0009^^^SYNTH^MR||TESTPATIENT^ORPHAN';
    const orphan2 = 'OBX|1|NM|777-3^Platelets^LN||300|10*3/uL';
    const items = split(join([orphan1, orphan2, ...MSG_A], '\r'));
    expect(items.map((i) => i.kind)).toEqual(['reject', 'message']);
    expect(rejects(items)).toEqual([{ code: 'HL7_NO_MSH', bytes: `${orphan1}\r${orphan2}` }]);
  });

  it('rejects segments that never meet an MSH at the end of the input', () => {
    const items = split('PID|1||P0009^^^SYNTH^MR\rNTE|1||note\r');
    expect(rejects(items)).toEqual([{ code: 'HL7_NO_MSH', bytes: 'PID|1||P0009^^^SYNTH^MR\rNTE|1||note' }]);
  });
});

describe('when the input is empty', () => {
  it('returns HL7_EMPTY_INPUT for no bytes at all', () => {
    const items = split([]);
    expect(items).toEqual([{ kind: 'reject', code: 'HL7_EMPTY_INPUT', detail: expect.any(String), bytes: Buffer.alloc(0) }]);
  });

  it('returns HL7_EMPTY_INPUT for whitespace, blank lines and empty chunks', () => {
    expect(rejects(split([Buffer.alloc(0), Buffer.from(' \r\n\n\t\r'), Buffer.alloc(0)])).map((r) => r.code)).toEqual(['HL7_EMPTY_INPUT']);
  });

  it('returns HL7_EMPTY_INPUT for a file holding only MLLP framing bytes', () => {
    expect(rejects(split('\x0b\x1c\r')).map((r) => r.code)).toEqual(['HL7_EMPTY_INPUT']);
  });
});

describe('when a stream is fed in small chunks', () => {
  // Everything the splitter handles, in one stream: BOM, CRLF, batch, orphans, Latin-1, UTF-8, MLLP bytes.
  const input = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('NTE|1||orphan before any header\r\n', 'latin1'),
    Buffer.from(join(['FHS|^~\\&|SYNTHLIS|SYNTHLAB', 'BHS|^~\\&|SYNTHLIS|SYNTHLAB', ...MSG_A], '\r\n'), 'latin1'),
    Buffer.from('\r\n\r\n'),
    Buffer.from(`${MSH_B}\rPID|1||P0002^^^SYNTH^MR||TESTPATIENT^REN`, 'latin1'),
    Buffer.from([0xe9]),
    Buffer.from('\nBTS|2\nFTS|1\n\x0b', 'latin1'),
    Buffer.from(`${MSH_A}\rPID|1||P0003^^^SYNTH^MR||TESTPATIENT^ZO\u00e9\r\x1c\r`, 'utf8'),
  ]);
  const whole = split(input);

  it('splits the reference stream as expected in one chunk', () => {
    expect(whole.map((i) => i.kind)).toEqual(['reject', 'message', 'message', 'message']);
    expect(messages(whole)[1]).toContain('TESTPATIENT^REN\u00e9');
    expect(messages(whole)[2]).toContain('TESTPATIENT^ZO\u00e9');
  });

  it('gives the same items for every fixed chunk size from 1 to 7 bytes', () => {
    for (let size = 1; size <= 7; size += 1) {
      expect(split(chunksOf(input, () => size)), `chunk size ${size}`).toEqual(whole);
    }
  });

  it('gives the same items for irregular chunk sizes between 1 and 7 bytes', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      expect(split(chunksOf(input, (i) => ((i * 7 + seed * 13) % 7) + 1)), `seed ${seed}`).toEqual(whole);
    }
  });

  it('does not make an empty segment of a CRLF split across two chunks', () => {
    const text = join(MSG_A, '\r\n');
    const cut = text.indexOf('\r\n') + 1; // chunk 1 ends with CR, chunk 2 starts with LF
    const items = split([Buffer.from(text.slice(0, cut), 'latin1'), Buffer.from(text.slice(cut), 'latin1')]);
    expect(items).toEqual(split(text));
    expect(messages(items)).toEqual([MSG_A.join('\r')]);
  });
});

describe('when a message is not valid UTF-8', () => {
  it('decodes ISO 8859-1 bytes (0xE9) as "é" and keeps the exact bytes', () => {
    const bytes = Buffer.concat([Buffer.from(`${MSH_A}\rPID|1||P0001^^^SYNTH^MR||TESTPATIENT^REN`, 'latin1'), Buffer.from([0xe9])]);
    const items = split(bytes);
    expect(items).toHaveLength(1);
    expect(items[0]?.kind === 'message' && items[0].text.endsWith('TESTPATIENT^REN\u00e9')).toBe(true);
    expect(items[0]?.bytes.equals(bytes)).toBe(true);
  });

  it('keeps valid UTF-8 as UTF-8 and keeps the exact bytes', () => {
    const bytes = Buffer.from(`${MSH_A}\rPID|1||P0001^^^SYNTH^MR||TESTPATIENT^ZO\u00e9\u00ef`, 'utf8');
    const items = split(bytes);
    expect(messages(items)).toEqual([`${MSH_A}\rPID|1||P0001^^^SYNTH^MR||TESTPATIENT^ZO\u00e9\u00ef`]);
    expect(items[0]?.bytes.equals(bytes)).toBe(true);
  });

  it('decides the encoding per message', () => {
    const latin = Buffer.concat([Buffer.from(`${MSH_A}\rNTE|1||caf`, 'latin1'), Buffer.from([0xe9, 0x0d])]);
    const utf = Buffer.from(`${MSH_B}\rNTE|1||caf\u00e9\r`, 'utf8');
    const items = split(Buffer.concat([latin, utf]));
    expect(messages(items)).toEqual([`${MSH_A}\rNTE|1||caf\u00e9`, `${MSH_B}\rNTE|1||caf\u00e9`]);
    expect(items[0]?.bytes.equals(latin.subarray(0, -1))).toBe(true);
    expect(items[1]?.bytes.equals(utf.subarray(0, -1))).toBe(true);
  });
});

describe('when a message is larger than maxMessageBytes', () => {
  const big = [MSH_A, PID_A, `OBX|1|TX|11529-5^Pathology report^LN||${'x'.repeat(200)}||||||F`, OBX_A];
  const input = join([...big, ...MSG_B], '\r');

  it('rejects it with HL7_FRAME_TOO_LARGE and still returns the next message', () => {
    const items = split(input, 150);
    expect(items.map((i) => i.kind)).toEqual(['reject', 'message']);
    expect(rejects(items)[0]?.code).toBe('HL7_FRAME_TOO_LARGE');
    expect(messages(items)).toEqual([MSG_B.join('\r')]);
  });

  it('rejects a message made of many small segments once', () => {
    const many = [MSH_A, ...Array.from({ length: 20 }, (_, i) => `NTE|${i + 1}||note`)];
    const items = split(join([...many, ...MSG_B], '\r'), 150);
    expect(items.map((i) => i.kind === 'reject' ? i.code : 'message')).toEqual(['HL7_FRAME_TOO_LARGE', 'message']);
  });

  it('rejects a header segment that alone is larger than the limit', () => {
    const longMsh = `${MSH_A}|${'Z'.repeat(200)}`;
    const items = split(join([longMsh, PID_A, ...MSG_B], '\r'), 150);
    expect(items.map((i) => i.kind === 'reject' ? i.code : 'message')).toEqual(['HL7_FRAME_TOO_LARGE', 'message']);
    expect(messages(items)).toEqual([MSG_B.join('\r')]);
  });

  it('rejects a message that is one oversized header segment', () => {
    const longMsh = `${MSH_A}|${'Z'.repeat(200)}`;
    expect(split(`${longMsh}\r`, 150).map((i) => i.kind === 'reject' ? i.code : 'message')).toEqual(['HL7_FRAME_TOO_LARGE']);
  });

  it('gives the same result when the oversized message arrives in small chunks', () => {
    const whole = split(input, 150);
    for (let size = 1; size <= 7; size += 1) {
      expect(split(chunksOf(Buffer.from(input, 'latin1'), () => size), 150), `chunk size ${size}`).toEqual(whole);
    }
  });

  it('gives the same codes for an oversized header segment arriving in small chunks', () => {
    const longMsh = `${MSH_A}|${'Z'.repeat(200)}`;
    const text = join([longMsh, PID_A, ...MSG_B], '\r');
    for (let size = 1; size <= 7; size += 1) {
      const items = split(chunksOf(Buffer.from(text, 'latin1'), () => size), 150);
      expect(items.map((i) => i.kind === 'reject' ? i.code : 'message'), `chunk size ${size}`).toEqual(['HL7_FRAME_TOO_LARGE', 'message']);
      expect(messages(items)).toEqual([MSG_B.join('\r')]);
    }
  });
});

describe('when MLLP framing bytes were left in a file', () => {
  it('strips a leading VT and a trailing FS', () => {
    const input = `\x0b${join(MSG_A, '\r')}\x1c\r\x0b${join(MSG_B, '\r')}\x1c\r`;
    const items = split(input);
    expect(items.map((i) => i.kind)).toEqual(['message', 'message']);
    expect(messages(items)).toEqual([MSG_A.join('\r'), MSG_B.join('\r')]);
  });

  it('strips an FS stuck to the last segment', () => {
    expect(messages(split(`\x0b${MSG_A.join('\r')}\x1c`))).toEqual([MSG_A.join('\r')]);
  });
});
