import { phraseTokens } from './tokens.js';

/**
 * The early exit: one case-insensitive regex that any text naming a watched phrase matches.
 * Most report text names nothing and costs this one pass; only text that matches is tokenized.
 * Each phrase contributes its longest word as a word-start prefix (so plurals and possessives
 * still match), with "e" also matching British "ae"/"oe" and lambda/kappa also matching λ/κ.
 * It may let through text that names nothing (the full reading then finds nothing); it never
 * stops text that names something.
 */
export function buildPrefilter(phrases: Iterable<string>): RegExp | null {
  const words = [...phrases].map((p) => phraseTokens(p).filter((w) => /[\p{L}\p{N}]/u.test(w))).filter((w) => w.length > 0);
  // One-word phrases first: a longer phrase containing a word already watched adds no key.
  const keys = new Set<string>();
  for (const w of words) if (w.length === 1 && w[0] !== undefined) keys.add(w[0]);
  for (const w of words) {
    if (w.length === 1 || w.some((word) => [...keys].some((k) => word.startsWith(k)))) continue;
    keys.add(keyWord(w));
  }
  if (keys.size === 0) return null;
  // A key that starts with another key adds nothing to a prefix test.
  const sorted = [...keys].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const kept: string[] = [];
  for (const key of sorted) if (!kept.some((k) => key.startsWith(k))) kept.push(key);
  // \b (ASCII) rather than a Unicode lookbehind: twice as fast, and a letter it misses before a
  // key only lets more text through, never less.
  return new RegExp(`\\b(?:${kept.map(keyPattern).join('|')})|[λκΛΚ]`, 'i');
}

/** Words too common in reports to stand for a phrase ("abnormal band" is keyed on "band"). */
const COMMON = new Set(['abnormal', 'normal', 'protein', 'cell', 'lesion', 'disease', 'free', 'light', 'chain', 'small', 'faint', 'discrete', 'type', 'mixed', 'plasma', 'bone', 'lymph', 'node', 'with']);

/** The longest uncommon word of at least three letters, else the longest word. */
function keyWord(words: readonly string[]): string {
  let best = '';
  for (const w of words) if (w.length >= 3 && !COMMON.has(w) && w.length > best.length) best = w;
  if (best !== '') return best;
  for (const w of words) if (w.length > best.length) best = w;
  return best;
}

function keyPattern(key: string): string {
  if (key === 'lambda') return '(?:lambda|λ)';
  if (key === 'kappa') return '(?:kappa|κ)';
  let out = '';
  for (const ch of key) out += ch === 'e' ? '[ao]?e' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  return out;
}
