import { createHash } from 'node:crypto';
import { SentinelError } from '../errors.js';
import { readDelimiters } from './delimiters.js';
import { hl7TimeToIso } from './hl7-time.js';
import { component, text, type Hl7Message, type Segment } from './message.js';

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;
/** HL7 v2.1 … v2.9 with an optional patch level ("2.5.1"); anything else is not v2. */
const VERSION = /^2\.[1-9](\.[0-9])?$/;
const MESSAGE_TYPE = /^[A-Z][A-Z0-9]{2}$/;
/** Segments that only order/result/document messages carry (used to catch ADT headers on other bodies). */
const ORDER_SEGMENTS = new Set(['OBR', 'ORC', 'TXA', 'TQ1']);

/**
 * Parses one message (segments separated by "\r") into segments and fields, and checks the
 * header. Pure and synchronous. Throws a SentinelError with a stable code for a message that
 * can never be used; the caller dead-letters it with its raw bytes.
 *
 * Why not node-hl7-client's parser here: 3.2.0 builds an object per node and has no ordered
 * view of all segments (needed to group OBX under OBR); it is used as the reference parser in
 * the differential test and for the naive baseline of the benchmark instead (docs/decisions.md).
 */
export function parseMessage(messageText: string): Hl7Message {
  const lines = messageText.split('\r');
  const first = lines[0] ?? '';
  if (!first.startsWith('MSH')) throw new SentinelError('HL7_NO_MSH', 'message does not begin with an MSH segment');
  const d = readDelimiters(first);
  if (!d) throw new SentinelError('HL7_BAD_ENCODING', 'MSH-1/MSH-2 delimiters are missing or invalid');

  const segments: Segment[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const id = line.slice(0, 3);
    if (!SEGMENT_ID.test(id) || (line.length > 3 && line.charAt(3) !== d.field)) {
      const name = line.split(d.field)[0] ?? '';
      throw new SentinelError('HL7_BAD_SEGMENT', `segment name "${name.slice(0, 8)}" is not three letters or digits`);
    }
    segments.push(new LazySegment(id, line, d.field));
  }
  const msh = segments[0] as Segment;
  if (segments.some((s, i) => i > 0 && (s.id === 'MSH' || s.id === 'BHS' || s.id === 'FHS'))) {
    throw new SentinelError('HL7_BATCH_STRUCTURE', 'a second header segment inside one message');
  }

  const msh9 = msh.fields[9] ?? '';
  const type = component(msh9, 1, d);
  if (!MESSAGE_TYPE.test(type)) throw new SentinelError('HL7_NO_MESSAGE_TYPE', 'MSH-9 message type is missing or malformed');
  const version = component(msh.fields[12] ?? '', 1, d).trim();
  if (version === '') throw new SentinelError('HL7_NO_VERSION', 'MSH-12 version is missing');
  if (!VERSION.test(version)) throw new SentinelError('HL7_UNSUPPORTED_VERSION', `MSH-12 version "${version.slice(0, 12)}" is not HL7 v2`);
  if (type === 'ADT' && segments.some((s) => ORDER_SEGMENTS.has(s.id))) {
    throw new SentinelError('HL7_STRUCTURE_MISMATCH', 'an ADT message carrying order/result segments (OBR/ORC/TXA)');
  }

  const controlId = text(msh.fields[10] ?? '', d).trim();
  let time: string | undefined;
  const facility = text(component(msh.fields[4] ?? '', 1, d), d).trim() || text(component(msh.fields[3] ?? '', 1, d), d).trim();
  return {
    text: messageText,
    delimiters: d,
    segments,
    type,
    trigger: component(msh9, 2, d),
    // A sender may leave MSH-10 empty; the content hash keeps re-deliveries idempotent all the same.
    controlId: controlId || `sha1:${createHash('sha1').update(messageText).digest('hex')}`,
    sendingFacility: facility,
    version,
    get messageTime() {
      return (time ??= hl7TimeToIso(component(msh.fields[7] ?? '', 1, d)));
    },
  };
}

/**
 * A segment split into fields on first use: most segments of a message (PV1, NK1, IN1, …) are
 * never read, and splitting them all was the largest cost of the hot path.
 */
class LazySegment implements Segment {
  private split: string[] | undefined;

  constructor(readonly id: string, private readonly line: string, private readonly separator: string) {}

  get fields(): readonly string[] {
    if (this.split === undefined) {
      this.split = this.line.split(this.separator);
      if (this.id === 'MSH') this.split.splice(1, 0, this.separator);
    }
    return this.split;
  }

  get(n: number): string {
    if (this.split !== undefined || this.id === 'MSH') return this.fields[n] ?? '';
    let start = 0;
    for (let i = 0; i < n; i++) {
      const next = this.line.indexOf(this.separator, start);
      if (next < 0) return '';
      start = next + 1;
    }
    const end = this.line.indexOf(this.separator, start);
    return end < 0 ? this.line.slice(start) : this.line.slice(start, end);
  }
}
