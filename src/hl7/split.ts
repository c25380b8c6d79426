import type { ErrorCode } from '../errors.js';
import { decodeHl7Bytes } from './text-encoding.js';

export type SplitItem =
  | { kind: 'message'; text: string; bytes: Buffer }
  | { kind: 'reject'; code: ErrorCode; detail: string; bytes: Buffer };

const ENVELOPE = new Set(['FHS', 'BHS', 'BTS', 'FTS']);
const LINE_END = /\r\n|\r|\n/;

/**
 * Splits a byte stream of HL7 v2 into messages: segments ended by CR, LF or CRLF; messages
 * back to back or separated by blank lines; FHS/BHS/BTS/FTS batch envelopes; UTF-8 BOM;
 * MLLP framing bytes left in files. Streaming: memory is bounded by the largest message.
 *
 * Bytes are carried as latin1 strings, which map one byte to one char, so the exact input
 * bytes can always be recovered for the dead-letter table. Nothing is dropped silently:
 * segments outside a message come back as a `reject` item with a code.
 */
export class Hl7Splitter {
  private carry = '';
  private current: string[] = [];
  private currentSize = 0;
  private orphans: string[] = [];
  private envelope: { line: string; fieldSep: string } | null = null;
  private sawContent = false;
  private oversized = false;
  /** the rest of a line cut by dropOversized is skipped up to its line end */
  private discarding = false;

  constructor(private readonly maxMessageBytes = 8 * 1024 * 1024) {}

  push(chunk: Buffer): SplitItem[] {
    const out: SplitItem[] = [];
    let data = this.carry + chunk.toString('latin1');
    if (this.discarding) {
      const nl = data.search(/[\r\n]/);
      this.carry = '';
      if (nl < 0) return out;
      data = data.slice(nl);
      this.discarding = false;
    }
    const lastEnd = Math.max(data.lastIndexOf('\r'), data.lastIndexOf('\n'));
    if (lastEnd < 0) {
      this.carry = data;
      if (this.carry.length > this.maxMessageBytes) this.dropOversized(out);
      return out;
    }
    this.carry = data.slice(lastEnd + 1);
    for (const line of data.slice(0, lastEnd).split(LINE_END)) this.line(line, out);
    return out;
  }

  end(): SplitItem[] {
    const out: SplitItem[] = [];
    if (this.carry !== '') this.line(this.carry, out);
    this.carry = '';
    this.discarding = false;
    this.flushMessage(out);
    this.flushOrphans(out);
    if (!this.sawContent) out.push({ kind: 'reject', code: 'HL7_EMPTY_INPUT', detail: 'no HL7 content', bytes: Buffer.alloc(0) });
    this.sawContent = false;
    return out;
  }

  private line(raw: string, out: SplitItem[]): void {
    // A BOM may open a file, and MLLP start/end bytes (VT, FS) are sometimes left in files.
    let line = raw;
    const first = line.charCodeAt(0);
    if (first === 0xef || first === 0x0b) line = line.replace(/^(\xef\xbb\xbf|\x0b)+/, '');
    if (line.charCodeAt(line.length - 1) === 0x1c) line = line.replace(/\x1c+$/, '');
    if (line.trim() === '' || /^[\x0b\x1c\s]*$/.test(line)) return;
    this.sawContent = true;
    const id = line.slice(0, 3);
    if (id === 'MSH') {
      this.flushMessage(out);
      this.flushOrphans(out);
      this.checkEnvelope(line, out);
      this.current.push(line);
      this.currentSize = line.length;
      if (this.currentSize > this.maxMessageBytes) this.tooLarge(out);
      return;
    }
    if (ENVELOPE.has(id)) {
      this.flushMessage(out);
      this.flushOrphans(out);
      if (id === 'FHS' || id === 'BHS') this.envelope = { line, fieldSep: line.charAt(3) };
      return;
    }
    if (this.current.length === 0) {
      this.orphans.push(line);
      return;
    }
    this.currentSize += line.length + 1;
    if (this.currentSize > this.maxMessageBytes) {
      this.tooLarge(out);
      return;
    }
    this.current.push(line);
  }

  /** The current message is over the limit: rejected once (with its header), the rest is dropped at flush. */
  private tooLarge(out: SplitItem[]): void {
    if (!this.oversized) out.push(reject('HL7_FRAME_TOO_LARGE', `message larger than ${this.maxMessageBytes} bytes`, this.current[0] ?? ''));
    this.oversized = true;
    this.current = [this.current[0] ?? ''];
  }

  /** A batch header whose delimiters differ from the messages inside it is a broken envelope. */
  private checkEnvelope(msh: string, out: SplitItem[]): void {
    if (this.envelope && this.envelope.fieldSep !== msh.charAt(3)) {
      out.push(reject('HL7_BATCH_STRUCTURE', 'batch header uses other delimiters than its messages', this.envelope.line));
    }
    this.envelope = null;
  }

  private flushMessage(out: SplitItem[]): void {
    if (this.current.length === 0) return;
    const joined = this.current.join('\r');
    this.current = [];
    if (this.oversized) {
      this.oversized = false;
      return;
    }
    out.push({
      kind: 'message',
      text: decodeText(joined),
      // built on demand: only a rejected message needs its bytes (for the dead-letter table)
      get bytes() {
        return Buffer.from(joined, 'latin1');
      },
    });
  }

  private flushOrphans(out: SplitItem[]): void {
    if (this.orphans.length === 0) return;
    out.push(reject('HL7_NO_MSH', `${this.orphans.length} segment(s) outside any message`, this.orphans.join('\r')));
    this.orphans = [];
  }

  /**
   * A line longer than the limit, still without its end: the message it belongs to (the current
   * one, or the one it opens) is rejected and the rest of the line is skipped, so that its tail
   * is never read as a segment of its own.
   */
  private dropOversized(out: SplitItem[]): void {
    const line = this.carry.replace(/^(\xef\xbb\xbf|\x0b)+/, '');
    this.carry = '';
    this.discarding = true;
    this.sawContent = true;
    const id = line.slice(0, 3);
    if (id === 'MSH' || ENVELOPE.has(id)) {
      this.flushMessage(out);
      this.flushOrphans(out);
    }
    if (id === 'MSH') {
      this.envelope = null;
      this.current = [line.slice(0, 1024)];
    }
    if (this.current.length > 0) this.tooLarge(out);
    else out.push(reject('HL7_FRAME_TOO_LARGE', `a line longer than ${this.maxMessageBytes} bytes`, line.slice(0, 1024)));
  }
}

function reject(code: ErrorCode, detail: string, latin1: string): SplitItem {
  return { kind: 'reject', code, detail, bytes: Buffer.from(latin1, 'latin1') };
}

/** Message text (see decodeHl7Bytes); pure ASCII, the common case, needs no decoding. */
function decodeText(latin1: string): string {
  if (!/[^\x00-\x7f]/.test(latin1)) return latin1;
  return decodeHl7Bytes(Buffer.from(latin1, 'latin1')).text;
}
