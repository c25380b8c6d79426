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
  const keys = new Set<string>();
  for (const phrase of phrases) {
    let longest = '';
    for (const word of phraseTokens(phrase)) if (/[\p{L}\p{N}]/u.test(word) && word.length > longest.length) longest = word;
    if (longest !== '') keys.add(longest);
  }
  if (keys.size === 0) return null;
  // A key that starts with another key adds nothing to a prefix test.
  const sorted = [...keys].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const kept: string[] = [];
  for (const key of sorted) if (!kept.some((k) => key.startsWith(k))) kept.push(key);
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${kept.map(keyPattern).join('|')})|[λκΛΚ]`, 'iu');
}

function keyPattern(key: string): string {
  if (key === 'lambda') return '(?:lambda|λ)';
  if (key === 'kappa') return '(?:kappa|κ)';
  let out = '';
  for (const ch of key) out += ch === 'e' ? '[ao]?e' : ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  return out;
}
