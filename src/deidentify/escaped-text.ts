import type { Delimiters } from '../hl7/delimiters.js';
import { escapeHl7 } from '../hl7/ack.js';
import { decodeHl7Bytes } from '../hl7/text-encoding.js';

/** Formatting escapes stand in the working text as private-use characters from here on. */
const PLACEHOLDER_BASE = 0xe000;
const PLACEHOLDER_LIMIT = 0xf8ff;

/**
 * Text of one field or component, decoded for scrubbing: delimiter and hex escapes become the
 * characters they stand for (so that a name or a number written with them is seen), while
 * formatting escapes (\.br\, \.sp\, \H\, \N\, \.in…\, \Z…\) stand as one private-use
 * character each and are written back exactly. Why not `unescapeHl7`: it turns \.br\ into a new
 * line, which `escapeHl7` would write back as a space, and the rule reads a blank line (two
 * \.br\) as the end of a sentence.
 */
export class EscapedText {
  private constructor(readonly text: string, private readonly sequences: readonly string[], private readonly d: Delimiters) {}

  static decode(raw: string, d: Delimiters): EscapedText {
    const esc = d.escape;
    const sequences: string[] = [];
    if (esc === '' || !raw.includes(esc)) return new EscapedText(raw, sequences, d);
    let out = '';
    let i = 0;
    while (i < raw.length) {
      const start = raw.indexOf(esc, i);
      if (start < 0) break;
      const end = raw.indexOf(esc, start + 1);
      if (end < 0) break;
      out += raw.slice(i, start);
      const seq = raw.slice(start + 1, end);
      const decoded = decodeDelimiterOrHex(seq, d);
      if (decoded !== null) {
        out += decoded;
      } else if (isFormatting(seq)) {
        const whole = raw.slice(start, end + 1);
        let k = sequences.indexOf(whole);
        if (k < 0 && PLACEHOLDER_BASE + sequences.length <= PLACEHOLDER_LIMIT) k = sequences.push(whole) - 1;
        out += k < 0 ? ' ' : String.fromCharCode(PLACEHOLDER_BASE + k);
      } else {
        // not an escape sequence: the escape character is text (written back escaped)
        out += esc;
        i = start + 1;
        continue;
      }
      i = end + 1;
    }
    return new EscapedText(out + raw.slice(i), sequences, d);
  }

  /** Escapes `text` (the scrubbed working text) for the field again, restoring formatting escapes. */
  encode(text: string): string {
    if (this.sequences.length === 0) return escapeHl7(text, this.d);
    let out = '';
    let run = '';
    for (const ch of text) {
      const k = ch.charCodeAt(0) - PLACEHOLDER_BASE;
      const seq = k >= 0 && k < this.sequences.length ? this.sequences[k] : undefined;
      if (seq === undefined) {
        run += ch;
        continue;
      }
      out += escapeHl7(run, this.d) + seq;
      run = '';
    }
    return out + escapeHl7(run, this.d);
  }
}

/** Private-use stand-ins for formatting escapes: boundaries, not letters, for the scrubber. */
export function isPlaceholder(ch: string): boolean {
  const c = ch.charCodeAt(0);
  return c >= PLACEHOLDER_BASE && c <= PLACEHOLDER_LIMIT;
}

function decodeDelimiterOrHex(seq: string, d: Delimiters): string | null {
  switch (seq) {
    case 'F': return d.field;
    case 'S': return d.component;
    case 'T': return d.subcomponent;
    case 'R': return d.repetition;
    case 'E': return d.escape;
  }
  if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) {
    const text = decodeHl7Bytes(Buffer.from(seq.slice(1), 'hex')).text;
    // hex that only carries line breaks or spaces is formatting: written back as sent
    return /[\p{L}\p{N}]/u.test(text) ? text : null;
  }
  return null;
}

function isFormatting(seq: string): boolean {
  return /^X([0-9A-Fa-f]{2})+$/.test(seq) || seq === 'H' || seq === 'N' || /^\.(br|fi|nf|ce|sp\s*\d*|in[+-]?\d+|ti[+-]?\d+|sk\s*\d+)$/.test(seq) || /^[CM][0-9A-Fa-f]+$/.test(seq) || /^Z/.test(seq);
}
