/**
 * Clone evidence in one sentence (spec §1.2 "Clone in text"). A band, protein or restriction
 * named with a heavy and/or light chain is a clone with those chains; what else the sentence
 * says about other things does not cancel it ("IgA lambda band on a polyclonal background",
 * "normal kappa/lambda ratio"). A negation covers only the band, test or chain it names:
 * "No M-spike on SPEP, IFE shows IgA lambda" is a lambda clone. Words are grouped into the
 * phrases they form, and a negation reaches the group it touches and the groups listed with it
 * ("no monoclonal protein, Bence Jones protein or abnormal band").
 */
import type { HeavyChain, LightChain } from '../../domain/finding.js';
import type { CloneElement, CloneMethodInText, CompiledText } from './compile-text.js';
import { labelIsNegative, spanText, type Span, type Trigger } from './context-rules.js';
import type { Sentence } from './segmenter.js';
import { ARTICLES, fold, type Token } from './tokens.js';

export interface CloneWord extends Span {
  readonly el: CloneElement;
}

export interface CloneEvidence {
  lightChain: LightChain;
  heavyChain: HeavyChain;
  method: CloneMethodInText;
  /** the words that report it, for ConText and for `matched` */
  span: Span;
}

export interface CloneReading {
  evidence: CloneEvidence | null;
  /** bands the sentence denies, with the words that deny them (for the unread notes) */
  negated: { span: Span; cue: string }[];
  /** immunofixation named in the sentence; `denied`: "No IFE on file" */
  ifeTests: { span: Span; denied: boolean }[];
}

interface Group {
  items: CloneWord[];
  start: number;
  end: number;
  negatedBy?: string;
  /** negated by a trigger before it */
  negatedForward?: boolean;
}

/** Words that join two clone words into one phrase ("IFE shows IgA lambda", "band of IgA type"). */
const MAX_GAP_WORDS = 2;
/** How far a negation reaches to the group it denies ("no evidence of any abnormal monoclonal band"). */
const MAX_NEGATION_WORDS = 3;
const LIST_WORDS = new Set(['or', 'and', 'nor', 'any', 'and/or']);
/** In immunofixation text a single light chain with one of these is a band ("free lambda detected"). */
const DETECTED = new Set(['detected', 'identified', 'positive', 'seen', 'noted', 'demonstrated', 'shows', 'showed', 'revealed'].map(fold));

export function readCloneSentence(
  words: readonly CloneWord[],
  sentence: Sentence,
  triggers: readonly Trigger[],
  tokens: readonly Token[],
  text: string,
  t: CompiledText,
  ifeText: boolean,
): CloneReading {
  const groups = groupWords(words.filter((w) => w.el.el !== 'ignore'), triggers, tokens);
  negate(groups, sentence, triggers, tokens, text, t);
  const reading: CloneReading = { evidence: null, negated: [], ifeTests: [] };
  for (const g of groups) {
    for (const w of g.items) {
      if (w.el.el === 'test' && w.el.method === 'ife') reading.ifeTests.push({ span: w, denied: g.negatedForward === true && g.items[0] === w });
    }
    if (g.negatedBy !== undefined && g.items.some((w) => isBandish(w.el))) reading.negated.push({ span: g, cue: g.negatedBy });
  }
  reading.evidence = evidenceOf(groups.filter((g) => g.negatedBy === undefined), sentence, tokens, t, ifeText);
  if (reading.evidence === null && reading.negated.length === 0) {
    const poly = groups.flatMap((g) => g.items).find((w) => w.el.el === 'poly');
    if (poly !== undefined) reading.negated.push({ span: poly, cue: 'polyclonal, no band named' });
  }
  return reading;
}

function isBandish(el: CloneElement): boolean {
  return el.el === 'band' || el.el === 'restrict' || el.el === 'light' || el.el === 'heavy';
}

function groupWords(words: readonly CloneWord[], triggers: readonly Trigger[], tokens: readonly Token[]): Group[] {
  const groups: Group[] = [];
  for (const w of words) {
    const g = groups.at(-1);
    if (g !== undefined && wordsBetween(tokens, g.end, w.start) <= MAX_GAP_WORDS && !punctBetween(tokens, g.end, w.start) && !triggerBetween(triggers, g.end, w.start)) {
      g.items.push(w);
      g.end = w.end;
    } else {
      groups.push({ items: [w], start: w.start, end: w.end });
    }
  }
  return groups;
}

