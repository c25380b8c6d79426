import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { SiteProfile } from '../../src/config/profile.schema.js';
import { findTextFindings } from '../../src/extract/text/report-text.js';

const find = (text: string, profile: SiteProfile = DEFAULT_PROFILE) => findTextFindings(text, profile);
const kinds = (text: string) => find(text).map((m) => m.kind);

describe('when the text names no phrase', () => {
  it('returns nothing for an empty string', () => {
    expect(find('')).toEqual([]);
  });

  it('returns nothing for ordinary report text', () => {
    expect(find('Normal cellularity with trilineage haematopoiesis. No abnormality detected.')).toEqual([]);
  });

  it('does not match a phrase inside a longer word', () => {
    expect(find('Nonascites-related pain; splenomegalyish is not a word.')).toEqual([]);
  });
});

describe('when a bone-marrow report names a clone', () => {
  it('reads "lambda-restricted" as a lambda clone, keeping the text as written', () => {
    expect(find('Bone marrow: lambda-restricted plasma cells (5%).')).toEqual([
      { kind: 'clone', qualifiers: { lightChain: 'lambda' }, matched: 'lambda-restricted' },
    ]);
  });

  it('reads the Greek letter and a named heavy chain, once', () => {
    expect(find('Monotypic λ plasma cells, IgA lambda.')).toEqual([
      { kind: 'clone', qualifiers: { lightChain: 'lambda', heavyChain: 'IgA' }, matched: 'Monotypic λ' },
    ]);
  });

  it('accepts the space variant, Unicode dashes and upper case', () => {
    expect(find('LAMBDA RESTRICTED plasma cells')[0]?.qualifiers).toEqual({ lightChain: 'lambda' });
    expect(find('λ\u2013restricted plasma cells')[0]?.matched).toBe('λ\u2013restricted');
    expect(find('lambda - restricted plasma cells')).toHaveLength(1);
  });

  it('reads "Kappa-restricted" as a kappa clone', () => {
    expect(find('Kappa-restricted plasma cells.')).toEqual([
      { kind: 'clone', qualifiers: { lightChain: 'kappa' }, matched: 'Kappa-restricted' },
    ]);
  });

  it('takes the heavy chain named nearest the phrase in a biclonal sentence', () => {
    const matches = find('Serum IFE shows IgG kappa and, separately, a small monoclonal lambda band of IgA type.');
    expect(matches.map((m) => m.qualifiers)).toEqual([
      { lightChain: 'kappa', heavyChain: 'IgG' },
      { lightChain: 'lambda', heavyChain: 'IgA' },
    ]);
  });

  it('does not take a heavy chain from another sentence', () => {
    expect(find('Clonal plasma cells, 8%. Serum IgA 4.2 g/L.')).toEqual([
      { kind: 'clone', qualifiers: { lightChain: 'unknown' }, matched: 'Clonal plasma cells' },
    ]);
  });

  it('prefers the longer lambda phrase over the generic clonal one', () => {
    expect(find('Clonal plasma cells with lambda predominance.')).toEqual([
      { kind: 'clone', qualifiers: { lightChain: 'lambda' }, matched: 'Clonal plasma cells with lambda' },
    ]);
  });

  it('finds nothing in "Polytypic plasma cells; no monotypic plasma cells."', () => {
    expect(find('Polytypic plasma cells; no monotypic plasma cells.')).toEqual([]);
  });

  it('finds nothing when a domain pre-trigger overlaps the phrase ("no monotypic lambda")', () => {
    expect(find('No monotypic lambda plasma cells identified.')).toEqual([]);
    expect(find('No clonal plasma cells.')).toEqual([]);
  });
});

describe('when a finding is negated (NegEx)', () => {
  it.each([
    'No evidence of Castleman disease.',
    'Castleman disease was ruled out.',
    'negative for sclerotic lesions',
    'Castleman disease is unlikely.',
    'Splenomegaly: absent.',
    'Without ascites.',
    'There is no hepatomegaly or splenomegaly.',
  ])('finds nothing in %j', (text) => {
    expect(find(text)).toEqual([]);
  });

  it('lets a terminator end the scope: "No pleural effusion, but there is mild splenomegaly."', () => {
    expect(find('No pleural effusion, but there is mild splenomegaly.')).toEqual([
      { kind: 'organomegaly', qualifiers: {}, matched: 'splenomegaly' },
    ]);
  });

  it('never negates with a pseudo-trigger: "No significant change in the hepatomegaly."', () => {
    expect(find('No significant change in the hepatomegaly.')).toEqual([
      { kind: 'organomegaly', qualifiers: {}, matched: 'hepatomegaly' },
    ]);
    expect(kinds('No increase in ascites.')).toEqual(['volumeOverload']);
  });

  it('does not let a pseudo-trigger hide a real negation later in the sentence', () => {
    expect(find('No interval change; no splenomegaly.')).toEqual([]);
  });

  it('does not reach beyond the scope of six tokens', () => {
    expect(kinds('No fever was recorded during the admission, hepatomegaly on examination.')).toEqual(['organomegaly']);
    expect(kinds('No fever, cough, hepatomegaly.')).toEqual([]);
  });

  it('does not reach across a sentence or clause boundary', () => {
    expect(kinds('No fever. Hepatomegaly.')).toEqual(['organomegaly']);
    expect(kinds('No fever; ascites present.')).toEqual(['volumeOverload']);
    expect(kinds('No fever\nascites present')).toEqual(['volumeOverload']);
  });

  it('does not split a sentence at "e.g." or a decimal', () => {
    expect(kinds('No features of e.g. Castleman disease.')).toEqual([]);
    expect(kinds('No 2.5 cm sclerotic lesion.')).toEqual([]);
  });

  it('negates only the phrase the trigger reaches', () => {
    expect(kinds('Hepatomegaly present; ascites was ruled out.')).toEqual(['organomegaly']);
  });
});

