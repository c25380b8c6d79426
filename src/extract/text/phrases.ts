/**
 * Phrase matching for report text: the profile's phrases become one alternation regex that is
 * case-insensitive, tolerant of hyphen/space variants, Unicode dashes, curly apostrophes and
 * Greek λ/κ, and anchored on word boundaries. The text itself is never rewritten, so every hit
 * is an offset range into the original string and `text.slice(start, end)` is what was written.
 */

/** ASCII hyphen plus the Unicode dashes and minus signs report writers paste in */
const DASHES = '\\-\\u2010\\u2011\\u2012\\u2013\\u2014\\u2015\\u2212\\uFE63\\uFF0D';
const DASH_RUN = new RegExp(`\\s*[${DASHES}]\\s*|\\s+`, 'gu');
/** between two words of a phrase: a dash (spaces around it allowed) or any whitespace */
const SEPARATOR = `(?:\\s*[${DASHES}]\\s*|\\s+)`;
/** lookarounds rather than \b: \b is ASCII-only and phrases such as "r/o" end in punctuation */
const WORD_START = '(?<![\\p{L}\\p{N}])';
const WORD_END = '(?![\\p{L}\\p{N}])';

export interface PhraseHit {
  start: number;
  end: number;
  /** canonical form of the phrase that matched (see `canonicalPhrase`) */
  key: string;
}

/**
 * The one spelling every variant of a phrase maps to: lowercase, λ/κ spelled out, straight
 * apostrophe, every dash or whitespace run between words a single space. Profile phrases and
 * matched text both go through it, which is how a hit finds its phrase again.
 */
export function canonicalPhrase(phrase: string): string {
  return phrase
    .toLowerCase()
    .replace(/λ/g, 'lambda')
    .replace(/κ/g, 'kappa')
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(DASH_RUN, ' ')
    .trim();
}

function escapeRegExp(s: string): string {
  // "-" is left alone: it never reaches here (it became a separator) and `\-` is invalid under /u.
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function wordPattern(word: string): string {
  return escapeRegExp(word)
    .replace(/lambda/g, '(?:lambda|λ)')
    .replace(/kappa/g, '(?:kappa|κ)')
    .replace(/'/g, "['\u2018\u2019`]");
}

/** Regex source (no word anchors) for one canonical phrase. */
function phrasePattern(canonical: string): string {
  return canonical.split(' ').map(wordPattern).join(SEPARATOR);
}

/** Unique canonical keys, longest first so the alternation prefers the longest phrase at a start. */
function sortedKeys(phrases: Iterable<string>): string[] {
  const keys = new Set<string>();
  for (const p of phrases) {
    const key = canonicalPhrase(p);
    if (key.length > 0) keys.add(key);
  }
  return [...keys].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/**
 * One regex matching any of `phrases` on word boundaries. `global` gives a scanner for
 * `scanPhrases`; without it the regex is a stateless `test()` (used for per-rule mimics).
 * Returns undefined for an empty list, so callers skip the scan instead of matching nothing.
 */
export function compilePhrases(phrases: Iterable<string>, global: boolean): RegExp | undefined {
  const keys = sortedKeys(phrases);
  if (keys.length === 0) return undefined;
  const alternation = keys.map(phrasePattern).join('|');
  return new RegExp(`${WORD_START}(?:${alternation})${WORD_END}`, global ? 'giu' : 'iu');
}

/** Most hits are already canonical once lowercased; only the rest pay for the full rewrite. */
function keyOf(matched: string, known: ReadonlyMap<string, unknown>): string {
  const lower = matched.toLowerCase();
  return known.has(lower) ? lower : canonicalPhrase(matched);
}

/**
 * Every phrase occurrence in text[from, to), including overlapping ones that start at a later
 * word ("multicentric castleman" and "castleman disease" in "multicentric castleman disease"):
 * the alternation only yields the longest phrase per start, and callers decide between overlaps.
 * `known` holds the canonical phrases the regex was built from (a shortcut for `key`).
 */
export function scanPhrases(
  regex: RegExp,
  known: ReadonlyMap<string, unknown>,
  text: string,
  from = 0,
  to = text.length,
): PhraseHit[] {
  const hits: PhraseHit[] = [];
  regex.lastIndex = from;
  for (let m = regex.exec(text); m !== null && m.index < to; m = regex.exec(text)) {
    const end = m.index + m[0].length;
    if (end <= to) hits.push({ start: m.index, end, key: keyOf(m[0], known) });
    // Resume one character on, not after the match, so overlapping phrases are seen too.
    regex.lastIndex = m.index + 1;
  }
  return hits;
}