function negate(groups: Group[], sentence: Sentence, triggers: readonly Trigger[], tokens: readonly Token[], text: string, t: CompiledText): void {
  const deny = (g: Group | undefined, cue: string, forward: boolean): void => {
    if (g === undefined || g.negatedBy !== undefined) return;
    g.negatedBy = cue;
    g.negatedForward = forward;
  };
  for (const trig of triggers) {
    if (trig.category !== 'negated') continue;
    const cue = spanText(tokens, text, trig.start, trig.end);
    if (trig.direction !== 'backward') {
      const gi = groups.findIndex((g) => g.start >= trig.end);
      const g = groups[gi];
      if (g !== undefined && near(tokens, triggers, trig.end, g.start)) {
        deny(g, cue, true);
        for (let k = gi + 1; k < groups.length && listed(tokens, groups[k - 1], groups[k]); k++) deny(groups[k], cue, true);
      }
    }
    if (trig.direction !== 'forward') {
      let gi = groups.length - 1;
      while (gi >= 0 && (groups[gi]?.end ?? 0) > trig.start) gi--;
      const g = groups[gi];
      if (g !== undefined && near(tokens, triggers, g.end, trig.start)) {
        deny(g, cue, false);
        for (let k = gi - 1; k >= 0 && listed(tokens, groups[k], groups[k + 1]); k--) deny(groups[k], cue, false);
      }
    }
  }
  const value = labelIsNegative(sentence, tokens, text, t);
  if (value !== null) for (const g of groups) if (g.end <= sentence.colon) deny(g, `label: ${value}`, false);
}

/** A group listed with its neighbour ("…, Bence Jones protein or abnormal band"), not a new clause ("…, IFE shows …"). */
function listed(tokens: readonly Token[], a: Group | undefined, b: Group | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if ([...a.items, ...b.items].some((w) => w.el.el === 'test')) return false;
  for (let i = a.end; i < b.start; i++) {
    const tok = tokens[i];
    if (tok === undefined) return false;
    if (tok.norm === ',' || tok.type === 'joiner' || LIST_WORDS.has(tok.norm) || ARTICLES.has(tok.norm)) continue;
    return false;
  }
  return true;
}

function near(tokens: readonly Token[], triggers: readonly Trigger[], from: number, to: number): boolean {
  return wordsBetween(tokens, from, to) <= MAX_NEGATION_WORDS && !punctBetween(tokens, from, to) && !triggers.some((x) => x.category === 'terminate' && x.start >= from && x.end <= to);
}

function wordsBetween(tokens: readonly Token[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const tok = tokens[i];
    if (tok !== undefined && (tok.type === 'word' || tok.type === 'num') && !ARTICLES.has(tok.norm)) n++;
  }
  return n;
}

