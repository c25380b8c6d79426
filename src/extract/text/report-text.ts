/**
 * Findings from free report text (spec §1 "Text findings are negation- and context-aware"):
 * the profile's text-rule phrases, minus those negated (NegEx, Chapman 2001), placed in a
 * historical/family context (ConText) or in a sentence that names one of the rule's mimics.
 * Pure and allocation-light: this runs on every TX/FT/ST OBX of a 20,000 msg/s feed.
 */
import type { SiteProfile, TextRule } from '../../config/profile.schema.js';
import type { FindingKind, HeavyChain, Qualifiers } from '../../domain/finding.js';
import { canonicalPhrase, compilePhrases, scanPhrases, type PhraseHit } from './phrases.js';

export interface TextMatch {
  kind: FindingKind;
  /** the rule's qualifiers (plus a heavy chain found next to a clone); `matched` is left to the caller */
  qualifiers: Qualifiers;
  /** the phrase as found in the text */
  matched: string;
}

interface CompiledRule {
  kind: FindingKind;
  qualifiers: TextRule['qualifiers'];
  mimics: RegExp | undefined;
}

interface TriggerRole {
  pre: boolean;
  post: boolean;
  pseudo: boolean;
  terminator: boolean;
  context: boolean;
}

interface Trigger extends PhraseHit {
  role: TriggerRole;
}

interface CompiledProfile {
  /** every text-rule phrase: the one regex a text without findings costs */
  targets: RegExp | undefined;
  /** canonical phrase -> indices into `rules` (a phrase may belong to more than one rule) */
  rulesByPhrase: Map<string, number[]>;
  rules: CompiledRule[];
  /** every negation/context trigger; only run on sentences that hold a target */
  triggers: RegExp | undefined;
  rolesByTrigger: Map<string, TriggerRole>;
  scope: number;
}

interface Sentence {
  start: number;
  end: number;
  triggers: Trigger[];
}

const compiledProfiles = new WeakMap<SiteProfile, CompiledProfile>();

/** IgA/IgG/IgM, also written "Ig A" or "Ig-G"; subclasses ("IgG4") are not heavy-chain calls */
const HEAVY_CHAIN = /(?<![\p{L}\p{N}])ig[ -]?([agm])(?![\p{L}\p{N}])/giu;
const HEAVY_CHAINS: Record<string, HeavyChain> = { a: 'IgA', g: 'IgG', m: 'IgM' };

/** "." before these does not end a sentence ("e.g. lambda-restricted ...") */
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'vs', 'approx', 'cf', 'dr', 'fig']);
const MAX_ABBREVIATION = 6;
/** newline, semicolon, or sentence punctuation followed by whitespace/end (so "5.5" is kept) */
const BOUNDARY = /[\n\r;]|[.!?](?=\s|$)/g;

/**
 * The findings named in HL7-unescaped report text (OBX lines joined with "\n"), in text order,
 * at most one per (kind, qualifiers). The profile is compiled on first use and cached by object
 * identity, so a profile must not be mutated after it has been used.
 */
export function findTextFindings(text: string, profile: SiteProfile): TextMatch[] {
  const compiled = compile(profile);
  if (compiled.targets === undefined || text.length < 2) return [];
  // The early exit: most report text names no phrase at all and stops after this one scan.
  const hits = scanPhrases(compiled.targets, compiled.rulesByPhrase, text);
  if (hits.length === 0) return [];
  return matchesFrom(longestWins(hits), text, compiled);
}

