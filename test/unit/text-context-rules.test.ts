import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { validateProfile } from '../../src/config/load-profile.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import type { ScanEntry } from '../../src/extract/text/compile-text.js';
import { verdictFor, type Trigger } from '../../src/extract/text/context-rules.js';
import { PhraseTrie } from '../../src/extract/text/phrase-trie.js';
import { buildPrefilter } from '../../src/extract/text/prefilter.js';
import { readReportText } from '../../src/extract/text/report-text.js';
import { segment } from '../../src/extract/text/segmenter.js';
import { tokenize } from '../../src/extract/text/tokens.js';

const t = compileProfile(DEFAULT_PROFILE).text;

/** The phrases the main table finds in a text, each as [words as written, what it is]. */
function scan(text: string): [string, string][] {
  const tokens = tokenize(text);
  return t.scan.scan(tokens, 0, tokens.length).map((h) => [text.slice(tokens[h.start]?.start, tokens[h.end - 1]?.end), h.values.map(what).join('+')]);
}
function what(v: ScanEntry): string {
  switch (v.t) {
    case 'target': return `target:${t.rules[v.rule]?.kind ?? '?'}`;
    case 'context': return `${v.category}:${v.direction}`;
    case 'clone': return `clone:${v.el.el}`;
  }
}

/** The ConText verdict for the first target phrase of a one-sentence text. */
function verdict(text: string) {
  const tokens = tokenize(text);
  const [sentence] = segment(tokens, text, t);
  if (sentence === undefined) throw new Error('no sentence');
  const hits = t.scan.scan(tokens, sentence.start, sentence.end);
  const triggers: Trigger[] = hits.flatMap((h) => h.values.flatMap((v) => (v.t === 'context' ? [{ start: h.start, end: h.end, category: v.category, direction: v.direction }] : [])));
  const target = hits.find((h) => h.values.some((v) => v.t === 'target'));
  if (target === undefined) throw new Error('no target');
  return verdictFor(target, sentence, triggers, tokens, text, t);
}

describe('the phrase table', () => {
  it('takes the longest trigger: "cannot rule out" is a hedge, "rule out" hypothetical, "not ruled out" a hedge', () => {
    expect(scan('cannot rule out')).toEqual([['cannot rule out', 'possible:forward']]);
    expect(scan('rule out')).toEqual([['rule out', 'hypothetical:forward']]);
    expect(scan('was ruled out')).toEqual([['was ruled out', 'negated:backward']]);
    expect(scan('not ruled out')).toEqual([['not ruled out', 'possible:backward']]);
    expect(scan('no change in')).toEqual([['no change in', 'pseudo:forward']]);
  });

  it('matches whole words only, across dashes, slashes and line breaks, skipping an article', () => {
    expect(scan('nonspecific noted')).toEqual([['noted', 'terminate:both']]);
    expect(scan('R/O')).toEqual([['R/O', 'hypothetical:forward']]);
    expect(scan('lytic lesion with a sclerotic\nrim')).toEqual([['lytic lesion with a sclerotic\nrim', 'target:scleroticBone']]);
    expect(scan('hepato-splenomegaly')).toEqual([['splenomegaly', 'target:organomegaly']]);
    expect(scan('hepatosplenomegaly')).toEqual([['hepatosplenomegaly', 'target:organomegaly']]);
  });

  it('reads clone words as their own table entries', () => {
    expect(scan('IgG/λ M-spike; kappa/lambda ratio')).toEqual([
      ['IgG', 'clone:heavy'], ['λ', 'clone:light'], ['M-spike', 'clone:band'], ['kappa/lambda ratio', 'clone:ignore'],
    ]);
  });

  it('keeps every value of a phrase listed twice, once', () => {
    const trie = new PhraseTrie<string>();
    trie.add('bone island', 'a');
    trie.add('Bone-Island', 'a');
    trie.add('bone islands', 'b');
    const tokens = tokenize('bone islands');
    expect(trie.match(tokens, 0, tokens.length)?.values).toEqual(['a', 'b']);
    expect(trie.size).toBe(2);
  });
});

