/**
 * Tokens → sentences, with the report section each lies in (spec §1.2 "What is text").
 * Line breaks are not sentence ends: radiology reports wrap over OBX lines, `\.br\` and CR, and
 * a negation must still reach the end of its sentence. A sentence ends at ".", ";", "!", "?",
 * a blank line, or a section header; not at a "." between digits or after a listed
 * abbreviation, nor at a "?" attached to a term (that "?" is a hedge, see context-rules.ts).
 * A `Label: value` line is a sentence of its own unless it plainly wraps onto the next line.
 */
import type { SectionCategory } from '../../config/profile-text.schema.js';
import type { CompiledText } from './compile-text.js';
import { fold, type Token } from './tokens.js';

export interface Sentence {
  /** token indices [start, end) */
  readonly start: number;
  readonly end: number;
  readonly section: SectionCategory;
  /** token index of the ":" when the sentence is a `Label: value` line, else -1 */
  readonly colon: number;
}

/** A line ending in one of these words goes on in the next line, even after a label. */
const CONTINUES = new Set([
  'and', 'or', 'nor', 'of', 'with', 'without', 'for', 'to', 'the', 'a', 'an', 'no', 'not', 'in', 'on', 'at', 'by',
  'from', 'including', 'than', 'as', 'is', 'are', 'was', 'were', 'but', 'which', 'that', 'suggestive', 'consistent',
  'compatible', 'evidence', 'likely', 'possible', 'probable', 'show', 'showing', 'shows', 'demonstrate', 'demonstrating',
].map(fold));
const MAX_LABEL_WORDS = 6;
const MAX_ABBREVIATION = 8;

export function segment(tokens: readonly Token[], text: string, t: CompiledText): Sentence[] {
  const out: Sentence[] = [];
  let section: SectionCategory = 'report';
  let start = 0;
  let colon = -1;
  let labelLine = false;
  /** the section's header shares its line with content ("Clinical history: CIDP.") */
  let inlineSection = false;
  const close = (end: number): void => {
    if (end > start) out.push({ start, end, section, colon });
    start = end;
    colon = -1;
    labelLine = false;
  };

  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    if (tok === undefined) break;
    const lineStart = i === 0 || tok.nl > 0;
    if (tok.nl >= 2) {
      close(i);
      // indication, family and history sections are short: a blank line ends them
      section = 'report';
    } else if (lineStart && labelLine && !wrapsOnto(tokens, i, text)) {
      close(i);
    }
    // "Clinical history: CIDP." is one line; what follows a finished sentence on the next line is
    // the report again. A header alone on its line heads the lines below it instead.
    if (lineStart && i > 0 && section !== 'report' && inlineSection && endsLine(tokens[i - 1])) section = 'report';
    if (lineStart || i === start) {
      const header = headerAt(tokens, i, lineStart, t);
      if (header !== null) {
        close(i);
        section = header.category;
        inlineSection = header.end < endOfLine(tokens, i);
        start = header.end;
        i = header.end - 1;
        continue;
      }
      const c = labelColon(tokens, i);
      if (c >= 0) {
        close(i);
        colon = c;
        labelLine = lineStart;
        // a new label ends a short section that has no blank line after it
        if (section !== 'report' && lineStart) section = 'report';
      }
    }
    if (tok.type === 'punct' && endsSentence(tokens, i, text, t)) close(i + 1);
  }
  close(tokens.length);
  return out;
}

function endsSentence(tokens: readonly Token[], i: number, text: string, t: CompiledText): boolean {
  const tok = tokens[i];
  switch (tok?.norm) {
    case ';': case '!':
      return true;
    case '.':
      return !isDecimal(tokens, i) && !joinsNextWord(tokens, i) && !isAbbreviation(tokens, i, text, t);
    case '?':
      return !isAttachedQuestion(tokens, i);
    default:
      return false;
  }
}

/** "5.5", ".5": a dot between digits is a decimal point. */
function isDecimal(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  const tok = tokens[i];
  if (next === undefined || tok === undefined || next.type !== 'num' || next.space) return false;
  return prev === undefined || tok.space || prev.type === 'num';
}