function matchesFrom(hits: PhraseHit[], text: string, compiled: CompiledProfile): TextMatch[] {
  const boundaries = sentenceBoundaries(text);
  const sentences = new Map<number, Sentence>();
  const seen = new Set<string>();
  const out: TextMatch[] = [];
  for (const hit of hits) {
    const sentence = sentenceOf(hit, text, boundaries, sentences, compiled);
    if (isSuppressed(hit, sentence.triggers, text, compiled.scope)) continue;
    for (const ruleIndex of compiled.rulesByPhrase.get(hit.key) ?? []) {
      const rule = compiled.rules[ruleIndex];
      if (rule === undefined || namesMimic(rule, text, sentence)) continue;
      const qualifiers = qualifiersFor(rule, hit, text, sentence);
      const key = dedupeKey(rule.kind, qualifiers);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ kind: rule.kind, qualifiers, matched: text.slice(hit.start, hit.end) });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compiling the profile (once per profile object)

function compile(profile: SiteProfile): CompiledProfile {
  let compiled = compiledProfiles.get(profile);
  if (compiled === undefined) {
    compiled = compileProfile(profile);
    compiledProfiles.set(profile, compiled);
  }
  return compiled;
}

function compileProfile(profile: SiteProfile): CompiledProfile {
  const rulesByPhrase = new Map<string, number[]>();
  profile.textRules.forEach((rule, index) => {
    for (const phrase of rule.phrases) addTo(rulesByPhrase, canonicalPhrase(phrase), index);
  });
  const rolesByTrigger = triggerRoles(profile.negation);
  return {
    targets: compilePhrases(profile.textRules.flatMap((r) => r.phrases), true),
    rulesByPhrase,
    rules: profile.textRules.map((rule) => ({
      kind: rule.kind,
      qualifiers: rule.qualifiers,
      mimics: compilePhrases(rule.mimics, false),
    })),
    triggers: compilePhrases(rolesByTrigger.keys(), true),
    rolesByTrigger,
    scope: profile.negation.scope,
  };
}

function addTo(map: Map<string, number[]>, key: string, index: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [index]);
  else if (!list.includes(index)) list.push(index);
}

/** A term may sit in several lists (a site's own additions); it keeps every role it was given. */
function triggerRoles(negation: SiteProfile['negation']): Map<string, TriggerRole> {
  const roles = new Map<string, TriggerRole>();
  const add = (phrases: string[], role: keyof TriggerRole): void => {
    for (const phrase of phrases) {
      const key = canonicalPhrase(phrase);
      let entry = roles.get(key);
      if (entry === undefined) {
        entry = { pre: false, post: false, pseudo: false, terminator: false, context: false };
        roles.set(key, entry);
      }
      entry[role] = true;
    }
  };
  add(negation.pre, 'pre');
  add(negation.post, 'post');
  add(negation.pseudo, 'pseudo');
  add(negation.terminators, 'terminator');
  add(negation.context, 'context');
  return roles;
}

// ---------------------------------------------------------------------------------------------
// Target hits

/**
 * Where phrases overlap the longest one wins, so "multicentric castleman disease" is one hit and
 * "mixed lytic-sclerotic" is not also "sclerotic". Length is the canonical phrase's, so "λ" and
 * "lambda" spellings weigh the same. Survivors come back in text order.
 */
