import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { SiteProfile } from '../../src/config/profile.schema.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { readReportText, type ReportSource, type TextFinding } from '../../src/extract/text/report-text.js';

const read = (text: string, profile: SiteProfile = DEFAULT_PROFILE, source: ReportSource = 'report') => readReportText(text, compileProfile(profile).text, source);
const find = (text: string, profile?: SiteProfile): TextFinding[] => read(text, profile).findings;
const kinds = (text: string) => find(text).map((f) => f.kind);

describe('when the text names no phrase', () => {
  it('returns nothing for an empty string', () => {
    expect(read('')).toEqual({ findings: [], notes: [] });
  });

  it('returns nothing for ordinary report text', () => {
    expect(read('Normal cellularity with trilineage haematopoiesis. No abnormality detected.')).toEqual({ findings: [], notes: [] });
  });

  it('does not match a phrase inside a longer word', () => {
    expect(find('Nonascites-related pain; splenomegalyish is not a word; pseudopapilledema.')).toEqual([]);
  });
});

describe('when a bone-marrow report names a clone', () => {
  it('reads "lambda-restricted" as a lambda clone, keeping the text as written', () => {
    expect(find('Bone marrow: lambda-restricted plasma cells (5%).')).toEqual([
      { kind: 'clone', certainty: 'definite', qualifiers: { lightChain: 'lambda', heavyChain: 'unknown', method: 'pathology', matched: 'lambda-restricted plasma cells' } },
    ]);
  });

  it('reads the Greek letter and a named heavy chain, once', () => {
    expect(find('Monotypic λ plasma cells, IgA lambda.')).toMatchObject([
      { kind: 'clone', qualifiers: { lightChain: 'lambda', heavyChain: 'IgA', method: 'pathology', matched: 'Monotypic λ plasma cells' } },
    ]);
  });

  it('accepts the space variant, Unicode dashes and upper case', () => {
    expect(find('LAMBDA RESTRICTED plasma cells')[0]?.qualifiers.lightChain).toBe('lambda');
    expect(find('λ\u2013restricted plasma cells')[0]?.qualifiers.matched).toBe('λ\u2013restricted plasma cells');
    expect(find('lambda - restricted plasma cells')).toHaveLength(1);
  });

  it('reads "Kappa-restricted" as a kappa clone', () => {
    expect(find('Kappa-restricted plasma cells.')).toMatchObject([{ kind: 'clone', qualifiers: { lightChain: 'kappa' } }]);
  });

  it('reads a biclonal sentence as one lambda clone with the heavy chain of the lambda band', () => {
    expect(find('Serum IFE shows IgG kappa and, separately, a small monoclonal lambda band of IgA type.').filter((f) => f.kind === 'clone')).toMatchObject([
      { kind: 'clone', qualifiers: { lightChain: 'lambda', heavyChain: 'IgA', method: 'ife' } },
    ]);
  });

  it('does not take a heavy chain from another sentence', () => {
    expect(find('Clonal plasma cells, 8%. Serum IgA 4.2 g/L.')).toMatchObject([
      { kind: 'clone', qualifiers: { lightChain: 'unknown', heavyChain: 'unknown', matched: 'Clonal plasma cells' } },
    ]);
  });

  it('reads "clonal plasma cells … lambda" as a lambda clone', () => {
    expect(find('Clonal plasma cells with lambda predominance.')[0]?.qualifiers.lightChain).toBe('lambda');
    expect(find('The marrow shows clonal plasma cells, 10%, lambda.')[0]?.qualifiers.lightChain).toBe('lambda');
  });

  it('finds nothing in "Polytypic plasma cells; no monotypic plasma cells."', () => {
    expect(find('Polytypic plasma cells; no monotypic plasma cells.')).toEqual([]);
  });

  it('finds nothing when the negation names the restricted cells', () => {
    expect(find('No monotypic lambda plasma cells identified.')).toEqual([]);
    expect(find('No clonal plasma cells.')).toEqual([]);
    expect(find('No light chain restricted population.')).toEqual([]);
  });
});

