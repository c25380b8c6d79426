/**
 * ConText over one sentence (Harkema et al. 2009, the successor of NegEx, Chapman 2001;
 * reference §5.2): which triggers govern a mention. A forward trigger reaches to the end of its
 * sentence, a backward one back to its start, each stopped by a terminator ("but", "however").
 * So "No hepatomegaly, splenomegaly, ascites or pleural effusion" negates all four, and a
 * negation never leaks into the next sentence. Pseudo-triggers ("no change in") match as the
 * longer phrase and govern nothing: a stable lesion is a lesion.
 */
import type { ContextCategory, ContextDirection } from '../../config/profile-text.schema.js';
import type { CompiledText } from './compile-text.js';
import { labelValueKey } from './compile-text.js';
import { isAttachedQuestion, type Sentence } from './segmenter.js';
import type { Token } from './tokens.js';

export interface Trigger {
  /** token indices [start, end) */
  readonly start: number;
  readonly end: number;
  readonly category: ContextCategory;
  readonly direction: ContextDirection;
}

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** The categories that govern a mention, each with the words that put it there. */
export interface Verdict {
  family?: string;
  negated?: string;
  hypothetical?: string;
  historical?: string;
  possible?: string;
}

function terminatedBetween(triggers: readonly Trigger[], from: number, to: number): boolean {
  for (const t of triggers) if (t.category === 'terminate' && t.start >= from && t.end <= to) return true;
  return false;
}

/** Words that join a new item to a clause: a remark after a comma reaches back no further. */
const ITEM_JOINERS = new Set([',', 'and', 'or', 'with', 'plus']);

/**
 * Does trigger `t` reach `span`? A backward trigger set off by a comma (", now resolved",
 * ", not seen") is a remark on the item just before it, so it does not reach back past another
 * comma or an "and": "History of CIDP and of ascites, now resolved" resolves the ascites alone.
 */
export function reaches(t: Trigger, span: Span, triggers: readonly Trigger[], tokens: readonly Token[]): boolean {
  if (t.category === 'pseudo' || t.category === 'terminate') return false;
  if (t.direction !== 'backward' && t.end <= span.start && !terminatedBetween(triggers, t.end, span.start)) return !affirmedAfterComma(t, span, triggers, tokens);
  if (t.direction === 'forward' || t.start < span.end || terminatedBetween(triggers, span.end, t.start)) return false;
  if (tokens[t.start - 1]?.norm !== ',') return true;
  for (let i = span.end; i < t.start - 1; i++) if (ITEM_JOINERS.has(tokens[i]?.norm ?? '')) return false;
  return true;
}

/**
 * "No ascites, hepatomegaly present": a term set off by a comma (not listed with "or"/"and")
 * and affirmed right after it starts a clause of its own, out of the negation's reach.
 */
function affirmedAfterComma(t: Trigger, span: Span, triggers: readonly Trigger[], tokens: readonly Token[]): boolean {
  if (!triggers.some((x) => x.category === 'terminate' && x.start === span.end)) return false;
  for (let i = span.start - 1; i >= t.end; i--) {
    const norm = tokens[i]?.norm ?? '';
    if (norm === ',') return true;
    if (norm === 'or' || norm === 'and' || norm === 'nor') return false;
  }
  return false;
}

/** The text of tokens [start, end) as written. */
export function spanText(tokens: readonly Token[], text: string, start: number, end: number): string {
  const a = tokens[start];
  const b = tokens[end - 1];
  return a === undefined || b === undefined ? '' : text.slice(a.start, b.end);
}

/** `Label: none` (spec §1.2): the value after the colon is one of the profile's label negatives. */
export function labelIsNegative(sentence: Sentence, tokens: readonly Token[], text: string, t: CompiledText): string | null {
  if (sentence.colon < 0) return null;
  const colon = tokens[sentence.colon];
  const last = tokens[sentence.end - 1];
  if (colon === undefined || last === undefined || sentence.colon + 1 >= sentence.end) return null;
  const value = text.slice(colon.end, last.end);
  return t.labelNegatives.has(labelValueKey(value)) ? value.trim() : null;
}

/**
 * Everything that governs `span` in `sentence`. With `narrowNegation` the negation triggers and
 * a negative label are left out: clone words take their negation from clone-text.ts, where a
 * negation covers only the band, test or chain it names (spec §1.2).
 */
export function verdictFor(
  span: Span,
  sentence: Sentence,
  triggers: readonly Trigger[],
  tokens: readonly Token[],
  text: string,
  t: CompiledText,
  narrowNegation = false,
): Verdict {
  const v: Verdict = {};
  for (const trigger of triggers) {
    if (narrowNegation && trigger.category === 'negated') continue;
    if (!reaches(trigger, span, triggers, tokens)) continue;
    const cue = spanText(tokens, text, trigger.start, trigger.end);
    switch (trigger.category) {
      case 'family': v.family ??= cue; break;
      case 'negated': v.negated ??= cue; break;
      case 'hypothetical': v.hypothetical ??= cue; break;
      case 'historical': v.historical ??= cue; break;
      case 'possible': v.possible ??= cue; break;
      case 'pseudo': case 'terminate': break;
    }
  }
  if (!narrowNegation && span.end <= sentence.colon) {
    const value = labelIsNegative(sentence, tokens, text, t);
    if (value !== null) v.negated ??= `label: ${value}`;
  }
  if (v.possible === undefined) {
    const hedge = questionHedge(span, sentence, triggers, tokens);
    if (hedge !== null) v.possible = hedge;
  }
  return v;
}

/**
 * "?" as a hedge. After a term ("Castleman?", "sclerotic focus in L3 (?)") it hedges back to
 * the start of its clause (a comma stops it); before one ("?Castleman", "? POEMS") it hedges
 * forward like "query".
 */
function questionHedge(span: Span, sentence: Sentence, triggers: readonly Trigger[], tokens: readonly Token[]): string | null {
  for (let q = sentence.start; q < sentence.end; q++) {
    if (tokens[q]?.norm !== '?' || !isAttachedQuestion(tokens, q)) continue;
    const prev = tokens[q - 1];
    const mark = tokens[q];
    const trailing = prev !== undefined && mark !== undefined && ((!mark.space && (prev.type === 'word' || prev.type === 'num')) || prev.norm === '(');
    if (trailing) {
      if (span.end <= q && !clauseBreak(tokens, span.end, q) && !terminatedBetween(triggers, span.end, q)) return '?';
    } else if (q < span.start && !terminatedBetween(triggers, q + 1, span.start)) {
      return '?';
    }
  }
  return null;
}

function clauseBreak(tokens: readonly Token[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const tok = tokens[i];
    if (tok?.type === 'punct' && tok.norm !== '(') return true;
  }
  return false;
}