describe('the ConText verdict', () => {
  it.each([
    ['No hepatomegaly, splenomegaly or ascites.', 'negated', 'No'],
    ['Castleman disease is unlikely.', 'negated', 'unlikely'],
    ['Castleman disease was excluded.', 'negated', 'was excluded'],
    ['Ascites no longer seen.', 'negated', 'no longer seen'],
    ['Possible Castleman disease.', 'possible', 'Possible'],
    ['Castleman disease cannot be excluded.', 'possible', 'cannot be excluded'],
    ['Castleman disease versus reactive hyperplasia.', 'possible', 'versus'],
    ['Reactive hyperplasia versus Castleman disease.', 'possible', 'versus'],
    ['To exclude Castleman disease.', 'hypothetical', 'To exclude'],
    ['Castleman disease should be excluded.', 'hypothetical', 'should be excluded'],
    ['History of Castleman disease.', 'historical', 'History of'],
    ['Maternal CIDP.', 'family', 'Maternal'],
  ] as const)('%j is %s by %j', (text, category, cue) => {
    expect(verdict(text)).toEqual({ [category]: cue });
  });

  it('stops at a terminator in either direction', () => {
    expect(verdict('No fever but splenomegaly.')).toEqual({});
    expect(verdict('Splenomegaly, however ascites is absent.')).toEqual({});
  });

  it('governs nothing with a pseudo-trigger', () => {
    expect(verdict('No significant change in the splenomegaly.')).toEqual({});
  });

  it.each(['none', 'nil', 'N', '–', '-', '0', 'Neg'])('negates the label of "Ascites: %s"', (value) => {
    expect(verdict(`Ascites: ${value}`)).toEqual({ negated: `label: ${value}` });
  });

  it.each(['None seen.', 'NOT IDENTIFIED', 'negative'])('negates "Ascites: %s" (a backward trigger too)', (value) => {
    expect(Object.keys(verdict(`Ascites: ${value}`))).toEqual(['negated']);
  });

  it.each(['present', 'mild', 'small', 'yes', 'moderate, increased since 2024'])('does not negate the label of "Ascites: %s"', (value) => {
    expect(verdict(`Ascites: ${value}`)).toEqual({});
  });
});

describe('the early exit', () => {
  it('lets through every phrase in its spelling variants', () => {
    const re = buildPrefilter(['papilledema', 'glomeruloid hemangioma', 'lambda-restricted']);
    for (const text of ['PAPILLOEDEMA', 'glomeruloid haemangiomata', 'λ-restricted', 'Lambda restricted', 'papilledema.']) expect(re?.test(text), text).toBe(true);
    for (const text of ['normal study', 'pseudopapilledema']) expect(re?.test(text), text).toBe(false);
  });

  it('returns nothing (one regex pass) for text that names nothing watched', () => {
    expect(t.prefilter?.test('Normal sinus rhythm. No acute abnormality.')).toBe(false);
    expect(readReportText('Normal sinus rhythm. No acute abnormality.', t)).toEqual({ findings: [], notes: [] });
  });

  it('is null for a profile that watches no phrase', () => {
    expect(buildPrefilter([])).toBeNull();
  });
});

describe('a site profile check', () => {
  it('accepts the defaults', () => {
    expect(validateProfile({ profileVersion: 'site-1' }).problems).toEqual([]);
  });

  it('reports a phrase given two meanings (folded: "rules out" is "rule out")', () => {
    const context = [...DEFAULT_PROFILE.text.context, { category: 'negated', direction: 'forward', phrases: ['rules out'] }];
    const { problems } = validateProfile({ profileVersion: 'site-1', text: { context } });
    expect(problems).toEqual([{ path: `text.context.${context.length - 1}.phrases.0`, message: expect.stringContaining('"rules out" is also a hypothetical trigger') }]);
  });

  it('reports an unknown category and an empty phrase list', () => {
    const { problems } = validateProfile({ profileVersion: 'site-1', text: { context: [{ category: 'maybe', phrases: [] }] } });
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['text.context.0.category', 'text.context.0.phrases']));
  });

  it('reports a text rule for a kind text cannot name', () => {
    const { problems } = validateProfile({ profileVersion: 'site-1', text: { rules: [{ kind: 'poemsKnown', phrases: ['POEMS'] }] } });
    expect(problems.map((p) => p.path)).toEqual(['text.rules.0.kind']);
  });
});
