import type { Delimiters } from './delimiters.js';
import { decodeHl7Bytes } from './text-encoding.js';

/** \Xhh..\ carries bytes; read them as UTF-8 when they are, else as ISO 8859-1. */
function decodeHex(hex: string): string {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return '';
  return decodeHl7Bytes(Buffer.from(hex, 'hex')).text;
}

/**
 * Decodes HL7 v2 escape sequences (v2.5 §2.7): delimiters (\F\ \S\ \T\ \R\ \E\), formatting
 * (\.br\ and \.sp\ become new lines; other formatting and highlighting are dropped) and hex
 * (\Xhh\). An unknown or unterminated sequence is kept as written: text is never lost.
 */
export function unescapeHl7(text: string, d: Delimiters): string {
  const esc = d.escape;
  if (esc === '' || !text.includes(esc)) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf(esc, i);
    if (start < 0) break;
    const end = text.indexOf(esc, start + 1);
    if (end < 0) break;
    out += text.slice(i, start);
    const seq = text.slice(start + 1, end);
    const decoded = decodeSequence(seq, d);
    if (decoded === null) {
      // not an escape sequence: keep the escape character and continue after it
      out += esc;
      i = start + 1;
      continue;
    }
    out += decoded;
    i = end + 1;
  }
  return out + text.slice(i);
}

function decodeSequence(seq: string, d: Delimiters): string | null {
  switch (seq) {
    case 'F': return d.field;
    case 'S': return d.component;
    case 'T': return d.subcomponent;
    case 'R': return d.repetition;
    case 'E': return d.escape;
    case 'H': case 'N': return '';
    case '.br': return '\n';
  }
  if (seq.startsWith('X')) return decodeHex(seq.slice(1));
  if (/^\.sp\s*\d*$/.test(seq)) return '\n';
  if (/^\.(fi|nf|ce|in[+-]?\d+|ti[+-]?\d+|sk\s*\d+)$/.test(seq)) return ' ';
  if (/^[CM][0-9A-Fa-f]+$/.test(seq)) return '';
  if (/^Z/.test(seq)) return '';
  return null;
}