describe('when a finding is negated', () => {
  it.each([
    'No evidence of Castleman disease.',
    'Castleman disease was ruled out.',
    'negative for sclerotic lesions',
    'Castleman disease is unlikely.',
    'Splenomegaly: absent.',
    'Without ascites.',
    'There is no hepatomegaly or splenomegaly.',
    'Sclerotic lesions: none.',
    'Pleural effusion has resolved.',
    'Resolution of ascites.',
  ])('finds nothing in %j, and says why', (text) => {
    const r = read(text);
    expect(r.findings).toEqual([]);
    expect(r.notes.map((n) => n.reason)).toContain('NEGATED');
  });

  it('lets a terminator end the scope: "No pleural effusion, but there is mild splenomegaly."', () => {
    expect(kinds('No pleural effusion, but there is mild splenomegaly.')).toEqual(['organomegaly']);
  });

  it('never negates with a pseudo-trigger: a stable lesion is a lesion', () => {
    expect(kinds('No significant change in the hepatomegaly.')).toEqual(['organomegaly']);
    expect(kinds('No increase in ascites.')).toEqual(['volumeOverload']);
    expect(kinds('No interval change in the sclerotic lesions.')).toEqual(['scleroticBone']);
    expect(kinds('Stable sclerotic lesion in L2. Unchanged splenomegaly.')).toEqual(['scleroticBone', 'organomegaly']);
  });

  it('does not take "unresolved", "resolving" or "partially resolved" for resolution', () => {
    expect(kinds('Unresolved ascites. Resolving pleural effusion. Partially resolved pericardial effusion.')).toEqual(['volumeOverload']);
    expect(find('Partially resolved pericardial effusion.')).toHaveLength(1);
  });

  it('does not let a pseudo-trigger hide a real negation later in the sentence', () => {
    expect(find('No interval change; no splenomegaly.')).toEqual([]);
  });

  it('negates to the end of the sentence, over a whole list (spec §1.2)', () => {
    expect(find('No hepatomegaly, splenomegaly, ascites or pleural effusion.')).toEqual([]);
    expect(find('No fever was recorded during the admission, hepatomegaly on examination.')).toEqual([]);
  });

  it('negates back to the start of the sentence after "unlikely" or "not seen"', () => {
    expect(find('Castleman disease, on this small sample, is unlikely.')).toEqual([]);
    expect(find('Lytic or sclerotic lesions not seen.')).toEqual([]);
  });

  it('stops a backward negation at an affirmation: "Hepatomegaly is present and ascites is absent."', () => {
    expect(kinds('Hepatomegaly is present and ascites is absent.')).toEqual(['organomegaly']);
  });

  it('lets a term set off by a comma and affirmed right after it out of the negation', () => {
    expect(kinds('No ascites, hepatomegaly present.')).toEqual(['organomegaly']);
    expect(find('No hepatomegaly, splenomegaly, ascites or pleural effusion is seen.')).toEqual([]);
  });

  it('does not reach across a sentence or a blank line', () => {
    expect(kinds('No fever. Hepatomegaly.')).toEqual(['organomegaly']);
    expect(kinds('No fever; ascites present.')).toEqual(['volumeOverload']);
    expect(kinds('No fever\n\nascites present')).toEqual(['volumeOverload']);
  });

  it('reaches across a line break, which is not a sentence end', () => {
    expect(find('No fever\nascites present')).toEqual([]);
    expect(find('CT abdomen: no hepatomegaly, splenomegaly,\nascites or lymphadenopathy.')).toEqual([]);
  });

  it('does not split a sentence at "e.g." or a decimal', () => {
    expect(kinds('No features of e.g. Castleman disease.')).toEqual([]);
    expect(kinds('No 2.5 cm sclerotic lesion.')).toEqual([]);
  });

  it('negates only the phrase the trigger reaches', () => {
    expect(kinds('Hepatomegaly present; ascites was ruled out.')).toEqual(['organomegaly']);
  });
});