/** "e.g.", "i.e.", "p.o.": a dot with a letter right after it is inside an abbreviation. */
function joinsNextWord(tokens: readonly Token[], i: number): boolean {
  const next = tokens[i + 1];
  return next !== undefined && !next.space && next.type === 'word';
}

function isAbbreviation(tokens: readonly Token[], i: number, text: string, t: CompiledText): boolean {
  const tok = tokens[i];
  const prev = tokens[i - 1];
  if (tok === undefined || tok.space || prev?.type !== 'word' || prev.end - prev.start >= MAX_ABBREVIATION) return false;
  let from = tok.start;
  while (from > 0 && tok.start - from < MAX_ABBREVIATION && isLetterOrDot(text.charCodeAt(from - 1))) from--;
  return t.abbreviations.has(text.slice(from, tok.start).toLowerCase());
}

function isLetterOrDot(c: number): boolean {
  return c === 46 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * A "?" attached to a term is a hedge, not a sentence end: "?Castleman", "Castleman?",
 * "? POEMS" (British "query"), "lesion (?)".
 */
export function isAttachedQuestion(tokens: readonly Token[], i: number): boolean {
  const tok = tokens[i];
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  if (tok === undefined) return false;
  const before = prev !== undefined && !tok.space && (prev.type === 'word' || prev.type === 'num');
  const after = next !== undefined && next.type === 'word' && next.nl === 0;
  const paren = prev?.norm === '(' && next?.norm === ')';
  return before || after || paren;
}

/** A section header at a line start ("IMPRESSION:", or a line that is only "IMPRESSION"). */
function headerAt(tokens: readonly Token[], i: number, lineStart: boolean, t: CompiledText): { end: number; category: SectionCategory } | null {
  const lineEnd = endOfLine(tokens, i);
  const m = t.sections.match(tokens, i, lineEnd);
  if (m === null) return null;
  const category = m.values[0];
  if (category === undefined) return null;
  const next = tokens[m.end];
  if (next !== undefined && m.end < lineEnd && (next.norm === ':' || (next.type === 'joiner' && tokens[m.end + 1]?.nl === 0 && next.space))) {
    return { end: m.end + 1, category };
  }
  return lineStart && m.end === lineEnd ? { end: m.end, category } : null;
}

/** The ":" of a `Label: value` line starting at token i (at most six words before it), else -1. */
function labelColon(tokens: readonly Token[], i: number): number {
  if (tokens[i]?.type !== 'word') return -1;
  let words = 0;
  for (let j = i; j < tokens.length; j++) {
    const tok = tokens[j];
    if (tok === undefined || (j > i && tok.nl > 0)) return -1;
    if (tok.norm === ':') return j > i ? j : -1;
    if (tok.type === 'joiner' || tok.norm === '(' || tok.norm === ')') continue;
    if (tok.type !== 'word' && tok.type !== 'num') return -1;
    if (++words > MAX_LABEL_WORDS) return -1;
  }
  return -1;
}

/** Does the line before token i go on into this one? (a comma, a dash, "of", or a lowercase start) */
function wrapsOnto(tokens: readonly Token[], i: number, text: string): boolean {
  const prev = tokens[i - 1];
  const tok = tokens[i];
  if (prev === undefined || tok === undefined) return false;
  if (prev.norm === ',' || prev.type === 'joiner' || (prev.type === 'word' && CONTINUES.has(prev.norm))) return true;
  const first = text[tok.start] ?? '';
  return tok.type === 'word' && first !== first.toUpperCase() && first === first.toLowerCase();
}

function endsLine(tok: Token | undefined): boolean {
  return tok !== undefined && tok.type === 'punct' && (tok.norm === '.' || tok.norm === '!' || tok.norm === ';' || tok.norm === '?');
}

function endOfLine(tokens: readonly Token[], i: number): number {
  let j = i + 1;
  while (j < tokens.length && (tokens[j]?.nl ?? 1) === 0) j++;
  return j;
}
