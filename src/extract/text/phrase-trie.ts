import { ARTICLES, phraseTokens, type Token } from './tokens.js';

interface Node<V> {
  next: Map<string, Node<V>> | undefined;
  values: V[] | undefined;
}

export interface PhraseMatch<V> {
  /** token index after the match */
  end: number;
  values: readonly V[];
}

/**
 * Phrases as a trie over folded tokens. A match is the longest phrase starting at a token, so
 * "cannot rule out" wins over "rule out" and "no change in" over "no". Joiners between words
 * are skipped ("lytic-sclerotic" = "lytic sclerotic"), and so is an article the phrase does not
 * name ("lytic lesion with a sclerotic rim").
 */
export class PhraseTrie<V> {
  private readonly root: Node<V> = { next: undefined, values: undefined };
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(phrase: string, value: V): void {
    const words = phraseTokens(phrase);
    // An article inside a phrase is optional in the text, so it is not part of the key; a final
    // one is kept ("Ig A").
    const key = words.filter((w, i) => i === words.length - 1 || !ARTICLES.has(w));
    if (key.length === 0) return;
    let node = this.root;
    for (const word of key) {
      node.next ??= new Map();
      let child = node.next.get(word);
      if (child === undefined) {
        child = { next: undefined, values: undefined };
        node.next.set(word, child);
      }
      node = child;
    }
    node.values ??= [];
    if (!node.values.includes(value)) {
      node.values.push(value);
      this.count += 1;
    }
  }

  /** The longest phrase starting at tokens[i] and ending by tokens[limit - 1]. */
  match(tokens: readonly Token[], i: number, limit: number): PhraseMatch<V> | null {
    let node = this.root;
    let best: PhraseMatch<V> | null = null;
    let j = i;
    while (j < limit) {
      const t = tokens[j];
      if (t === undefined) break;
      if (t.type === 'joiner') {
        if (node === this.root) break;
        j += 1;
        continue;
      }
      const child = node.next?.get(t.norm);
      if (child !== undefined) {
        node = child;
        j += 1;
        if (node.values !== undefined) best = { end: j, values: node.values };
        continue;
      }
      if (node !== this.root && ARTICLES.has(t.norm)) {
        j += 1;
        continue;
      }
      break;
    }
    return best;
  }

  /** Every non-overlapping longest match in tokens[from, to), left to right. */
  scan(tokens: readonly Token[], from: number, to: number): { start: number; end: number; values: readonly V[] }[] {
    const out: { start: number; end: number; values: readonly V[] }[] = [];
    let i = from;
    while (i < to) {
      const m = this.match(tokens, i, to);
      if (m === null) {
        i += 1;
        continue;
      }
      out.push({ start: i, end: m.end, values: m.values });
      i = m.end;
    }
    return out;
  }
}