function punctBetween(tokens: readonly Token[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (tokens[i]?.type === 'punct') return true;
  return false;
}

function triggerBetween(triggers: readonly Trigger[], from: number, to: number): boolean {
  return triggers.some((x) => x.start < to && x.end > from && x.start >= from);
}

function evidenceOf(groups: readonly Group[], sentence: Sentence, tokens: readonly Token[], t: CompiledText, ifeText: boolean): CloneEvidence | null {
  const words = groups.flatMap((g) => g.items);
  if (words.length === 0) return null;
  const ifeContext = ifeText || words.some((w) => w.el.el === 'test' && w.el.method === 'ife');
  const pairs = pairsIn(groups, tokens);
  const lights = words.filter((w) => w.el.el === 'light');
  const lightTypes = new Set(lights.map((w) => (w.el.el === 'light' ? w.el.chain : '')));
  const supportsBand = lights.length > 0 || words.some((w) => w.el.el === 'heavy' || (w.el.el === 'test' && w.el.method !== 'pathology')) || ifeText;
  const supportsRestriction = lights.length > 0 || words.some((w) => w.el.el === 'cells');
  const detected = ifeContext && lightTypes.size === 1 && !words.some((w) => w.el.el === 'poly') && hasWord(tokens, sentence, DETECTED);
  const reports = (g: Group): boolean =>
    pairs.some((p) => p.group === g) ||
    g.items.some((w) =>
      (w.el.el === 'band' && (w.el.strong || supportsBand)) ||
      (w.el.el === 'restrict' && supportsRestriction) ||
      (w.el.el === 'light' && detected));
  const evidenceGroups = groups.filter(reports);
  if (evidenceGroups.length === 0) return null;

  // Typed by: chains paired with a heavy chain, chains in a group that names the band or the
  // restriction, else any chain named in the sentence except a free-light-chain level.
  const bandGroups = groups.filter((g) => g.items.some((w) => w.el.el === 'band' || w.el.el === 'restrict' || w.el.el === 'cells'));
  let typed = [...pairs.map((p) => p.light), ...bandGroups.flatMap((g) => g.items.filter((w) => w.el.el === 'light'))];
  if (typed.length === 0) typed = groups.filter((g) => !g.items.some((w) => w.el.el === 'flc')).flatMap((g) => g.items.filter((w) => w.el.el === 'light'));
  const chainOf = (w: CloneWord): LightChain => (w.el.el === 'light' ? w.el.chain : 'unknown');
  const lightChain: LightChain = typed.some((w) => chainOf(w) === 'lambda') ? 'lambda' : typed.some((w) => chainOf(w) === 'kappa') ? 'kappa' : 'unknown';
  const heavyChain = heavyFor(lightChain, pairs, groups, typed);
  // the words to show: the group that names the chosen chain, else the first that reports a clone
  const shown = evidenceGroups.find((g) => g.items.some((w) => typed.includes(w) && chainOf(w) === lightChain)) ?? evidenceGroups[0] ?? groups[0];
  if (shown === undefined) return null;
  const items = shown.items.filter((w) => w.el.el !== 'poly' && w.el.el !== 'flc');
  const span = { start: items[0]?.start ?? shown.start, end: items.at(-1)?.end ?? shown.end };
  return { lightChain, heavyChain, method: methodOf(shown, words, ifeText, lightChain !== 'unknown' || heavyChain !== 'unknown'), span };
}

interface Pair { heavy: CloneWord; light: CloneWord; group: Group }

/** "IgA lambda", "IgG/λ", "IgA-λ": a heavy chain right before a light chain. */
function pairsIn(groups: readonly Group[], tokens: readonly Token[]): Pair[] {
  const pairs: Pair[] = [];
  for (const group of groups) {
    for (let i = 0; i + 1 < group.items.length; i++) {
      const heavy = group.items[i];
      const light = group.items[i + 1];
      if (heavy?.el.el !== 'heavy' || light?.el.el !== 'light') continue;
      let adjacent = true;
      for (let k = heavy.end; k < light.start; k++) if (tokens[k]?.type !== 'joiner') adjacent = false;
      if (adjacent) pairs.push({ heavy, light, group });
    }
  }
  return pairs;
}

function heavyFor(light: LightChain, pairs: readonly Pair[], groups: readonly Group[], typed: readonly CloneWord[]): HeavyChain {
  const heavyOf = (w: CloneWord | undefined): HeavyChain => (w?.el.el === 'heavy' ? w.el.chain : 'unknown');
  const paired = pairs.find((p) => p.light.el.el === 'light' && p.light.el.chain === light);
  if (paired !== undefined) return heavyOf(paired.heavy);
  // a heavy chain in the group of the chosen light chain ("lambda band of IgA type")
  for (const g of groups) {
    if (!g.items.some((w) => typed.includes(w) && w.el.el === 'light' && w.el.chain === light)) continue;
    const heavy = g.items.find((w) => w.el.el === 'heavy' && !pairs.some((p) => p.heavy === w));
    if (heavy !== undefined) return heavyOf(heavy);
  }
  // else the one heavy chain the sentence names ("monoclonal IgA band")
  const unpaired = groups.flatMap((g) => g.items).filter((w) => w.el.el === 'heavy' && !pairs.some((p) => p.heavy === w));
  const chains = new Set(unpaired.map(heavyOf));
  return chains.size === 1 && pairs.length === 0 ? heavyOf(unpaired[0]) : 'unknown';
}

function methodOf(evidence: Group, words: readonly CloneWord[], ifeText: boolean, typed: boolean): CloneMethodInText {
  const testIn = (ws: readonly CloneWord[]): CloneMethodInText | undefined => {
    for (const w of ws) if (w.el.el === 'test') return w.el.method;
    return undefined;
  };
  const named = testIn(evidence.items) ?? testIn(words);
  if (named !== undefined) return named;
  if (ifeText) return 'ife';
  if (evidence.items.some((w) => w.el.el === 'restrict' || w.el.el === 'cells')) return 'pathology';
  // a typed band can only come from immunofixation; an untyped one is an electrophoresis spike
  return typed ? 'ife' : 'spep';
}

function hasWord(tokens: readonly Token[], sentence: Sentence, set: ReadonlySet<string>): boolean {
  for (let i = sentence.start; i < sentence.end; i++) if (set.has(tokens[i]?.norm ?? '')) return true;
  return false;
}
