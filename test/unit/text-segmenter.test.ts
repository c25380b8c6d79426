import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { segment } from '../../src/extract/text/segmenter.js';
import { fold, tokenize } from '../../src/extract/text/tokens.js';

const t = compileProfile(DEFAULT_PROFILE).text;

/** The sentences of a text as written (whitespace collapsed), with their section. */
function sentences(text: string): [string, string][] {
  const tokens = tokenize(text);
  return segment(tokens, text, t).map((s) => [text.slice(tokens[s.start]?.start, tokens[s.end - 1]?.end).replace(/\s+/g, ' '), s.section]);
}
const plain = (text: string) => sentences(text).map(([s]) => s);

describe('the tokenizer', () => {
  it('keeps offsets into the text as written', () => {
    const text = 'IgA-λ  band';
    expect(tokenize(text).map((tok) => [text.slice(tok.start, tok.end), tok.norm, tok.type])).toEqual([
      ['IgA', 'iga', 'word'], ['-', '-', 'joiner'], ['λ', 'lambda', 'word'], ['band', 'band', 'word'],
    ]);
  });

  it('splits λ and κ from the word they are glued to, and keeps a possessive with its word', () => {
    expect(tokenize('IgAλ Castleman’s').map((tok) => tok.norm)).toEqual(['iga', 'lambda', 'castleman']);
  });

  it('counts line breaks before a token: CR LF, LF and a lone CR once each', () => {
    expect(tokenize('a\r\nb\rc\n\nd').map((tok) => tok.nl)).toEqual([0, 1, 1, 2]);
  });

  it.each([
    ['Haemangioma', 'hemangioma'],
    ['papilloedema', 'papilledema'],
    ['lesions', 'lesion'],
    ['sclerosis', 'sclerosis'],
    ['focus', 'focus'],
    ['ASCITES', 'ascite'],
  ])('folds %s to %s', (word, folded) => {
    expect(fold(word)).toBe(folded);
  });
});

describe('the segmenter', () => {
  it('does not end a sentence at a line break (wrapped OBX lines, \\.br\\, CR)', () => {
    expect(plain('No hepatomegaly,\nsplenomegaly\r\nor ascites. Sclerotic lesion.')).toEqual(['No hepatomegaly, splenomegaly or ascites.', 'Sclerotic lesion.']);
  });

  it('ends a sentence at . ; ! and a blank line', () => {
    expect(plain('One. Two; three! Four\n\nfive')).toEqual(['One.', 'Two;', 'three!', 'Four', 'five']);
  });

  it('does not end a sentence at a decimal point, an abbreviation or a dotted abbreviation', () => {
    expect(plain('A 2.5 cm lesion, approx. 3 mm deep, e.g. in L2, vs. L3. Next.')).toEqual(['A 2.5 cm lesion, approx. 3 mm deep, e.g. in L2, vs. L3.', 'Next.']);
  });

  it('does not end a sentence at a "?" attached to a term, and does at a free-standing one', () => {
    expect(plain('?Castleman disease with splenomegaly. Castleman? yes. ? POEMS, CIDP.')).toEqual(['?Castleman disease with splenomegaly.', 'Castleman? yes.', '? POEMS, CIDP.']);
    expect(plain('Any other lesion ?\nNone seen.')).toEqual(['Any other lesion ?', 'None seen.']);
  });

  it('starts a sentence and a section at a header, with or without a colon', () => {
    expect(sentences('INDICATION: CIDP\nFINDINGS: sclerotic lesion\nIMPRESSION\nPOEMS suspected')).toEqual([
      ['CIDP', 'indication'],
      ['sclerotic lesion', 'report'],
      ['POEMS suspected', 'report'],
    ]);
  });

  it('finds a header after a sentence end on the same line', () => {
    expect(sentences('Normal study. Impression: no sclerotic lesion.')).toEqual([['Normal study.', 'report'], ['no sclerotic lesion.', 'report']]);
  });

  it('does not take "History of" for a header', () => {
    expect(sentences('History of CIDP.')).toEqual([['History of CIDP.', 'report']]);
  });

  it('ends an indication section at a blank line, a header or a new label line', () => {
    expect(sentences('Clinical history: CIDP\n\nSplenomegaly.').map(([, s]) => s)).toEqual(['indication', 'report']);
    expect(sentences('Reason for exam: CIDP\nSpleen: 15 cm').map(([, s]) => s)).toEqual(['indication', 'report']);
    expect(sentences('Reason for exam: CIDP, thrombocytosis and\nsuspected POEMS').map(([, s]) => s)).toEqual(['indication']);
    expect(sentences('Clinical details: CIDP.\nSclerotic lesion in L3.').map(([, s]) => s)).toEqual(['indication', 'report']);
    expect(sentences('Clinical details:\nCIDP.\nSplenomegaly on examination.').map(([, s]) => s)).toEqual(['indication', 'indication']);
  });

  it('makes a Label: value line a sentence of its own', () => {
    expect(plain('Hepatomegaly: no\nSplenomegaly: present\nAscites: none')).toEqual(['Hepatomegaly: no', 'Splenomegaly: present', 'Ascites: none']);
  });

  it('lets a Label: value line wrap when it plainly goes on', () => {
    expect(plain('CT abdomen: no hepatomegaly, splenomegaly,\nascites or lymphadenopathy.')).toEqual(['CT abdomen: no hepatomegaly, splenomegaly, ascites or lymphadenopathy.']);
    expect(plain('Lymph node: no evidence of\nCastleman disease.')).toEqual(['Lymph node: no evidence of Castleman disease.']);
    expect(plain('Bone survey: no lytic or sclerotic\nlesions in the pelvis.')).toEqual(['Bone survey: no lytic or sclerotic lesions in the pelvis.']);
  });

  it('records the colon of a Label: value sentence, also after a sentence end', () => {
    const text = 'Hepatomegaly: no. Spleen: 15 cm.';
    const tokens = tokenize(text);
    expect(segment(tokens, text, t).map((s) => (s.colon >= 0 ? tokens[s.colon]?.start : -1))).toEqual([12, 24]);
  });

  it('does not take a line with commas or more than six words before a colon for a label', () => {
    const text = 'Bone marrow, left iliac crest, biopsy:\nNormocellular marrow.';
    const tokens = tokenize(text);
    expect(segment(tokens, text, t).map((s) => s.colon)).toEqual([-1]);
  });

  it('returns no sentence for empty or blank text', () => {
    expect(plain('')).toEqual([]);
    expect(plain(' \n\n ')).toEqual([]);
  });
});