function longestWins(hits: PhraseHit[]): PhraseHit[] {
  if (hits.length === 1) return hits;
  const byLength = [...hits].sort((a, b) => b.key.length - a.key.length || a.start - b.start);
  const kept: PhraseHit[] = [];
  for (const hit of byLength) {
    if (!kept.some((k) => hit.start < k.end && k.start < hit.end)) kept.push(hit);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function qualifiersFor(rule: CompiledRule, hit: PhraseHit, text: string, sentence: Sentence): Qualifiers {
  const qualifiers: Qualifiers = { ...rule.qualifiers };
  if (rule.kind === 'clone' && qualifiers.heavyChain === undefined) {
    const heavyChain = nearestHeavyChain(hit, text, sentence);
    if (heavyChain !== undefined) qualifiers.heavyChain = heavyChain;
  }
  return qualifiers;
}

/** The heavy chain named closest to the phrase: "IgG kappa and IgA lambda" gives lambda IgA. */
function nearestHeavyChain(hit: PhraseHit, text: string, sentence: Sentence): HeavyChain | undefined {
  let best: HeavyChain | undefined;
  let bestDistance = Infinity;
  HEAVY_CHAIN.lastIndex = sentence.start;
  for (let m = HEAVY_CHAIN.exec(text); m !== null && m.index < sentence.end; m = HEAVY_CHAIN.exec(text)) {
    const end = m.index + m[0].length;
    const distance = Math.max(0, m.index - hit.end, hit.start - end);
    const chain = HEAVY_CHAINS[(m[1] ?? '').toLowerCase()];
    if (chain !== undefined && end <= sentence.end && distance < bestDistance) {
      best = chain;
      bestDistance = distance;
    }
  }
  return best;
}

function namesMimic(rule: CompiledRule, text: string, sentence: Sentence): boolean {
  return rule.mimics !== undefined && rule.mimics.test(text.slice(sentence.start, sentence.end));
}

function dedupeKey(kind: FindingKind, q: Qualifiers): string {
  return `${kind}|${String(q.cidp)}|${q.lightChain ?? ''}|${q.heavyChain ?? ''}|${q.specimen ?? ''}`;
}

// ---------------------------------------------------------------------------------------------
// Sentences

/** Indices of the characters that end a sentence or clause. */
function sentenceBoundaries(text: string): number[] {
  const out: number[] = [];
  BOUNDARY.lastIndex = 0;
  for (let m = BOUNDARY.exec(text); m !== null; m = BOUNDARY.exec(text)) {
    if (m[0] === '.' && isAbbreviation(text, m.index)) continue;
    out.push(m.index);
  }
  return out;
}

function isAbbreviation(text: string, dot: number): boolean {
  let i = dot;
  while (i > 0 && dot - i <= MAX_ABBREVIATION && isLetterOrDot(text.charCodeAt(i - 1))) i--;
  return dot - i <= MAX_ABBREVIATION && ABBREVIATIONS.has(text.slice(i, dot).toLowerCase());
}

function isLetterOrDot(code: number): boolean {
  return code === 46 || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * The sentence around a hit, with its triggers scanned once and shared by every hit in it.
 * A phrase wrapped across two report lines ("chronic inflammatory\ndemyelinating
 * polyneuropathy") still matches; its sentence then spans both lines.
 */
function sentenceOf(
  hit: PhraseHit,
  text: string,
  boundaries: number[],
  cache: Map<number, Sentence>,
  compiled: CompiledProfile,
): Sentence {
  let start = 0;
  let end = text.length;
  for (const b of boundaries) {
    if (b < hit.start) start = b + 1;
    else if (b >= hit.end) {
      end = b;
      break;
    }
  }
  const cached = cache.get(start);
  if (cached !== undefined && cached.end === end) return cached;
  const sentence = { start, end, triggers: triggersIn(text, start, end, compiled) };
  cache.set(start, sentence);
  return sentence;
}

/**
 * Triggers of one sentence. One nested in a longer trigger is dropped: that is what makes a
 * pseudo-negation ("gram negative", "no significant change") neutralise the trigger inside it,
 * and "was ruled out" count once as post rather than also as the pre trigger "ruled out".
 */
function triggersIn(text: string, start: number, end: number, compiled: CompiledProfile): Trigger[] {
  if (compiled.triggers === undefined) return [];
  const hits = scanPhrases(compiled.triggers, compiled.rolesByTrigger, text, start, end);
  const triggers: Trigger[] = [];
  for (const hit of hits) {
    const nested = hits.some((o) => o !== hit && o.start <= hit.start && hit.end <= o.end && o.end - o.start > hit.end - hit.start);
    const role = compiled.rolesByTrigger.get(hit.key);
    if (!nested && role !== undefined && !role.pseudo) triggers.push({ ...hit, role });
  }
  return triggers;
}

// ---------------------------------------------------------------------------------------------
// NegEx / ConText

/**
 * NegEx: a pre trigger (or ConText term) ending within `scope` tokens before the phrase, or a
 * post trigger starting within `scope` tokens after it, with no terminator in between. A trigger
 * that overlaps the phrase's start ("no monotypic" before "monotypic lambda") is at distance 0.
 */
function isSuppressed(hit: PhraseHit, triggers: Trigger[], text: string, scope: number): boolean {
  for (const t of triggers) {
    if ((t.role.pre || t.role.context) && t.start < hit.start) {
      if (withinScope(text, t.end, hit.start, scope) && !terminatedBetween(triggers, t.end, hit.start)) return true;
    }
    if (t.role.post && t.end > hit.end && t.start > hit.start) {
      if (withinScope(text, hit.end, t.start, scope) && !terminatedBetween(triggers, hit.end, t.start)) return true;
    }
  }
  return false;
}

/** True when fewer than `scope` tokens (whitespace-separated) lie in text[from, to). */
function withinScope(text: string, from: number, to: number, scope: number): boolean {
  let tokens = 0;
  let inToken = false;
  for (let i = from; i < to; i++) {
    const space = isSpace(text.charCodeAt(i));
    if (!space && !inToken && ++tokens >= scope) return false;
    inToken = !space;
  }
  return true;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 160;
}

function terminatedBetween(triggers: Trigger[], from: number, to: number): boolean {
  return triggers.some((t) => t.role.terminator && t.start >= from && t.end <= to);
}