describe('when a finding is hedged, hypothetical, historical or about a relative (ConText)', () => {
  it.each([
    ['Possible Castleman disease.', 'castleman'],
    ['Findings are suspicious for sclerotic metastases.', 'scleroticBone'],
    ['Castleman disease cannot be excluded.', 'castleman'],
    ['Cannot rule out Castleman disease.', 'castleman'],
    ['Castleman disease not ruled out.', 'castleman'],
    ['Differential includes Castleman disease and lymphoma.', 'castleman'],
    ['Query sclerotic focus in L3.', 'scleroticBone'],
    ['?Castleman disease', 'castleman'],
    ['Splenomegaly?', 'organomegaly'],
    ['Sclerotic focus in L3 (?).', 'scleroticBone'],
  ])('keeps %j as a possible %s', (text, kind) => {
    expect(find(text)).toMatchObject([{ kind, certainty: 'possible' }]);
  });

  it('lets a trailing "?" hedge only its own clause', () => {
    expect(find('Hepatomegaly, splenomegaly?')).toMatchObject([{ kind: 'organomegaly', certainty: 'definite', qualifiers: { matched: 'Hepatomegaly' } }]);
  });

  it('keeps a hedged CIDP definite, with cidp: the doubt is about its cause', () => {
    expect(find('Possible CIDP.')).toMatchObject([{ kind: 'neuropathy', certainty: 'definite', qualifiers: { cidp: true } }]);
    expect(find('Probable chronic inflammatory demyelinating polyradiculoneuropathy (EAN/PNS 2021).')).toMatchObject([{ certainty: 'definite', qualifiers: { cidp: true } }]);
  });

  it.each(['Rule out Castleman disease.', 'R/O sclerotic lesion.', 'CT to assess for sclerotic lesions.', 'Evaluate for hepatomegaly.', 'Screening for POEMS: sclerotic lesions to be excluded.'])(
    'finds nothing in the hypothetical %j',
    (text) => {
      const r = read(text);
      expect(r.findings).toEqual([]);
      expect(r.notes.map((n) => n.reason)).toEqual(['HYPOTHETICAL']);
    },
  );

  it('keeps a chronic kind after "history of" and drops the others', () => {
    expect(kinds('History of CIDP.')).toEqual(['neuropathy']);
    expect(kinds('History of Castleman disease.')).toEqual(['castleman']);
    const r = read('History of pleural effusion.');
    expect(r.findings).toEqual([]);
    expect(r.notes).toMatchObject([{ reason: 'HISTORY_ONLY', kind: 'volumeOverload', text: 'pleural effusion' }]);
  });

  it.each(['Family history of Castleman disease.', 'Mother had hepatosplenomegaly.', 'Brother with CIDP.'])('finds nothing of the patient in %j', (text) => {
    const r = read(text);
    expect(r.findings).toEqual([]);
    expect(r.notes.map((n) => n.reason)).toEqual(['FAMILY']);
  });
});

describe('when a report has sections', () => {
  it('reads only the neuropathy under an indication header', () => {
    const r = read('INDICATION: CIDP, hepatosplenomegaly, ?POEMS.\nFINDINGS: Multiple sclerotic lesions in the pelvis.');
    expect(r.findings.map((f) => f.kind)).toEqual(['neuropathy', 'scleroticBone']);
    expect(r.notes).toMatchObject([{ reason: 'INDICATION_SECTION', kind: 'organomegaly' }]);
  });

  it('ends an indication section at a blank line or the next header', () => {
    expect(kinds('Clinical history: thrombocytosis, query POEMS.\n\nSplenomegaly.')).toEqual(['organomegaly']);
    expect(kinds('REASON FOR EXAM: splenomegaly\nIMPRESSION: Splenomegaly, 16 cm.')).toEqual(['organomegaly']);
  });

  it('reads nothing of the patient under a family history header', () => {
    expect(find('FAMILY HISTORY: CIDP in a cousin.')).toEqual([]);
  });
});

describe('when a lymph-node report names Castleman disease', () => {
  it('reports castleman once for "hyaline vascular variant Castleman disease"', () => {
    expect(find('Lymph node: hyaline vascular variant Castleman disease.')).toEqual([
      { kind: 'castleman', certainty: 'definite', qualifiers: { matched: 'hyaline vascular variant' } },
    ]);
  });

  it('matches the longest phrase: "multicentric Castleman disease" once', () => {
    expect(find('Consistent with multicentric Castleman disease.')).toMatchObject([{ kind: 'castleman', qualifiers: { matched: 'multicentric Castleman' } }]);
  });

  it('accepts a curly apostrophe and reads "Castleman-like" as possible', () => {
    expect(find('Features of Castleman\u2019s disease.')[0]?.qualifiers.matched).toBe('Castleman\u2019s disease');
    expect(find('Reactive node with Castleman-like features.')).toMatchObject([{ kind: 'castleman', certainty: 'possible' }]);
  });
});

