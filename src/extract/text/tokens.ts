/**
 * Report text → tokens. Matching works on folded tokens rather than on the characters, so one
 * phrase in the profile covers the ways report writers spell it: case, dashes and slashes
 * ("lambda-restricted", "IgG/lambda"), Greek λ/κ, possessives ("Castleman's"), plurals
 * ("lesions"), British "ae"/"oe" ("haemangioma", "papilloedema"). Every token keeps its offsets,
 * so `text.slice(start, end)` is always what was written.
 */

export type TokenType = 'word' | 'num' | 'punct' | 'joiner';

export interface Token {
  readonly start: number;
  readonly end: number;
  /** folded form (see `fold`); punctuation as written; every joiner is "-" */
  readonly norm: string;
  readonly type: TokenType;
  /** line breaks in the whitespace before the token: 0, 1, or 2 for a blank line (or more) */
  readonly nl: number;
  /** whitespace (or the start of the text) before the token */
  readonly space: boolean;
}

/** Articles inside a phrase are optional: "lytic lesion with a sclerotic rim" = "... with sclerotic rim". */
export const ARTICLES: ReadonlySet<string> = new Set(['a', 'an', 'the']);

const LAMBDA = new Set([0x3bb, 0x39b]);
const KAPPA = new Set([0x3ba, 0x39a]);
/** hyphen, Unicode dashes and minus signs, slash: they join words and never change a phrase */
const JOINERS = new Set([0x2d, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe63, 0xff0d, 0x2f]);
const APOSTROPHES = new Set([0x27, 0x2019, 0x60]);
const NON_ASCII_WORD = /[\p{L}\p{N}\p{M}]/u;
/** Acronyms that end in "s" and are not plurals: "POEMS" must not fold to "poem". */
const KEEP = new Set(['poems']);
const KEEP_LENGTH = 5;

function isWordCode(c: number, text: string, i: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (LAMBDA.has(c) || KAPPA.has(c)) return false;
  return NON_ASCII_WORD.test(text[i] ?? '');
}

function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160 || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x3000;
}

/**
 * The folded form of one word: lowercase, British "ae"/"oe" as "e", a possessive "'s" and a
 * plural "s" dropped (not after "ss", "us", "is": "sclerosis", "focus" stay). Both profile
 * phrases and report text go through it, so a fold only has to be consistent, not a real stem.
 */
export function fold(word: string): string {
  return foldLower(word.toLowerCase());
}

function foldLower(lower: string): string {
  let w = lower;
  if (w.length === KEEP_LENGTH && KEEP.has(w)) return w;
  const last = w.length - 2;
  if (last > 0 && w[last + 1] === 's' && APOSTROPHES.has(w.charCodeAt(last))) w = w.slice(0, last);
  if (w.includes('ae') || w.includes('oe')) w = w.replace(/[ao]e/g, 'e');
  if (w.length >= 4 && w.endsWith('s')) {
    const before = w[w.length - 2];
    if (before !== 's' && before !== 'u' && before !== 'i') w = w.slice(0, -1);
  }
  return w;
}

/** Splits text into words, numbers, joiners and single punctuation marks. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // Lowercase once; per word only when a character changes length in lowercase ("İ").
  const whole = text.toLowerCase();
  const lower = whole.length === text.length ? whole : null;
  let nl = 0;
  let space = true;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpaceCode(c)) {
      // CR LF, LF and a lone CR (FT line breaks) each count once
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) nl += 1;
      space = true;
      i += 1;
      continue;
    }
    const start = i;
    let type: TokenType;
    let norm: string;
    if (c >= 0x39a && (LAMBDA.has(c) || KAPPA.has(c))) {
      i += 1;
      type = 'word';
      norm = LAMBDA.has(c) ? 'lambda' : 'kappa';
    } else if (isWordCode(c, text, i)) {
      let digits = c >= 48 && c <= 57;
      i += 1;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 97 && d <= 122) digits = false;
        else if (d >= 48 && d <= 57) { /* a digit */ }
        else if (d >= 65 && d <= 90) digits = false;
        else if (d < 128 || !isWordCode(d, text, i)) break;
        else digits = false;
        i += 1;
      }
      // a possessive stays with its word: "Castleman's" is one token
      if (i + 1 < n && APOSTROPHES.has(text.charCodeAt(i)) && (text[i + 1] === 's' || text[i + 1] === 'S') && !isWordCode(text.charCodeAt(i + 2), text, i + 2)) {
        i += 2;
      }
      type = digits ? 'num' : 'word';
      norm = digits ? text.slice(start, i) : lower !== null ? foldLower(lower.slice(start, i)) : fold(text.slice(start, i));
    } else if (JOINERS.has(c)) {
      i += 1;
      type = 'joiner';
      norm = '-';
    } else {
      // one UTF-16 unit is enough: punctuation that matters (. , ; : ? ! ( )) is ASCII
      i += 1;
      type = 'punct';
      norm = text[start] ?? '';
    }
    tokens.push({ start, end: i, norm, type, nl: Math.min(nl, 2), space });
    nl = 0;
    space = false;
  }
  return tokens;
}

/** The folded tokens of a profile phrase, joiners dropped: the key the phrase tables use. */
export function phraseTokens(phrase: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(phrase)) if (t.type !== 'joiner') out.push(t.norm);
  return out;
}
