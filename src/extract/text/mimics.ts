/**
 * Mimics (spec §1.2 "Bone"): a bone island, enostosis, Paget … removes only the lesion it
 * describes, never every lesion in the sentence. It describes a lesion when it is part of the
 * same phrase ("sclerotic focus (bone island)"), when the sentence ties the two together
 * ("sclerotic focus, consistent with a bone island"), or when the next sentence attributes the
 * lesion to it ("4 mm sclerotic focus. Likely a bone island."). A separator ("and", "also",
 * "another") between them means the mimic is a lesion of its own, so "sclerotic lesions in the
 * pelvis and a bone island in the femur" keeps the sclerotic lesions.
 */
import type { CompiledText } from './compile-text.js';
import { spanText, type Span } from './context-rules.js';
import type { PhraseTrie } from './phrase-trie.js';
import type { Sentence } from './segmenter.js';
import { ARTICLES, type Token } from './tokens.js';

interface MimicHit extends Span {
  rules: readonly number[];
}

export interface Described {
  mimic: string;
  /** offered beside another explanation: the lesion stays, as a possible one */
  alternative: boolean;
}

const ALTERNATIVES = new Set(['?', 'or', 'vs', 'versus']);

/** The next sentence may name the mimic after at most this many words ("This is a bone island"). */
const NEXT_SENTENCE_LEAD = 2;

export class MimicReader {
  private readonly hits = new Map<number, MimicHit[]>();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly text: string,
    private readonly sentences: readonly Sentence[],
    private readonly t: CompiledText,
  ) {}

  /**
   * The mimic that describes `mention` (of rule `rule`, in sentence `s`), or null. `lastOfKind`:
   * no later mention of the same kind in the sentence, so a mimic in the next sentence may
   * refer to it; `nextNamesKind`: the next sentence names a lesion of its own.
   */
  describing(mention: Span, rule: number, s: number, lastOfKind: boolean, nextNamesKind: boolean): Described | null {
    const sentence = this.sentences[s];
    if (sentence === undefined) return null;
    for (const m of this.hitsIn(s)) {
      if (!m.rules.includes(rule)) continue;
      if (m.start < mention.end && mention.start < m.end) return this.say(m);
      if (m.start >= mention.end && !this.has(this.t.separators, mention.end, m.start)) {
        if (this.has(this.t.attribution, mention.end, m.start) || this.words(mention.end, m.start) <= 1) return this.say(m);
      }
      if (m.end <= mention.start && !this.has(this.t.separators, m.end, mention.start) && this.words(m.end, mention.start) <= 1) {
        return this.say(m);
      }
    }
    const next = this.sentences[s + 1];
    if (!lastOfKind || nextNamesKind || next === undefined) return null;
    for (const m of this.hitsIn(s + 1)) {
      if (!m.rules.includes(rule) || this.has(this.t.separators, next.start, m.start)) continue;
      if (this.has(this.t.attribution, next.start, m.start) || this.words(next.start, m.start) <= NEXT_SENTENCE_LEAD) return this.say(m);
    }
    return null;
  }

  private hitsIn(s: number): MimicHit[] {
    let hits = this.hits.get(s);
    if (hits === undefined) {
      const sentence = this.sentences[s];
      hits = sentence === undefined ? [] : this.t.mimics.scan(this.tokens, sentence.start, sentence.end).map((h) => ({ start: h.start, end: h.end, rules: h.values }));
      this.hits.set(s, hits);
    }
    return hits;
  }

  private has(trie: PhraseTrie<true>, from: number, to: number): boolean {
    for (let i = from; i < to; i++) if (trie.match(this.tokens, i, to) !== null) return true;
    return false;
  }

  /** Words between two points, articles not counted. */
  private words(from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) {
      const tok = this.tokens[i];
      if (tok !== undefined && (tok.type === 'word' || tok.type === 'num') && !ARTICLES.has(tok.norm)) n++;
    }
    return n;
  }

  /**
   * The mimic as written, and whether it is only one of the alternatives offered ("?bone island
   * ?metastasis", "bone island or metastasis"): then the lesion stays, as possible.
   */
  private say(m: Span): Described {
    return { mimic: spanText(this.tokens, this.text, m.start, m.end), alternative: this.offeredWithAlternative(m) };
  }

  private offeredWithAlternative(m: Span): boolean {
    const before = this.tokens[m.start - 1];
    if (before?.norm === '?') return true;
    for (let i = m.end; i < Math.min(m.end + 2, this.tokens.length); i++) {
      const norm = this.tokens[i]?.norm ?? '';
      if (ALTERNATIVES.has(norm)) return true;
      if (this.tokens[i]?.type === 'punct' && norm !== '?') break;
    }
    return false;
  }
}