describe('when a radiology report describes bone lesions', () => {
  it('reports sclerotic bone for "Multiple sclerotic lesions in the pelvis and spine."', () => {
    expect(find('Multiple sclerotic lesions in the pelvis and spine.')).toEqual([
      { kind: 'scleroticBone', certainty: 'definite', qualifiers: { matched: 'sclerotic lesions' } },
    ]);
  });

  it('prefers "mixed lytic-sclerotic" over the shorter phrases inside it', () => {
    expect(find('Mixed lytic-sclerotic lesions of the iliac wing.')[0]?.qualifiers.matched).toBe('Mixed lytic-sclerotic');
  });

  it('reads metastases and a sclerotic rim as possible, the definite lesion winning', () => {
    expect(find('Sclerotic metastases in the spine.')).toMatchObject([{ certainty: 'possible' }]);
    expect(find('Lytic lesion with a sclerotic rim in the femur.')).toMatchObject([{ certainty: 'possible' }]);
    expect(find('Osteoblastic metastases in the spine. Osteosclerotic lesion in L3.')).toMatchObject([{ certainty: 'definite', qualifiers: { matched: 'Osteosclerotic' } }]);
  });

  it('removes the lesion a mimic describes, in the same phrase or the next sentence', () => {
    for (const text of [
      'Small sclerotic focus in the femoral head, consistent with a bone island.',
      'Sclerotic foci, likely degenerative sclerosis.',
      '4 mm sclerotic focus. Likely a bone island.',
      'Sclerotic lesion in L3, likely Paget disease.',
    ]) {
      const r = read(text);
      expect(r.findings, text).toEqual([]);
      expect(r.notes.map((n) => n.reason), text).toEqual(['MIMIC']);
    }
  });

  it('keeps a lesion as possible when the mimic is one explanation among others', () => {
    expect(find('Sclerotic lesion in L2, too small to characterise; ?bone island ?metastasis.')).toMatchObject([{ kind: 'scleroticBone', certainty: 'possible' }]);
    expect(find('8 mm sclerotic focus: bone island or metastasis.')).toMatchObject([{ kind: 'scleroticBone', certainty: 'possible' }]);
  });

  it('keeps a separate lesion in the same sentence or a mimic of its own in the next', () => {
    expect(kinds('Sclerotic lesions in the pelvis and a bone island in the femur.')).toEqual(['scleroticBone']);
    expect(kinds('Osteosclerotic lesion in L3. Separate bone island in the femur.')).toEqual(['scleroticBone']);
    expect(kinds('Enostosis.')).toEqual([]);
  });
});

describe('when a neurophysiology report names CIDP', () => {
  it('reports neuropathy with cidp once for the full name and the acronym', () => {
    expect(find('Nerve conduction studies consistent with chronic inflammatory demyelinating polyneuropathy (CIDP).')).toEqual([
      { kind: 'neuropathy', certainty: 'definite', qualifiers: { cidp: true, matched: 'chronic inflammatory demyelinating polyneuropathy' } },
    ]);
  });

  it('reports a demyelinating (sensorimotor) polyneuropathy with cidp, but not Guillain-Barré', () => {
    expect(find('Demyelinating sensorimotor polyneuropathy.')).toMatchObject([{ kind: 'neuropathy', qualifiers: { cidp: true } }]);
    expect(read('Acute inflammatory demyelinating polyneuropathy.').notes).toMatchObject([{ reason: 'MIMIC', kind: 'neuropathy' }]);
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
    expect(find(text).map((m) => [m.kind, m.qualifiers.matched])).toEqual([
      ['organomegaly', 'hepatosplenomegaly'],
      ['volumeOverload', 'pleural effusions'],
      ['scleroticBone', 'sclerotic lesions'],
    ]);
  });

  it('keeps the definite mention of a kind over a possible one', () => {
    expect(find('Possible splenomegaly. Definite hepatomegaly.')).toMatchObject([{ kind: 'organomegaly', certainty: 'definite', qualifiers: { matched: 'hepatomegaly' } }]);
  });

  it('returns fresh qualifier objects that do not alias the profile', () => {
    const [match] = find('CIDP.');
    expect(match?.qualifiers).not.toBe(DEFAULT_PROFILE.text.rules[0]?.qualifiers);
  });
});

describe('when a site profile changes the phrases', () => {
  const profile: SiteProfile = {
    ...DEFAULT_PROFILE,
    text: {
      ...DEFAULT_PROFILE.text,
      rules: [{ kind: 'skinChanges', phrases: ['cherry angioma'], qualifiers: {}, certainty: 'definite', mimics: [] }],
      context: [...DEFAULT_PROFILE.text.context, { category: 'negated', direction: 'forward', phrases: ['ingen', 'inga'] }],
    },
  };

  it('uses the site phrases and triggers instead of the defaults', () => {
    expect(find('Multiple cherry angiomas on the trunk.', profile)).toEqual([
      { kind: 'skinChanges', certainty: 'definite', qualifiers: { matched: 'cherry angiomas' } },
    ]);
    expect(find('Hepatomegaly.', profile)).toEqual([]);
    expect(find('ingen cherry angioma', profile)).toEqual([]);
  });

  it('finds nothing when the profile has no text rules and no clone words', () => {
    const bare: SiteProfile = { ...DEFAULT_PROFILE, text: { ...DEFAULT_PROFILE.text, rules: [], clone: { ...DEFAULT_PROFILE.text.clone, bands: [], weakBands: [], restriction: [], heavyChains: { IgA: [], IgG: [], IgM: [] }, lightChains: { lambda: [], kappa: [] }, methods: { ...DEFAULT_PROFILE.text.clone.methods, ife: [] } } } };
    expect(read('Hepatomegaly. IgA lambda paraprotein.', bare)).toEqual({ findings: [], notes: [] });
  });
});