describe('when a finding is historical or about a relative (ConText)', () => {
  it.each(['Family history of Castleman disease.', 'History of CIDP', 'Mother had hepatosplenomegaly.'])(
    'finds nothing in %j',
    (text) => {
      expect(find(text)).toEqual([]);
    },
  );
});

describe('when a lymph-node report names Castleman disease', () => {
  it('reports castleman once for "hyaline vascular variant Castleman disease"', () => {
    expect(find('Lymph node: hyaline vascular variant Castleman disease.')).toEqual([
      { kind: 'castleman', qualifiers: {}, matched: 'hyaline vascular variant' },
    ]);
  });

  it('matches the longest phrase: "multicentric Castleman disease" once', () => {
    expect(find('Consistent with multicentric Castleman disease.')).toEqual([
      { kind: 'castleman', qualifiers: {}, matched: 'multicentric Castleman' },
    ]);
  });

  it('accepts a curly apostrophe', () => {
    expect(find('Features of Castleman\u2019s disease.')[0]?.matched).toBe('Castleman\u2019s disease');
  });
});

describe('when a radiology report describes bone lesions', () => {
  it('reports sclerotic bone for "Multiple sclerotic lesions in the pelvis and spine."', () => {
    expect(find('Multiple sclerotic lesions in the pelvis and spine.')).toEqual([
      { kind: 'scleroticBone', qualifiers: {}, matched: 'sclerotic lesions' },
    ]);
  });

  it('prefers "mixed lytic-sclerotic" over the shorter phrases inside it', () => {
    expect(find('Mixed lytic-sclerotic lesions of the iliac wing.')).toEqual([
      { kind: 'scleroticBone', qualifiers: {}, matched: 'Mixed lytic-sclerotic' },
    ]);
  });

  it('finds nothing when the sentence names a mimic', () => {
    expect(find('Small sclerotic focus in the femoral head, consistent with a bone island.')).toEqual([]);
    expect(find('Enostosis.')).toEqual([]);
    expect(find('Sclerotic foci, likely degenerative sclerosis.')).toEqual([]);
  });

  it('keeps a lesion whose mimic is in another sentence', () => {
    expect(kinds('Osteosclerotic lesion in L3. Separate bone island in the femur.')).toEqual(['scleroticBone']);
  });
});

describe('when a neurophysiology report names CIDP', () => {
  it('reports neuropathy with cidp once for the full name and the acronym', () => {
    expect(
      find('Nerve conduction studies consistent with chronic inflammatory demyelinating polyneuropathy (CIDP).'),
    ).toEqual([
      { kind: 'neuropathy', qualifiers: { cidp: true }, matched: 'chronic inflammatory demyelinating polyneuropathy' },
    ]);
  });

  it('reports a demyelinating polyneuropathy without cidp', () => {
    expect(find('Demyelinating sensorimotor polyneuropathy.')).toEqual([
      { kind: 'neuropathy', qualifiers: {}, matched: 'Demyelinating sensorimotor polyneuropathy' },
    ]);
  });

  it('finds a phrase wrapped across two report lines', () => {
    expect(kinds('Findings consistent with chronic inflammatory\ndemyelinating polyneuropathy.')).toEqual(['neuropathy']);
    expect(kinds('No evidence of chronic inflammatory\ndemyelinating polyneuropathy.')).toEqual([]);
  });
});

describe('when a report names several findings', () => {
  it('returns each kind once, in text order', () => {
    const text = [
      'CT chest/abdomen/pelvis: hepatosplenomegaly and small bilateral pleural effusions.',
      'Multiple sclerotic lesions in the pelvis. Mild splenomegaly again noted.',
    ].join('\n');
    expect(find(text).map((m) => [m.kind, m.matched])).toEqual([
      ['organomegaly', 'hepatosplenomegaly'],
      ['volumeOverload', 'pleural effusions'],
      ['scleroticBone', 'sclerotic lesions'],
    ]);
  });

  it('returns fresh qualifier objects that do not alias the profile', () => {
    const [match] = find('Lambda-restricted plasma cells.');
    expect(match?.qualifiers).not.toBe(DEFAULT_PROFILE.textRules[2]?.qualifiers);
  });
});

describe('when a site profile changes the phrases', () => {
  const profile: SiteProfile = {
    ...DEFAULT_PROFILE,
    textRules: [{ kind: 'skinChanges', phrases: ['cherry angioma', 'cherry angiomas'], qualifiers: {}, mimics: [] }],
    negation: { ...DEFAULT_PROFILE.negation, pre: ['ingen'], scope: 2 },
  };

  it('uses the site phrases and triggers instead of the defaults', () => {
    expect(find('Multiple cherry angiomas on the trunk.', profile)).toEqual([
      { kind: 'skinChanges', qualifiers: {}, matched: 'cherry angiomas' },
    ]);
    expect(find('Hepatomegaly.', profile)).toEqual([]);
    expect(find('ingen cherry angioma', profile)).toEqual([]);
    expect(find('ingen large raised cherry angioma', profile)).toHaveLength(1);
  });

  it('finds nothing when the profile has no text rules', () => {
    expect(find('Hepatomegaly.', { ...DEFAULT_PROFILE, textRules: [] })).toEqual([]);
  });
});
