import type { ContextCategory, ContextDirection, SectionCategory, TextProfile, TextRule } from '../../config/profile-text.schema.js';
import type { HeavyChain, LightChain } from '../../domain/finding.js';
import { PhraseTrie } from './phrase-trie.js';
import { buildPrefilter } from './prefilter.js';
import { tokenize } from './tokens.js';

export type CloneMethodInText = 'ife' | 'spep' | 'pathology';

/** One word (or phrase) of clone evidence (spec §1.2 "Clone in text"). */
export type CloneElement =
  | { el: 'heavy'; chain: Exclude<HeavyChain, 'unknown'> }
  | { el: 'light'; chain: Exclude<LightChain, 'unknown'> }
  | { el: 'band'; strong: boolean }
  | { el: 'restrict' }
  | { el: 'cells' }
  | { el: 'poly' }
  | { el: 'flc' }
  | { el: 'ignore' }
  | { el: 'test'; method: CloneMethodInText };

/** What a phrase in the main scan is: a target, a ConText trigger, or clone evidence. */
export type ScanEntry =
  | { t: 'target'; rule: number }
  | { t: 'context'; category: ContextCategory; direction: ContextDirection }
  | { t: 'clone'; el: CloneElement };

/** The text part of the profile, compiled once (hung off the one CompiledProfile). */
export interface CompiledText {
  readonly valueTypes: ReadonlySet<string>;
  readonly rules: readonly TextRule[];
  /** the early exit for report text; null when the profile watches no phrase */
  readonly prefilter: RegExp | null;
  /** targets, ConText triggers and clone words in one table, so the longest phrase wins among all */
  readonly scan: PhraseTrie<ScanEntry>;
  /** mimic phrase → the rules it is a mimic for */
  readonly mimics: PhraseTrie<number>;
  readonly attribution: PhraseTrie<true>;
  readonly separators: PhraseTrie<true>;
  readonly sections: PhraseTrie<SectionCategory>;
  /** folded label values that negate their label ("none", "not seen", "-") */
  readonly labelNegatives: ReadonlySet<string>;
  readonly abbreviations: ReadonlySet<string>;
  readonly ifeNotDone: PhraseTrie<true>;
  readonly ifeResultWords: PhraseTrie<true>;
  /** diagnosis text: the POEMS names plus the ConText triggers (see diagnosis-text.ts) */
  readonly poems: { readonly prefilter: RegExp | null; readonly scan: PhraseTrie<ScanEntry> };
}

/** The folded value of a label line: its tokens joined by one space. */
export function labelValueKey(value: string): string {
  return tokenize(value).filter((t) => t.norm !== '.').map((t) => t.norm).join(' ');
}

function trieOf<V>(phrases: readonly string[], value: V): PhraseTrie<V> {
  const trie = new PhraseTrie<V>();
  for (const p of phrases) trie.add(p, value);
  return trie;
}

function addContext(trie: PhraseTrie<ScanEntry>, text: TextProfile): void {
  for (const rule of text.context) {
    const entry: ScanEntry = { t: 'context', category: rule.category, direction: rule.direction };
    for (const phrase of rule.phrases) trie.add(phrase, entry);
  }
}

function addClone(trie: PhraseTrie<ScanEntry>, clone: TextProfile['clone']): string[] {
  const all: string[] = [];
  const add = (phrases: readonly string[], el: CloneElement, watched: boolean): void => {
    const entry: ScanEntry = { t: 'clone', el };
    for (const p of phrases) {
      trie.add(p, entry);
      if (watched) all.push(p);
    }
  };
  for (const chain of ['IgA', 'IgG', 'IgM'] as const) add(clone.heavyChains[chain], { el: 'heavy', chain }, true);
  for (const chain of ['lambda', 'kappa'] as const) add(clone.lightChains[chain], { el: 'light', chain }, true);
  // "IgG-K", "IgAL": a heavy chain with a one-letter light chain is both words at once
  for (const chain of ['IgA', 'IgG', 'IgM'] as const) {
    const heavy: ScanEntry = { t: 'clone', el: { el: 'heavy', chain } };
    for (const light of ['lambda', 'kappa'] as const) {
      const entry: ScanEntry = { t: 'clone', el: { el: 'light', chain: light } };
      for (const h of clone.heavyChains[chain]) {
        for (const letter of clone.lightChainLetters[light]) {
          for (const p of [`${h} ${letter}`, `${h}${letter}`]) {
            trie.add(p, heavy);
            trie.add(p, entry);
          }
        }
      }
    }
  }
  add(clone.bands, { el: 'band', strong: true }, true);
  add(clone.weakBands, { el: 'band', strong: false }, true);
  add(clone.restriction, { el: 'restrict' }, true);
  add(clone.plasmaCells, { el: 'cells' }, false);
  add(clone.polyclonal, { el: 'poly' }, false);
  add(clone.freeLightChains, { el: 'flc' }, false);
  add(clone.ignore, { el: 'ignore' }, false);
  for (const method of ['ife', 'spep', 'pathology'] as const) add(clone.methods[method], { el: 'test', method }, method === 'ife');
  return all;
}

export function compileText(text: TextProfile, poemsNames: readonly string[]): CompiledText {
  const scan = new PhraseTrie<ScanEntry>();
  const mimics = new PhraseTrie<number>();
  text.rules.forEach((rule, index) => {
    // one entry object per rule, so a phrase listed twice ("rim", "rims") keeps one value
    const entry: ScanEntry = { t: 'target', rule: index };
    for (const phrase of rule.phrases) scan.add(phrase, entry);
    for (const mimic of rule.mimics) mimics.add(mimic, index);
  });
  addContext(scan, text);
  const cloneWords = addClone(scan, text.clone);

  const poemsScan = new PhraseTrie<ScanEntry>();
  // rule -1: a POEMS name (diagnosis text only; report text never sets poemsKnown, spec §1)
  const poemsEntry: ScanEntry = { t: 'target', rule: -1 };
  for (const name of poemsNames) poemsScan.add(name, poemsEntry);
  addContext(poemsScan, text);

  return {
    valueTypes: new Set(text.valueTypes.map((t) => t.trim().toUpperCase())),
    rules: text.rules,
    prefilter: buildPrefilter([...text.rules.flatMap((r) => r.phrases), ...cloneWords]),
    scan,
    mimics,
    attribution: trieOf(text.attribution, true),
    separators: trieOf(text.separators, true),
    sections: (() => {
      const trie = new PhraseTrie<SectionCategory>();
      for (const s of text.sections) for (const h of s.headers) trie.add(h, s.category);
      return trie;
    })(),
    labelNegatives: new Set(text.labelNegatives.map(labelValueKey).filter((k) => k !== '')),
    abbreviations: new Set(text.abbreviations.map((a) => a.toLowerCase().replace(/\.$/, ''))),
    ifeNotDone: trieOf(text.clone.ifeNotDone, true),
    ifeResultWords: trieOf(text.clone.ifeResultWords, true),
    poems: { prefilter: buildPrefilter(poemsNames), scan: poemsScan },
  };
}
